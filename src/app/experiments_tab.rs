//! The Experiments tab: choose an experiment, read the variants' rates, lifts and p-values,
//! see the posteriors, the cumulative lift with fixed and always-valid bounds, revenue with
//! and without CUPED, an SRM banner, a power calculator and exports.

use super::i18n::{Lang, T, tr};
use super::plots::{band, dashed, error_bar, index_label};
use super::style;
use super::{Command, Loaded, UpliftView};
use crate::data::TableKind;
use crate::experiments::{self, AbOptions, Readout};
use egui::{RichText, Ui};
use egui_plot::{Legend, Line, Plot, PlotPoints};
use std::sync::Arc;

/// Inputs of the power calculator.
#[derive(Debug, Clone)]
struct PowerInputs {
    baseline: f64,
    mde: f64,
    alpha: f64,
    power: f64,
}

/// The tab's state.
#[derive(Debug)]
pub struct ExperimentsTab {
    /// The latest read-out.
    pub readout: Option<Arc<Readout>>,
    /// The options it was (or is being) computed with, and for which dataset.
    requested: Option<(usize, String, Option<String>, f64)>,
    experiment: Option<String>,
    control: Option<String>,
    alpha: f64,
    cuped: bool,
    power: PowerInputs,
    /// Where the main plot was drawn, for the PNG export.
    pub main_plot: Option<egui::Rect>,
    /// The treatment variant uplift is estimated for (default: the likeliest best).
    treatment: Option<String>,
    /// Settings of the next experiment planned on an audience.
    pub plan_settings: crate::experiments::PlanSettings,
    /// The planned experiment whose read-out was opened once its results came back.
    opened_plan: Option<String>,
}

/// The working audience and the experiment planned on it, for the planning section.
pub struct Planning<'a> {
    /// The working audience.
    pub audience: Option<&'a Arc<crate::audience::Audience>>,
    /// The experiment last planned.
    pub plan: Option<&'a Arc<crate::experiments::Plan>>,
    /// Pseudonymise ids in the assignment export.
    pub pseudonymise: bool,
}

impl Default for ExperimentsTab {
    fn default() -> Self {
        ExperimentsTab {
            readout: None,
            requested: None,
            experiment: None,
            control: None,
            alpha: 0.05,
            cuped: true,
            power: PowerInputs {
                baseline: 0.1,
                mde: 0.1,
                alpha: 0.05,
                power: 0.8,
            },
            main_plot: None,
            treatment: None,
            plan_settings: crate::experiments::PlanSettings::default(),
            opened_plan: None,
        }
    }
}

fn pct(v: Option<f64>) -> String {
    v.map_or("—".into(), |v| format!("{:.2}%", v * 100.0))
}

fn pp_ci(v: Option<[f64; 2]>) -> String {
    v.map_or("—".into(), |[a, b]| {
        format!("[{:+.2}, {:+.2}]", a * 100.0, b * 100.0)
    })
}

fn num(v: Option<f64>, digits: usize) -> String {
    v.map_or("—".into(), |v| format!("{v:.digits$}"))
}

impl ExperimentsTab {
    /// Takes a finished read-out.
    pub fn set_readout(&mut self, readout: Readout) {
        if self.power.baseline == 0.1
            && let Some(rate) = readout.variants.first().and_then(|v| v.rate)
            && rate > 0.0
        {
            self.power.baseline = rate;
        }
        self.experiment = Some(readout.experiment.clone());
        self.control = Some(readout.control.clone());
        self.readout = Some(Arc::new(readout));
    }

    /// Draws the tab; asks for a new read-out when the dataset or the choices change.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        lang: Lang,
        loaded: Option<&Arc<Loaded>>,
        uplift: Option<&UpliftView>,
        planning: &Planning,
        commands: &mut Vec<Command>,
    ) {
        let Some(loaded) = loaded else {
            ui.label(tr(lang, T::NoData));
            return;
        };
        if loaded.dataset.table(TableKind::Experiments).is_none() {
            ui.label(tr(lang, T::NoExperiments));
            ui.add_space(style::GAP_LARGE);
            self.plan_section(ui, lang, planning, true, commands);
            return;
        }
        if let (Some(p), Some(r)) = (planning.plan, &self.readout) {
            let name = &p.settings.experiment;
            if self.opened_plan.as_ref() != Some(name) && r.experiments.contains(name) {
                self.opened_plan = Some(name.clone());
                self.experiment = Some(name.clone());
                self.control = Some(crate::experiments::plan::CONTROL.to_string());
            }
        }
        let dataset_id = Arc::as_ptr(loaded) as usize;
        if self.requested.as_ref().is_some_and(|r| r.0 != dataset_id) {
            self.readout = None;
            self.experiment = None;
            self.control = None;
        }
        self.controls(ui, lang, commands);
        let wanted = (
            dataset_id,
            self.experiment.clone().unwrap_or_default(),
            self.control.clone(),
            self.alpha,
        );
        if self.requested.as_ref() != Some(&wanted) {
            self.requested = Some(wanted);
            commands.push(Command::RunReadout(AbOptions {
                experiment: self.experiment.clone(),
                control: self.control.clone(),
                alpha: self.alpha,
                ..AbOptions::default()
            }));
        }
        let Some(r) = self.readout.clone() else {
            style::busy(ui);
            return;
        };
        self.srm_banner(ui, lang, &r);
        verdict_banner(ui, lang, &r);
        for w in r.warnings.iter().filter(|w| !w.is_sample_ratio_mismatch()) {
            ui.colored_label(style::WARN, format!("⚠ {}", w.text().get(lang)));
        }
        ui.add_space(style::GAP_SMALL);
        variants_table(ui, lang, &r);
        ui.add_space(style::GAP_LARGE);
        let height = 230.0;
        ui.columns(2, |cols| {
            cols[0].label(RichText::new(tr(lang, T::RatesPlot)).strong());
            let response = rates_plot(&mut cols[0], &r, height);
            self.main_plot = Some(response);
            cols[1].label(RichText::new(tr(lang, T::PosteriorPlot)).strong());
            posterior_plot(&mut cols[1], &r, height);
        });
        ui.add_space(style::GAP_LARGE);
        ui.columns(2, |cols| {
            cols[0].label(RichText::new(tr(lang, T::LiftPlot)).strong());
            lift_plot(&mut cols[0], &r, height);
            cols[1].horizontal(|ui| {
                ui.label(RichText::new(tr(lang, T::RevenuePlot)).strong());
                if let Some(c) = &r.cuped {
                    ui.checkbox(&mut self.cuped, tr(lang, T::Cuped))
                        .on_hover_text(tr(lang, T::CupedTip));
                    if self.cuped {
                        ui.weak(format!(
                            "−{:.0}% {}",
                            c.variance_reduction * 100.0,
                            tr(lang, T::VarianceReduction)
                        ));
                    }
                }
            });
            revenue_plot(&mut cols[1], &r, self.cuped, height);
        });
        ui.add_space(style::GAP_LARGE);
        self.uplift_section(ui, lang, &r, uplift, commands);
        if let Some(b) = &r.bandit_replay {
            ui.add_space(style::GAP_LARGE);
            bandit_replay(ui, lang, &r, b, height);
        }
        ui.add_space(style::GAP_LARGE);
        self.power_ui(ui, lang, &r);
        ui.add_space(style::GAP_LARGE);
        self.plan_section(ui, lang, planning, false, commands);
    }

    /// Planning a new experiment on the working audience: name, split and seed; the plan's
    /// arms, base rate and detectable lift; the assignment export.
    fn plan_section(
        &mut self,
        ui: &mut Ui,
        lang: Lang,
        planning: &Planning,
        open: bool,
        commands: &mut Vec<Command>,
    ) {
        let title = match planning.audience {
            Some(a) => format!("{} «{}» ({})", tr(lang, T::PlanOn), a.name, a.len()),
            None => tr(lang, T::PlanExperiment).to_string(),
        };
        egui::CollapsingHeader::new(RichText::new(title).strong())
            .id_salt("plan")
            .default_open(open || planning.audience.is_some())
            .show(ui, |ui| {
                let Some(audience) = planning.audience else {
                    ui.label(tr(lang, T::ChooseAudienceFirst));
                    return;
                };
                let s = &mut self.plan_settings;
                if s.experiment == crate::experiments::PlanSettings::default().experiment {
                    s.experiment = format!("{}_test", audience.name.replace([' ', ',', '"'], "_"));
                }
                ui.horizontal(|ui| {
                    ui.label(tr(lang, T::Experiment));
                    ui.add(egui::TextEdit::singleline(&mut s.experiment).desired_width(180.0));
                    ui.label(tr(lang, T::TreatmentShare));
                    ui.add(egui::Slider::new(&mut s.treatment_share, 0.05..=0.95).max_decimals(2));
                    ui.label(tr(lang, T::Seed));
                    ui.add(egui::DragValue::new(&mut s.seed));
                    if ui.button(format!("▶ {}", tr(lang, T::Plan))).clicked() {
                        commands.push(Command::PlanExperiment(s.clone()));
                    }
                });
                let Some(p) = planning.plan else {
                    return;
                };
                ui.label(
                    RichText::new(format!(
                        "{} «{}»: {} {} · {} {}",
                        p.settings.experiment,
                        p.audience,
                        p.control,
                        tr(lang, T::InControl),
                        p.treatment,
                        tr(lang, T::InTreatment),
                    ))
                    .size(16.0),
                );
                match (p.base_rate, p.mde) {
                    (Some(rate), Some(mde)) => ui
                        .label(format!(
                            "{} {:.1}% ({} {} {}) · {} {:+.0}% ({} {:.1}% → {:.1}%)",
                            tr(lang, T::BaseRate),
                            100.0 * rate,
                            tr(lang, T::BoughtInLast),
                            p.settings.base_days,
                            tr(lang, T::Days),
                            tr(lang, T::Detects),
                            100.0 * mde,
                            tr(lang, T::Conversion),
                            100.0 * rate,
                            100.0 * rate * (1.0 + mde),
                        ))
                        .on_hover_text(tr(lang, T::DetectsTip)),
                    _ => ui.label(tr(lang, T::BaseRateUnknown)),
                };
                ui.horizontal(|ui| {
                    if ui.button(tr(lang, T::ExportAssignment)).clicked() {
                        commands.push(Command::ExportPlan {
                            pseudonymise: planning.pseudonymise,
                        });
                    }
                    ui.weak(tr(lang, T::AssignmentNext));
                });
            });
    }

    /// Whom the treatment changes: a button that estimates the uplift of the chosen treatment,
    /// the Qini check and the effect in each segment.
    fn uplift_section(
        &mut self,
        ui: &mut Ui,
        lang: Lang,
        r: &Readout,
        uplift: Option<&UpliftView>,
        commands: &mut Vec<Command>,
    ) {
        let others: Vec<&experiments::VariantResult> = r.variants.iter().skip(1).collect();
        if others.is_empty() {
            return;
        }
        if !self
            .treatment
            .as_ref()
            .is_some_and(|t| others.iter().any(|v| &v.name == t))
        {
            self.treatment = others
                .iter()
                .max_by(|a, b| a.p_best.unwrap_or(0.0).total_cmp(&b.p_best.unwrap_or(0.0)))
                .map(|v| v.name.clone());
        }
        ui.horizontal(|ui| {
            ui.label(RichText::new(tr(lang, T::UpliftHeading)).strong())
                .on_hover_text(tr(lang, T::UpliftTip));
            ui.label(tr(lang, T::Treatment));
            egui::ComboBox::from_id_salt("uplift-treatment")
                .selected_text(self.treatment.clone().unwrap_or_default())
                .show_ui(ui, |ui| {
                    for v in &others {
                        ui.selectable_value(&mut self.treatment, Some(v.name.clone()), &v.name);
                    }
                });
            if ui
                .button(format!("▶ {}", tr(lang, T::EstimateUplift)))
                .clicked()
            {
                commands.push(Command::RunUplift(crate::campaigns::UpliftConfig {
                    control: Some(r.control.clone()),
                    treatment: self.treatment.clone(),
                    ..crate::campaigns::UpliftConfig::new(&r.experiment)
                }));
            }
        });
        let Some(u) = uplift.filter(|u| {
            u.result.experiment == r.experiment
                && Some(&u.result.treatment) == self.treatment.as_ref()
        }) else {
            return;
        };
        ui.label(format!(
            "{}: {:.3} ({} {})",
            tr(lang, T::QiniCoefficient),
            u.result.qini,
            u.result.test_users,
            tr(lang, T::Learners)
        ))
        .on_hover_text(tr(lang, T::QiniTip));
        ui.columns(2, |cols| {
            cols[0].label(tr(lang, T::QiniPlot));
            qini_plot(&mut cols[0], lang, &u.result.curve);
            cols[1]
                .label(tr(lang, T::EffectBySegment))
                .on_hover_text(tr(lang, T::EffectBySegmentTip));
            segment_effects_plot(&mut cols[1], lang, u);
        });
    }

    fn controls(&mut self, ui: &mut Ui, lang: Lang, commands: &mut Vec<Command>) {
        let names = self
            .readout
            .as_ref()
            .map(|r| r.experiments.clone())
            .unwrap_or_default();
        let variants: Vec<String> = self
            .readout
            .as_ref()
            .map(|r| r.variants.iter().map(|v| v.name.clone()).collect())
            .unwrap_or_default();
        ui.horizontal(|ui| {
            ui.label(tr(lang, T::Experiment));
            let before = self.experiment.clone();
            egui::ComboBox::from_id_salt("experiment")
                .selected_text(self.experiment.clone().unwrap_or_default())
                .show_ui(ui, |ui| {
                    for n in &names {
                        ui.selectable_value(&mut self.experiment, Some(n.clone()), n);
                    }
                });
            if self.experiment != before {
                self.control = None;
            }
            ui.label(tr(lang, T::Control));
            egui::ComboBox::from_id_salt("control")
                .selected_text(self.control.clone().unwrap_or_default())
                .show_ui(ui, |ui| {
                    for n in &variants {
                        ui.selectable_value(&mut self.control, Some(n.clone()), n);
                    }
                });
            ui.label(tr(lang, T::Alpha))
                .on_hover_text(tr(lang, T::AlphaTip));
            ui.add(
                egui::DragValue::new(&mut self.alpha)
                    .range(0.001..=0.2)
                    .speed(0.001)
                    .max_decimals(3),
            );
            if self.readout.is_some() {
                if ui.button(tr(lang, T::ExportCsv)).clicked() {
                    commands.push(Command::ExportReadout);
                }
                if ui.button(tr(lang, T::ExportPng)).clicked() {
                    commands.push(Command::SaveMainPlot);
                }
            }
        });
    }

    fn srm_banner(&self, ui: &mut Ui, lang: Lang, r: &Readout) {
        let text = format!("SRM p = {}", num(r.srm_p, 4));
        if r.srm_warning {
            egui::Frame::new()
                .fill(style::ERROR.gamma_multiply(0.25))
                .inner_margin(6.0)
                .show(ui, |ui| {
                    ui.colored_label(
                        style::ERROR,
                        RichText::new(format!("⚠ {} ({text})", tr(lang, T::SrmBad))).strong(),
                    )
                    .on_hover_text(tr(lang, T::SrmTip));
                });
        } else {
            ui.colored_label(style::OK, format!("✔ {} ({text})", tr(lang, T::SrmOk)))
                .on_hover_text(tr(lang, T::SrmTip));
        }
    }

    fn power_ui(&mut self, ui: &mut Ui, lang: Lang, r: &Readout) {
        egui::CollapsingHeader::new(RichText::new(tr(lang, T::Power)).strong())
            .default_open(true)
            .show(ui, |ui| {
                let p = &mut self.power;
                ui.horizontal(|ui| {
                    ui.label(tr(lang, T::Baseline));
                    ui.add(
                        egui::DragValue::new(&mut p.baseline)
                            .range(0.0001..=0.9999)
                            .speed(0.001)
                            .max_decimals(4),
                    );
                    ui.label(tr(lang, T::Mde));
                    ui.add(
                        egui::DragValue::new(&mut p.mde)
                            .range(-0.99..=10.0)
                            .speed(0.005)
                            .max_decimals(3),
                    );
                    ui.label(tr(lang, T::Alpha));
                    ui.add(
                        egui::DragValue::new(&mut p.alpha)
                            .range(0.001..=0.2)
                            .speed(0.001)
                            .max_decimals(3),
                    );
                    ui.label(tr(lang, T::PowerLevel));
                    ui.add(
                        egui::DragValue::new(&mut p.power)
                            .range(0.5..=0.99)
                            .speed(0.005)
                            .max_decimals(3),
                    );
                });
                let needed = experiments::users_per_variant(p.baseline, p.mde, p.alpha, p.power);
                ui.label(
                    RichText::new(format!(
                        "{} {}",
                        needed
                            .users_per_variant
                            .map_or("—".into(), |n| n.to_string()),
                        tr(lang, T::UsersNeeded)
                    ))
                    .size(16.0),
                );
                let smallest = r.variants.iter().map(|v| v.users).min().unwrap_or(0) as f64;
                let mde = experiments::mde_for_users(p.baseline, smallest, p.alpha, p.power);
                ui.label(format!("{} {}", tr(lang, T::MdeReachable), pct(mde)));
            });
    }
}

fn variants_table(ui: &mut Ui, lang: Lang, r: &Readout) {
    let headers = [
        (T::Variant, None),
        (T::Users, None),
        (T::Conversions, None),
        (T::Rate, Some(T::RateTip)),
        (T::Lift, Some(T::LiftTip)),
        (T::RelLift, Some(T::RelLiftTip)),
        (T::PValue, Some(T::PValueTip)),
        (T::Holm, Some(T::HolmTip)),
        (T::Beat, Some(T::BeatTip)),
        (T::PBest, Some(T::PBestTip)),
        (T::BanditShare, Some(T::BanditShareTip)),
        (T::AlwaysValidP, Some(T::AlwaysValidTip)),
        (T::RevenuePerUser, None),
        (T::RevenueP, Some(T::RevenuePTip)),
    ];
    egui::Grid::new("variants")
        .striped(true)
        .spacing([14.0, 4.0])
        .show(ui, |ui| {
            for (key, tip) in headers {
                let label = ui.strong(tr(lang, key));
                if let Some(tip) = tip {
                    label.on_hover_text(tr(lang, tip));
                }
            }
            ui.end_row();
            for (i, v) in r.variants.iter().enumerate() {
                ui.colored_label(style::series_color(i), RichText::new(&v.name).strong());
                ui.label(v.users.to_string());
                ui.label(v.conversions.to_string());
                ui.label(pct(v.rate));
                let significant = v.p_value.is_some_and(|p| p < r.alpha);
                let lift = format!(
                    "{} {}",
                    v.abs_lift
                        .map_or("—".into(), |l| format!("{:+.2} pp", l * 100.0)),
                    pp_ci(v.abs_ci)
                );
                if significant {
                    let color = if v.abs_lift.unwrap_or(0.0) > 0.0 {
                        style::OK
                    } else {
                        style::ERROR
                    };
                    ui.colored_label(color, lift);
                } else {
                    ui.label(lift);
                }
                ui.label(v.rel_lift.map_or("—".into(), |l| {
                    format!(
                        "{:+.1}% [{}]",
                        l * 100.0,
                        v.rel_ci.map_or("—".into(), |[a, b]| format!(
                            "{:+.1}, {:+.1}",
                            a * 100.0,
                            b * 100.0
                        ))
                    )
                }));
                ui.label(num(v.p_value, 4));
                ui.label(num(v.p_value_holm, 4));
                ui.label(
                    v.chance_to_beat_control
                        .map_or("—".into(), |p| format!("{:.1}%", p * 100.0)),
                );
                ui.label(pct(v.p_best));
                ui.label(pct(v.thompson_share));
                ui.label(num(v.always_valid_p, 4));
                ui.label(num(v.revenue_mean, 2));
                ui.label(num(v.revenue_p_value, 4));
                ui.end_row();
            }
        });
}

fn rates_plot(ui: &mut Ui, r: &Readout, height: f32) -> egui::Rect {
    let names: Vec<String> = r.variants.iter().map(|v| v.name.clone()).collect();
    Plot::new("rates")
        .height(height)
        .allow_scroll(false)
        .x_axis_formatter(move |mark, _| index_label(&names, mark.value))
        .y_axis_formatter(|mark, _| format!("{:.1}%", mark.value * 100.0))
        .include_x(-0.5)
        .include_x(r.variants.len() as f64 - 0.5)
        .show(ui, |plot| {
            for (i, v) in r.variants.iter().enumerate() {
                if let (Some(rate), Some(ci)) = (v.rate, v.rate_ci) {
                    error_bar(plot, &v.name, i, i as f64, rate, ci);
                }
            }
        })
        .response
        .rect
}

fn posterior_plot(ui: &mut Ui, r: &Readout, height: f32) {
    let curves = experiments::posterior_curves(r, 200);
    Plot::new("posterior")
        .height(height)
        .allow_scroll(false)
        .legend(Legend::default())
        .x_axis_formatter(|mark, _| format!("{:.1}%", mark.value * 100.0))
        .show_axes([true, false])
        .show(ui, |plot| {
            for (i, (name, points)) in curves.into_iter().enumerate() {
                plot.line(
                    Line::new(name, PlotPoints::from(points))
                        .color(style::series_color(i))
                        .fill(0.0)
                        .fill_alpha(0.15)
                        .width(style::LINE_WIDTH),
                );
            }
        });
}

fn lift_plot(ui: &mut Ui, r: &Readout, height: f32) {
    let mut days: Vec<String> = r.timeline.iter().map(|p| p.day.clone()).collect();
    days.sort();
    days.dedup();
    let labels = days.clone();
    Plot::new("lift")
        .height(height)
        .allow_scroll(false)
        .legend(Legend::default())
        .x_axis_formatter(move |mark, _| index_label(&labels, mark.value))
        .y_axis_formatter(|mark, _| format!("{:+.1} pp", mark.value * 100.0))
        .show(ui, |plot| {
            plot.hline(egui_plot::HLine::new("", 0.0).color(egui::Color32::GRAY));
            for (i, v) in r.variants.iter().enumerate().skip(1) {
                // The first days hold a handful of users and bounds far wider than the rest:
                // start where both arms have a tenth of their final size (at most 100).
                let last = r.timeline.iter().rev().find(|p| p.variant == v.name);
                let min_users = last.map_or(0, |p| p.users[0].min(p.users[1]) / 10).min(100);
                let pts: Vec<_> = r
                    .timeline
                    .iter()
                    .filter(|p| p.variant == v.name && p.users[0].min(p.users[1]) >= min_users)
                    .filter_map(|p| {
                        let x = days.binary_search(&p.day).ok()? as f64;
                        Some((x, p.abs_lift?, p.ci?, p.cs?))
                    })
                    .collect();
                let xs: Vec<f64> = pts.iter().map(|p| p.0).collect();
                let y: Vec<f64> = pts.iter().map(|p| p.1).collect();
                let lo: Vec<f64> = pts.iter().map(|p| p.2[0]).collect();
                let hi: Vec<f64> = pts.iter().map(|p| p.2[1]).collect();
                band(plot, &v.name, i, &xs, &y, &lo, &hi);
                dashed(
                    plot,
                    &v.name,
                    i,
                    pts.iter().map(|p| [p.0, p.3[0]]).collect(),
                );
                dashed(
                    plot,
                    &v.name,
                    i,
                    pts.iter().map(|p| [p.0, p.3[1]]).collect(),
                );
            }
        });
}

fn revenue_plot(ui: &mut Ui, r: &Readout, cuped: bool, height: f32) {
    let names: Vec<String> = r.variants.iter().map(|v| v.name.clone()).collect();
    let diffs: Vec<(usize, String, f64, [f64; 2])> = match (&r.cuped, cuped) {
        (Some(c), true) => c
            .variants
            .iter()
            .enumerate()
            .skip(1)
            .filter_map(|(i, v)| Some((i, v.name.clone(), v.diff?, v.ci?)))
            .collect(),
        _ => r
            .variants
            .iter()
            .enumerate()
            .skip(1)
            .filter_map(|(i, v)| Some((i, v.name.clone(), v.revenue_diff?, v.revenue_ci?)))
            .collect(),
    };
    Plot::new("revenue")
        .height(height)
        .allow_scroll(false)
        .x_axis_formatter(move |mark, _| index_label(&names, mark.value))
        .include_x(0.5)
        .include_x(r.variants.len() as f64 - 0.5)
        .include_y(0.0)
        .show(ui, |plot| {
            plot.hline(egui_plot::HLine::new("", 0.0).color(egui::Color32::GRAY));
            for (i, name, diff, ci) in diffs {
                error_bar(plot, &name, i, i as f64, diff, ci);
            }
        });
}

/// The experiment replayed under an equal split and under Thompson sampling: conversions and
/// regret side by side, and how Thompson sampling moved traffic batch by batch.
fn bandit_replay(ui: &mut Ui, lang: Lang, r: &Readout, b: &experiments::Replay, height: f32) {
    ui.label(RichText::new(tr(lang, T::BanditReplay)).strong())
        .on_hover_text(tr(lang, T::BanditReplayTip));
    ui.columns(2, |cols| {
        let ui = &mut cols[0];
        egui::Grid::new("replay")
            .spacing([14.0, 4.0])
            .show(ui, |ui| {
                ui.label("");
                ui.strong(tr(lang, T::Conversions));
                ui.strong(tr(lang, T::Regret))
                    .on_hover_text(tr(lang, T::RegretTip));
                ui.end_row();
                ui.label(tr(lang, T::EqualSplit));
                ui.label(format!("{:.0}", b.equal_conversions));
                ui.label(format!("{:.0}", b.equal_regret()));
                ui.end_row();
                ui.label(tr(lang, T::ThompsonSampling));
                ui.label(format!(
                    "{:.0} ({:+.0})",
                    b.thompson_conversions,
                    b.thompson_conversions - b.equal_conversions
                ));
                ui.label(format!("{:.0}", b.thompson_regret()));
                ui.end_row();
                ui.label(tr(lang, T::AlwaysBest));
                ui.label(format!("{:.0}", b.best_conversions));
                ui.label("0");
                ui.end_row();
            });
        let ui = &mut cols[1];
        ui.label(tr(lang, T::ThompsonShares));
        Plot::new("thompson-shares")
            .height(height * 0.7)
            .allow_scroll(false)
            // Top left: traffic starts equal and the winner climbs to the right.
            .legend(Legend::default().position(egui_plot::Corner::LeftTop))
            .include_y(0.0)
            .include_y(1.0)
            .x_axis_label(tr(lang, T::Batch))
            .y_axis_formatter(|mark, _| format!("{:.0}%", mark.value * 100.0))
            .show(ui, |plot| {
                for (i, v) in r.variants.iter().enumerate() {
                    let points: Vec<[f64; 2]> = b
                        .shares
                        .iter()
                        .enumerate()
                        .map(|(k, s)| [k as f64 + 1.0, s.get(i).copied().unwrap_or(0.0)])
                        .collect();
                    plot.line(
                        Line::new(v.name.clone(), PlotPoints::from(points))
                            .color(style::series_color(i))
                            .width(style::LINE_WIDTH),
                    );
                }
            });
    });
}

/// The Qini curve of the uplift ranking against random targeting (the straight line to the
/// same end).
fn qini_plot(ui: &mut Ui, lang: Lang, curve: &[crate::campaigns::uplift::QiniPoint]) {
    let points: Vec<[f64; 2]> = curve.iter().map(|p| [p.targeted, p.incremental]).collect();
    let end = points.last().copied().unwrap_or([0.0, 0.0]);
    Plot::new("qini")
        .height(220.0)
        .allow_scroll(false)
        .legend(Legend::default().position(egui_plot::Corner::LeftTop))
        .x_axis_label(tr(lang, T::TargetedUsers))
        .y_axis_label(tr(lang, T::ExtraConversions))
        .show(ui, |plot| {
            dashed(plot, tr(lang, T::RandomPick), 7, vec![[0.0, 0.0], end]);
            plot.line(
                Line::new(tr(lang, T::ThisModel), PlotPoints::from(points))
                    .color(style::series_color(0))
                    .width(style::LINE_WIDTH),
            );
        });
}

/// Observed effect per segment with its interval (horizontal bars), and the mean predicted
/// uplift (diamonds), in percentage points; one row per segment so long names stay readable.
fn segment_effects_plot(ui: &mut Ui, lang: Lang, u: &UpliftView) {
    let shown: Vec<usize> = (0..u.groups.len())
        .filter(|&g| u.groups[g].effect.is_some())
        .collect();
    let names: Vec<String> = shown
        .iter()
        .map(|&g| {
            u.group_names
                .get(g)
                .map_or(String::new(), |t| t.get(lang).to_string())
        })
        .collect();
    let rows = shown.len();
    Plot::new("segment-effects")
        .height(24.0 * rows.max(4) as f32)
        .allow_scroll(false)
        .allow_drag(false)
        .legend(Legend::default().position(egui_plot::Corner::RightBottom))
        .y_axis_formatter(move |mark, _| index_label(&names, mark.value))
        .y_grid_spacer(super::plots::one_mark_each(rows))
        .x_axis_formatter(|mark, _| format!("{:+.0} pp", mark.value * 100.0))
        .include_y(-0.5)
        .include_y(rows as f64 - 0.5)
        .show(ui, |plot| {
            plot.vline(egui_plot::VLine::new("", 0.0).color(egui::Color32::GRAY));
            let observed = tr(lang, T::ObservedEffect);
            for (y, &g) in shown.iter().enumerate() {
                let e = &u.groups[g];
                let y = y as f64;
                if let (Some(effect), Some([lo, hi])) = (e.effect, e.ci) {
                    plot.line(
                        Line::new(observed, PlotPoints::from(vec![[lo, y], [hi, y]]))
                            .color(style::series_color(0))
                            .width(style::LINE_WIDTH),
                    );
                    plot.points(
                        egui_plot::Points::new(observed, PlotPoints::from(vec![[effect, y]]))
                            .color(style::series_color(0))
                            .radius(5.0)
                            .filled(true),
                    );
                }
                if let Some(p) = e.predicted {
                    plot.points(
                        egui_plot::Points::new(
                            tr(lang, T::PredictedEffect),
                            PlotPoints::from(vec![[p, y]]),
                        )
                        .color(style::series_color(1))
                        .radius(5.0)
                        .shape(egui_plot::MarkerShape::Diamond)
                        .filled(true),
                    );
                }
            }
        });
}

/// The decision the read-out supports, in plain words, coloured by what to do.
fn verdict_banner(ui: &mut Ui, lang: Lang, r: &Readout) {
    use experiments::Decision;
    let v = experiments::verdict(r);
    let (colour, mark) = match v.decision {
        Decision::Ship => (style::OK, "✔"),
        Decision::KeepRunning => (style::WARN, "⏳"),
        Decision::DontShip | Decision::FixTheSplit => (style::ERROR, "✖"),
    };
    egui::Frame::new()
        .fill(colour.gamma_multiply(0.18))
        .inner_margin(6.0)
        .show(ui, |ui| {
            ui.colored_label(
                colour,
                RichText::new(format!("{mark} {}", v.reason.get(lang))).strong(),
            )
            .on_hover_text(tr(lang, T::VerdictTip));
        });
}
