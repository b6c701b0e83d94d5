//! The Overview tab: the business at a glance (learners, activity, orders and revenue),
//! months, best sellers, the funnel by course, category or segment, sign-up cohort retention,
//! and every segment side by side on the profile features.

use super::Command;
use super::i18n::{Lang, T, tr};
use super::plots::{CellGrid, index_label, one_mark_each};
use super::style::{self, series_color};
use crate::look::{signed, thousands, yuan};
use crate::overview::Glance;
use crate::profile::feature_label;
use crate::segment::SegmentResult;
use egui::{RichText, Ui};
use egui_plot::{Bar, BarChart, Legend, Plot};
use std::sync::Arc;

/// Groups drawn in the funnel plot.
const FUNNEL_PLOTTED: usize = 5;
/// Groups listed in the funnel table and best-seller tables.
const LISTED: usize = 10;

/// What the funnel is split by in the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Split {
    /// One funnel over every course.
    All,
    /// Per course category.
    #[default]
    Category,
    /// Per course.
    Course,
    /// Per segment (once segments are made).
    Segment,
}

impl Split {
    fn label(self) -> T {
        match self {
            Split::All => T::AllCourses,
            Split::Category => T::ByCategory,
            Split::Course => T::ByCourse,
            Split::Segment => T::BySegment,
        }
    }
}

/// The tab's state.
#[derive(Debug, Default)]
pub struct OverviewTab {
    /// What the funnel is split by.
    pub split: Split,
    /// The split the shown funnel was computed with.
    shown: Option<Split>,
}

impl OverviewTab {
    /// Forgets what was computed for an earlier dataset.
    pub fn reset(&mut self) {
        self.shown = None;
    }

    /// Records the split a finished overview was computed with.
    pub fn computed(&mut self, split: Split) {
        self.shown = Some(split);
    }

    /// Draws the tab.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        lang: Lang,
        glance: Option<&Arc<Glance>>,
        segments: Option<&Arc<SegmentResult>>,
        commands: &mut Vec<Command>,
    ) {
        let Some(g) = glance else {
            style::busy(ui);
            return;
        };
        if self.split == Split::Segment && segments.is_none() {
            self.split = Split::Category;
        }
        if self.shown.is_some_and(|s| s != self.split) {
            self.shown = Some(self.split);
            commands.push(Command::RunOverview(self.split));
        }
        kpis(ui, lang, g);
        ui.add_space(style::GAP_LARGE);
        ui.columns(2, |cols| {
            months(&mut cols[0], lang, g);
            best_sellers(&mut cols[1], lang, g);
        });
        ui.add_space(style::GAP_LARGE);
        ui.separator();
        self.funnel(ui, lang, g, segments.is_some());
        ui.add_space(style::GAP_LARGE);
        ui.separator();
        ui.columns(2, |cols| {
            cohorts(&mut cols[0], lang, g);
            self.segment_comparison(&mut cols[1], lang, segments, commands);
        });
    }

    fn funnel(&mut self, ui: &mut Ui, lang: Lang, g: &Glance, has_segments: bool) {
        ui.horizontal(|ui| {
            ui.heading(tr(lang, T::Funnel))
                .on_hover_text(tr(lang, T::FunnelTip));
            egui::ComboBox::from_id_salt("funnel-split")
                .selected_text(tr(lang, self.split.label()))
                .show_ui(ui, |ui| {
                    for s in [Split::All, Split::Category, Split::Course, Split::Segment] {
                        let enabled = s != Split::Segment || has_segments;
                        ui.add_enabled_ui(enabled, |ui| {
                            ui.selectable_value(&mut self.split, s, tr(lang, s.label()))
                                .on_disabled_hover_text(tr(lang, T::SegmentFirst));
                        });
                    }
                });
        });
        let stages: Vec<String> = STAGE_NAMES
            .iter()
            .map(|t| tr(lang, *t).to_string())
            .collect();
        ui.columns(2, |cols| {
            let labels = stages.clone();
            Plot::new("funnel")
                .height(style::PLOT_HEIGHT_SMALL)
                .legend(Legend::default().position(egui_plot::Corner::RightTop))
                .allow_scroll(false)
                .allow_drag(false)
                .include_y(0.0)
                .include_y(130.0)
                .y_axis_label(tr(lang, T::ShareOfViewers))
                .y_axis_formatter(|m, _| format!("{:.0}%", m.value))
                .x_axis_formatter(move |m, _| index_label(&labels, m.value))
                .x_grid_spacer(one_mark_each(5))
                .show(&mut cols[0], |plot| {
                    let shown = g.funnel.groups.iter().take(FUNNEL_PLOTTED);
                    let n = shown.len().max(1) as f64;
                    for (s, group) in shown.enumerate() {
                        let width = 0.8 / n;
                        let top = group.reached[0].max(1) as f64;
                        let bars = (0..5)
                            .map(|k| {
                                let share = 100.0 * group.reached[k] as f64 / top;
                                Bar::new(k as f64 - 0.4 + width * (s as f64 + 0.5), share)
                                    .width(width * 0.9)
                                    .name(format!(
                                        "{} · {}: {} ({share:.0}%)",
                                        group.name, stages[k], group.reached[k]
                                    ))
                            })
                            .collect();
                        plot.bar_chart(
                            BarChart::new(group.name.clone(), bars).color(series_color(s)),
                        );
                    }
                });
            let ui = &mut cols[1];
            egui::Grid::new("funnel-grid")
                .striped(true)
                .spacing(style::TABLE_SPACING)
                .show(ui, |ui| {
                    ui.strong(tr(lang, self.split.label()));
                    for s in &stages {
                        ui.strong(s);
                    }
                    ui.end_row();
                    for group in g.funnel.groups.iter().take(LISTED) {
                        ui.label(crate::data::cells::shortened(&group.name, 16))
                            .on_hover_text(&group.name);
                        for k in 0..5 {
                            let cell = ui.label(group.stage_text(k));
                            if k > 0 && group.step_rate(k).is_some() {
                                cell.on_hover_text(tr(lang, T::StepRateTip));
                            }
                        }
                        ui.end_row();
                    }
                });
        });
    }

    fn segment_comparison(
        &self,
        ui: &mut Ui,
        lang: Lang,
        segments: Option<&Arc<SegmentResult>>,
        commands: &mut Vec<Command>,
    ) {
        ui.heading(tr(lang, T::SegmentComparison))
            .on_hover_text(tr(lang, T::SegmentComparisonTip));
        let Some(s) = segments else {
            ui.label(tr(lang, T::SegmentFirst));
            ui.horizontal(|ui| {
                if ui.button(tr(lang, T::GoToSegments)).clicked() {
                    commands.push(Command::SetTab(super::Tab::Segments));
                }
            });
            return;
        };
        let c = &s.comparison;
        let columns: Vec<String> = s
            .summaries
            .iter()
            .map(|m| format!("#{}", m.id + 1))
            .collect();
        let rows: Vec<String> = c
            .features
            .iter()
            .map(|f| feature_label(f).get(lang).to_string())
            .collect();
        CellGrid {
            rows: &rows,
            columns: &columns,
            cells: &c.z,
            color: style::diverging,
            text: signed,
            cell_width: 46.0,
        }
        .show(ui);
        ui.horizontal_wrapped(|ui| {
            for m in &s.summaries {
                ui.label(
                    RichText::new(format!("#{} {}", m.id + 1, m.label.get(lang)))
                        .color(series_color(m.id))
                        .small(),
                );
            }
        });
    }
}

/// The funnel's stages as the window names them.
const STAGE_NAMES: [T; 5] = [
    T::StageView,
    T::StageClick,
    T::StageEnroll,
    T::StagePurchase,
    T::StageComplete,
];

fn kpis(ui: &mut Ui, lang: Lang, g: &Glance) {
    let s = &g.summary;
    let tiles: [(T, String, T); 5] = [
        (
            T::KpiLearners,
            thousands(s.learners as i64),
            T::KpiLearnersTip,
        ),
        (
            T::KpiActive,
            thousands(s.active_learners as i64),
            T::KpiActiveTip,
        ),
        (T::Buyers, thousands(s.buyers as i64), T::BuyersTip),
        (T::Orders, thousands(s.orders as i64), T::OrdersTip),
        (T::Revenue, yuan(s.revenue), T::RevenueTip),
    ];
    ui.horizontal(|ui| {
        for (name, value, tip) in tiles {
            egui::Frame::group(ui.style())
                .show(ui, |ui| {
                    ui.set_min_width(150.0);
                    ui.vertical(|ui| {
                        ui.label(RichText::new(tr(lang, name)).weak());
                        ui.label(RichText::new(value).size(22.0).strong());
                    });
                })
                .response
                .on_hover_text(tr(lang, tip));
        }
        ui.vertical(|ui| {
            ui.weak(format!(
                "{} {} – {}",
                tr(lang, T::DataCovers),
                s.first_day.as_deref().unwrap_or("—"),
                s.last_day.as_deref().unwrap_or("—")
            ));
            if s.refunds > 0 {
                ui.weak(format!(
                    "{}: {} · {}",
                    tr(lang, T::Refunds),
                    s.refunds,
                    yuan(s.refunded)
                ));
            }
        });
    });
}

fn months(ui: &mut Ui, lang: Lang, g: &Glance) {
    let m = &g.summary.months;
    // `24-12`, `01`, `02`, …: the year only where it starts (and on the first month), so a
    // year of months stays legible in projector mode.
    let labels: Vec<String> = m
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let january = r.month.ends_with("-01");
            let next_is_january = m.get(i + 1).is_some_and(|n| n.month.ends_with("-01"));
            match (i, january) {
                (_, true) => r.month[2..].to_string(),
                (0, _) if !next_is_january => r.month[2..].to_string(),
                _ => r.month[5..].to_string(),
            }
        })
        .collect();
    ui.strong(tr(lang, T::RevenueByMonth));
    let l = labels.clone();
    Plot::new("revenue-by-month")
        .height(style::PLOT_HEIGHT_SMALL * 0.8)
        .allow_scroll(false)
        .allow_drag(false)
        .include_y(0.0)
        .y_axis_label("¥")
        .y_axis_formatter(|m, _| yuan(m.value))
        .x_axis_formatter(move |mark, _| index_label(&l, mark.value))
        .x_grid_spacer(one_mark_each(labels.len()))
        .show(ui, |plot| {
            let bars = m
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    Bar::new(i as f64, r.revenue).width(0.7).name(format!(
                        "{}: {} · {} {}",
                        r.month,
                        yuan(r.revenue),
                        r.orders,
                        tr(lang, T::Orders)
                    ))
                })
                .collect();
            plot.bar_chart(BarChart::new(tr(lang, T::Revenue), bars).color(series_color(0)));
        });
    ui.strong(tr(lang, T::LearnersByMonth));
    let l = labels.clone();
    Plot::new("learners-by-month")
        .height(style::PLOT_HEIGHT_SMALL * 0.8)
        .legend(Legend::default().position(egui_plot::Corner::LeftTop))
        .allow_scroll(false)
        .allow_drag(false)
        .include_y(0.0)
        // Headroom above the bars for the legend.
        .include_y(m.iter().map(|r| r.active).max().unwrap_or(0) as f64 * 1.3)
        .y_axis_label(tr(lang, T::KpiLearners))
        .x_axis_formatter(move |mark, _| index_label(&l, mark.value))
        .x_grid_spacer(one_mark_each(labels.len()))
        .show(ui, |plot| {
            let returning: Vec<Bar> = m
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    Bar::new(i as f64, r.returning as f64)
                        .width(0.7)
                        .name(format!("{}: {}", r.month, r.returning))
                })
                .collect();
            let new: Vec<Bar> = m
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    Bar::new(i as f64, r.new as f64)
                        .width(0.7)
                        .name(format!("{}: {}", r.month, r.new))
                })
                .collect();
            let returning = BarChart::new(tr(lang, T::Returning), returning).color(series_color(0));
            let new = BarChart::new(tr(lang, T::NewLearners), new)
                .color(series_color(1))
                .stack_on(&[&returning]);
            plot.bar_chart(returning);
            plot.bar_chart(new);
        });
}

fn best_sellers(ui: &mut Ui, lang: Lang, g: &Glance) {
    ui.strong(tr(lang, T::TopCourses));
    egui::Grid::new("top-courses")
        .striped(true)
        .spacing(style::TABLE_SPACING)
        .show(ui, |ui| {
            for h in [T::Course, T::Category, T::Buyers, T::Revenue] {
                ui.strong(tr(lang, h));
            }
            ui.end_row();
            for c in g.summary.courses.iter().take(LISTED) {
                ui.label(crate::data::cells::shortened(&c.title, 14))
                    .on_hover_text(format!("{} · {}", c.course_id, c.title));
                ui.label(&c.category);
                ui.label(thousands(c.buyers as i64));
                ui.label(yuan(c.revenue));
                ui.end_row();
            }
        });
    ui.add_space(style::GAP_LARGE);
    ui.strong(tr(lang, T::TopCategories));
    let cats = &g.summary.categories;
    let total: f64 = cats.iter().map(|c| c.revenue).sum::<f64>().max(1e-9);
    egui::Grid::new("top-categories")
        .striped(true)
        .spacing(style::TABLE_SPACING)
        .show(ui, |ui| {
            for h in [T::Category, T::Buyers, T::Revenue, T::ShareOfRevenue] {
                ui.strong(tr(lang, h));
            }
            ui.end_row();
            for c in cats.iter().take(LISTED) {
                ui.label(&c.category);
                ui.label(thousands(c.buyers as i64));
                ui.label(yuan(c.revenue));
                ui.label(format!("{:.0}%", 100.0 * c.revenue / total));
                ui.end_row();
            }
        });
}

fn cohorts(ui: &mut Ui, lang: Lang, g: &Glance) {
    ui.heading(tr(lang, T::CohortRetention))
        .on_hover_text(tr(lang, T::CohortTip));
    if g.cohorts.is_empty() {
        ui.weak(tr(lang, T::NoEvents));
        return;
    }
    let width = g
        .cohorts
        .iter()
        .map(|c| c.retention.len())
        .max()
        .unwrap_or(0);
    let rows: Vec<String> = g
        .cohorts
        .iter()
        .map(|c| format!("{} ({})", c.month, thousands(c.size as i64)))
        .collect();
    let columns: Vec<String> = (0..width).map(|k| format!("+{k}")).collect();
    let cells: Vec<Vec<Option<f64>>> = g
        .cohorts
        .iter()
        .map(|c| (0..width).map(|k| c.retention.get(k).copied()).collect())
        .collect();
    ui.weak(tr(lang, T::MonthsSinceJoining));
    CellGrid {
        rows: &rows,
        columns: &columns,
        cells: &cells,
        color: style::sequential,
        text: |v| format!("{:.0}%", 100.0 * v),
        cell_width: 38.0,
    }
    .show(ui);
}
