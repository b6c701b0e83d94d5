//! The Segments tab: run k-means or hierarchical segmentation as a job, see learners on the
//! 2-D embedding coloured by segment (hover for id, click to select), segment sizes, what sets
//! the selected segment apart, the silhouette/elbow curve, the dendrogram, and exports.

use super::i18n::{Lang, T, tr};
use super::style::series_color;
use super::{Command, Positions, Valued, style};
use crate::profile::Profiles;
use crate::segment::hierarchical::{Merge, dendrogram_lines};
use crate::segment::{Method, SegmentConfig, SegmentResult};
use crate::value::GroupValue;
use egui::{RichText, Ui};
use egui_plot::{Bar, BarChart, Legend, Line, Plot, PlotPoints, Points};
use std::sync::Arc;

/// At most this many learners are drawn on the map (an even sample of the rest).
pub const MAX_POINTS: usize = 20_000;
/// How many clusters of the top of the tree the dendrogram shows.
const DENDRO_LEAVES: usize = 30;

/// Each segment's value (`None` for a segment without buyers).
type SegmentValues = Arc<Vec<Option<GroupValue>>>;

/// The tab's state.
#[derive(Debug)]
pub struct SegmentsTab {
    /// Method to run.
    pub method: Method,
    /// k when not automatic.
    pub k: usize,
    /// Choose k by silhouette.
    pub auto_k: bool,
    /// The selected segment.
    pub selected: Option<usize>,
    /// Pseudonymise ids in the members export.
    pub pseudonymise: bool,
    requested: Option<usize>,
    /// The new name typed for the selected segment.
    pub new_name: String,
    /// Drawing a lasso on the map (dragging draws instead of panning).
    pub lasso_mode: bool,
    /// The lasso drawn so far, in plot coordinates.
    lasso: Vec<[f64; 2]>,
    /// Each segment's value, with the segmentation and the learners' value positions it was
    /// summed from.
    values: Option<(Arc<SegmentResult>, Positions, SegmentValues)>,
}

impl Default for SegmentsTab {
    fn default() -> Self {
        SegmentsTab {
            method: Method::Kmeans,
            k: 6,
            auto_k: true,
            selected: None,
            pseudonymise: true,
            requested: None,
            new_name: String::new(),
            lasso_mode: false,
            lasso: Vec::new(),
            values: None,
        }
    }
}

impl SegmentsTab {
    /// The settings to run with.
    pub fn config(&self) -> SegmentConfig {
        SegmentConfig {
            method: self.method,
            k: (!self.auto_k).then_some(self.k),
            ..SegmentConfig::default()
        }
    }

    /// Draws the tab.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        lang: Lang,
        profiles: Option<&Arc<Profiles>>,
        result: Option<&Arc<SegmentResult>>,
        valued: &Valued,
        commands: &mut Vec<Command>,
    ) {
        let Some(p) = profiles else {
            style::busy(ui);
            return;
        };
        let id = Arc::as_ptr(p) as usize;
        if self.requested != Some(id) {
            self.requested = Some(id);
            commands.push(Command::RunSegments(self.config()));
        }
        ui.horizontal(|ui| {
            ui.label(tr(lang, T::Method));
            egui::ComboBox::from_id_salt("method")
                .selected_text(tr(lang, method_label(self.method)))
                .show_ui(ui, |ui| {
                    for m in [Method::Kmeans, Method::Hierarchical] {
                        ui.selectable_value(&mut self.method, m, tr(lang, method_label(m)));
                    }
                });
            ui.checkbox(&mut self.auto_k, tr(lang, T::KAuto))
                .on_hover_text(tr(lang, T::KAutoTip));
            ui.add_enabled(
                !self.auto_k,
                egui::Slider::new(&mut self.k, 2..=12).text("k"),
            );
            if ui.button(format!("▶ {}", tr(lang, T::Run))).clicked() {
                commands.push(Command::RunSegments(self.config()));
            }
            if result.is_some() {
                ui.separator();
                ui.checkbox(&mut self.pseudonymise, tr(lang, T::PseudonymiseIds));
                if ui.button(tr(lang, T::ExportMembers)).clicked() {
                    commands.push(Command::ExportSegments {
                        members: true,
                        pseudonymise: self.pseudonymise,
                    });
                }
                if ui.button(tr(lang, T::ExportSummaries)).clicked() {
                    commands.push(Command::ExportSegments {
                        members: false,
                        pseudonymise: self.pseudonymise,
                    });
                }
                ui.separator();
                if let Some(s) = self.selected
                    && ui
                        .button(format!("👥 {} #{}", tr(lang, T::SegmentAsAudience), s + 1))
                        .on_hover_text(tr(lang, T::AudienceTip))
                        .clicked()
                {
                    commands.push(Command::MakeAudience {
                        name: String::new(),
                        from: super::AudienceFrom::Segment(s),
                    });
                }
                ui.toggle_value(&mut self.lasso_mode, format!("✏ {}", tr(lang, T::Lasso)))
                    .on_hover_text(tr(lang, T::LassoTip));
            }
        });
        let Some(r) = result else {
            style::busy(ui);
            return;
        };
        if self.selected.is_some_and(|s| s >= r.seg.k) {
            self.selected = None;
        }
        ui.horizontal(|ui| {
            ui.label(format!("k = {}", r.seg.k));
            ui.label(format!(
                "{}: {}",
                tr(lang, T::Silhouette),
                r.seg.silhouette.map_or("—".into(), |s| format!("{s:.3}"))
            ))
            .on_hover_text(tr(lang, T::SilhouetteTip));
            ui.label(format!("{}: {:.1}", tr(lang, T::Inertia), r.seg.inertia));
        });
        let values = self.values_of(p, r, valued);
        summaries_table(ui, lang, r, &values, &mut self.selected);
        if let Some(s) = self.selected {
            ui.horizontal(|ui| {
                ui.label(format!("#{}", s + 1));
                let edit = ui.add(
                    egui::TextEdit::singleline(&mut self.new_name)
                        .hint_text(r.summaries[s].label.get(lang))
                        .desired_width(220.0),
                );
                let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                if ui
                    .button(tr(lang, T::RenameSegment))
                    .on_hover_text(tr(lang, T::RenameSegmentTip))
                    .clicked()
                    || enter
                {
                    commands.push(Command::RenameSegment(
                        s,
                        std::mem::take(&mut self.new_name),
                    ));
                }
            });
        }
        ui.add_space(style::GAP);
        ui.columns(2, |cols| {
            cols[0].label(RichText::new(tr(lang, T::SegmentMap)).strong());
            self.scatter(&mut cols[0], lang, p, r, commands);
            cols[1].label(RichText::new(tr(lang, T::Distinctive)).strong());
            distinctive_plot(&mut cols[1], lang, r, self.selected.unwrap_or(0));
        });
        ui.add_space(style::GAP);
        ui.columns(2, |cols| {
            if r.seg.k_scores.is_empty() && r.seg.dendrogram.is_empty() {
                cols[0].label(RichText::new(tr(lang, T::SegmentSizes)).strong());
                sizes_plot(&mut cols[0], lang, r);
            } else if !r.seg.k_scores.is_empty() {
                cols[0].label(RichText::new(tr(lang, T::ChooseK)).strong());
                k_plot(&mut cols[0], lang, r);
            }
            if r.seg.dendrogram.is_empty() {
                cols[1].label(RichText::new(tr(lang, T::SegmentSizes)).strong());
                sizes_plot(&mut cols[1], lang, r);
            } else {
                cols[1].label(RichText::new(tr(lang, T::Dendrogram)).strong());
                dendrogram_plot(&mut cols[1], &r.seg.dendrogram);
            }
        });
    }

    /// Each segment's mean P(alive) and value, summed again when the segments or values
    /// change (one pass over the learners: each one's value was looked up by a job).
    fn values_of(
        &mut self,
        p: &Arc<Profiles>,
        r: &Arc<SegmentResult>,
        valued: &Valued,
    ) -> SegmentValues {
        let (Some(v), Some(at)) = (valued.result.as_ref(), valued.positions(p)) else {
            return Arc::default();
        };
        if r.seg.labels.len() != p.len() {
            return Arc::default();
        }
        match &self.values {
            Some((seg, pos, cached)) if Arc::ptr_eq(seg, r) && Arc::ptr_eq(pos, at) => {
                Arc::clone(cached)
            }
            _ => {
                let computed = Arc::new(v.by_group(at, &r.seg.labels, r.seg.k));
                self.values = Some((Arc::clone(r), Arc::clone(at), Arc::clone(&computed)));
                computed
            }
        }
    }

    fn scatter(
        &mut self,
        ui: &mut Ui,
        lang: Lang,
        p: &Profiles,
        r: &SegmentResult,
        commands: &mut Vec<Command>,
    ) {
        let ui_ink = ui.visuals().strong_text_color();
        let n = p.len();
        let step = n.div_ceil(MAX_POINTS).max(1);
        let shown: Vec<usize> = (0..n).step_by(step).collect();
        let emb = &p.embedding;
        let mut series: Vec<Vec<[f64; 2]>> = vec![Vec::new(); r.seg.k];
        for &i in &shown {
            series[r.seg.labels[i]].push([emb[[i, 0]], emb[[i, 1]]]);
        }
        let labels: Vec<String> = r
            .summaries
            .iter()
            .map(|s| s.label.get(lang).to_string())
            .collect();
        let ids = &p.table.user_ids;
        let seg_labels = &r.seg.labels;
        let nearest = |x: f64, y: f64| {
            shown.iter().copied().min_by(|&a, &b| {
                let da = (emb[[a, 0]] - x).powi(2) + (emb[[a, 1]] - y).powi(2);
                let db = (emb[[b, 0]] - x).powi(2) + (emb[[b, 1]] - y).powi(2);
                da.total_cmp(&db)
            })
        };
        let labels_for_hover = labels.clone();
        let lasso_mode = self.lasso_mode;
        let lasso = self.lasso.clone();
        // Room right of the points for the legend, so it covers none of them.
        let (lo, hi) = shown
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &i| {
                (lo.min(emb[[i, 0]]), hi.max(emb[[i, 0]]))
            });
        let legend_room = if lo < hi { hi + (hi - lo) * 0.6 } else { hi };
        let response = Plot::new("segment-map")
            .height(style::PLOT_HEIGHT)
            .legend(Legend::default())
            .include_x(legend_room)
            .allow_scroll(false)
            .allow_drag(!lasso_mode)
            .allow_boxed_zoom(!lasso_mode)
            .x_axis_label(format!("PC1 ({:.0}%)", p.explained[0] * 100.0))
            .y_axis_label(format!("PC2 ({:.0}%)", p.explained[1] * 100.0))
            .label_formatter(move |hover| match hover {
                egui_plot::HoverPosition::NearDataPoint { position, .. } => {
                    nearest(position.x, position.y)
                        .map(|i| format!("{}\n{}", ids[i], labels_for_hover[seg_labels[i]]))
                }
                egui_plot::HoverPosition::Elsewhere { .. } => None,
            })
            .show(ui, |plot| {
                for (c, pts) in series.into_iter().enumerate() {
                    let selected = self.selected.is_none_or(|s| s == c);
                    let color = series_color(c);
                    plot.points(
                        Points::new(labels[c].clone(), PlotPoints::from(pts))
                            .color(if selected {
                                color
                            } else {
                                color.gamma_multiply(0.25)
                            })
                            .radius(if selected { 1.8 } else { 1.2 }),
                    );
                }
                if lasso.len() > 1 {
                    let mut ring = lasso.clone();
                    ring.push(lasso[0]);
                    plot.line(
                        Line::new(tr(lang, T::Lasso), PlotPoints::from(ring))
                            .color(ui_ink)
                            .width(style::THIN_LINE_WIDTH),
                    );
                }
                plot.pointer_coordinate()
            });
        if lasso_mode {
            let r = &response.response;
            if r.drag_started() {
                self.lasso.clear();
            }
            if r.dragged()
                && let Some(pos) = response.inner
            {
                self.lasso.push([pos.x, pos.y]);
            }
            if r.drag_stopped() && self.lasso.len() > 2 {
                let ring = std::mem::take(&mut self.lasso);
                let picked: Vec<String> = (0..ids.len())
                    .filter(|&i| inside(&ring, emb[[i, 0]], emb[[i, 1]]))
                    .map(|i| ids[i].clone())
                    .collect();
                if !picked.is_empty() {
                    commands.push(Command::MakeAudience {
                        name: String::new(),
                        from: super::AudienceFrom::Picked(picked),
                    });
                }
                self.lasso_mode = false;
            }
            return;
        }
        if response.response.clicked()
            && let Some(pos) = response.inner
            && let Some(i) = nearest(pos.x, pos.y)
        {
            let c = r.seg.labels[i];
            self.selected = if self.selected == Some(c) {
                None
            } else {
                Some(c)
            };
        }
    }
}

fn summaries_table(
    ui: &mut Ui,
    lang: Lang,
    r: &SegmentResult,
    values: &[Option<GroupValue>],
    selected: &mut Option<usize>,
) {
    egui::Grid::new("segments")
        .striped(true)
        .spacing([14.0, 3.0])
        .show(ui, |ui| {
            for key in [T::SegmentCol, T::Users, T::Share, T::RevenueShare] {
                ui.strong(tr(lang, key));
            }
            if !values.is_empty() {
                ui.strong(tr(lang, T::MeanPAlive))
                    .on_hover_text(tr(lang, T::PAliveTip));
                ui.strong(tr(lang, T::MeanValue90))
                    .on_hover_text(tr(lang, T::Value90Tip));
            }
            ui.strong(tr(lang, T::Keywords));
            ui.end_row();
            for s in &r.summaries {
                let label = s.label.get(lang);
                let text = RichText::new(format!("● {label}")).color(series_color(s.id));
                if ui.selectable_label(*selected == Some(s.id), text).clicked() {
                    *selected = if *selected == Some(s.id) {
                        None
                    } else {
                        Some(s.id)
                    };
                }
                ui.label(s.size.to_string());
                ui.label(format!("{:.1}%", s.share * 100.0));
                ui.label(format!("{:.1}%", s.revenue_share * 100.0));
                if !values.is_empty() {
                    let g = values.get(s.id).copied().flatten();
                    ui.label(g.map_or("—".into(), |g| format!("{:.0}%", g.p_alive * 100.0)));
                    ui.label(
                        g.and_then(|g| g.clv)
                            .map_or("—".into(), |v| format!("¥{v:.0}")),
                    );
                }
                ui.label(
                    s.keywords
                        .iter()
                        .take(5)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(" · "),
                );
                ui.end_row();
            }
        });
}

fn sizes_plot(ui: &mut Ui, lang: Lang, r: &SegmentResult) {
    let bars: Vec<Bar> = r
        .summaries
        .iter()
        .map(|s| {
            Bar::new(s.id as f64, s.size as f64)
                .fill(series_color(s.id))
                .name(s.label.get(lang))
        })
        .collect();
    Plot::new("sizes")
        .height(style::PLOT_HEIGHT_SMALL)
        .allow_scroll(false)
        .show(ui, |plot| {
            plot.bar_chart(BarChart::new(tr(lang, T::SegmentSizes), bars))
        });
}

fn distinctive_plot(ui: &mut Ui, lang: Lang, r: &SegmentResult, segment: usize) {
    let Some(s) = r.summaries.get(segment) else {
        return;
    };
    let names: Vec<String> = s
        .distinctions
        .iter()
        .map(|d| {
            crate::profile::feature_label(&d.feature)
                .get(lang)
                .to_string()
        })
        .collect();
    let count = names.len();
    let bars: Vec<Bar> = s
        .distinctions
        .iter()
        .enumerate()
        .map(|(i, d)| {
            Bar::new(i as f64, d.z)
                .fill(if d.z >= 0.0 {
                    series_color(segment)
                } else {
                    style::WARN
                })
                .name(&names[i])
        })
        .collect();
    Plot::new("distinctive")
        .height(style::PLOT_HEIGHT)
        .allow_scroll(false)
        .x_grid_spacer(super::plots::one_mark_each(count))
        .x_axis_formatter(move |mark, _| super::plots::index_label(&names, mark.value))
        .show(ui, |plot| {
            plot.bar_chart(BarChart::new("z", bars).width(0.6))
        });
}

fn k_plot(ui: &mut Ui, lang: Lang, r: &SegmentResult) {
    let scores = &r.seg.k_scores;
    let max_inertia = scores
        .iter()
        .map(|s| s.inertia)
        .fold(0.0, f64::max)
        .max(1e-12);
    let max_sil = scores
        .iter()
        .filter_map(|s| s.silhouette)
        .fold(0.0, f64::max)
        .max(1e-12);
    let sil: Vec<[f64; 2]> = scores
        .iter()
        .filter_map(|s| Some([s.k as f64, s.silhouette? / max_sil]))
        .collect();
    let inertia: Vec<[f64; 2]> = scores
        .iter()
        .map(|s| [s.k as f64, s.inertia / max_inertia])
        .collect();
    let stability: Vec<[f64; 2]> = scores
        .iter()
        .filter_map(|s| Some([s.k as f64, s.stability?]))
        .collect();
    Plot::new("choose-k")
        .height(style::PLOT_HEIGHT_SMALL)
        .allow_scroll(false)
        .legend(Legend::default())
        .show(ui, |plot| {
            plot.line(
                Line::new(tr(lang, T::Silhouette), PlotPoints::from(sil.clone()))
                    .color(series_color(0))
                    .width(style::LINE_WIDTH),
            );
            plot.points(
                Points::new(tr(lang, T::Silhouette), PlotPoints::from(sil))
                    .color(series_color(0))
                    .radius(3.0),
            );
            plot.line(
                Line::new(tr(lang, T::Inertia), PlotPoints::from(inertia))
                    .color(series_color(1))
                    .width(style::LINE_WIDTH),
            );
            plot.line(
                Line::new(tr(lang, T::Stability), PlotPoints::from(stability))
                    .color(series_color(2))
                    .width(style::LINE_WIDTH),
            );
            plot.vline(
                egui_plot::VLine::new(tr(lang, T::ChosenK), r.seg.k as f64)
                    .color(egui::Color32::GRAY),
            );
        });
}

/// Draws the top of a Ward tree: the last merges above [`DENDRO_LEAVES`] clusters.
fn dendrogram_plot(ui: &mut Ui, merges: &[Merge]) {
    if merges.is_empty() {
        return;
    }
    let segments = dendrogram_lines(merges, DENDRO_LEAVES);
    Plot::new("dendrogram")
        .height(style::PLOT_HEIGHT_SMALL)
        .allow_scroll(false)
        .show_axes([false, true])
        .show(ui, |plot| {
            for s in segments {
                plot.line(
                    Line::new("", PlotPoints::from(s.to_vec()))
                        .color(series_color(0))
                        .width(style::THIN_LINE_WIDTH),
                );
            }
        });
}

/// The readable name of a clustering method.
fn method_label(method: Method) -> T {
    match method {
        Method::Kmeans => T::MethodKmeans,
        Method::Hierarchical => T::MethodWard,
    }
}

/// Whether (x, y) lies inside the polygon `ring` (even-odd rule).
fn inside(ring: &[[f64; 2]], x: f64, y: f64) -> bool {
    let mut inside = false;
    let mut j = ring.len() - 1;
    for i in 0..ring.len() {
        let ([xi, yi], [xj, yj]) = (ring[i], ring[j]);
        if (yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi {
            inside = !inside;
        }
        j = i;
    }
    inside
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_point_is_inside_a_square_and_not_beside_it() {
        let square = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]];
        assert!(super::inside(&square, 0.5, 0.5));
        assert!(!super::inside(&square, 1.5, 0.5));
        assert!(!super::inside(&square, 0.5, -0.1));
    }
}
