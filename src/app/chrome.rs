//! The frame around the tabs: the top bar, the toolbar, the status bar, shortcuts and the
//! drop preview.

use super::i18n::{T, tr};
use super::{Command, PersonaApp, Tab, sample_dir, style};
use crate::data::Mapping;
use egui::{Key, KeyboardShortcut, Modifiers, RichText, Ui};
use std::path::PathBuf;

impl PersonaApp {
    pub(super) fn shortcuts(&mut self, ctx: &egui::Context) {
        let pressed = |key| {
            ctx.input_mut(|i| i.consume_shortcut(&KeyboardShortcut::new(Modifiers::COMMAND, key)))
        };
        if pressed(Key::O) {
            self.commands.push(Command::PickFolder);
        }
        if pressed(Key::L) {
            self.commands.push(Command::ToggleLang);
        }
        if pressed(Key::P) {
            self.commands.push(Command::ToggleProjector);
        }
        let keys = [
            Key::Num1,
            Key::Num2,
            Key::Num3,
            Key::Num4,
            Key::Num5,
            Key::Num6,
            Key::Num7,
        ];
        for (key, tab) in keys.into_iter().zip(Tab::ALL) {
            if pressed(key) {
                self.commands.push(Command::SetTab(tab));
            }
        }
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        if !dropped.is_empty() {
            self.commands.push(Command::OpenFiles(dropped));
        }
    }

    pub(super) fn top_bar(&mut self, ui: &mut Ui) {
        let lang = self.lang();
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new("Persona Lab").strong().size(16.0));
            ui.separator();
            for tab in Tab::ALL {
                if ui
                    .selectable_label(self.settings.tab == tab, tr(lang, tab.label()))
                    .clicked()
                {
                    self.commands.push(Command::SetTab(tab));
                }
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui
                    .button(format!("🌐 {}", lang.other().name()))
                    .on_hover_text(tr(lang, T::Shortcuts))
                    .clicked()
                {
                    self.commands.push(Command::ToggleLang);
                }
                if ui
                    .selectable_label(self.settings.projector, tr(lang, T::Projector))
                    .on_hover_text(tr(lang, T::ProjectorTip))
                    .clicked()
                {
                    self.commands.push(Command::ToggleProjector);
                }
                if ui
                    .button(tr(lang, T::Report))
                    .on_hover_text(tr(lang, T::ReportTip))
                    .clicked()
                {
                    self.commands.push(Command::ExportReport);
                }
                self.audience_menu(ui);
            });
        });
    }

    /// The working audience, chosen from the named ones, with its export.
    fn audience_menu(&mut self, ui: &mut Ui) {
        let lang = self.lang();
        let current = match self.working_audience() {
            Some(a) => format!(
                "👥 {} ({})",
                crate::data::cells::shortened(&a.name, 24),
                a.len()
            ),
            None => format!("👥 {}", tr(lang, T::Everyone)),
        };
        ui.menu_button(current, |ui| {
            if ui
                .selectable_label(self.audience.is_none(), tr(lang, T::Everyone))
                .clicked()
            {
                self.commands.push(Command::UseAudience(None));
                ui.close();
            }
            for (i, a) in self.audiences.iter().enumerate() {
                ui.horizontal(|ui| {
                    let label = format!("{} ({})", a.name, a.len());
                    if ui
                        .selectable_label(self.audience == Some(i), label)
                        .clicked()
                    {
                        self.commands.push(Command::UseAudience(Some(i)));
                        ui.close();
                    }
                    if ui.small_button(tr(lang, T::RemoveAudience)).clicked() {
                        self.commands.push(Command::RemoveAudience(i));
                    }
                });
            }
            ui.separator();
            ui.add_enabled_ui(self.audience.is_some(), |ui| {
                if ui.button(tr(lang, T::ExportAudience)).clicked() {
                    self.commands.push(Command::ExportAudience {
                        pseudonymise: self.recommendations_tab.pseudonymise,
                    });
                    ui.close();
                }
            });
        })
        .response
        .on_hover_text(tr(lang, T::AudienceTip));
    }

    pub(super) fn toolbar(&mut self, ui: &mut Ui) {
        let lang = self.lang();
        ui.horizontal(|ui| {
            if ui
                .button(format!("📂 {}", tr(lang, T::OpenFolder)))
                .on_hover_text("Ctrl+O")
                .clicked()
            {
                self.commands.push(Command::PickFolder);
            }
            if ui
                .button(format!("📄 {}", tr(lang, T::OpenFiles)))
                .clicked()
            {
                self.commands.push(Command::PickFiles);
            }
            if ui.button(tr(lang, T::OpenSample)).clicked() {
                self.commands
                    .push(Command::Load(sample_dir(), Mapping::default()));
            }
            ui.menu_button(tr(lang, T::Recent), |ui| {
                if self.settings.recent.is_empty() && self.settings.recent_projects.is_empty() {
                    ui.weak(tr(lang, T::NoRecent));
                }
                for project in &self.settings.recent_projects {
                    if ui.button(format!("📁 {}", project.display())).clicked() {
                        self.commands.push(Command::OpenProject(project.clone()));
                    }
                }
                if !self.settings.recent_projects.is_empty() {
                    ui.separator();
                }
                for dir in &self.settings.recent {
                    if ui.button(dir.display().to_string()).clicked() {
                        self.commands
                            .push(Command::Load(dir.clone(), Mapping::default()));
                    }
                }
            });
            ui.separator();
            if ui
                .button(tr(lang, T::OpenProject))
                .on_hover_text(tr(lang, T::ProjectTip))
                .clicked()
            {
                self.commands.push(Command::PickProject);
            }
            if ui
                .button(tr(lang, T::SaveProject))
                .on_hover_text(tr(lang, T::ProjectTip))
                .clicked()
            {
                self.commands.push(Command::SaveProject);
            }
            if ui.button(tr(lang, T::MappingTitle)).clicked() {
                self.commands.push(Command::EditMapping);
            }
        });
    }

    pub(super) fn status_bar(&mut self, ui: &mut Ui) {
        let lang = self.lang();
        if !self.tasks.is_idle() {
            let mut cancel = Vec::new();
            for (task, job) in self.tasks.iter() {
                ui.horizontal(|ui| {
                    style::busy(ui);
                    ui.label(&job.title);
                    let stage = job.progress.stage();
                    let stage = stage.get(lang);
                    ui.add(
                        egui::ProgressBar::new(job.progress.fraction())
                            .show_percentage()
                            .desired_width(style::PROGRESS_WIDTH),
                    );
                    ui.weak(format!(
                        "{stage} · {:.1} s",
                        job.started.elapsed().as_secs_f32()
                    ));
                    if ui.button(tr(lang, T::Cancel)).clicked() {
                        cancel.push(task);
                    }
                });
            }
            self.commands
                .extend(cancel.into_iter().map(Command::Cancel));
        } else {
            match &self.status {
                Some(Err(message)) => {
                    ui.colored_label(
                        style::ERROR,
                        format!("{}: {}", tr(lang, T::Error), message.get(lang)),
                    );
                }
                Some(Ok(message)) => {
                    ui.label(message.get(lang));
                }
                None => {
                    ui.weak(tr(lang, T::Shortcuts));
                }
            }
        }
    }

    pub(super) fn drop_preview(&self, ui: &Ui) {
        if ui.ctx().input(|i| i.raw.hovered_files.is_empty()) {
            return;
        }
        let rect = ui.ctx().content_rect();
        let painter = ui.ctx().layer_painter(egui::LayerId::new(
            egui::Order::Foreground,
            egui::Id::unique("drop"),
        ));
        painter.rect_filled(rect, 0.0, egui::Color32::from_black_alpha(180));
        painter.text(
            rect.center(),
            egui::Align2::CENTER_CENTER,
            tr(self.lang(), T::DropHint),
            egui::FontId::proportional(22.0),
            egui::Color32::WHITE,
        );
    }
}
