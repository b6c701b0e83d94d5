//! The Data tab: the loaded files with their counts, the validation report with every
//! rejected row, and per-column summaries.

use super::i18n::{Lang, T, tr};
use super::{Command, Loaded, style};
use crate::data::TableKind;
use crate::data::summary::ColumnSummary;
use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};

/// What the Data tab remembers between frames (not persisted).
#[derive(Debug, Default)]
pub struct DataTab {
    /// The table whose report and columns are shown.
    pub selected: Option<TableKind>,
}

const ROW_H: f32 = 20.0;

impl DataTab {
    /// Draws the tab. Actions go into `commands`, applied after the frame.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        lang: Lang,
        loaded: Option<&Loaded>,
        commands: &mut Vec<Command>,
    ) {
        let Some(loaded) = loaded else {
            ui.add_space(40.0);
            ui.vertical_centered(|ui| {
                ui.label(RichText::new(tr(lang, T::NoData)).size(16.0));
            });
            return;
        };
        let ds = &loaded.dataset;
        if self.selected.is_none_or(|k| ds.table(k).is_none()) {
            self.selected = ds.tables.keys().next().copied();
        }
        ui.horizontal(|ui| {
            ui.label(RichText::new(tr(lang, T::Dataset)).strong());
            ui.monospace(ds.dir.display().to_string());
            ui.weak(format!(
                "· {} {:.2} {}",
                tr(lang, T::Loaded),
                loaded.seconds,
                tr(lang, T::Seconds)
            ));
        });
        ui.add_space(style::GAP_SMALL);
        ui.label(RichText::new(tr(lang, T::Files)).heading());
        self.files_table(ui, lang, loaded);
        ui.separator();
        let Some(kind) = self.selected else { return };
        let Some(table) = ds.table(kind) else { return };
        let summaries = loaded
            .summaries
            .get(&kind)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        ui.columns(2, |cols| {
            cols[0].push_id("report", |ui| report_ui(ui, lang, table, commands));
            cols[1].push_id("columns", |ui| columns_ui(ui, lang, table, summaries));
        });
    }

    fn files_table(&mut self, ui: &mut Ui, lang: Lang, loaded: &Loaded) {
        let headers = [
            (T::File, None),
            (T::Table, None),
            (T::Encoding, None),
            (T::RowsRead, Some(T::RowsReadTip)),
            (T::Accepted, Some(T::AcceptedTip)),
            (T::Rejected, Some(T::RejectedTip)),
            (T::Orphans, Some(T::OrphansTip)),
            (T::PiiColumns, Some(T::PiiTip)),
        ];
        ui.push_id("files", |ui| {
            TableBuilder::new(ui)
                .striped(true)
                .sense(egui::Sense::click())
                .vscroll(false)
                .column(Column::auto().at_least(160.0))
                .columns(Column::auto().at_least(70.0), 6)
                .column(Column::remainder())
                .header(ROW_H, |mut header| {
                    for (key, tip) in headers {
                        header.col(|ui| {
                            let r = ui.strong(tr(lang, key));
                            if let Some(tip) = tip {
                                r.on_hover_text(tr(lang, tip));
                            }
                        });
                    }
                })
                .body(|mut body| {
                    for (kind, table) in &loaded.dataset.tables {
                        let r = &table.report;
                        body.row(ROW_H, |mut row| {
                            row.set_selected(self.selected == Some(*kind));
                            let name = std::path::Path::new(&r.file)
                                .file_name()
                                .map_or(r.file.clone(), |n| n.to_string_lossy().into_owned());
                            row.col(|ui| {
                                ui.label(name).on_hover_text(&r.file);
                            });
                            row.col(|ui| {
                                ui.label(kind.stem());
                            });
                            row.col(|ui| {
                                let sure = r.encoding_confidence;
                                let text = if sure < 1.0 {
                                    // Floored, so 99.97% never reads as 100%.
                                    let percent = (sure * 1000.0).floor() / 10.0;
                                    format!("{} ({percent:.1}%)", r.encoding)
                                } else {
                                    r.encoding.to_string()
                                };
                                let label = if sure < 0.9 {
                                    ui.colored_label(style::WARN, text)
                                } else {
                                    ui.label(text)
                                };
                                label.on_hover_text(tr(lang, T::EncodingTip));
                            });
                            row.col(|ui| {
                                ui.label(r.rows_read.to_string());
                            });
                            row.col(|ui| {
                                ui.label(r.accepted.to_string());
                            });
                            row.col(|ui| {
                                let color = if r.rejected > 0 {
                                    style::WARN
                                } else {
                                    style::OK
                                };
                                ui.colored_label(color, r.rejected.to_string());
                            });
                            row.col(|ui| {
                                let text = r.orphans.to_string();
                                if kind.unique_key().is_some() {
                                    ui.weak("—");
                                } else if r.orphans > 0 {
                                    ui.colored_label(style::WARN, text);
                                } else {
                                    ui.label(text);
                                }
                            });
                            row.col(|ui| {
                                ui.label(r.pii_columns.join(", "));
                            });
                            if row.response().clicked() {
                                self.selected = Some(*kind);
                            }
                        });
                    }
                });
        });
    }
}

fn report_ui(ui: &mut Ui, lang: Lang, table: &crate::data::Table, commands: &mut Vec<Command>) {
    let r = &table.report;
    ui.horizontal(|ui| {
        ui.label(RichText::new(format!("{} · {}", tr(lang, T::Validation), r.table)).heading());
        if !r.rejects.is_empty() && ui.button(tr(lang, T::ExportRejects)).clicked() {
            commands.push(Command::ExportRejects(r.table));
        }
    });
    if r.rejects.is_empty() {
        ui.colored_label(style::OK, tr(lang, T::NoRejects));
    }
    for (reason, n) in &r.reasons {
        ui.horizontal(|ui| {
            ui.colored_label(style::WARN, format!("{n:>7}"));
            ui.monospace(reason);
        });
    }
    for (column, n) in &r.orphans_by_column {
        ui.label(format!("{}: {n} ({column})", tr(lang, T::Orphans)))
            .on_hover_text(tr(lang, T::OrphansTip));
    }
    if !r.rejects.is_empty() {
        ui.add_space(style::GAP_SMALL);
        TableBuilder::new(ui)
            .striped(true)
            .max_scroll_height(360.0)
            .column(Column::auto().at_least(48.0))
            .column(Column::auto().at_least(70.0))
            .column(Column::initial(260.0).clip(true).resizable(true))
            .column(Column::remainder().clip(true))
            .header(ROW_H, |mut header| {
                for key in [T::Line, T::Column, T::Reason, T::Row] {
                    header.col(|ui| {
                        ui.strong(tr(lang, key));
                    });
                }
            })
            .body(|body| {
                body.rows(ROW_H, r.rejects.len(), |mut row| {
                    let x = &r.rejects[row.index()];
                    row.col(|ui| {
                        ui.monospace(x.line.to_string());
                    });
                    row.col(|ui| {
                        ui.label(x.column.as_deref().unwrap_or("—"));
                    });
                    row.col(|ui| {
                        ui.label(super::i18n::reason_text(lang, x))
                            .on_hover_text(&x.message);
                    });
                    row.col(|ui| {
                        ui.monospace(&x.raw).on_hover_text(&x.raw);
                    });
                });
            });
    }
}

fn columns_ui(ui: &mut Ui, lang: Lang, table: &crate::data::Table, summaries: &[ColumnSummary]) {
    ui.label(RichText::new(tr(lang, T::Columns)).heading());
    let mapped = &table.report.columns;
    TableBuilder::new(ui)
        .striped(true)
        .max_scroll_height(480.0)
        .column(Column::auto().at_least(90.0))
        .column(Column::auto().at_least(60.0))
        .column(Column::auto().at_least(50.0))
        .column(Column::auto().at_least(50.0))
        .column(Column::initial(90.0).clip(true))
        .column(Column::initial(90.0).clip(true))
        .column(Column::remainder().at_least(110.0))
        .header(ROW_H, |mut header| {
            for (key, tip) in [
                (T::Column, None),
                (T::Type, None),
                (T::Missing, Some(T::MissingTip)),
                (T::Distinct, Some(T::DistinctTip)),
                (T::Min, None),
                (T::Max, None),
                (T::Histogram, None),
            ] {
                header.col(|ui| {
                    let r = ui.strong(tr(lang, key));
                    if let Some(tip) = tip {
                        r.on_hover_text(tr(lang, tip));
                    }
                });
            }
        })
        .body(|body| {
            body.rows(28.0, summaries.len(), |mut row| {
                let s = &summaries[row.index()];
                row.col(|ui| {
                    let r = ui.strong(&s.name);
                    if let Some(source) = mapped.get(&s.name).filter(|h| **h != s.name) {
                        r.on_hover_text(format!("{}: {source}", tr(lang, T::MappedFrom)));
                    }
                });
                row.col(|ui| {
                    ui.monospace(&s.dtype);
                });
                row.col(|ui| {
                    let text = format!("{:.1}%", s.missing * 100.0);
                    if s.missing > 0.5 {
                        ui.colored_label(style::WARN, text);
                    } else {
                        ui.label(text);
                    }
                });
                row.col(|ui| {
                    ui.label(s.distinct.to_string());
                });
                row.col(|ui| {
                    ui.label(s.min.as_deref().unwrap_or("—"));
                });
                row.col(|ui| {
                    ui.label(s.max.as_deref().unwrap_or("—"));
                });
                row.col(|ui| {
                    let counts: Vec<u64> = s.histogram.iter().map(|h| h.1).collect();
                    let tip: Vec<String> = s
                        .histogram
                        .iter()
                        .map(|(k, c)| format!("{k}: {c}"))
                        .collect();
                    style::sparkline(ui, &counts, egui::vec2(110.0, 22.0))
                        .on_hover_text(tip.join("\n"));
                });
            });
        });
}
