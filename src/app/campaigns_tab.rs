//! The Campaigns tab: train click models as a job, read their quality (AUC, log loss, ROC,
//! calibration, gains, the weights that matter), and build a budgeted target list for a course
//! with its expected lift over random and most-active learners.

use super::i18n::{Lang, T, tr};
use super::plots::{grouped_bars, unit_curves};
use super::{Command, UpliftView, style};
use crate::campaigns::CampaignModels;
use crate::campaigns::uplift::UpliftTargeting;
use crate::campaigns::{CtrConfig, CtrReport, Objective, Target, TargetReport};
use crate::look::thousands;
use egui::{RichText, Ui};
use std::sync::Arc;

/// Target-list rows shown (the export has them all).
const SHOWN_ROWS: usize = 15;

/// What a target-list job should build.
#[derive(Debug, Clone)]
pub struct TargetRequest {
    /// Course id.
    pub course: String,
    /// Learners to contact.
    pub budget: usize,
    /// Ranking objective.
    pub objective: Objective,
    /// Placement the campaign uses.
    pub placement: Option<String>,
    /// Rank on what was known at this moment and count what learners did after it.
    pub backtest_from: Option<i64>,
    /// Rank only this audience's learners.
    pub within: Option<std::sync::Arc<crate::audience::Audience>>,
}

/// The tab's state.
#[derive(Debug)]
pub struct CampaignsTab {
    /// What to predict.
    pub target: Target,
    /// Fit the factorization machine too.
    pub with_fm: bool,
    /// Course to target (index into the catalogue).
    pub course: usize,
    /// Learners to contact.
    pub budget: usize,
    /// Ranking objective.
    pub objective: Objective,
    /// Placement (None = the most common).
    pub placement: Option<String>,
    /// Pseudonymise ids in the export.
    pub pseudonymise: bool,
    /// Build the list as of the start of the test period and show what it actually brought.
    pub backtest: bool,
    /// The latest target list.
    pub list: Option<Arc<TargetReport>>,
    requested: bool,
    list_requested: bool,
    /// The uplift list for (estimate, budget), so it is not re-sorted at every frame.
    uplift_list: Option<((usize, usize), std::sync::Arc<UpliftTargeting>)>,
}

impl Default for CampaignsTab {
    fn default() -> Self {
        CampaignsTab {
            target: Target::Clicked,
            with_fm: true,
            course: 0,
            budget: 500,
            objective: Objective::Conversions,
            placement: None,
            pseudonymise: true,
            backtest: false,
            list: None,
            requested: false,
            list_requested: false,
            uplift_list: None,
        }
    }
}

impl CampaignsTab {
    /// The training settings.
    pub fn config(&self) -> CtrConfig {
        CtrConfig {
            target: self.target,
            with_fm: self.with_fm,
            ..CtrConfig::default()
        }
    }

    /// Takes newly trained models: the list is rebuilt with them.
    pub fn models_changed(&mut self) {
        self.list = None;
        self.list_requested = false;
    }

    /// Forgets everything tied to the previous dataset.
    pub fn reset(&mut self) {
        self.requested = false;
        self.list_requested = false;
        self.list = None;
        self.course = 0;
        self.placement = None;
    }

    /// Draws the tab.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        lang: Lang,
        has_data: bool,
        result: Option<&Arc<CampaignModels>>,
        uplift: Option<&UpliftView>,
        commands: &mut Vec<Command>,
    ) {
        if has_data && !self.requested && result.is_none() {
            self.requested = true;
            commands.push(Command::TrainCtr(self.config()));
        }
        ui.horizontal(|ui| {
            ui.label(tr(lang, T::Predict));
            ui.selectable_value(
                &mut self.target,
                Target::Clicked,
                tr(lang, T::PredictClicks),
            );
            ui.selectable_value(
                &mut self.target,
                Target::Converted,
                tr(lang, T::PredictPurchases),
            );
            ui.checkbox(&mut self.with_fm, tr(lang, T::UseFm))
                .on_hover_text(tr(lang, T::UseFmTip));
            if ui
                .button(format!("▶ {}", tr(lang, T::TrainModels)))
                .clicked()
            {
                commands.push(Command::TrainCtr(self.config()));
            }
        });
        let Some(r) = result else {
            style::busy(ui);
            return;
        };
        let rep = &r.report;
        let model_name = model_label(lang, &rep.model);
        ui.horizontal_wrapped(|ui| {
            ui.label(format!(
                "{}: {}",
                tr(lang, T::TrainRows),
                thousands(rep.rows_train as i64)
            ));
            ui.label(format!(
                "{}: {}{}",
                tr(lang, T::TestRows),
                thousands(rep.rows_test as i64),
                rep.test_from
                    .as_ref()
                    .map_or(String::new(), |d| format!(" (≥ {d})"))
            ))
            .on_hover_text(tr(lang, T::TestRowsTip));
            ui.label(format!(
                "{}: {:.2}%",
                tr(lang, T::BaseRate),
                rep.base_rate * 100.0
            ))
            .on_hover_text(tr(lang, T::BaseRateTip));
            ui.label(format!("{}: {}", tr(lang, T::RegularisationC), rep.c));
            if let Some(r2) = rep.spend_r2 {
                ui.label(format!("{}: {r2:.3}", tr(lang, T::SpendR2)))
                    .on_hover_text(tr(lang, T::SpendR2Tip));
            }
        });
        if let Some(sample) = &rep.subsample {
            ui.label(RichText::new(sample.note().get(lang)).weak());
        }
        models_grid(ui, lang, rep);
        ui.add_space(style::GAP);
        ui.columns(3, |cols| {
            cols[0]
                .label(RichText::new(tr(lang, T::RocPlot)).strong())
                .on_hover_text(tr(lang, T::RocTip));
            unit_curves(
                &mut cols[0],
                "roc",
                ["FPR", "TPR"],
                tr(lang, T::RandomOrder),
                &[(model_name.clone(), rep.roc.clone())],
                240.0,
            );
            cols[1]
                .label(RichText::new(tr(lang, T::CalibrationPlot)).strong())
                .on_hover_text(tr(lang, T::CalibrationTip));
            let top = rep
                .calibration
                .iter()
                .map(|b| b.predicted.max(b.observed))
                .fold(0.0f64, f64::max)
                .max(1e-6);
            // Calibration is drawn in units of the largest bin so low rates stay readable.
            let pts: Vec<[f64; 2]> = rep
                .calibration
                .iter()
                .map(|b| [b.predicted / top, b.observed / top])
                .collect();
            unit_curves(
                &mut cols[1],
                "calibration",
                [
                    &format!("{} (× {:.3})", tr(lang, T::Predicted), top),
                    &format!("{} (× {:.3})", tr(lang, T::Observed), top),
                ],
                tr(lang, T::RandomOrder),
                &[(model_name.clone(), pts)],
                240.0,
            );
            cols[2]
                .label(RichText::new(tr(lang, T::GainsPlot)).strong())
                .on_hover_text(tr(lang, T::GainsTip));
            let mut gains = vec![[0.0, 0.0]];
            gains.extend(
                rep.gains
                    .iter()
                    .map(|d| [d.decile as f64 / 10.0, d.cumulative_gain]),
            );
            unit_curves(
                &mut cols[2],
                "gains",
                ["", ""],
                tr(lang, T::RandomOrder),
                &[(model_name.clone(), gains)],
                240.0,
            );
        });
        ui.separator();
        ui.columns(2, |cols| {
            cols[0].label(RichText::new(tr(lang, T::Weights)).strong());
            weights_grid(&mut cols[0], lang, rep);
            self.targeting(&mut cols[1], lang, r, commands);
        });
        ui.separator();
        self.uplift_targeting(ui, lang, uplift, commands);
    }

    /// The learners to contact by uplift (from the latest estimate), against response and
    /// random targeting of as many learners.
    fn uplift_targeting(
        &mut self,
        ui: &mut Ui,
        lang: Lang,
        uplift: Option<&UpliftView>,
        commands: &mut Vec<Command>,
    ) {
        ui.label(RichText::new(tr(lang, T::TargetByUplift)).strong())
            .on_hover_text(tr(lang, T::TargetByUpliftTip));
        let Some(u) = uplift else {
            ui.weak(tr(lang, T::NoUpliftYet));
            return;
        };
        let r = &u.result;
        let key = (u as *const UpliftView as usize, self.budget);
        let t = match &self.uplift_list {
            Some((k, t)) if *k == key => std::sync::Arc::clone(t),
            _ => {
                let t = std::sync::Arc::new(r.target(self.budget));
                self.uplift_list = Some((key, std::sync::Arc::clone(&t)));
                t
            }
        };
        ui.horizontal_wrapped(|ui| {
            ui.label(format!(
                "{} · {} / {}",
                r.experiment, r.treatment, r.control
            ));
            ui.label(format!("{}: {}", tr(lang, T::Budget), t.learners));
            ui.label(format!(
                "{}: {} {:.1} · {} {:.1} · {} {:.1}",
                tr(lang, T::ExtraConversions),
                tr(lang, T::ByUplift),
                t.by_uplift,
                tr(lang, T::ByResponse),
                t.by_response,
                tr(lang, T::RandomPick),
                t.random
            ));
            if ui.button(tr(lang, T::ExportList)).clicked() {
                commands.push(Command::ExportUplift {
                    budget: self.budget,
                    pseudonymise: self.pseudonymise,
                });
            }
        });
        egui::Grid::new("uplift-list")
            .striped(true)
            .spacing([14.0, 2.0])
            .show(ui, |ui| {
                for key in [T::Learner, T::Uplift, T::Control, T::Treatment] {
                    ui.strong(tr(lang, key));
                }
                ui.end_row();
                for &row in t.list.iter().take(10) {
                    let l = &r.learners[row];
                    ui.label(&l.user_id);
                    ui.label(format!("{:+.1} pp", l.uplift * 100.0));
                    ui.label(format!("{:.1}%", l.p_control * 100.0));
                    ui.label(format!("{:.1}%", l.p_treatment * 100.0));
                    ui.end_row();
                }
            });
    }

    fn request(&self, r: &CampaignModels) -> TargetRequest {
        TargetRequest {
            course: r.catalog.ids[self.course].clone(),
            budget: self.budget,
            objective: self.objective,
            placement: self.placement.clone(),
            backtest_from: self
                .backtest
                .then_some(r.report.test_from.as_deref())
                .flatten()
                .and_then(|d| crate::data::cells::parse_timestamp(d, None).ok()),
            within: None,
        }
    }

    fn targeting(
        &mut self,
        ui: &mut Ui,
        lang: Lang,
        r: &CampaignModels,
        commands: &mut Vec<Command>,
    ) {
        let catalog = &r.catalog;
        ui.label(RichText::new(tr(lang, T::Targeting)).strong())
            .on_hover_text(tr(lang, T::TargetingTip));
        if catalog.is_empty() {
            return;
        }
        self.course = self.course.min(catalog.len() - 1);
        // A first list with the defaults, so the panel is never empty.
        if !self.list_requested {
            self.list_requested = true;
            commands.push(Command::RunTarget(self.request(r)));
        }
        egui::Grid::new("targeting-form")
            .num_columns(2)
            .show(ui, |ui| {
                ui.label(tr(lang, T::Course));
                egui::ComboBox::from_id_salt("target-course")
                    .selected_text(format!(
                        "{} ({})",
                        catalog.title(self.course),
                        catalog.categories[self.course]
                    ))
                    .height(style::PLOT_HEIGHT)
                    .show_ui(ui, |ui| {
                        for c in 0..catalog.len() {
                            let text = format!("{} ({})", catalog.title(c), catalog.categories[c]);
                            ui.selectable_value(&mut self.course, c, text);
                        }
                    });
                ui.end_row();
                ui.label(tr(lang, T::Budget));
                ui.add(
                    egui::DragValue::new(&mut self.budget)
                        .range(1..=1_000_000)
                        .speed(10),
                );
                ui.end_row();
                ui.label(tr(lang, T::RankBy));
                ui.horizontal(|ui| {
                    ui.selectable_value(
                        &mut self.objective,
                        Objective::Conversions,
                        tr(lang, T::ExpectedPurchases),
                    );
                    ui.selectable_value(
                        &mut self.objective,
                        Objective::Revenue,
                        tr(lang, T::ExpectedRevenue),
                    );
                    ui.selectable_value(
                        &mut self.objective,
                        Objective::Value,
                        tr(lang, T::RevenueAndValue),
                    )
                    .on_hover_text(tr(lang, T::RevenueAndValueTip));
                });
                ui.end_row();
                ui.label(tr(lang, T::Placement));
                let encoder = &r.models.encoder;
                let shown = self
                    .placement
                    .as_deref()
                    .or_else(|| encoder.default_placement())
                    .unwrap_or_default()
                    .to_string();
                egui::ComboBox::from_id_salt("target-placement")
                    .selected_text(shown)
                    .show_ui(ui, |ui| {
                        for (p, _) in &encoder.placements {
                            ui.selectable_value(&mut self.placement, Some(p.clone()), p);
                        }
                    });
                ui.end_row();
                if let Some(from) = &r.report.test_from {
                    ui.label(tr(lang, T::Backtest));
                    ui.checkbox(
                        &mut self.backtest,
                        format!("{} {from}", tr(lang, T::BacktestFrom)),
                    )
                    .on_hover_text(tr(lang, T::BacktestTip));
                    ui.end_row();
                }
            });
        ui.horizontal(|ui| {
            if ui.button(format!("▶ {}", tr(lang, T::BuildList))).clicked() {
                commands.push(Command::RunTarget(self.request(r)));
            }
            if self.list.is_some() {
                ui.checkbox(&mut self.pseudonymise, tr(lang, T::PseudonymiseIds));
                if ui.button(tr(lang, T::ExportList)).clicked() {
                    commands.push(Command::ExportTargets {
                        pseudonymise: self.pseudonymise,
                    });
                }
                if ui
                    .button(format!("👥 {}", tr(lang, T::ListAsAudience)))
                    .on_hover_text(tr(lang, T::AudienceTip))
                    .clicked()
                {
                    commands.push(Command::MakeAudience {
                        name: String::new(),
                        from: super::AudienceFrom::Targets,
                    });
                }
            }
        });
        let Some(t) = &self.list else {
            return;
        };
        let title = catalog
            .ids
            .iter()
            .position(|id| *id == t.course)
            .map_or(t.course.as_str(), |i| catalog.title(i));
        ui.label(format!(
            "《{title}》 · {} / {} {}{}",
            t.rows.len(),
            t.eligible,
            tr(lang, T::Eligible),
            t.audience.as_ref().map_or(String::new(), |a| format!(
                " · {} «{a}»",
                tr(lang, T::Within)
            ))
        ));
        let (ours, random, active) = match t.objective {
            Objective::Conversions => (
                t.expected_conversions,
                t.random_conversions,
                t.active_conversions,
            ),
            Objective::Revenue | Objective::Value => {
                (t.expected_revenue, t.random_revenue, t.active_revenue)
            }
        };
        ui.label(
            RichText::new(comparison(lang, [ours, random, active]))
                .strong()
                .color(style::OK),
        );
        let metric = match t.objective {
            Objective::Conversions => tr(lang, T::ExpectedPurchases),
            Objective::Revenue | Objective::Value => tr(lang, T::ExpectedRevenue),
        };
        let mut metrics = vec![metric.to_string()];
        let mut bars = vec![
            (tr(lang, T::ThisList).to_string(), vec![ours]),
            (tr(lang, T::RandomLearners).to_string(), vec![random]),
            (tr(lang, T::ActiveLearners).to_string(), vec![active]),
        ];
        if let Some(b) = &t.backtest {
            let (list, random, active) = match t.objective {
                Objective::Conversions => (
                    b.list_conversions,
                    b.random_conversions,
                    b.active_conversions,
                ),
                Objective::Revenue | Objective::Value => {
                    (b.list_revenue, b.random_revenue, b.active_revenue)
                }
            };
            ui.label(
                RichText::new(format!(
                    "{} {}: {}",
                    tr(lang, T::RealisedAfter),
                    b.from,
                    comparison(lang, [list, random, active])
                ))
                .strong(),
            )
            .on_hover_text(tr(lang, T::BacktestTip));
            metrics.push(
                tr(
                    lang,
                    match t.objective {
                        Objective::Conversions => T::RealisedPurchases,
                        Objective::Revenue | Objective::Value => T::RealisedRevenue,
                    },
                )
                .to_string(),
            );
            for (bar, v) in bars.iter_mut().zip([list, random, active]) {
                bar.1.push(v);
            }
        }
        grouped_bars(ui, "target-bars", &metrics, &bars, 140.0);
        egui::Grid::new("target-rows")
            .striped(true)
            .spacing(style::TABLE_SPACING)
            .show(ui, |ui| {
                for key in [T::Learner, T::PClick, T::PPurchase, T::ExpectedRevenue] {
                    ui.strong(tr(lang, key));
                }
                ui.end_row();
                for row in t.rows.iter().take(SHOWN_ROWS) {
                    ui.label(&row.user_id);
                    ui.label(format!("{:.1}%", row.p_click * 100.0));
                    ui.label(format!("{:.2}%", row.p_convert * 100.0));
                    ui.label(format!("¥{:.1}", row.expected_revenue));
                    ui.end_row();
                }
            });
    }
}

/// "This list: x · Random learners: y · Most active learners: z · ×lift" for a list, random
/// learners and the most active ones.
fn comparison(lang: Lang, [list, random, active]: [f64; 3]) -> String {
    let lift = if random > 0.0 { list / random } else { 0.0 };
    format!(
        "{}: {list:.1} · {}: {random:.1} · {}: {active:.1} · ×{lift:.1}",
        tr(lang, T::ThisList),
        tr(lang, T::RandomLearners),
        tr(lang, T::ActiveLearners),
    )
}

/// A model's name (`logistic` or `fm`) in the interface language.
fn model_label(lang: Lang, name: &str) -> String {
    crate::campaigns::model_label(name).get(lang).to_string()
}

fn models_grid(ui: &mut Ui, lang: Lang, rep: &CtrReport) {
    egui::Grid::new("ctr-models")
        .striped(true)
        .spacing([14.0, 3.0])
        .show(ui, |ui| {
            ui.strong(tr(lang, T::Model));
            ui.strong(tr(lang, T::Auc))
                .on_hover_text(tr(lang, T::AucTip));
            ui.strong(tr(lang, T::LogLoss))
                .on_hover_text(tr(lang, T::LogLossTip));
            ui.strong(tr(lang, T::FitSeconds));
            ui.end_row();
            for m in &rep.models {
                let mut text = RichText::new(model_label(lang, &m.name));
                if m.name == rep.model {
                    text = text.strong().color(style::OK);
                }
                ui.label(text);
                ui.label(m.auc.map_or("—".into(), |a| format!("{a:.4}")));
                ui.label(format!("{:.4}", m.logloss));
                ui.label(format!("{:.2}", m.train_seconds));
                ui.end_row();
            }
        });
}

fn weights_grid(ui: &mut Ui, lang: Lang, rep: &CtrReport) {
    let max = rep
        .coefficients
        .iter()
        .map(|c| c.weight.abs())
        .fold(1e-9, f64::max);
    egui::Grid::new("ctr-weights")
        .striped(true)
        .spacing([10.0, 2.0])
        .show(ui, |ui| {
            for c in rep.coefficients.iter().take(16) {
                ui.label(format!("{:+.3}", c.weight));
                let (rect, _) =
                    ui.allocate_exact_size(egui::vec2(120.0, 12.0), egui::Sense::hover());
                let w = (c.weight.abs() / max) as f32 * rect.width();
                let bar = egui::Rect::from_min_size(rect.min, egui::vec2(w, rect.height()));
                let color = if c.weight >= 0.0 {
                    style::series_color(0)
                } else {
                    style::WARN
                };
                ui.painter().rect_filled(bar, 0.0, color);
                ui.label(crate::profile::feature_label(&c.feature).get(lang))
                    .on_hover_text(&c.feature);
                ui.end_row();
            }
        });
}
