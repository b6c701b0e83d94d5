//! Small SVG charts for the HTML report: drawn as text, so the report is one file that opens
//! in any browser with no network and prints sharply.

use super::html::escape;
use std::fmt::Write;

/// Series colour `i` as CSS (the window's palette, [`crate::look::PALETTE`]).
fn color(i: usize) -> String {
    let [r, g, b] = crate::look::PALETTE[i % crate::look::PALETTE.len()];
    format!("#{r:02X}{g:02X}{b:02X}")
}

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 240.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 30.0;
const BOTTOM: f64 = 44.0;

/// One series of a bar chart.
pub struct Series<'a> {
    /// Its name (legend).
    pub name: &'a str,
    /// One value per category.
    pub values: Vec<f64>,
}

/// A "nice" upper bound for an axis and its tick step.
fn nice(max: f64) -> (f64, f64) {
    if max <= 0.0 || !max.is_finite() {
        return (1.0, 0.25);
    }
    let raw = max / 4.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    ((max / step).ceil() * step, step)
}

fn open(svg: &mut String, title: &str) {
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{t}" font-family="sans-serif" font-size="11"><title>{t}</title><text x="4" y="14" font-size="13" font-weight="bold">{t}</text>"#,
        t = escape(title)
    );
}

fn y_axis(svg: &mut String, top: f64, step: f64, unit: &dyn Fn(f64) -> String) {
    let plot_h = HEIGHT - TOP - BOTTOM;
    let mut v = 0.0;
    while v <= top + 1e-9 {
        let y = HEIGHT - BOTTOM - v / top * plot_h;
        let _ = write!(
            svg,
            r##"<line x1="{LEFT}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="#ddd"/><text x="{}" y="{:.1}" text-anchor="end">{}</text>"##,
            WIDTH - RIGHT,
            LEFT - 6.0,
            y + 4.0,
            escape(&unit(v))
        );
        v += step;
    }
}

/// Approximate width of `text` at the charts' font size (CJK characters are wider).
fn text_width(text: &str) -> f64 {
    text.chars()
        .map(|c| if c.is_ascii() { 6.5 } else { 11.5 })
        .sum()
}

/// The legend, right-aligned on the title's line.
fn legend(svg: &mut String, names: &[&str]) {
    let total: f64 = names.iter().map(|n| 24.0 + text_width(n)).sum();
    let mut x = WIDTH - RIGHT - total;
    for (i, n) in names.iter().enumerate() {
        let _ = write!(
            svg,
            r#"<rect x="{x:.1}" y="6" width="10" height="10" fill="{}"/><text x="{:.1}" y="15">{}</text>"#,
            color(i),
            x + 14.0,
            escape(n)
        );
        x += 24.0 + text_width(n);
    }
}

/// Bars per category: one bar per series side by side, or stacked when `stacked`; y values
/// formatted by `unit`. Every category is labelled (labels longer than 10 characters are cut,
/// with the whole label as the bar's tooltip).
pub fn bars(
    title: &str,
    categories: &[String],
    series: &[Series],
    stacked: bool,
    unit: &dyn Fn(f64) -> String,
) -> String {
    let mut svg = String::new();
    open(&mut svg, title);
    let n = categories.len().max(1) as f64;
    let max = (0..categories.len())
        .map(|c| {
            let values = series
                .iter()
                .map(|s| s.values.get(c).copied().unwrap_or(0.0));
            if stacked {
                values.sum::<f64>()
            } else {
                values.fold(0.0, f64::max)
            }
        })
        .fold(0.0, f64::max);
    let (top, step) = nice(max);
    y_axis(&mut svg, top, step, unit);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let slot = plot_w / n;
    let k = if stacked {
        1.0
    } else {
        series.len().max(1) as f64
    };
    let bar_w = slot * 0.8 / k;
    for (c, label) in categories.iter().enumerate() {
        let x0 = LEFT + c as f64 * slot + slot * 0.1;
        let mut base = 0.0;
        for (s, ser) in series.iter().enumerate() {
            let v = ser.values.get(c).copied().unwrap_or(0.0).max(0.0);
            let h = v / top * plot_h;
            let (x, y) = if stacked {
                (x0, HEIGHT - BOTTOM - (base + v) / top * plot_h)
            } else {
                (x0 + s as f64 * bar_w, HEIGHT - BOTTOM - h)
            };
            let _ = write!(
                svg,
                r#"<rect x="{x:.1}" y="{y:.1}" width="{:.1}" height="{h:.1}" fill="{}"><title>{} · {}: {}</title></rect>"#,
                (bar_w - 1.0).max(1.0),
                color(s),
                escape(label),
                escape(ser.name),
                escape(&unit(v))
            );
            base += v;
        }
        let short = crate::data::cells::shortened(label, 10);
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end" transform="rotate(-30 {:.1} {:.1})"><title>{}</title>{}</text>"#,
            x0 + slot * 0.4,
            HEIGHT - BOTTOM + 14.0,
            x0 + slot * 0.4,
            HEIGHT - BOTTOM + 14.0,
            escape(label),
            escape(&short)
        );
    }
    if series.len() > 1 {
        legend(&mut svg, &series.iter().map(|s| s.name).collect::<Vec<_>>());
    }
    svg.push_str("</svg>");
    svg
}

/// Curves on the unit square (ROC), with the diagonal dashed for reference.
pub fn unit_curves(title: &str, axes: [&str; 2], curves: &[(&str, Vec<[f64; 2]>)]) -> String {
    let mut svg = String::new();
    open(&mut svg, title);
    y_axis(&mut svg, 1.0, 0.25, &|v| format!("{v:.2}"));
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let at = |p: [f64; 2]| (LEFT + p[0] * plot_w, HEIGHT - BOTTOM - p[1] * plot_h);
    let (x0, y0) = at([0.0, 0.0]);
    let (x1, y1) = at([1.0, 1.0]);
    let _ = write!(
        svg,
        r##"<line x1="{x0:.1}" y1="{y0:.1}" x2="{x1:.1}" y2="{y1:.1}" stroke="#999" stroke-dasharray="4 3"/>"##
    );
    for (i, (_, points)) in curves.iter().enumerate() {
        let path: Vec<String> = points
            .iter()
            .map(|p| {
                let (x, y) = at(*p);
                format!("{x:.1},{y:.1}")
            })
            .collect();
        let _ = write!(
            svg,
            r#"<polyline fill="none" stroke="{}" stroke-width="2" points="{}"/>"#,
            color(i),
            path.join(" ")
        );
    }
    let _ = write!(
        svg,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text><text x="14" y="{:.1}" transform="rotate(-90 14 {:.1})" text-anchor="middle">{}</text>"#,
        LEFT + plot_w / 2.0,
        HEIGHT - 8.0,
        escape(axes[0]),
        TOP + plot_h / 2.0,
        TOP + plot_h / 2.0,
        escape(axes[1])
    );
    legend(&mut svg, &curves.iter().map(|c| c.0).collect::<Vec<_>>());
    svg.push_str("</svg>");
    svg
}

/// Rates with their confidence intervals, one per variant (experiment read-outs).
pub fn intervals(title: &str, rows: &[(String, f64, [f64; 2])]) -> String {
    let mut svg = String::new();
    open(&mut svg, title);
    let max = rows.iter().map(|r| r.2[1]).fold(0.0, f64::max);
    let (top, step) = nice(max);
    y_axis(&mut svg, top, step, &|v| format!("{:.1}%", 100.0 * v));
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let slot = plot_w / rows.len().max(1) as f64;
    let y = |v: f64| HEIGHT - BOTTOM - v / top * plot_h;
    for (i, (name, rate, [lo, hi])) in rows.iter().enumerate() {
        let x = LEFT + (i as f64 + 0.5) * slot;
        let color = color(i);
        let _ = write!(
            svg,
            r#"<line x1="{x:.1}" x2="{x:.1}" y1="{:.1}" y2="{:.1}" stroke="{color}" stroke-width="2"/><circle cx="{x:.1}" cy="{:.1}" r="5" fill="{color}"><title>{}: {:.2}% [{:.2}, {:.2}]</title></circle><text x="{x:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            y(*lo),
            y(*hi),
            y(*rate),
            escape(name),
            100.0 * rate,
            100.0 * lo,
            100.0 * hi,
            HEIGHT - BOTTOM + 16.0,
            escape(name)
        );
    }
    svg.push_str("</svg>");
    svg
}
