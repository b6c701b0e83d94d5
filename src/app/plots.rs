//! Shared plot pieces: error bars, confidence bands and date axes, all styled from
//! [`super::style`].

use super::style::series_color;
use egui_plot::{Line, LineStyle, PlotPoints, PlotUi, Points};

/// A point with a vertical error bar (e.g. a rate and its CI) at `x`.
pub fn error_bar(plot: &mut PlotUi<'_>, name: &str, series: usize, x: f64, y: f64, ci: [f64; 2]) {
    let color = series_color(series);
    plot.line(
        Line::new(name, PlotPoints::from(vec![[x, ci[0]], [x, ci[1]]]))
            .color(color)
            .width(2.0),
    );
    for end in ci {
        plot.line(
            Line::new(
                name,
                PlotPoints::from(vec![[x - 0.08, end], [x + 0.08, end]]),
            )
            .color(color)
            .width(2.0),
        );
    }
    plot.points(
        Points::new(name, PlotPoints::from(vec![[x, y]]))
            .color(color)
            .radius(5.0)
            .filled(true),
    );
}

/// A line with a shaded band (lower and upper bounds share the x values).
pub fn band(
    plot: &mut PlotUi<'_>,
    name: &str,
    series: usize,
    xs: &[f64],
    y: &[f64],
    lo: &[f64],
    hi: &[f64],
) {
    let color = series_color(series);
    plot.add(egui_plot::FilledArea::new(name, xs, lo, hi).fill_color(color.gamma_multiply(0.25)));
    plot.line(
        Line::new(
            name,
            PlotPoints::from(xs.iter().zip(y).map(|(x, y)| [*x, *y]).collect::<Vec<_>>()),
        )
        .color(color)
        .width(2.0),
    );
}

/// A dashed line through `points`.
pub fn dashed(plot: &mut PlotUi<'_>, name: &str, series: usize, points: Vec<[f64; 2]>) {
    plot.line(
        Line::new(name, PlotPoints::from(points))
            .color(series_color(series))
            .style(LineStyle::dashed_dense())
            .width(1.5),
    );
}

/// Formats an x value that indexes `labels` (e.g. days) as its label.
pub fn index_label(labels: &[String], x: f64) -> String {
    let i = x.round();
    if (x - i).abs() > 1e-6 || i < 0.0 {
        return String::new();
    }
    labels.get(i as usize).cloned().unwrap_or_default()
}
