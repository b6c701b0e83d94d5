//! The column-mapping dialog: which file holds which table, and which header holds each
//! required column, for exports whose names differ from the contract.

use super::i18n::{Lang, T, tr};
use crate::data::mapping::{FileGuess, MAPPING_FILE};
use crate::data::schema::header_matches;
use crate::data::{Mapping, TableKind};
use std::path::PathBuf;

/// What the dialog asks of the app after a frame.
pub enum Outcome {
    /// Still open.
    Open,
    /// Closed without change.
    Closed,
    /// Load this folder with this mapping.
    Apply(PathBuf, Mapping),
}

/// The dialog's state.
pub struct MappingDialog {
    dir: PathBuf,
    reason: String,
    files: Vec<FileGuess>,
    /// (table, canonical column) → header, or `=constant`; empty means automatic.
    columns: Vec<((TableKind, &'static str), String)>,
    day_origin: String,
    /// The sheets of the folder's first spreadsheet, and the one chosen (empty: the first).
    sheets: Vec<String>,
    sheet: String,
    remember: bool,
}

const AUTO: &str = "";

impl MappingDialog {
    /// Opens the dialog on a folder, starting from the mapping that was tried.
    pub fn new(dir: PathBuf, mapping: &Mapping, reason: String) -> MappingDialog {
        let files = mapping.for_files(&dir);
        let columns = TableKind::ALL
            .iter()
            .flat_map(|&t| {
                t.columns().iter().filter(|c| c.required).map(move |c| {
                    let current = mapping
                        .source(t, c.name)
                        .map(|s| match s {
                            crate::data::mapping::Source::Column(h) => h,
                            crate::data::mapping::Source::Constant(v) => format!("={v}"),
                        })
                        .unwrap_or_default();
                    ((t, c.name), current)
                })
            })
            .collect();
        let sheets = files
            .iter()
            .map(|f| dir.join(&f.name))
            .find(|p| crate::data::load::is_workbook(p))
            .and_then(|p| crate::data::workbook::sheet_names(&p).ok())
            .unwrap_or_default();
        MappingDialog {
            dir,
            reason,
            files,
            columns,
            day_origin: mapping.day_origin.clone().unwrap_or_default(),
            sheets,
            sheet: mapping.sheet.clone().unwrap_or_default(),
            remember: false,
        }
    }

    fn mapping(&self) -> Mapping {
        let mut m = Mapping::default();
        for f in &self.files {
            if let Some(t) = f.table
                && f.name != format!("{}.csv", t.stem())
            {
                m.files.insert(t, f.name.clone());
            }
        }
        for ((t, c), v) in &self.columns {
            if !v.is_empty() {
                m.tables
                    .entry(*t)
                    .or_default()
                    .insert(c.to_string(), v.clone());
            }
        }
        let origin = self.day_origin.trim();
        m.day_origin = (!origin.is_empty()).then(|| origin.to_string());
        m.sheet = (!self.sheet.is_empty()).then(|| self.sheet.clone());
        m
    }

    /// Draws the dialog.
    pub fn ui(&mut self, ctx: &egui::Context, lang: Lang) -> Outcome {
        let mut open = true;
        let mut outcome = Outcome::Open;
        egui::Window::new(tr(lang, T::MappingTitle))
            .open(&mut open)
            .collapsible(false)
            .default_width(560.0)
            .show(ctx, |ui| {
                ui.monospace(self.dir.display().to_string());
                if !self.reason.is_empty() {
                    ui.colored_label(super::style::ERROR, &self.reason);
                }
                ui.label(tr(lang, T::MappingIntro));
                if !self.sheets.is_empty() {
                    let before = self.sheet.clone();
                    ui.horizontal(|ui| {
                        ui.label(tr(lang, T::Sheet))
                            .on_hover_text(tr(lang, T::SheetTip));
                        let shown = if self.sheet.is_empty() {
                            self.sheets[0].clone()
                        } else {
                            self.sheet.clone()
                        };
                        egui::ComboBox::from_id_salt("sheet")
                            .selected_text(shown)
                            .show_ui(ui, |ui| {
                                for s in &self.sheets {
                                    ui.selectable_value(&mut self.sheet, s.clone(), s);
                                }
                            });
                    });
                    if self.sheet != before {
                        // The chosen sheet's header row feeds the column choices.
                        let sheet = (!self.sheet.is_empty()).then_some(self.sheet.as_str());
                        for f in &mut self.files {
                            let path = self.dir.join(&f.name);
                            if crate::data::load::is_workbook(&path) {
                                f.headers = crate::data::load::read_header(&path, sheet)
                                    .unwrap_or_default();
                            }
                        }
                    }
                }
                ui.separator();
                egui::ScrollArea::vertical()
                    .max_height(420.0)
                    .show(ui, |ui| {
                        for (fi, file) in self.files.iter_mut().enumerate() {
                            ui.horizontal(|ui| {
                                ui.strong(&file.name);
                                egui::ComboBox::from_id_salt(("table", fi))
                                    .selected_text(file.table.map_or("—", TableKind::stem))
                                    .show_ui(ui, |ui| {
                                        ui.selectable_value(&mut file.table, None, "—");
                                        for t in TableKind::ALL {
                                            ui.selectable_value(&mut file.table, Some(t), t.stem());
                                        }
                                    });
                            });
                            let Some(table) = file.table else { continue };
                            egui::Grid::new(("cols", fi)).num_columns(3).show(ui, |ui| {
                                for ((t, column), value) in
                                    self.columns.iter_mut().filter(|((t, _), _)| *t == table)
                                {
                                    let auto =
                                        file.headers.iter().find(|h| header_matches(h, column));
                                    ui.label(format!("  {column}"));
                                    let shown = if value.is_empty() {
                                        auto.map_or("⚠ ?".to_string(), |h| format!("({h})"))
                                    } else {
                                        value.clone()
                                    };
                                    egui::ComboBox::from_id_salt(("col", fi, *t, *column))
                                        .selected_text(shown)
                                        .show_ui(ui, |ui| {
                                            ui.selectable_value(value, AUTO.to_string(), "(auto)");
                                            for h in &file.headers {
                                                ui.selectable_value(value, h.clone(), h);
                                            }
                                        });
                                    ui.add(
                                        egui::TextEdit::singleline(value)
                                            .hint_text("=value")
                                            .desired_width(110.0),
                                    );
                                    ui.end_row();
                                }
                            });
                            ui.add_space(6.0);
                        }
                    });
                ui.separator();
                ui.horizontal(|ui| {
                    ui.label(tr(lang, T::DayOrigin));
                    ui.add(
                        egui::TextEdit::singleline(&mut self.day_origin)
                            .hint_text("YYYY-MM-DD")
                            .desired_width(100.0),
                    );
                });
                ui.checkbox(
                    &mut self.remember,
                    format!("{} ({MAPPING_FILE})", tr(lang, T::MappingSave)),
                );
                if ui.button(tr(lang, T::MappingApply)).clicked() {
                    let mapping = self.mapping();
                    if self.remember {
                        // A read-only folder still loads; the mapping is just not remembered.
                        let _ = mapping.save(&self.dir.join(MAPPING_FILE));
                    }
                    outcome = Outcome::Apply(self.dir.clone(), mapping);
                }
            });
        if !open {
            return Outcome::Closed;
        }
        outcome
    }
}
