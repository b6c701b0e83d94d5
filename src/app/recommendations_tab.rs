//! The Recommendations tab: choose and train a model as a job, compare every model on a
//! held-out split (table and grouped bars), look up a learner's top 10 with reasons, and see
//! cold start at work for a new learner and a new course.

use super::i18n::{Lang, T, tr};
use super::plots::grouped_bars;
use super::{Command, style};
use crate::choice::Choice;
use crate::recommendations::content::Reached;
use crate::recommendations::sequence::paths::{Transition, steps_within};
use crate::recommendations::{
    Evaluation, Family, ModelKind, Params, Reason, Recommendation, Trained, recommend_for,
};
use egui::{RichText, Ui};
use std::sync::Arc;

/// Courses shown per list.
pub const TOP: usize = 10;
/// Learners listed under the search box.
const SEARCH_ROWS: usize = 40;

/// What a recommendations job should do.
#[derive(Debug, Clone)]
pub struct RecsRequest {
    /// Model to train.
    pub kind: ModelKind,
    /// Its settings.
    pub params: Params,
    /// Tune the settings on a validation split first.
    pub tune: bool,
    /// Group learners by segment labels (when segments exist) rather than occupation.
    pub by_segments: bool,
    /// Also compare a family of models (taste models on a random held-out share, sequence
    /// models on each learner's latest course).
    pub compare: Option<Family>,
}

/// The tab's state.
#[derive(Debug)]
pub struct RecsTab {
    /// Model to train.
    pub kind: ModelKind,
    /// Settings.
    pub params: Params,
    /// Tune first.
    pub tune: bool,
    /// Group by segments.
    pub by_segments: bool,
    /// Learner search text.
    pub search: String,
    /// The working audience: the learner list shows only its learners.
    pub audience: Option<Arc<crate::audience::Audience>>,
    /// Selected learner (user index).
    pub selected: Option<usize>,
    /// Group for the new-learner demo.
    pub new_group: Option<u32>,
    /// Course for the new-course demo.
    pub new_course: Option<u32>,
    /// Pseudonymise ids in the export.
    pub pseudonymise: bool,
    /// The latest comparison and the family compared (kept when only the model is retrained).
    pub evaluation: Option<Arc<Evaluation>>,
    compared: Family,
    /// Courses appended in the what-if box, and the learner they were appended for.
    what_if: Vec<u32>,
    what_if_for: Option<usize>,
    what_if_course: Option<u32>,
    paths_category: Option<String>,
    paths_cache: Option<(usize, Option<String>, Vec<Transition>)>,
    requested: bool,
    cache: Option<(usize, usize, Vec<Recommendation>)>,
    reach_cache: Option<(usize, u32, Vec<Reached>)>,
    reach_asked: Option<(usize, u32)>,
}

impl Default for RecsTab {
    fn default() -> Self {
        RecsTab {
            kind: ModelKind::EASE,
            params: Params::default(),
            tune: false,
            by_segments: false,
            search: String::new(),
            audience: None,
            selected: None,
            new_group: None,
            new_course: None,
            pseudonymise: true,
            evaluation: None,
            compared: Family::Taste,
            what_if: Vec::new(),
            what_if_for: None,
            what_if_course: None,
            paths_category: None,
            paths_cache: None,
            requested: false,
            cache: None,
            reach_cache: None,
            reach_asked: None,
        }
    }
}

/// A reason in the interface language.
fn reason_text(lang: Lang, reason: &Reason, t: &Trained) -> String {
    reason.text(&t.interactions.catalog).get(lang).to_string()
}

impl RecsTab {
    /// The job request for the current settings.
    pub fn request(&self, compare: Option<Family>) -> RecsRequest {
        RecsRequest {
            kind: self.kind,
            params: self.params,
            tune: self.tune,
            by_segments: self.by_segments,
            compare,
        }
    }

    /// The latest comparison and the family compared.
    pub fn comparison(&self) -> Option<(Family, Evaluation)> {
        self.evaluation
            .as_ref()
            .map(|e| (self.compared, (**e).clone()))
    }

    /// Takes a finished job's output.
    pub fn set_result(&mut self, evaluation: Option<(Family, Evaluation)>) {
        self.what_if.clear();
        self.paths_cache = None;
        if let Some((family, e)) = evaluation {
            self.compared = family;
            self.evaluation = Some(Arc::new(e));
        }
        self.cache = None;
        self.reach_cache = None;
        self.reach_asked = None;
    }

    /// Takes the learners a new course reaches, computed on the trained recommender at
    /// address `trained`.
    pub fn set_reach(&mut self, trained: usize, course: u32, reach: Vec<Reached>) {
        self.reach_cache = Some((trained, course, reach));
    }

    /// The learners the chosen new course reaches, once its job has run.
    pub fn reach(&self) -> Option<&[Reached]> {
        self.reach_cache.as_ref().map(|c| c.2.as_slice())
    }

    /// Forgets everything tied to the previous dataset.
    pub fn reset(&mut self) {
        self.requested = false;
        self.evaluation = None;
        self.selected = None;
        self.new_course = None;
        self.new_group = None;
        self.cache = None;
        self.reach_cache = None;
        self.reach_asked = None;
    }

    /// Draws the tab. `has_data` says a dataset is loaded; `has_segments` offers segments as
    /// groups.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        lang: Lang,
        has_data: bool,
        has_segments: bool,
        trained: Option<&Arc<Trained>>,
        commands: &mut Vec<Command>,
    ) {
        if has_data && !self.requested && trained.is_none() {
            self.requested = true;
            commands.push(Command::TrainRecs(self.request(Some(Family::Taste))));
        }
        self.settings_row(ui, lang, has_segments, trained.is_some(), commands);
        egui::CollapsingHeader::new(tr(lang, T::EventWeights))
            .id_salt("event-weights")
            .show(ui, |ui| {
                ui.label(RichText::new(tr(lang, T::EventWeightsTip)).weak());
                let s = &mut self.params.strengths;
                ui.horizontal_wrapped(|ui| {
                    for (name, w) in [
                        ("view", &mut s.view),
                        ("click", &mut s.click),
                        ("comment", &mut s.comment),
                        ("share", &mut s.share),
                        ("enroll", &mut s.enroll),
                        ("purchase", &mut s.purchase),
                        ("complete", &mut s.complete),
                    ] {
                        ui.label(name);
                        ui.add(egui::DragValue::new(w).range(0.0..=20.0).speed(0.1));
                    }
                });
            });
        let Some(t) = trained else {
            style::busy(ui);
            return;
        };
        ui.label(
            RichText::new(format!(
                "{} {} {:.2} {} · {}: {}",
                t.model.kind().spec().label.get(lang),
                tr(lang, T::TrainedIn),
                t.train_seconds,
                tr(lang, T::Seconds),
                tr(lang, T::ChosenSettings),
                crate::recommendations::evaluate::params_of(t.model.kind(), &t.params)
            ))
            .weak(),
        );
        if let Some(e) = &self.evaluation {
            ui.add_space(style::GAP);
            let (title, tip, held) = match self.compared {
                Family::Taste => (T::CompareModels, T::CompareTip, T::HeldOutRandom),
                Family::Sequence => (T::CompareNext, T::CompareNextTip, T::HeldOutLatest),
            };
            ui.horizontal(|ui| {
                ui.label(RichText::new(tr(lang, title)).strong())
                    .on_hover_text(tr(lang, tip));
                ui.weak(tr(lang, held));
            });
            ui.columns(2, |cols| {
                comparison_table(&mut cols[0], lang, e);
                comparison_plot(&mut cols[1], lang, e);
            });
        }
        ui.separator();
        ui.columns(2, |cols| {
            self.learner_panel(&mut cols[0], lang, t);
            self.cold_start_panel(&mut cols[1], lang, t, commands);
        });
        ui.separator();
        self.learning_paths(ui, lang, t);
    }

    fn settings_row(
        &mut self,
        ui: &mut Ui,
        lang: Lang,
        has_segments: bool,
        trained: bool,
        commands: &mut Vec<Command>,
    ) {
        ui.horizontal_wrapped(|ui| {
            ui.label(tr(lang, T::Model));
            let spec = self.kind.spec();
            egui::ComboBox::from_id_salt("rec-model")
                .selected_text(spec.label.get(lang))
                .height(style::PLOT_HEIGHT)
                .show_ui(ui, |ui| {
                    for &kind in ModelKind::ALL {
                        let s = kind.spec();
                        ui.selectable_value(&mut self.kind, kind, s.label.get(lang))
                            .on_hover_text(s.about.get(lang));
                    }
                })
                .response
                .on_hover_text(spec.about.get(lang));
            for knob in self.kind.spec().knobs {
                ui.label(knob.label.get(lang));
                let mut v = (knob.get)(&self.params);
                let drag = egui::DragValue::new(&mut v).range(knob.min..=knob.max);
                let drag = match knob.whole {
                    true => drag.speed(1.0).fixed_decimals(0),
                    false => drag.speed(0.05),
                };
                if ui.add(drag).changed() {
                    (knob.set)(&mut self.params, v);
                }
            }
            ui.checkbox(&mut self.tune, tr(lang, T::Tune))
                .on_hover_text(tr(lang, T::TuneTip));
            ui.label(tr(lang, T::GroupBy))
                .on_hover_text(tr(lang, T::GroupByTip));
            ui.add_enabled_ui(has_segments, |ui| {
                ui.checkbox(&mut self.by_segments, tr(lang, T::SegmentsGroups));
            });
            if ui.button(format!("▶ {}", tr(lang, T::Train))).clicked() {
                commands.push(Command::TrainRecs(self.request(None)));
            }
            if ui
                .button(tr(lang, T::CompareModels))
                .on_hover_text(tr(lang, T::CompareTip))
                .clicked()
            {
                commands.push(Command::TrainRecs(self.request(Some(Family::Taste))));
            }
            if ui
                .button(tr(lang, T::CompareNext))
                .on_hover_text(tr(lang, T::CompareNextTip))
                .clicked()
            {
                commands.push(Command::TrainRecs(self.request(Some(Family::Sequence))));
            }
            if trained {
                ui.separator();
                ui.checkbox(&mut self.pseudonymise, tr(lang, T::PseudonymiseIds));
                if ui
                    .button(tr(lang, T::ExportRecs))
                    .on_hover_text(tr(lang, T::ExportRecsTip))
                    .clicked()
                {
                    commands.push(Command::ExportRecs {
                        pseudonymise: self.pseudonymise,
                    });
                }
            }
        });
    }

    fn learner_panel(&mut self, ui: &mut Ui, lang: Lang, t: &Arc<Trained>) {
        let it = &t.interactions;
        ui.horizontal(|ui| {
            ui.label(tr(lang, T::Search));
            ui.text_edit_singleline(&mut self.search);
        });
        let audience = self.audience.clone();
        let member = |u: usize| audience.as_ref().is_none_or(|a| a.contains(&it.users[u]));
        if self
            .selected
            .is_none_or(|u| u >= it.users.len() || !member(u))
        {
            self.selected = (0..it.users.len())
                .find(|&u| member(u) && it.matrix.row_len(u) > 0)
                .or_else(|| (0..it.users.len()).find(|&u| member(u)));
        }
        let needle = self.search.trim().to_lowercase();
        egui::ScrollArea::vertical()
            .id_salt("rec-learners")
            .max_height(90.0)
            .show(ui, |ui| {
                ui.horizontal_wrapped(|ui| {
                    for u in (0..it.users.len())
                        .filter(|&u| {
                            member(u)
                                && (needle.is_empty()
                                    || it.users[u].to_lowercase().contains(&needle))
                        })
                        .take(SEARCH_ROWS)
                    {
                        if ui
                            .selectable_label(self.selected == Some(u), &it.users[u])
                            .clicked()
                        {
                            self.selected = Some(u);
                        }
                    }
                });
            });
        let Some(u) = self.selected else {
            return;
        };
        let key = Arc::as_ptr(t) as usize;
        if self.cache.as_ref().is_none_or(|c| c.0 != key || c.1 != u) {
            let recs = recommend_for(&t.model, &t.fallback, &it.matrix, &it.owned[u], u, TOP);
            self.cache = Some((key, u, recs));
        }
        let recs = &self.cache.as_ref().expect("just filled").2;
        ui.add_space(style::GAP_SMALL);
        ui.label(RichText::new(format!("{} {}", tr(lang, T::RecsFor), it.users[u])).strong());
        let history: Vec<&str> = it
            .matrix
            .row(u)
            .0
            .iter()
            .take(8)
            .map(|&i| it.catalog.title(i as usize))
            .collect();
        ui.label(
            RichText::new(format!(
                "{} ({}): {}",
                tr(lang, T::History),
                it.matrix.row_len(u),
                history.join(" · ")
            ))
            .weak(),
        );
        recs_grid(ui, lang, t, recs, "rec-list");
        self.what_if_box(ui, lang, t, u);
    }

    /// "What if this learner now takes X": the next-course list after appending courses to
    /// the learner's sequence, from the trained sequence model without retraining.
    fn what_if_box(&mut self, ui: &mut Ui, lang: Lang, t: &Trained, u: usize) {
        let it = &t.interactions;
        if self.what_if_for != Some(u) {
            self.what_if.clear();
            self.what_if_for = Some(u);
        }
        ui.add_space(style::GAP_SMALL);
        if t.model.kind().spec().family != Family::Sequence {
            ui.weak(tr(lang, T::WhatIfNeedsSequence));
            return;
        }
        let sequence: Vec<&str> = t
            .sequence_of(u)
            .iter()
            .rev()
            .take(6)
            .rev()
            .map(|s| it.catalog.title(s.0 as usize))
            .collect();
        ui.label(
            RichText::new(format!(
                "{}: … {}",
                tr(lang, T::Sequence),
                sequence.join(" → ")
            ))
            .weak(),
        );
        if self
            .what_if_course
            .is_none_or(|c| c as usize >= it.catalog.len())
        {
            self.what_if_course = (!it.catalog.is_empty()).then_some(0);
        }
        ui.horizontal(|ui| {
            ui.label(tr(lang, T::WhatIf))
                .on_hover_text(tr(lang, T::WhatIfTip));
            if let Some(course) = self.what_if_course {
                egui::ComboBox::from_id_salt("what-if")
                    .selected_text(it.catalog.title(course as usize))
                    .height(style::PLOT_HEIGHT)
                    .show_ui(ui, |ui| {
                        for c in 0..it.catalog.len() {
                            ui.selectable_value(
                                &mut self.what_if_course,
                                Some(c as u32),
                                it.catalog.title(c),
                            );
                        }
                    });
                if ui.button(tr(lang, T::WhatIfAdd)).clicked() {
                    self.what_if.push(course);
                }
            }
            if !self.what_if.is_empty() && ui.button(tr(lang, T::WhatIfClear)).clicked() {
                self.what_if.clear();
            }
        });
        if self.what_if.is_empty() {
            return;
        }
        let added: Vec<&str> = self
            .what_if
            .iter()
            .map(|&c| it.catalog.title(c as usize))
            .collect();
        ui.label(
            RichText::new(format!(
                "{} ({} + {})",
                tr(lang, T::NextCourses),
                it.users[u],
                added.join(" → ")
            ))
            .strong(),
        );
        if let Some(next) = t.next_after(u, &self.what_if, TOP) {
            recs_grid(ui, lang, t, &next, "what-if-list");
        }
    }

    /// The most common steps between courses taken, drawn as a flow from the first course
    /// (left) to the next (right).
    fn learning_paths(&mut self, ui: &mut Ui, lang: Lang, t: &Arc<Trained>) {
        let it = &t.interactions;
        ui.horizontal(|ui| {
            ui.label(RichText::new(tr(lang, T::LearningPaths)).strong())
                .on_hover_text(tr(lang, T::LearningPathsTip));
            let mut categories: Vec<&String> = it.catalog.categories.iter().collect();
            categories.sort();
            categories.dedup();
            egui::ComboBox::from_id_salt("paths-category")
                .selected_text(
                    self.paths_category
                        .clone()
                        .unwrap_or_else(|| tr(lang, T::AllCategories).to_string()),
                )
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.paths_category, None, tr(lang, T::AllCategories));
                    for c in categories {
                        ui.selectable_value(&mut self.paths_category, Some(c.clone()), c.as_str());
                    }
                });
        });
        let key = Arc::as_ptr(t) as usize;
        if self
            .paths_cache
            .as_ref()
            .is_none_or(|c| c.0 != key || c.1 != self.paths_category)
        {
            let paths = steps_within(&t.steps, it, self.paths_category.as_deref(), PATHS);
            self.paths_cache = Some((key, self.paths_category.clone(), paths));
        }
        let paths = &self.paths_cache.as_ref().expect("just filled").2;
        flow_plot(ui, lang, t, paths);
    }

    fn cold_start_panel(
        &mut self,
        ui: &mut Ui,
        lang: Lang,
        t: &Arc<Trained>,
        commands: &mut Vec<Command>,
    ) {
        let it = &t.interactions;
        ui.label(RichText::new(tr(lang, T::NewLearner)).strong())
            .on_hover_text(tr(lang, T::NewLearnerTip));
        let names = t.fallback.names();
        if self.new_group.is_none_or(|g| g as usize >= names.len()) {
            self.new_group = (!names.is_empty()).then_some(0);
        }
        egui::ComboBox::from_id_salt("new-learner-group")
            .selected_text(self.new_group.map_or("—", |g| names[g as usize].get(lang)))
            .show_ui(ui, |ui| {
                for (g, n) in names.iter().enumerate() {
                    ui.selectable_value(&mut self.new_group, Some(g as u32), n.get(lang));
                }
            });
        let cold = t.for_new_learner(self.new_group, TOP);
        recs_grid(ui, lang, t, &cold, "cold-learner");
        ui.add_space(style::GAP_LARGE);
        ui.label(RichText::new(tr(lang, T::NewCourse)).strong())
            .on_hover_text(tr(lang, T::NewCourseTip));
        if self
            .new_course
            .is_none_or(|c| c as usize >= it.catalog.len())
        {
            self.new_course = (!it.catalog.is_empty()).then_some(0);
        }
        let Some(course) = self.new_course else {
            return;
        };
        egui::ComboBox::from_id_salt("new-course")
            .selected_text(it.catalog.title(course as usize))
            .height(style::PLOT_HEIGHT)
            .show_ui(ui, |ui| {
                for c in 0..it.catalog.len() {
                    ui.selectable_value(&mut self.new_course, Some(c as u32), it.catalog.title(c));
                }
            });
        let key = Arc::as_ptr(t) as usize;
        let Some((_, _, reach)) = self
            .reach_cache
            .as_ref()
            .filter(|c| c.0 == key && c.1 == course)
        else {
            if self.reach_asked != Some((key, course)) {
                self.reach_asked = Some((key, course));
                commands.push(Command::Reach(course));
            }
            style::busy(ui);
            return;
        };
        egui::Grid::new("reach")
            .striped(true)
            .spacing(style::TABLE_SPACING)
            .show(ui, |ui| {
                ui.strong(tr(lang, T::Learner));
                ui.strong(tr(lang, T::Score));
                ui.strong(tr(lang, T::WhyRecommended));
                ui.end_row();
                for r in reach {
                    ui.label(&it.users[r.user as usize]);
                    ui.label(format!("{:.3}", r.affinity));
                    ui.label(reason_text(lang, &Reason::Similar(r.because.clone()), t));
                    ui.end_row();
                }
            });
    }
}

/// Steps shown in the learning-path flow.
const PATHS: usize = 12;

/// A flow of course-to-course steps: each first course on the left, each next course on the
/// right, a line per step as wide as the learners who made it.
fn flow_plot(ui: &mut Ui, lang: Lang, t: &Trained, paths: &[Transition]) {
    use egui_plot::{Line, Plot, PlotPoint, PlotPoints, Text as PlotText};
    let c = &t.interactions.catalog;
    let mut left: Vec<u32> = Vec::new();
    let mut right: Vec<u32> = Vec::new();
    for p in paths {
        if !left.contains(&p.from) {
            left.push(p.from);
        }
        if !right.contains(&p.to) {
            right.push(p.to);
        }
    }
    let top = paths.iter().map(|p| p.learners).max().unwrap_or(1) as f32;
    let y = |list: &[u32], item: u32, n: usize| {
        let at = list.iter().position(|&i| i == item).unwrap_or(0);
        1.0 - (at as f64 + 0.5) / n.max(1) as f64
    };
    Plot::new("learning-paths")
        .height(style::PLOT_HEIGHT)
        .show_axes([false, false])
        .show_grid(false)
        .allow_scroll(false)
        .allow_drag(false)
        .include_x(-0.9)
        .include_x(1.9)
        .include_y(0.0)
        .include_y(1.0)
        .show(ui, |plot| {
            for p in paths {
                let (a, b) = (y(&left, p.from, left.len()), y(&right, p.to, right.len()));
                let name = format!(
                    "{} → {}: {} {}",
                    c.title(p.from as usize),
                    c.title(p.to as usize),
                    p.learners,
                    tr(lang, T::Learners)
                );
                plot.line(
                    Line::new(name, PlotPoints::from(vec![[0.0, a], [1.0, b]]))
                        .width(1.0 + 9.0 * p.learners as f32 / top)
                        .color(style::series_color(
                            left.iter().position(|&i| i == p.from).unwrap_or(0),
                        )),
                );
            }
            for (list, x, anchor) in [
                (&left, -0.03, egui::Align2::RIGHT_CENTER),
                (&right, 1.03, egui::Align2::LEFT_CENTER),
            ] {
                for &item in list.iter() {
                    plot.text(
                        PlotText::new(
                            "",
                            PlotPoint::new(x, y(list, item, list.len())),
                            RichText::new(c.title(item as usize)).size(style::PLOT_LABEL_SIZE),
                        )
                        .anchor(anchor),
                    );
                }
            }
        });
}

fn recs_grid(ui: &mut Ui, lang: Lang, t: &Trained, recs: &[Recommendation], id: &str) {
    let c = &t.interactions.catalog;
    egui::Grid::new(id)
        .striped(true)
        .spacing(style::TABLE_SPACING)
        .show(ui, |ui| {
            for key in [
                T::Course,
                T::Category,
                T::Price,
                T::Score,
                T::WhyRecommended,
            ] {
                ui.strong(tr(lang, key));
            }
            ui.end_row();
            for (rank, r) in recs.iter().enumerate() {
                let i = r.item as usize;
                ui.label(format!("{}. {}", rank + 1, c.title(i)))
                    .on_hover_text(&c.ids[i]);
                ui.label(&c.categories[i]);
                ui.label(c.prices[i].map_or("—".into(), |p| format!("¥{p:.0}")));
                ui.label(format!("{:.3}", r.score));
                ui.label(reason_text(lang, &r.reason, t));
                ui.end_row();
            }
        });
}

/// The metrics of the comparison, with what each means on hover.
const METRICS: [(T, T); 6] = [
    (T::Precision, T::PrecisionTip),
    (T::Recall, T::RecallTip),
    (T::Ndcg, T::NdcgTip),
    (T::Map, T::MapTip),
    (T::HitRate, T::HitRateTip),
    (T::Coverage, T::CoverageTip),
];

fn comparison_table(ui: &mut Ui, lang: Lang, e: &Evaluation) {
    let best_ndcg = e
        .models
        .iter()
        .map(|m| m.metrics.ndcg)
        .fold(f64::MIN, f64::max);
    egui::Grid::new("rec-compare")
        .striped(true)
        .spacing([12.0, 3.0])
        .show(ui, |ui| {
            ui.strong(tr(lang, T::Model));
            for (m, tip) in METRICS {
                ui.strong(tr(lang, m)).on_hover_text(tr(lang, tip));
            }
            ui.strong(tr(lang, T::FitSeconds));
            ui.end_row();
            for m in &e.models {
                let spec = ModelKind::parse(&m.name).unwrap_or(ModelKind::POP).spec();
                let mut text = RichText::new(spec.label.get(lang));
                if m.metrics.ndcg == best_ndcg {
                    text = text.strong().color(style::OK);
                }
                ui.label(text)
                    .on_hover_text(format!("{}\n{}", spec.about.get(lang), m.params));
                let q = &m.metrics;
                for v in [q.precision, q.recall, q.ndcg, q.map, q.hit_rate, q.coverage] {
                    ui.label(format!("{v:.3}"));
                }
                ui.label(format!("{:.2}", m.train_seconds));
                ui.end_row();
            }
        });
    let mut evaluated = format!("{} {}", e.users_evaluated, tr(lang, T::Learners));
    if let Some(all) = e.sampled_from {
        evaluated.push_str(&format!(
            " · {}",
            tr(lang, T::SampledFrom).replace("{n}", &crate::look::thousands(all as i64))
        ));
    }
    ui.label(RichText::new(evaluated).weak())
        .on_hover_text(tr(lang, T::SampledFromTip));
}

fn comparison_plot(ui: &mut Ui, lang: Lang, e: &Evaluation) {
    let groups: Vec<String> = METRICS[..4]
        .iter()
        .map(|(m, _)| tr(lang, *m).to_string())
        .collect();
    let series: Vec<(String, Vec<f64>)> = e
        .models
        .iter()
        .map(|m| {
            let spec = ModelKind::parse(&m.name).unwrap_or(ModelKind::POP).spec();
            (
                spec.label.get(lang).to_string(),
                vec![
                    m.metrics.precision,
                    m.metrics.recall,
                    m.metrics.ndcg,
                    m.metrics.map,
                ],
            )
        })
        .collect();
    grouped_bars(ui, "rec-bars", &groups, &series, 220.0);
}
