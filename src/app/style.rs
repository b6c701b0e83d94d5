//! One place for the look: fonts (the bundled CJK font) and the colours of plots and
//! status text.

use egui::epaint::text::{FontInsert, FontPriority, InsertFontFamily};
use egui::{Color32, FontData, FontFamily};

/// Noto Sans CJK SC, subset to GB2312 (see `assets/fonts/README.md`).
const CJK_FONT: &[u8] = include_bytes!("../../assets/fonts/NotoSansSC-Subset.otf");

/// Installs the CJK font as a fallback after egui's own fonts, for both families.
pub fn install_fonts(ctx: &egui::Context) {
    ctx.add_font(FontInsert::new(
        "noto-sans-sc",
        FontData::from_static(CJK_FONT),
        vec![
            InsertFontFamily {
                family: FontFamily::Proportional,
                priority: FontPriority::Lowest,
            },
            InsertFontFamily {
                family: FontFamily::Monospace,
                priority: FontPriority::Lowest,
            },
        ],
    ));
}

/// How much larger text is in projector mode.
pub const PROJECTOR_SCALE: f32 = 1.3;

/// Sets every text style to egui's default size, times [`PROJECTOR_SCALE`] in projector mode
/// (plots and tables keep their layout; only text grows, so results stay above the fold).
pub fn set_projector(ctx: &egui::Context, on: bool) {
    let scale = if on { PROJECTOR_SCALE } else { 1.0 };
    let defaults = egui::Style::default().text_styles;
    ctx.all_styles_mut(|style| {
        for (name, font) in style.text_styles.iter_mut() {
            if let Some(d) = defaults.get(name) {
                font.size = d.size * scale;
            }
        }
    });
}

/// The colour of series `i` (see [`crate::look::PALETTE`]).
pub fn series_color(i: usize) -> Color32 {
    let [r, g, b] = crate::look::PALETTE[i % crate::look::PALETTE.len()];
    Color32::from_rgb(r, g, b)
}

/// A shade for a share in [0, 1] on a heat map ([`crate::look::sequential`]).
pub fn sequential(value: f64) -> Color32 {
    let [r, g, b] = crate::look::sequential(value);
    Color32::from_rgb(r, g, b)
}

/// A shade for a standardised difference ([`crate::look::diverging`]).
pub fn diverging(z: f64) -> Color32 {
    let [r, g, b] = crate::look::diverging(z);
    Color32::from_rgb(r, g, b)
}

/// Black or white, whichever reads better on `fill`.
pub fn ink_on(fill: Color32) -> Color32 {
    if crate::look::dark_ink_on([fill.r(), fill.g(), fill.b()]) {
        Color32::from_gray(20)
    } else {
        Color32::WHITE
    }
}

/// Text colour for warnings (rejected rows, orphans).
pub const WARN: Color32 = Color32::from_rgb(0xD9, 0x7A, 0x00);
/// Text colour for errors.
pub const ERROR: Color32 = Color32::from_rgb(0xD0, 0x3A, 0x3A);
/// Text colour for success.
pub const OK: Color32 = Color32::from_rgb(0x3A, 0x9A, 0x4A);

/// Design tokens: the sizes and spacing every tab uses, named once.
/// A small gap (between a heading and what it heads).
pub const GAP_SMALL: f32 = 4.0;
/// A medium gap (between rows of controls).
pub const GAP: f32 = 6.0;
/// A large gap (between sections of a tab).
pub const GAP_LARGE: f32 = 8.0;
/// Height of a plot that has a row to itself.
pub const PLOT_HEIGHT: f32 = 300.0;
/// Height of a plot beside another.
pub const PLOT_HEIGHT_SMALL: f32 = 220.0;
/// Column and row spacing of tables.
pub const TABLE_SPACING: [f32; 2] = [12.0, 2.0];
/// Width of plotted lines.
pub const LINE_WIDTH: f32 = 2.0;
/// Width of secondary lines (reference lines, tree edges).
pub const THIN_LINE_WIDTH: f32 = 1.5;
/// Width of a progress bar in the status bar.
pub const PROGRESS_WIDTH: f32 = 260.0;
/// Height of a row of a cell grid (cohorts, segment comparison).
pub const CELL_HEIGHT: f32 = 22.0;
/// Size of the text in a cell grid.
pub const CELL_TEXT_SIZE: f32 = 12.0;
/// Size of text labels drawn inside plots (course names in the learning-path flow).
pub const PLOT_LABEL_SIZE: f32 = 13.0;

/// Paints a small bar histogram (for column summaries) into a fixed-size box.
pub fn sparkline(ui: &mut egui::Ui, counts: &[u64], size: egui::Vec2) -> egui::Response {
    let (rect, response) = ui.allocate_exact_size(size, egui::Sense::hover());
    let max = counts.iter().copied().max().unwrap_or(0).max(1) as f32;
    let n = counts.len().max(1) as f32;
    let w = rect.width() / n;
    let painter = ui.painter_at(rect);
    for (i, &c) in counts.iter().enumerate() {
        let h = rect.height() * c as f32 / max;
        let x = rect.left() + i as f32 * w;
        let bar = egui::Rect::from_min_max(
            egui::pos2(x + 0.5, rect.bottom() - h),
            egui::pos2(x + w - 0.5, rect.bottom()),
        );
        painter.rect_filled(bar, 0.0, series_color(0));
    }
    response
}

/// How often the window redraws while a job runs and nothing else moves: often enough for a
/// spinner and a progress bar, seldom enough that drawing does not take the cores the job
/// needs (at full speed under a software renderer on 2 cores, jobs in the window ran at half
/// the speed of the same work on the command line).
pub const BUSY_FRAME: std::time::Duration = std::time::Duration::from_millis(100);

/// A spinner, as egui draws it, that asks for the next frame only after [`BUSY_FRAME`]
/// (egui's own asks for every frame).
pub fn busy(ui: &mut egui::Ui) -> egui::Response {
    let size = ui.style().spacing.interact_size.y;
    let (rect, response) = ui.allocate_exact_size(egui::vec2(size, size), egui::Sense::hover());
    if ui.is_rect_visible(rect) {
        ui.ctx().request_repaint_after(BUSY_FRAME);
        let color = ui.visuals().strong_text_color();
        let radius = rect.height() / 2.0 - 2.0;
        let time = ui.input(|i| i.time);
        let start = time * std::f64::consts::TAU;
        let end = start + 240f64.to_radians() * time.sin();
        let points: Vec<egui::Pos2> = (0..20)
            .map(|i| {
                let angle = start + (end - start) * f64::from(i) / 20.0;
                let (sin, cos) = angle.sin_cos();
                rect.center() + radius * egui::vec2(cos as f32, sin as f32)
            })
            .collect();
        ui.painter()
            .add(egui::Shape::line(points, egui::Stroke::new(3.0, color)));
    }
    response
}
