//! The Profiles tab: a searchable, sortable table of every learner and the persona card of the
//! selected one.

use super::i18n::{Lang, T, tr};
use super::style;
use super::{AudienceFrom, Command, Positions, Valued};
use crate::audience::Audience;
use crate::profile::Profiles;
use crate::segment::SegmentResult;
use crate::value::{Holdout, PAliveGrid, ValueResult};
use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};
use std::sync::Arc;

/// What the tab shows beside the profiles: segments, values and the working audience.
pub struct Known<'a> {
    /// Segments of the profiles, if made.
    pub segments: Option<&'a Arc<SegmentResult>>,
    /// Learner value.
    pub valued: &'a Valued,
    /// The working audience: only its learners are listed.
    pub audience: Option<&'a Arc<Audience>>,
}

/// Width of the persona card beside the table.
const CARD_WIDTH: f32 = 440.0;

/// Sortable columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortBy {
    /// Learner id.
    Id,
    /// RFM segment name.
    Segment,
    /// Money spent.
    Monetary,
    /// Days since the last activity.
    Inactive,
    /// Mean sentiment of comments.
    Sentiment,
    /// Value of the next 90 days.
    Value,
}

/// What the table lists and in which order: the inputs of [`Arrangement::rows`], kept beside
/// the rows to tell whether they are current. Arranging a million learners takes a few
/// hundred milliseconds, so it runs as a job ([`Command::Arrange`]), never in a frame.
#[derive(Debug, Clone)]
pub struct Arrangement {
    profiles: Arc<Profiles>,
    value: Option<(Arc<ValueResult>, Positions)>,
    segments: Option<Arc<SegmentResult>>,
    audience: Option<Arc<Audience>>,
    query: String,
    sort: (SortBy, bool),
}

fn same<T: ?Sized>(a: Option<&Arc<T>>, b: Option<&Arc<T>>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => Arc::ptr_eq(a, b),
        (None, None) => true,
        _ => false,
    }
}

impl PartialEq for Arrangement {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.profiles, &other.profiles)
            && same(
                self.value.as_ref().map(|v| &v.1),
                other.value.as_ref().map(|v| &v.1),
            )
            && same(self.segments.as_ref(), other.segments.as_ref())
            && same(self.audience.as_ref(), other.audience.as_ref())
            && self.query == other.query
            && self.sort == other.sort
    }
}

impl Arrangement {
    /// A learner's value of the next 90 days, when valued.
    fn clv(&self, i: usize) -> Option<f64> {
        let (v, at) = self.value.as_ref()?;
        v.at(at, i)?.clv
    }

    /// The rows to list, in order: the working audience's learners that match the search,
    /// sorted (stably, in parallel).
    pub fn rows(&self) -> Vec<usize> {
        use rayon::prelude::*;
        let q = self.query.trim().to_lowercase();
        let p = &self.profiles;
        let t = &p.table;
        let segment_of = |i: usize| {
            self.segments
                .as_ref()
                .filter(|s| s.seg.labels.len() == p.len())
                .and_then(|s| s.summaries.get(s.seg.labels[i]))
        };
        let mut rows: Vec<usize> = (0..p.len())
            .into_par_iter()
            .filter(|&i| {
                self.audience
                    .as_ref()
                    .is_none_or(|a| a.contains(&t.user_ids[i]))
            })
            .filter(|&i| {
                q.is_empty()
                    || t.user_ids[i].to_lowercase().contains(&q)
                    || t.rfm_segment[i].name().to_lowercase().contains(&q)
                    || t.rfm_segment[i].text().zh.contains(&q)
                    || segment_of(i).is_some_and(|m| {
                        m.label.zh.contains(&q)
                            || m.label.en.to_lowercase().contains(&q)
                            || format!("#{}", m.id + 1) == q
                    })
            })
            .collect();
        let (by, asc) = self.sort;
        rows.par_sort_by(|&a, &b| {
            let o = match by {
                SortBy::Id => t.user_ids[a].cmp(&t.user_ids[b]),
                SortBy::Segment => t.rfm_segment[a].name().cmp(t.rfm_segment[b].name()),
                SortBy::Monetary => t.rfm_values[a][2].total_cmp(&t.rfm_values[b][2]),
                SortBy::Inactive => t.days_inactive[a]
                    .unwrap_or(f64::INFINITY)
                    .total_cmp(&t.days_inactive[b].unwrap_or(f64::INFINITY)),
                SortBy::Sentiment => t.sentiment[a]
                    .unwrap_or(0.0)
                    .total_cmp(&t.sentiment[b].unwrap_or(0.0)),
                SortBy::Value => {
                    let clv = |i: usize| self.clv(i).unwrap_or(f64::NEG_INFINITY);
                    clv(a).total_cmp(&clv(b))
                }
            };
            if asc { o } else { o.reverse() }
        });
        rows
    }
}

/// The tab's state.
#[derive(Debug)]
pub struct ProfilesTab {
    /// Search text (learner id, RFM segment or segment name).
    pub query: String,
    /// Filter on learner fields, to make an audience from.
    pub filter: String,
    /// Name for the audience the filter makes.
    pub audience_name: String,
    /// Selected learner (row of the profiles).
    pub selected: Option<usize>,
    sort: (SortBy, bool),
    /// Rows shown, in order, and what they were arranged for.
    rows: Arc<[usize]>,
    shown: Option<Arrangement>,
    /// The arrangement asked for and not yet back.
    pending: Option<Arrangement>,
}

impl Default for ProfilesTab {
    fn default() -> Self {
        ProfilesTab {
            query: String::new(),
            filter: String::new(),
            audience_name: String::new(),
            selected: None,
            sort: (SortBy::Monetary, false),
            rows: Arc::from([]),
            shown: None,
            pending: None,
        }
    }
}

fn top_interest(p: &Profiles, i: usize) -> String {
    p.interests(i)
        .first()
        .map_or(String::new(), |(c, s)| format!("{c} {:.0}%", s * 100.0))
}

impl ProfilesTab {
    /// Forgets the rows of a dataset that was replaced.
    pub fn reset(&mut self) {
        *self = ProfilesTab {
            query: std::mem::take(&mut self.query),
            filter: std::mem::take(&mut self.filter),
            audience_name: std::mem::take(&mut self.audience_name),
            sort: self.sort,
            ..ProfilesTab::default()
        };
    }

    /// Asks for the rows of the current profiles, values, segments, audience, search and
    /// sort, unless they are shown or asked for already.
    fn arrange(&mut self, p: &Arc<Profiles>, known: &Known, commands: &mut Vec<Command>) {
        let wanted = Arrangement {
            profiles: Arc::clone(p),
            value: known
                .valued
                .result
                .clone()
                .zip(known.valued.positions(p).cloned()),
            segments: known.segments.cloned(),
            audience: known.audience.cloned(),
            query: self.query.clone(),
            sort: self.sort,
        };
        if self.shown.as_ref() != Some(&wanted) && self.pending.as_ref() != Some(&wanted) {
            self.pending = Some(wanted.clone());
            commands.push(Command::Arrange(Box::new(wanted)));
        }
    }

    /// Rows arranged by a job: shown if they are the ones asked for last.
    pub fn arranged(&mut self, arrangement: Arrangement, rows: Vec<usize>) {
        if self.pending.as_ref() == Some(&arrangement) {
            self.pending = None;
            self.shown = Some(arrangement);
            self.rows = Arc::from(rows);
        }
    }

    /// Draws the tab.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        lang: Lang,
        profiles: Option<&Arc<Profiles>>,
        known: &Known,
        commands: &mut Vec<Command>,
    ) {
        let (segments, valued) = (known.segments.map(Arc::as_ref), known.valued);
        let value = valued.result.as_deref();
        let Some(p) = profiles else {
            style::busy(ui);
            return;
        };
        if p.is_empty() {
            ui.label(tr(lang, T::NoLearners));
            return;
        }
        self.arrange(p, known, commands);
        self.filter_row(ui, lang, p, commands);
        ui.horizontal(|ui| {
            ui.add(
                egui::TextEdit::singleline(&mut self.query)
                    .hint_text(tr(lang, T::Search))
                    .desired_width(style::PROGRESS_WIDTH),
            );
            ui.weak(format!(
                "{} / {} {}",
                self.rows.len(),
                p.len(),
                tr(lang, T::Learners)
            ));
        });
        ui.add_space(style::GAP_SMALL);
        // The table takes what the card (and the value model below it) leaves.
        let card_width = CARD_WIDTH.min(ui.available_width() * 0.45);
        let table_width = ui.available_width() - card_width - style::GAP_LARGE;
        let height = ui.available_height();
        let top_down = egui::Layout::top_down(egui::Align::Min);
        ui.horizontal_top(|ui| {
            ui.allocate_ui_with_layout(egui::vec2(table_width, height), top_down, |ui| {
                ui.push_id("learners", |ui| self.table(ui, lang, p, valued));
            });
            ui.allocate_ui_with_layout(egui::vec2(card_width, height), top_down, |ui| {
                ui.push_id("card", |ui| {
                    match self.selected {
                        Some(i) if i < p.len() => card(ui, lang, p, segments, value, i),
                        _ => {
                            ui.weak(tr(lang, T::SelectLearner));
                        }
                    }
                    if let Some(v) = value {
                        ui.add_space(style::GAP);
                        value_model(ui, lang, v, valued.grid.as_ref(), valued.check.as_ref());
                    } else if let Some(why) = &valued.note {
                        ui.add_space(style::GAP);
                        ui.weak(format!("{}: {}", tr(lang, T::LearnerValue), why.get(lang)));
                    }
                });
            });
        });
    }

    /// A filter on learner fields and a button that makes it the working audience.
    fn filter_row(&mut self, ui: &mut Ui, lang: Lang, p: &Profiles, commands: &mut Vec<Command>) {
        ui.horizontal(|ui| {
            ui.label(tr(lang, T::FilterLearners))
                .on_hover_text(tr(lang, T::FilterTip));
            let edit = ui.add(
                egui::TextEdit::singleline(&mut self.filter)
                    .hint_text("p_alive < 0.3 and interest:编程 > 0.4")
                    .desired_width(2.0 * style::PROGRESS_WIDTH),
            );
            ui.menu_button(tr(lang, T::Fields), |ui| {
                egui::ScrollArea::vertical()
                    .max_height(style::PLOT_HEIGHT)
                    .show(ui, |ui| {
                        for (name, help) in crate::audience::EXTRA_FIELDS {
                            if ui.button(name).on_hover_text(help).clicked() {
                                self.filter.push_str(&format!(" {name} "));
                                ui.close();
                            }
                        }
                        ui.separator();
                        let names = p
                            .table
                            .features
                            .iter()
                            .map(|f| &f.name)
                            .chain(p.table.attributes.iter().map(|a| &a.name));
                        for name in names {
                            let label = crate::profile::feature_label(name);
                            if ui.button(format!("{} · {name}", label.get(lang))).clicked() {
                                self.filter.push_str(&format!(" {name} "));
                                ui.close();
                            }
                        }
                    });
            });
            ui.add(
                egui::TextEdit::singleline(&mut self.audience_name)
                    .hint_text(tr(lang, T::AudienceName))
                    .desired_width(140.0),
            );
            let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            let make = ui
                .add_enabled(
                    !self.filter.trim().is_empty(),
                    egui::Button::new(tr(lang, T::MakeAudience)),
                )
                .on_hover_text(tr(lang, T::AudienceTip));
            if (make.clicked() || enter) && !self.filter.trim().is_empty() {
                commands.push(Command::MakeAudience {
                    name: self.audience_name.clone(),
                    from: AudienceFrom::Filter(self.filter.trim().to_string()),
                });
            }
        });
    }

    fn header(&mut self, ui: &mut Ui, lang: Lang, key: T, by: Option<SortBy>, tip: Option<T>) {
        let arrow = match by {
            Some(b) if self.sort.0 == b => {
                if self.sort.1 {
                    " ▲"
                } else {
                    " ▼"
                }
            }
            _ => "",
        };
        let r = ui.add(
            egui::Button::new(RichText::new(format!("{}{arrow}", tr(lang, key))).strong())
                .frame(false),
        );
        let r = match tip {
            Some(t) => r.on_hover_text(tr(lang, t)),
            None => r,
        };
        if let Some(b) = by
            && r.clicked()
        {
            self.sort = if self.sort.0 == b {
                (b, !self.sort.1)
            } else {
                (b, false)
            };
        }
    }

    fn table(&mut self, ui: &mut Ui, lang: Lang, p: &Arc<Profiles>, valued: &Valued) {
        let clv = |i: usize| {
            let (v, at) = (valued.result.as_ref()?, valued.positions(p)?);
            v.at(at, i)?.clv
        };
        let t = &p.table;
        let rows = Arc::clone(&self.rows);
        let mut clicked = None;
        TableBuilder::new(ui)
            .striped(true)
            .sense(egui::Sense::click())
            .max_scroll_height(560.0)
            .column(Column::auto().at_least(80.0))
            .column(Column::auto().at_least(110.0))
            .column(Column::auto().at_least(50.0))
            .column(Column::auto().at_least(70.0))
            .column(Column::auto().at_least(60.0))
            .column(Column::auto().at_least(80.0))
            .column(Column::auto().at_least(60.0))
            .column(Column::remainder())
            .header(22.0, |mut h| {
                h.col(|ui| self.header(ui, lang, T::Learner, Some(SortBy::Id), None));
                h.col(|ui| self.header(ui, lang, T::RfmSegmentCol, Some(SortBy::Segment), None));
                h.col(|ui| self.header(ui, lang, T::RfmCol, None, Some(T::RfmTip)));
                h.col(|ui| self.header(ui, lang, T::Monetary, Some(SortBy::Monetary), None));
                h.col(|ui| self.header(ui, lang, T::Inactive, Some(SortBy::Inactive), None));
                h.col(|ui| self.header(ui, lang, T::TopInterest, None, None));
                h.col(|ui| {
                    self.header(
                        ui,
                        lang,
                        T::Value90,
                        Some(SortBy::Value),
                        Some(T::Value90Tip),
                    )
                });
                h.col(|ui| {
                    self.header(
                        ui,
                        lang,
                        T::Sentiment,
                        Some(SortBy::Sentiment),
                        Some(T::SentimentTip),
                    )
                });
            })
            .body(|body| {
                body.rows(20.0, rows.len(), |mut row| {
                    let i = rows[row.index()];
                    row.set_selected(self.selected == Some(i));
                    let seg = t.rfm_segment[i];
                    let selected = self.selected == Some(i);
                    row.col(|ui| {
                        if ui.selectable_label(selected, &t.user_ids[i]).clicked() {
                            clicked = Some(i);
                        }
                    });
                    row.col(|ui| {
                        ui.label(seg.text().get(lang));
                    });
                    row.col(|ui| {
                        let s = t.rfm_scores[i];
                        ui.monospace(format!("{}{}{}", s[0], s[1], s[2]));
                    });
                    row.col(|ui| {
                        ui.label(format!("{:.0}", t.rfm_values[i][2]));
                    });
                    row.col(|ui| {
                        ui.label(t.days_inactive[i].map_or("—".into(), |d| format!("{d:.0}")));
                    });
                    row.col(|ui| {
                        ui.label(top_interest(p, i));
                    });
                    row.col(|ui| {
                        ui.label(clv(i).map_or("—".into(), |v| format!("¥{v:.0}")));
                    });
                    row.col(|ui| {
                        ui.label(t.sentiment[i].map_or("—".into(), |s| format!("{s:+.2}")));
                    });
                    if row.response().clicked() {
                        clicked = Some(i);
                    }
                });
            });
        if clicked.is_some() {
            self.selected = clicked;
        }
    }
}

/// The learner's segments with their probability (the soft membership), most likely first.
fn membership_row(ui: &mut Ui, lang: Lang, r: &SegmentResult, i: usize) {
    let Some(m) = r
        .membership
        .as_ref()
        .filter(|m| m.probabilities.nrows() > i)
    else {
        return;
    };
    ui.horizontal_wrapped(|ui| {
        ui.strong(tr(lang, T::SegmentMembership))
            .on_hover_text(tr(lang, T::SegmentMembershipTip));
        for (segment, p) in m.of(i, 0.05).into_iter().take(3) {
            let label = r
                .summaries
                .get(segment)
                .map_or(String::new(), |s| s.label.get(lang).to_string());
            ui.label(
                RichText::new(format!("● {label} {:.0}%", p * 100.0))
                    .color(style::series_color(segment)),
            );
        }
    });
}

/// The learner's chance of still being active and expected value (buyers only).
fn value_row(ui: &mut Ui, lang: Lang, value: &ValueResult, user_id: &str) {
    ui.horizontal_wrapped(|ui| {
        ui.strong(tr(lang, T::LearnerValue))
            .on_hover_text(tr(lang, T::Value90Tip));
        let Some(l) = value.find(user_id) else {
            ui.weak(tr(lang, T::NoPurchaseYet));
            return;
        };
        let colour = if l.p_alive < 0.3 {
            style::WARN
        } else {
            ui.visuals().text_color()
        };
        ui.colored_label(
            colour,
            format!("{} {:.0}%", tr(lang, T::PAlive), l.p_alive * 100.0),
        )
        .on_hover_text(tr(lang, T::PAliveTip));
        if l.expected_purchases.is_finite() {
            ui.label(format!(
                "· {} {:.2}",
                tr(lang, T::ExpectedPurchases),
                l.expected_purchases
            ));
        }
        if let Some(v) = l.clv {
            ui.label(format!("· {} ¥{v:.0}", tr(lang, T::Value90)));
        }
    });
}

/// The value model: P(alive) over history as a heat map, and predicted against actual
/// purchases on the data after calibration.
fn value_model(
    ui: &mut Ui,
    lang: Lang,
    v: &ValueResult,
    grid: Option<&PAliveGrid>,
    check: Option<&Holdout>,
) {
    egui::CollapsingHeader::new(tr(lang, T::ValueModel))
        .id_salt("value-model")
        .show(ui, |ui| {
            let m = v.model.purchases;
            ui.label(format!(
                "BG/NBD: r {:.3} · α {:.2} · a {:.3} · b {:.3}",
                m.r, m.alpha, m.a, m.b
            ))
            .on_hover_text(tr(lang, T::ValueModelTip));
            ui.label(RichText::new(tr(lang, T::PAliveMap)).strong())
                .on_hover_text(tr(lang, T::PAliveMapTip));
            let Some(grid) = grid else { return };
            super::plots::heat_map(
                ui,
                "p-alive",
                [
                    tr(lang, T::WeeksFirstToLast),
                    tr(lang, T::RepeatPurchaseDays),
                ],
                &grid.recency_weeks,
                &grid.cells,
                style::PLOT_HEIGHT_SMALL,
            );
            ui.weak(tr(lang, T::HeatScale));
            if let Some(h) = check.filter(|h| h.days > 0) {
                ui.label(RichText::new(tr(lang, T::HoldoutCheck)).strong())
                    .on_hover_text(tr(lang, T::HoldoutCheckTip));
                // Groups of fewer than 10 buyers say more about chance than about the model.
                let groups: Vec<_> = h
                    .by_frequency
                    .iter()
                    .filter(|g| g.learners >= 10)
                    .take(10)
                    .collect();
                let names: Vec<String> = groups.iter().map(|g| g.frequency.to_string()).collect();
                super::plots::grouped_bars(
                    ui,
                    "holdout",
                    &names,
                    &[
                        (
                            tr(lang, T::Predicted).to_string(),
                            groups.iter().map(|g| g.predicted).collect(),
                        ),
                        (
                            tr(lang, T::Observed).to_string(),
                            groups.iter().map(|g| g.actual).collect(),
                        ),
                    ],
                    style::PLOT_HEIGHT_SMALL,
                );
            }
        });
}

fn card(
    ui: &mut Ui,
    lang: Lang,
    p: &Profiles,
    segments: Option<&SegmentResult>,
    value: Option<&ValueResult>,
    i: usize,
) {
    let c = p.card(i);
    egui::Frame::group(ui.style())
        .inner_margin(10.0)
        .show(ui, |ui| {
            ui.label(
                RichText::new(format!("{} · {}", tr(lang, T::PersonaCard), c.user_id)).heading(),
            );
            ui.horizontal_wrapped(|ui| {
                for (k, v) in &c.facts {
                    let name = crate::profile::feature_label(k);
                    // A fact is never broken across lines; the next one wraps whole.
                    ui.add(
                        egui::Label::new(
                            RichText::new(format!("{}: {v}", name.get(lang)))
                                .background_color(ui.visuals().faint_bg_color),
                        )
                        .extend(),
                    )
                    .on_hover_text(k);
                }
            });
            ui.separator();
            ui.horizontal(|ui| {
                ui.strong(tr(lang, T::RfmSegmentCol));
                ui.label(format!(
                    "{} (R{} F{} M{})",
                    c.rfm_segment.get(lang),
                    c.rfm[0],
                    c.rfm[1],
                    c.rfm[2]
                ))
                .on_hover_text(tr(lang, T::RfmTip));
            });
            ui.horizontal(|ui| {
                ui.strong(tr(lang, T::ValueTier));
                ui.label(c.value_tier.get(lang));
            });
            if let Some(v) = value {
                value_row(ui, lang, v, &c.user_id);
            }
            if let Some(r) = segments.filter(|r| r.seg.labels.len() == p.len()) {
                membership_row(ui, lang, r, i);
            }
            if c.churn_risk {
                ui.colored_label(
                    style::WARN,
                    format!(
                        "⚠ {} ({:.0})",
                        tr(lang, T::ChurnRisk),
                        c.days_inactive.unwrap_or_default()
                    ),
                );
            } else {
                ui.colored_label(
                    style::OK,
                    match c.days_inactive {
                        Some(d) => format!(
                            "✔ {} ({d:.0} {})",
                            tr(lang, T::Active),
                            tr(lang, T::Inactive)
                        ),
                        None => tr(lang, T::Active).to_string(),
                    },
                );
            }
            ui.separator();
            ui.strong(tr(lang, T::Interests));
            for (k, (cat, share)) in c.interests.iter().enumerate() {
                ui.horizontal(|ui| {
                    ui.label(format!("{cat:<6}"));
                    let bar = egui::ProgressBar::new(*share as f32)
                        .desired_width(180.0)
                        .fill(style::series_color(k));
                    ui.add(bar.text(format!("{:.0}%", share * 100.0)));
                });
            }
            ui.separator();
            ui.horizontal(|ui| {
                ui.strong(tr(lang, T::Sentiment))
                    .on_hover_text(tr(lang, T::SentimentTip));
                ui.label(c.sentiment.map_or("—".into(), |s| format!("{s:+.2}")));
            });
            ui.horizontal_wrapped(|ui| {
                ui.strong(tr(lang, T::Keywords));
                for k in &c.keywords {
                    ui.label(RichText::new(k).color(style::series_color(0)));
                }
            });
        });
}
