//! The Profiles tab: a searchable, sortable table of every learner and the persona card of the
//! selected one.

use super::i18n::{Lang, T, tr};
use super::style;
use crate::profile::Profiles;
use crate::segment::SegmentResult;
use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};
use std::sync::Arc;

/// Sortable columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SortBy {
    Id,
    Segment,
    Monetary,
    Inactive,
    Sentiment,
}

/// The tab's state.
#[derive(Debug)]
pub struct ProfilesTab {
    /// Filter text.
    pub query: String,
    /// Selected learner (row of the profiles).
    pub selected: Option<usize>,
    sort: (SortBy, bool),
    /// Rows shown, in order; rebuilt when the profiles, query or sort change.
    rows: Vec<usize>,
    built_for: Option<(usize, String, SortBy, bool)>,
}

impl Default for ProfilesTab {
    fn default() -> Self {
        ProfilesTab {
            query: String::new(),
            selected: None,
            sort: (SortBy::Monetary, false),
            rows: Vec::new(),
            built_for: None,
        }
    }
}

fn top_interest(p: &Profiles, i: usize) -> String {
    p.interests(i)
        .first()
        .map_or(String::new(), |(c, s)| format!("{c} {:.0}%", s * 100.0))
}

impl ProfilesTab {
    fn rebuild(&mut self, p: &Arc<Profiles>) {
        let key = (
            Arc::as_ptr(p) as usize,
            self.query.clone(),
            self.sort.0,
            self.sort.1,
        );
        if self.built_for.as_ref() == Some(&key) {
            return;
        }
        let q = self.query.trim().to_lowercase();
        let t = &p.table;
        let mut rows: Vec<usize> = (0..p.len())
            .filter(|&i| {
                q.is_empty()
                    || t.user_ids[i].to_lowercase().contains(&q)
                    || t.rfm_segment[i].name().to_lowercase().contains(&q)
                    || t.rfm_segment[i].text().zh.contains(&q)
            })
            .collect();
        let (by, asc) = self.sort;
        rows.sort_by(|&a, &b| {
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
            };
            if asc { o } else { o.reverse() }
        });
        self.rows = rows;
        self.built_for = Some(key);
    }

    /// Draws the tab.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        lang: Lang,
        profiles: Option<&Arc<Profiles>>,
        segments: Option<&SegmentResult>,
    ) {
        let Some(p) = profiles else {
            ui.spinner();
            return;
        };
        if p.is_empty() {
            ui.label(tr(lang, T::NoLearners));
            return;
        }
        self.rebuild(p);
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
        ui.columns(2, |cols| {
            cols[0].push_id("learners", |ui| self.table(ui, lang, p));
            cols[1].push_id("card", |ui| match self.selected {
                Some(i) if i < p.len() => card(ui, lang, p, segments, i),
                _ => {
                    ui.weak(tr(lang, T::SelectLearner));
                }
            });
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

    fn table(&mut self, ui: &mut Ui, lang: Lang, p: &Arc<Profiles>) {
        let t = &p.table;
        let rows = self.rows.clone();
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

fn card(ui: &mut Ui, lang: Lang, p: &Profiles, segments: Option<&SegmentResult>, i: usize) {
    let c = p.card(i);
    egui::Frame::group(ui.style())
        .inner_margin(10.0)
        .show(ui, |ui| {
            ui.label(
                RichText::new(format!("{} · {}", tr(lang, T::PersonaCard), c.user_id)).heading(),
            );
            ui.horizontal_wrapped(|ui| {
                for (k, v) in &c.facts {
                    ui.label(
                        RichText::new(format!("{k}: {v}"))
                            .background_color(ui.visuals().faint_bg_color),
                    );
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
