//! Shared plot pieces: error bars, confidence bands and date axes, all styled from
//! [`super::style`].

use super::style::{self, series_color};
use egui_plot::{
    Bar, BarChart, Legend, Line, LineStyle, Plot, PlotPoints, PlotUi, Points, Polygon,
};

/// A point with a vertical error bar (e.g. a rate and its CI) at `x`.
pub fn error_bar(plot: &mut PlotUi<'_>, name: &str, series: usize, x: f64, y: f64, ci: [f64; 2]) {
    let color = series_color(series);
    plot.line(
        Line::new(name, PlotPoints::from(vec![[x, ci[0]], [x, ci[1]]]))
            .color(color)
            .width(style::LINE_WIDTH),
    );
    for end in ci {
        plot.line(
            Line::new(
                name,
                PlotPoints::from(vec![[x - 0.08, end], [x + 0.08, end]]),
            )
            .color(color)
            .width(style::LINE_WIDTH),
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
        .width(style::LINE_WIDTH),
    );
}

/// A dashed line through `points`.
pub fn dashed(plot: &mut PlotUi<'_>, name: &str, series: usize, points: Vec<[f64; 2]>) {
    plot.line(
        Line::new(name, PlotPoints::from(points))
            .color(series_color(series))
            .style(LineStyle::dashed_dense())
            .width(style::THIN_LINE_WIDTH),
    );
}

/// Grid marks at 0, 1, …, `count` − 1 that egui labels every one of: with its default spacing
/// egui hides the labels of marks it finds too close together, leaving groups unnamed.
pub fn one_mark_each(count: usize) -> impl Fn(egui_plot::GridInput) -> Vec<egui_plot::GridMark> {
    move |_| {
        (0..count)
            .map(|g| egui_plot::GridMark {
                value: g as f64,
                step_size: 10.0,
            })
            .collect()
    }
}

/// Formats an x value that indexes `labels` (e.g. days) as its label.
pub fn index_label(labels: &[String], x: f64) -> String {
    let i = x.round();
    if (x - i).abs() > 1e-6 || i < 0.0 {
        return String::new();
    }
    labels.get(i as usize).cloned().unwrap_or_default()
}

/// Grouped bars: one group per entry of `groups` (x axis), one coloured bar per series in
/// each, with a legend of the series.
pub fn grouped_bars(
    ui: &mut egui::Ui,
    id: &str,
    groups: &[String],
    series: &[(String, Vec<f64>)],
    height: f32,
) {
    let n = series.len().max(1) as f64;
    let width = 0.8 / n;
    let labels = groups.to_vec();
    let count = groups.len();
    let top = series
        .iter()
        .flat_map(|(_, v)| v.iter().copied())
        .fold(0.0f64, f64::max);
    Plot::new(id)
        .height(height)
        // Headroom above the bars for the legend.
        .include_y(top * 1.6)
        .include_y(0.0)
        .legend(Legend::default())
        .allow_scroll(false)
        .allow_drag(false)
        .x_axis_formatter(move |mark, _| index_label(&labels, mark.value))
        .x_grid_spacer(one_mark_each(count))
        .show(ui, |plot| {
            for (s, (name, values)) in series.iter().enumerate() {
                let bars = values
                    .iter()
                    .enumerate()
                    .map(|(g, v)| {
                        Bar::new(g as f64 - 0.4 + width * (s as f64 + 0.5), *v)
                            .width(width * 0.9)
                            .name(format!("{name}: {v:.3}"))
                    })
                    .collect();
                plot.bar_chart(BarChart::new(name.clone(), bars).color(series_color(s)));
            }
        });
}

/// A unit-square plot of curves (ROC, calibration, gains) with the diagonal for reference.
pub fn unit_curves(
    ui: &mut egui::Ui,
    id: &str,
    axes: [&str; 2],
    diagonal: &str,
    curves: &[(String, Vec<[f64; 2]>)],
    height: f32,
) {
    Plot::new(id)
        .height(height)
        .data_aspect(1.0)
        .legend(Legend::default().position(egui_plot::Corner::RightBottom))
        .allow_scroll(false)
        .include_x(0.0)
        .include_x(1.0)
        .include_y(0.0)
        .include_y(1.0)
        .x_axis_label(axes[0])
        .y_axis_label(axes[1])
        .show(ui, |plot| {
            dashed(plot, diagonal, 7, vec![[0.0, 0.0], [1.0, 1.0]]);
            for (s, (name, points)) in curves.iter().enumerate() {
                plot.line(
                    Line::new(name.clone(), PlotPoints::from(points.clone()))
                        .color(series_color(s))
                        .width(style::LINE_WIDTH),
                );
                if points.len() <= 12 {
                    plot.points(
                        Points::new(name.clone(), PlotPoints::from(points.clone()))
                            .color(series_color(s))
                            .radius(3.0)
                            .filled(true),
                    );
                }
            }
        });
}

/// A heat map of shares in [0, 1]: `cells[row][column]`, row r drawn at y = r, column j
/// centred at `x_centres[j]` (equal steps); hovering a cell shows its value as a percentage.
pub fn heat_map(
    ui: &mut egui::Ui,
    id: &str,
    axes: [&str; 2],
    x_centres: &[f64],
    cells: &[Vec<f64>],
    height: f32,
) {
    let step = match x_centres {
        [a, b, ..] => b - a,
        [a] => 2.0 * a,
        [] => return,
    };
    let start = x_centres[0] - step / 2.0;
    let lookup = cells.to_vec();
    let (x_name, y_name) = (axes[0].to_string(), axes[1].to_string());
    Plot::new(id)
        .height(height)
        .allow_scroll(false)
        .allow_drag(false)
        .allow_zoom(false)
        .x_axis_label(axes[0])
        .y_axis_label(axes[1])
        .label_formatter(move |hover| {
            let (egui_plot::HoverPosition::NearDataPoint { position: p, .. }
            | egui_plot::HoverPosition::Elsewhere { position: p }) = hover;
            let row = p.y.round();
            let col = ((p.x - start) / step).floor();
            if row < 0.0 || col < 0.0 {
                return None;
            }
            let v = lookup.get(row as usize)?.get(col as usize)?;
            Some(format!(
                "{x_name} {:.0}–{:.0}\n{y_name} {row:.0}\n{:.0}%",
                start + col * step,
                start + (col + 1.0) * step,
                v * 100.0
            ))
        })
        .show(ui, |plot| {
            for (r, row) in cells.iter().enumerate() {
                let (y0, y1) = (r as f64 - 0.5, r as f64 + 0.5);
                for (j, v) in row.iter().enumerate() {
                    let (x0, x1) = (start + j as f64 * step, start + (j as f64 + 1.0) * step);
                    plot.polygon(
                        Polygon::new(
                            "",
                            PlotPoints::from(vec![[x0, y0], [x1, y0], [x1, y1], [x0, y1]]),
                        )
                        .fill_color(style::sequential(*v))
                        .stroke(egui::Stroke::NONE)
                        .allow_hover(false),
                    );
                }
            }
        });
}

/// A table of coloured cells (cohort retention, segment comparison): row labels on the left,
/// column labels on top, each cell filled by `color` and showing `text` of its value; empty
/// cells stay blank. Hovering a cell shows its row, column and `hover` text.
pub struct CellGrid<'a> {
    /// Row labels.
    pub rows: &'a [String],
    /// Column labels.
    pub columns: &'a [String],
    /// `cells[row][column]`.
    pub cells: &'a [Vec<Option<f64>>],
    /// The fill of a value.
    pub color: fn(f64) -> egui::Color32,
    /// The text in a cell.
    pub text: fn(f64) -> String,
    /// Width of a cell.
    pub cell_width: f32,
}

impl CellGrid<'_> {
    /// Draws the grid.
    pub fn show(&self, ui: &mut egui::Ui) {
        let font = egui::FontId::proportional(style::CELL_TEXT_SIZE);
        let label_width = self
            .rows
            .iter()
            .map(|r| {
                ui.painter()
                    .layout_no_wrap(r.clone(), font.clone(), egui::Color32::WHITE)
                    .size()
                    .x
            })
            .fold(0.0f32, f32::max)
            + style::GAP_LARGE;
        let h = style::CELL_HEIGHT;
        let size = egui::vec2(
            label_width + self.columns.len() as f32 * self.cell_width,
            h * (self.rows.len() + 1) as f32,
        );
        let (rect, response) = ui.allocate_exact_size(size, egui::Sense::hover());
        let painter = ui.painter_at(rect);
        let text_color = ui.visuals().text_color();
        for (j, c) in self.columns.iter().enumerate() {
            let x = rect.left() + label_width + (j as f32 + 0.5) * self.cell_width;
            painter.text(
                egui::pos2(x, rect.top() + h / 2.0),
                egui::Align2::CENTER_CENTER,
                c,
                font.clone(),
                text_color,
            );
        }
        let mut hovered = None;
        for (r, (label, row)) in self.rows.iter().zip(self.cells).enumerate() {
            let y = rect.top() + h * (r as f32 + 1.0);
            painter.text(
                egui::pos2(rect.left(), y + h / 2.0),
                egui::Align2::LEFT_CENTER,
                label,
                font.clone(),
                text_color,
            );
            for (j, v) in row.iter().enumerate() {
                let Some(v) = v else { continue };
                let cell = egui::Rect::from_min_size(
                    egui::pos2(rect.left() + label_width + j as f32 * self.cell_width, y),
                    egui::vec2(self.cell_width - 1.0, h - 1.0),
                );
                let fill = (self.color)(*v);
                painter.rect_filled(cell, 0.0, fill);
                painter.text(
                    cell.center(),
                    egui::Align2::CENTER_CENTER,
                    (self.text)(*v),
                    font.clone(),
                    style::ink_on(fill),
                );
                if response.hover_pos().is_some_and(|p| cell.contains(p)) {
                    hovered = Some((r, j, *v));
                }
            }
        }
        if let Some((r, j, v)) = hovered {
            response.on_hover_text(format!(
                "{}\n{}\n{}",
                self.rows[r],
                self.columns[j],
                (self.text)(v)
            ));
        }
    }
}
