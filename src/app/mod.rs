//! The desktop window. This file holds the app and its frame loop; `state.rs` what it keeps
//! (persisted [`Settings`] apart from runtime state), `commands.rs` what widgets ask for
//! ([`Command`]) and jobs bring back ([`JobOutput`]), `command_handling.rs` how commands are
//! applied (engine calls as one [`Job`] at a time with progress and Cancel), `chrome.rs` the
//! bars and shortcuts around the tabs, and one `*_tab.rs` per tab.

pub mod campaigns_tab;
pub mod data_tab;
pub mod experiments_tab;
pub mod i18n;
mod mapping_dialog;
pub mod overview_tab;
mod plots;
pub mod profiles_tab;
pub mod project;
pub mod recommendations_tab;
pub mod segments_tab;
pub mod style;

mod chrome;
mod command_handling;
mod commands;
mod frame_log;
mod state;
pub mod tasks;

pub use commands::{AudienceFrom, Command, JobOutput, Writer};
pub use state::{Aligned, Loaded, Positions, Settings, Tab, TabSettings, UpliftView, Valued};

use crate::campaigns::CampaignModels;
use crate::data::Mapping;
use crate::segment::SegmentResult;
use campaigns_tab::CampaignsTab;
use data_tab::DataTab;
use egui::Ui;
use experiments_tab::ExperimentsTab;
use i18n::Lang;
use mapping_dialog::MappingDialog;
use overview_tab::OverviewTab;
use profiles_tab::ProfilesTab;
use recommendations_tab::RecsTab;
use segments_tab::SegmentsTab;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use tasks::{Task, Tasks};

/// The application.
pub struct PersonaApp {
    /// Persisted settings.
    pub settings: Settings,
    /// The dataset on screen.
    pub loaded: Option<Arc<Loaded>>,
    /// The running background work, by task.
    pub tasks: Tasks,
    /// Bumped at every loaded dataset, so results computed on an earlier one are dropped.
    generation: u64,
    /// Last error or notice, in both languages (shown in the one chosen when it is drawn).
    pub status: Option<Result<crate::lang::Text, crate::lang::Text>>,
    data_tab: DataTab,
    /// The Experiments tab.
    pub experiments_tab: ExperimentsTab,
    /// Named learner sets, in the order they were made.
    pub audiences: Vec<Arc<crate::audience::Audience>>,
    /// The working audience (index into `audiences`); `None`: every learner.
    pub audience: Option<usize>,
    /// Names given to segments by number (0-based), kept across re-runs.
    pub segment_names: std::collections::BTreeMap<usize, String>,
    /// Results of the project being opened, until its data's profiles are made (then the
    /// segments are shown again if the data is unchanged).
    saved: Option<project::Results>,
    /// The experiment last planned on an audience.
    pub plan: Option<Arc<crate::experiments::Plan>>,
    /// The overview of the loaded dataset, once counted.
    pub overview: Option<Arc<crate::overview::Glance>>,
    /// The Overview tab.
    pub overview_tab: OverviewTab,
    /// Profiles of the loaded dataset, once built.
    pub profiles: Option<Arc<crate::profile::Profiles>>,
    /// The dataset profiles were last asked for (by address), so a failed build is not
    /// retried on every frame.
    profiles_asked_for: Option<usize>,
    /// The dataset the overview was last asked for (by address), counted only once its tab
    /// is opened (not at every load: at a million learners it is a pass over every event).
    overview_asked_for: Option<usize>,
    /// Learner value of the loaded dataset.
    pub value: Valued,
    /// The latest uplift estimate.
    pub uplift: Option<Arc<UpliftView>>,
    /// The latest segmentation.
    pub segments: Option<Arc<SegmentResult>>,
    /// The Profiles tab.
    pub profiles_tab: ProfilesTab,
    /// The Segments tab.
    pub segments_tab: SegmentsTab,
    /// The trained recommender.
    pub recs: Option<Arc<crate::recommendations::Trained>>,
    /// The Recommendations tab.
    pub recommendations_tab: RecsTab,
    /// The trained campaign models.
    pub ctr: Option<Arc<CampaignModels>>,
    /// The Campaigns tab.
    pub campaigns_tab: CampaignsTab,
    mapping_dialog: Option<MappingDialog>,
    commands: Vec<Command>,
    inbox: Receiver<Command>,
    outbox: Sender<Command>,
    ctx: egui::Context,
    frame_log: Option<frame_log::FrameLog>,
}

/// A fresh salt per export, so pseudonyms cannot be joined across exports.
fn fresh_salt() -> String {
    format!(
        "{:x}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    )
}

/// The bundled sample data: `./sample-data` if present, else the one in the source tree.
pub fn sample_dir() -> PathBuf {
    let local = PathBuf::from("sample-data");
    if local.join("users.csv").is_file() {
        local
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data")
    }
}

/// Opens the window on `data` (default: the bundled sample data).
pub fn run(data: Option<PathBuf>) -> eframe::Result {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Persona Lab")
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([800.0, 500.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    eframe::run_native(
        "Persona Lab",
        options,
        Box::new(move |cc| Ok(Box::new(PersonaApp::new(cc, data)))),
    )
}

impl PersonaApp {
    /// Creates the app, restores settings and starts loading `data` (or the sample data).
    pub fn new(cc: &eframe::CreationContext<'_>, data: Option<PathBuf>) -> PersonaApp {
        style::install_fonts(&cc.egui_ctx);
        let settings: Settings = cc
            .storage
            .and_then(|s| eframe::get_value(s, eframe::APP_KEY))
            .unwrap_or_default();
        let (outbox, inbox) = channel();
        let mut app = PersonaApp {
            settings: Settings::default(),
            loaded: None,
            tasks: Tasks::default(),
            generation: 0,
            status: None,
            data_tab: DataTab::default(),
            experiments_tab: ExperimentsTab::default(),
            audiences: Vec::new(),
            audience: None,
            segment_names: Default::default(),
            saved: None,
            plan: None,
            overview: None,
            overview_tab: OverviewTab::default(),
            profiles: None,
            profiles_asked_for: None,
            overview_asked_for: None,
            value: Valued::default(),
            uplift: None,
            segments: None,
            profiles_tab: ProfilesTab::default(),
            segments_tab: SegmentsTab::default(),
            recs: None,
            recommendations_tab: RecsTab::default(),
            ctr: None,
            campaigns_tab: CampaignsTab::default(),
            mapping_dialog: None,
            commands: Vec::new(),
            inbox,
            outbox,
            ctx: cc.egui_ctx.clone(),
            frame_log: frame_log::FrameLog::from_env(),
        };
        app.restore(settings);
        style::set_projector(&cc.egui_ctx, app.settings.projector);
        match data {
            Some(path) if path.extension().is_some_and(|e| e == project::EXTENSION) => {
                app.submit(Command::OpenProject(path));
            }
            data => app.start_load(data.unwrap_or_else(sample_dir), Mapping::default()),
        }
        app
    }

    /// What to remember between runs: the settings, with the tabs' analysis settings as they
    /// are now.
    pub fn remembered(&self) -> Settings {
        Settings {
            tabs: TabSettings::from_tabs(
                &self.segments_tab,
                &self.recommendations_tab,
                &self.campaigns_tab,
            ),
            ..self.settings.clone()
        }
    }

    /// Takes remembered settings: language, tab, recent folders and each tab's settings.
    pub fn restore(&mut self, settings: Settings) {
        settings.tabs.apply(
            &mut self.segments_tab,
            &mut self.recommendations_tab,
            &mut self.campaigns_tab,
        );
        self.settings = settings;
    }

    /// Asks the app to do `command` after the next frame (as a widget would).
    pub fn submit(&mut self, command: Command) {
        self.commands.push(command);
    }

    fn lang(&self) -> Lang {
        self.settings.lang
    }

    /// The working audience, if one is chosen.
    pub fn working_audience(&self) -> Option<&Arc<crate::audience::Audience>> {
        self.audience.and_then(|i| self.audiences.get(i))
    }
}

impl eframe::App for PersonaApp {
    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, eframe::APP_KEY, &self.remembered());
    }

    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        let started = std::time::Instant::now();
        self.poll_jobs();
        let polled = started.elapsed();
        self.commands.extend(self.inbox.try_iter());
        let ctx = ui.ctx().clone();
        self.shortcuts(&ctx);
        let lang = self.lang();
        egui::Panel::top("top").show(ui, |ui| self.top_bar(ui));
        egui::Panel::bottom("status").show(ui, |ui| self.status_bar(ui));
        egui::CentralPanel::default().show(ui, |ui| {
            if self.settings.tab == Tab::Data {
                self.toolbar(ui);
                ui.separator();
            }
            egui::ScrollArea::vertical()
                .auto_shrink(false)
                .show(ui, |ui| match self.settings.tab {
                    Tab::Data => {
                        self.data_tab
                            .ui(ui, lang, self.loaded.as_deref(), &mut self.commands)
                    }
                    Tab::Overview => self.overview_tab.ui(
                        ui,
                        lang,
                        self.overview.as_ref(),
                        self.segments.as_ref(),
                        &mut self.commands,
                    ),
                    Tab::Profiles => self.profiles_tab.ui(
                        ui,
                        lang,
                        self.profiles.as_ref(),
                        &profiles_tab::Known {
                            segments: self.segments.as_ref(),
                            valued: &self.value,
                            audience: self.audience.and_then(|i| self.audiences.get(i)),
                        },
                        &mut self.commands,
                    ),
                    Tab::Segments => self.segments_tab.ui(
                        ui,
                        lang,
                        self.profiles.as_ref(),
                        self.segments.as_ref(),
                        &self.value,
                        &mut self.commands,
                    ),
                    Tab::Recommendations => {
                        self.recommendations_tab.audience =
                            self.audience.and_then(|i| self.audiences.get(i)).cloned();
                        self.recommendations_tab.ui(
                            ui,
                            lang,
                            self.loaded.is_some(),
                            self.segments.is_some(),
                            self.recs.as_ref(),
                            &mut self.commands,
                        )
                    }
                    Tab::Campaigns => self.campaigns_tab.ui(
                        ui,
                        lang,
                        self.loaded.is_some(),
                        self.ctr.as_ref(),
                        self.uplift.as_deref(),
                        &mut self.commands,
                    ),
                    Tab::Experiments => self.experiments_tab.ui(
                        ui,
                        lang,
                        self.loaded.as_ref(),
                        self.uplift.as_deref(),
                        &experiments_tab::Planning {
                            audience: self.audience.and_then(|i| self.audiences.get(i)),
                            plan: self.plan.as_ref(),
                            pseudonymise: self.recommendations_tab.pseudonymise,
                        },
                        &mut self.commands,
                    ),
                });
        });
        if let Some(dialog) = &mut self.mapping_dialog {
            match dialog.ui(&ctx, lang) {
                mapping_dialog::Outcome::Open => {}
                mapping_dialog::Outcome::Closed => self.mapping_dialog = None,
                mapping_dialog::Outcome::Apply(dir, mapping) => {
                    self.mapping_dialog = None;
                    self.commands.push(Command::Load(dir, mapping));
                }
            }
        }
        let loaded_at = self.loaded.as_ref().map(|l| Arc::as_ptr(l) as usize);
        if matches!(
            self.settings.tab,
            Tab::Overview | Tab::Profiles | Tab::Segments
        ) && self.profiles.is_none()
            && loaded_at.is_some()
            && self.profiles_asked_for != loaded_at
            && !self.tasks.is_running(Task::Load)
        {
            self.profiles_asked_for = loaded_at;
            self.commands.push(Command::BuildProfiles);
            self.commands.push(Command::EstimateValue);
        }
        if self.settings.tab == Tab::Overview
            && self.overview.is_none()
            && loaded_at.is_some()
            && self.overview_asked_for != loaded_at
            && !self.tasks.is_running(Task::Load)
        {
            self.overview_asked_for = loaded_at;
            self.commands
                .push(Command::RunOverview(self.overview_tab.split));
        }
        self.drop_preview(ui);
        let drawn = started.elapsed();
        for command in std::mem::take(&mut self.commands) {
            self.apply(command);
        }
        if let Some(log) = &mut self.frame_log {
            log.record(
                [polled, drawn - polled, started.elapsed() - drawn],
                i18n::tr(Lang::En, self.settings.tab.label()),
            );
        }
    }
}
