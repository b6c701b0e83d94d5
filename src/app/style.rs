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

/// Series colours for plots, distinguishable in light and dark themes.
pub const PALETTE: [Color32; 8] = [
    Color32::from_rgb(0x4E, 0x79, 0xA7),
    Color32::from_rgb(0xF2, 0x8E, 0x2B),
    Color32::from_rgb(0x59, 0xA1, 0x4F),
    Color32::from_rgb(0xE1, 0x57, 0x59),
    Color32::from_rgb(0x76, 0xB7, 0xB2),
    Color32::from_rgb(0xED, 0xC9, 0x48),
    Color32::from_rgb(0xB0, 0x7A, 0xA1),
    Color32::from_rgb(0x9C, 0x75, 0x5F),
];

/// The colour of series `i`.
pub fn series_color(i: usize) -> Color32 {
    PALETTE[i % PALETTE.len()]
}

/// A shade for a value in [0, 1] on a heat map: from a pale to a deep blue, readable in light
/// and dark themes.
pub fn sequential(value: f64) -> Color32 {
    let t = value.clamp(0.0, 1.0) as f32;
    let (lo, hi): ([u8; 3], [u8; 3]) = ([0xE8, 0xF1, 0xFA], [0x1F, 0x4E, 0x8C]);
    let mix =
        |k: usize| (f32::from(lo[k]) + t * (f32::from(hi[k]) - f32::from(lo[k]))).round() as u8;
    Color32::from_rgb(mix(0), mix(1), mix(2))
}

/// A shade for a standardised difference: blue below the mean, orange above, white at it,
/// full at ±2 standard deviations.
pub fn diverging(z: f64) -> Color32 {
    let t = (z / 2.0).clamp(-1.0, 1.0) as f32;
    let white = [0xF7u8, 0xF7, 0xF7];
    let end: [u8; 3] = if t < 0.0 {
        [0x2C, 0x6F, 0xB0]
    } else {
        [0xE0, 0x70, 0x1E]
    };
    let a = t.abs();
    let mix = |k: usize| {
        (f32::from(white[k]) + a * (f32::from(end[k]) - f32::from(white[k]))).round() as u8
    };
    Color32::from_rgb(mix(0), mix(1), mix(2))
}

/// Black or white, whichever reads better on `fill`.
pub fn ink_on(fill: Color32) -> Color32 {
    let luma =
        0.299 * f32::from(fill.r()) + 0.587 * f32::from(fill.g()) + 0.114 * f32::from(fill.b());
    if luma > 140.0 {
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
