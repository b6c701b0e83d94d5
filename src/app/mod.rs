//! The desktop window. Persisted settings ([`Settings`]) are kept apart from runtime state;
//! widgets push [`Command`]s that are applied after the frame is drawn; long work runs as one
//! [`Job`] at a time with a progress bar and Cancel.

pub mod campaigns_tab;
pub mod data_tab;
pub mod experiments_tab;
pub mod i18n;
mod mapping_dialog;
mod plots;
pub mod profiles_tab;
pub mod recommendations_tab;
pub mod segments_tab;
pub mod style;

use crate::campaigns::CampaignModels;
use crate::data::summary::{ColumnSummary, summarise};
use crate::data::{DataError, Dataset, Mapping, TableKind, load_dataset};
use crate::experiments::{AbOptions, Readout};
use crate::jobs::{Job, JobError, Progress};
use crate::lang::Text;
use crate::recommendations::RecsResult;
use crate::segment::SegmentResult;
use campaigns_tab::{CampaignsTab, TargetRequest};
use data_tab::DataTab;
use egui::{Key, KeyboardShortcut, Modifiers, RichText, Ui};
use experiments_tab::ExperimentsTab;
use i18n::{Lang, T, tr};
use mapping_dialog::MappingDialog;
use profiles_tab::ProfilesTab;
use recommendations_tab::{RecsRequest, RecsTab};
use segments_tab::SegmentsTab;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};

/// The tabs, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Tab {
    /// Files, validation, column summaries.
    #[default]
    Data,
    /// Learner profiles.
    Profiles,
    /// Segments.
    Segments,
    /// Recommendations.
    Recommendations,
    /// Campaigns (CTR).
    Campaigns,
    /// Experiments (A/B tests).
    Experiments,
}

impl Tab {
    /// All tabs in display order.
    pub const ALL: [Tab; 6] = [
        Tab::Data,
        Tab::Profiles,
        Tab::Segments,
        Tab::Recommendations,
        Tab::Campaigns,
        Tab::Experiments,
    ];

    /// The tab's label.
    pub fn label(self) -> T {
        match self {
            Tab::Data => T::TabData,
            Tab::Profiles => T::TabProfiles,
            Tab::Segments => T::TabSegments,
            Tab::Recommendations => T::TabRecommendations,
            Tab::Campaigns => T::TabCampaigns,
            Tab::Experiments => T::TabExperiments,
        }
    }
}

/// How many recent folders are remembered.
const RECENT_MAX: usize = 8;

/// What the window remembers between runs.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Interface language.
    pub lang: Lang,
    /// The open tab.
    pub tab: Tab,
    /// Recently opened dataset folders, newest first.
    pub recent: Vec<PathBuf>,
}

/// A loaded dataset with what the Data tab shows of it, computed on the worker thread.
#[derive(Debug)]
pub struct Loaded {
    /// The tables.
    pub dataset: Dataset,
    /// Column summaries per table.
    pub summaries: BTreeMap<TableKind, Vec<ColumnSummary>>,
    /// Load time in seconds.
    pub seconds: f64,
}

/// What a background job produces.
pub enum JobOutput {
    /// A dataset finished loading.
    Loaded(Loaded),
    /// A folder could not be loaded until its columns or files are mapped.
    NeedsMapping {
        /// The folder.
        dir: PathBuf,
        /// The mapping that was tried.
        mapping: Mapping,
        /// What was missing.
        message: String,
    },
    /// An A/B read-out finished.
    Readout(Readout),
    /// Learner profiles were built.
    Profiles(Box<crate::profile::Profiles>),
    /// A segmentation finished.
    Segments(Box<SegmentResult>),
    /// A recommender was trained (and models compared).
    Recs(Box<RecsResult>),
    /// Campaign models were trained.
    Ctr(Box<CampaignModels>),
    /// A target list was built.
    Targets(Box<crate::campaigns::TargetReport>),
}

/// Something to do after the frame: from widgets, keyboard shortcuts or worker threads.
#[derive(Debug)]
pub enum Command {
    /// Load a dataset folder with a mapping.
    Load(PathBuf, Mapping),
    /// Open dropped or picked files: the folder of the first, each file as the table its
    /// name or header says.
    OpenFiles(Vec<PathBuf>),
    /// Ask for a folder (async dialog).
    PickFolder,
    /// Ask for files (async dialog).
    PickFiles,
    /// Open the column-mapping dialog for the current folder.
    EditMapping,
    /// Cancel the running job.
    CancelJob,
    /// Export a table's rejected rows (asks where).
    ExportRejects(TableKind),
    /// Show a tab.
    SetTab(Tab),
    /// Switch language.
    ToggleLang,
    /// Show a message in the status bar.
    Notice(String),
    /// Compute an A/B read-out on the loaded experiments.
    RunReadout(AbOptions),
    /// Export the A/B read-out as CSV (asks where).
    ExportReadout,
    /// Save the main A/B plot as PNG: takes a screenshot of the next frame.
    SaveMainPlot,
    /// A cropped screenshot to save as PNG (asks where).
    SavePng(Arc<egui::ColorImage>),
    /// Build learner profiles of the loaded dataset.
    BuildProfiles,
    /// Segment the profiles.
    RunSegments(crate::segment::SegmentConfig),
    /// Train a recommender (and compare every model, if asked).
    TrainRecs(RecsRequest),
    /// Export every learner's top 10 (asks where).
    ExportRecs {
        /// Pseudonymise learner ids.
        pseudonymise: bool,
    },
    /// Train the campaign models.
    TrainCtr(crate::campaigns::CtrConfig),
    /// Build a target list for a course.
    RunTarget(TargetRequest),
    /// Export the target list (asks where).
    ExportTargets {
        /// Pseudonymise learner ids.
        pseudonymise: bool,
    },
    /// Export segment members (or summaries); asks where.
    ExportSegments {
        /// Members (`user_id,segment`) rather than summaries.
        members: bool,
        /// Pseudonymise learner ids.
        pseudonymise: bool,
    },
}

/// The application.
pub struct PersonaApp {
    /// Persisted settings.
    pub settings: Settings,
    /// The dataset on screen.
    pub loaded: Option<Arc<Loaded>>,
    /// The running job, if any.
    pub job: Option<Job<JobOutput>>,
    /// Last error or notice.
    pub status: Option<Result<String, String>>,
    data_tab: DataTab,
    /// The Experiments tab.
    pub experiments_tab: ExperimentsTab,
    /// Profiles of the loaded dataset, once built.
    pub profiles: Option<Arc<crate::profile::Profiles>>,
    /// The dataset profiles were last asked for (by address), so a failed build is not
    /// retried on every frame.
    profiles_asked_for: Option<usize>,
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
            settings,
            loaded: None,
            job: None,
            status: None,
            data_tab: DataTab::default(),
            experiments_tab: ExperimentsTab::default(),
            profiles: None,
            profiles_asked_for: None,
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
        };
        app.start_load(data.unwrap_or_else(sample_dir), Mapping::default());
        app
    }

    fn lang(&self) -> Lang {
        self.settings.lang
    }

    /// Runs `work` as the background job, cancelling any job still running.
    fn spawn_job<E: std::fmt::Display>(
        &mut self,
        title: String,
        work: impl FnOnce(&Progress) -> Result<JobOutput, E> + Send + 'static,
    ) {
        if let Some(job) = &self.job {
            job.progress.cancel();
        }
        let ctx = self.ctx.clone();
        self.job = Some(Job::spawn(title, move || ctx.request_repaint(), work));
    }

    /// Starts loading a folder as a job (replacing any running job).
    pub fn start_load(&mut self, dir: PathBuf, mapping: Mapping) {
        let title = format!("{} {}", tr(self.lang(), T::Loading), dir.display());
        self.spawn_job(title, move |p: &Progress| -> Result<JobOutput, DataError> {
            let started = std::time::Instant::now();
            let dataset = match load_dataset(&dir, &mapping, &p.part(0.0, 0.9)) {
                Ok(dataset) => dataset,
                Err(e @ (DataError::MissingColumn { .. } | DataError::NoFiles(_))) => {
                    return Ok(JobOutput::NeedsMapping {
                        dir,
                        mapping,
                        message: e.to_string(),
                    });
                }
                Err(e) => return Err(e),
            };
            p.set_stage("summaries");
            let summaries = dataset
                .tables
                .iter()
                .map(|(k, t)| (*k, summarise(&t.df)))
                .collect();
            p.set(1.0);
            Ok(JobOutput::Loaded(Loaded {
                dataset,
                summaries,
                seconds: started.elapsed().as_secs_f64(),
            }))
        });
    }

    fn poll_job(&mut self) {
        let Some(result) = self.job.as_ref().and_then(Job::poll) else {
            return;
        };
        self.job = None;
        match result {
            Ok(JobOutput::Loaded(loaded)) => {
                let dir = loaded.dataset.dir.clone();
                self.settings.recent.retain(|d| d != &dir);
                self.settings.recent.insert(0, dir);
                self.settings.recent.truncate(RECENT_MAX);
                self.status = None;
                self.loaded = Some(Arc::new(loaded));
                self.profiles = None;
                self.segments = None;
                self.recs = None;
                self.recommendations_tab.reset();
                self.ctr = None;
                self.campaigns_tab.reset();
            }
            Ok(JobOutput::Readout(readout)) => self.experiments_tab.set_readout(readout),
            Ok(JobOutput::Profiles(p)) => {
                self.profiles = Some(Arc::from(p));
                self.segments = None;
            }
            Ok(JobOutput::Segments(r)) => self.segments = Some(Arc::from(r)),
            Ok(JobOutput::Recs(r)) => {
                let RecsResult {
                    trained,
                    evaluation,
                } = *r;
                self.recommendations_tab.set_result(evaluation);
                self.recs = Some(Arc::new(trained));
            }
            Ok(JobOutput::Ctr(r)) => {
                self.campaigns_tab.models_changed();
                self.ctr = Some(Arc::from(r));
            }
            Ok(JobOutput::Targets(t)) => self.campaigns_tab.list = Some(Arc::from(t)),
            Ok(JobOutput::NeedsMapping {
                dir,
                mapping,
                message,
            }) => {
                self.mapping_dialog = Some(MappingDialog::new(dir, &mapping, message.clone()));
                self.status = Some(Err(message));
            }
            Err(JobError::Cancelled) => {
                self.status = Some(Ok(tr(self.lang(), T::Cancelled).to_string()));
            }
            Err(JobError::Failed(message)) => {
                self.status = Some(Err(message));
            }
        }
    }

    fn current_dir(&self) -> Option<PathBuf> {
        self.loaded
            .as_ref()
            .map(|l| l.dataset.dir.clone())
            .or_else(|| self.settings.recent.first().cloned())
    }

    fn current_mapping(&self) -> Mapping {
        self.loaded
            .as_ref()
            .map(|l| l.dataset.mapping.clone())
            .unwrap_or_default()
    }

    /// Runs a blocking call (a file dialog, an export) on a worker thread; what it returns is
    /// applied as a command on a later frame.
    fn off_thread(&self, work: impl FnOnce() -> Option<Command> + Send + 'static) {
        let outbox = self.outbox.clone();
        let ctx = self.ctx.clone();
        std::thread::spawn(move || {
            if let Some(cmd) = work() {
                // The window may have closed; then there is nobody to tell.
                let _ = outbox.send(cmd);
                ctx.request_repaint();
            }
        });
    }

    /// Asks where to save `file_name` (async dialog, off the UI thread), writes there, and
    /// reports the outcome in the status bar.
    fn save_as(
        &self,
        file_name: String,
        write: impl FnOnce(&Path) -> std::io::Result<()> + Send + 'static,
    ) {
        // The files of the open dataset: an export never replaces one of them.
        let inputs: Vec<PathBuf> = self
            .loaded
            .iter()
            .flat_map(|l| l.dataset.reports().map(|r| PathBuf::from(&r.file)))
            .collect();
        self.off_thread(move || {
            let picked = pollster::block_on(
                rfd::AsyncFileDialog::new()
                    .set_file_name(file_name)
                    .save_file(),
            )?;
            let path = picked.path().to_path_buf();
            let written = crate::output::check_output(&path, &inputs).and_then(|()| {
                crate::output::write_atomically(&path, write)
                    .map_err(|e| format!("{}: {e}", path.display()))
            });
            Some(Command::Notice(match written {
                Ok(()) => format!("✔ {}", path.display()),
                Err(e) => format!("✖ {e}"),
            }))
        });
    }

    /// Trains the requested recommender on the loaded dataset as a job; with `compare`, every
    /// model is also evaluated on a held-out split.
    fn train_recs(&mut self, request: RecsRequest) {
        let Some(loaded) = self.loaded.clone() else {
            return;
        };
        if self.job.is_some() {
            self.recommendations_tab.retry_later();
            return;
        }
        let lang = self.lang();
        let groups = match (&self.profiles, &self.segments) {
            (Some(p), Some(r)) if request.by_segments => {
                let labels = p
                    .table
                    .user_ids
                    .iter()
                    .zip(&r.seg.labels)
                    .map(|(u, &l)| {
                        let s = &r.summaries[l];
                        (u.clone(), Text::pair(s.label_zh.clone(), s.label.clone()))
                    })
                    .collect();
                crate::recommendations::GroupSource::Labels(labels)
            }
            _ => crate::recommendations::GroupSource::Attribute(
                crate::recommendations::interactions::DEFAULT_GROUP_ATTRIBUTE.to_string(),
            ),
        };
        let settings = crate::recommendations::RecsSettings {
            kind: request.kind,
            params: request.params,
            groups,
            tune: request.tune,
            compare: request.compare,
            seed: crate::recommendations::session::SEED,
        };
        let title = format!(
            "{} {}",
            tr(lang, T::Computing),
            tr(lang, T::TabRecommendations)
        );
        self.spawn_job(title, move |p: &Progress| {
            let result = crate::recommendations::train_and_compare(&loaded.dataset, &settings, p)?;
            Ok::<_, crate::error::Error>(JobOutput::Recs(Box::new(result)))
        });
    }

    fn apply(&mut self, command: Command) {
        match command {
            Command::Load(dir, mapping) => self.start_load(dir, mapping),
            Command::OpenFiles(paths) => self.open_files(paths),
            Command::PickFolder => self.off_thread(|| {
                let picked = pollster::block_on(rfd::AsyncFileDialog::new().pick_folder())?;
                Some(Command::Load(
                    picked.path().to_path_buf(),
                    Mapping::default(),
                ))
            }),
            Command::PickFiles => self.off_thread(|| {
                let picked = pollster::block_on(
                    rfd::AsyncFileDialog::new()
                        .add_filter("CSV / Parquet", &["csv", "CSV", "parquet"])
                        .pick_files(),
                )?;
                Some(Command::OpenFiles(
                    picked.iter().map(|f| f.path().to_path_buf()).collect(),
                ))
            }),
            Command::EditMapping => {
                if let Some(dir) = self.current_dir() {
                    let mapping = self.current_mapping();
                    self.mapping_dialog = Some(MappingDialog::new(dir, &mapping, String::new()));
                }
            }
            Command::CancelJob => {
                if let Some(job) = &self.job {
                    job.progress.cancel();
                }
            }
            Command::ExportRejects(kind) => {
                let Some(loaded) = self.loaded.clone() else {
                    return;
                };
                self.save_as(format!("{kind}.rejects.csv"), move |path| {
                    match loaded.dataset.table(kind) {
                        Some(table) => table.report.write_rejects(path),
                        None => Ok(()),
                    }
                });
            }
            Command::SetTab(tab) => self.settings.tab = tab,
            Command::ToggleLang => self.settings.lang = self.settings.lang.other(),
            Command::Notice(text) => self.status = Some(Ok(text)),
            Command::RunReadout(opts) => {
                let Some(loaded) = self.loaded.clone() else {
                    return;
                };
                if self.job.is_some() {
                    // Never cancel a load for a read-out: ask again once the job is done.
                    self.experiments_tab.retry_later();
                    return;
                }
                let title = format!("{} A/B", tr(self.lang(), T::Computing));
                self.spawn_job(title, move |p: &Progress| {
                    let df = &loaded
                        .dataset
                        .table(TableKind::Experiments)
                        .ok_or(crate::experiments::AbError::Empty)?
                        .df;
                    let readout = crate::experiments::readout(df, &opts)?;
                    p.set(1.0);
                    Ok::<_, crate::experiments::AbError>(JobOutput::Readout(readout))
                });
            }
            Command::BuildProfiles => {
                let Some(loaded) = self.loaded.clone() else {
                    return;
                };
                let title = format!(
                    "{} {}",
                    tr(self.lang(), T::Computing),
                    tr(self.lang(), T::TabProfiles)
                );
                self.spawn_job(title, move |p: &Progress| -> Result<JobOutput, DataError> {
                    loaded.dataset.check_usable(&[
                        TableKind::Users,
                        TableKind::Courses,
                        TableKind::Events,
                    ])?;
                    let profiles = crate::profile::build_profiles(&loaded.dataset, p)?;
                    Ok(JobOutput::Profiles(Box::new(profiles)))
                });
            }
            Command::RunSegments(cfg) => {
                let Some(profiles) = self.profiles.clone() else {
                    return;
                };
                if self.job.is_some() {
                    self.segments_tab.retry_later();
                    return;
                }
                let title = format!(
                    "{} {}",
                    tr(self.lang(), T::Computing),
                    tr(self.lang(), T::TabSegments)
                );
                self.spawn_job(title, move |p: &Progress| {
                    let result = crate::segment::segment_learners(&profiles, &cfg, p)?;
                    Ok::<_, crate::segment::SegmentError>(JobOutput::Segments(Box::new(result)))
                });
            }
            Command::TrainRecs(request) => self.train_recs(request),
            Command::TrainCtr(config) => {
                let Some(loaded) = self.loaded.clone() else {
                    return;
                };
                if self.job.is_some() {
                    self.campaigns_tab.retry_later();
                    return;
                }
                let title = format!(
                    "{} {}",
                    tr(self.lang(), T::Computing),
                    tr(self.lang(), T::TabCampaigns)
                );
                self.spawn_job(title, move |p: &Progress| {
                    let result = crate::campaigns::train_campaigns(&loaded.dataset, &config, p)?;
                    Ok::<_, crate::error::Error>(JobOutput::Ctr(Box::new(result)))
                });
            }
            Command::RunTarget(request) => {
                let Some(ctr) = self.ctr.clone() else {
                    return;
                };
                let title = format!(
                    "{} {}",
                    tr(self.lang(), T::Computing),
                    tr(self.lang(), T::Targeting)
                );
                self.spawn_job(title, move |_: &Progress| {
                    crate::campaigns::target(
                        &ctr.models,
                        &request.course,
                        request.budget,
                        request.objective,
                        request.placement,
                        request.backtest_from,
                    )
                    .map(|t| JobOutput::Targets(Box::new(t)))
                });
            }
            Command::ExportTargets { pseudonymise } => {
                let Some(list) = self.campaigns_tab.list.clone() else {
                    return;
                };
                self.save_as(format!("targets_{}.csv", list.course), move |path| {
                    let salt = pseudonymise.then(fresh_salt);
                    crate::campaigns::write_targets(path, &list, salt.as_deref())
                });
            }
            Command::ExportRecs { pseudonymise } => {
                let Some(trained) = self.recs.clone() else {
                    return;
                };
                self.save_as("recommendations.csv".to_string(), move |path| {
                    let it = &trained.interactions;
                    let users: Vec<usize> = (0..it.users.len()).collect();
                    let recs = crate::recommendations::recommend_all(
                        &trained.model,
                        &trained.fallback,
                        it,
                        &users,
                        recommendations_tab::TOP,
                        &Progress::default(),
                    )
                    .map_err(|_| std::io::Error::other("cancelled"))?;
                    let salt = pseudonymise.then(fresh_salt);
                    crate::recommendations::write_recommendations(
                        path,
                        it,
                        &users,
                        &recs,
                        salt.as_deref(),
                    )
                });
            }
            Command::ExportSegments {
                members,
                pseudonymise,
            } => {
                let (Some(profiles), Some(result)) = (self.profiles.clone(), self.segments.clone())
                else {
                    return;
                };
                let name = if members {
                    "segment_members.csv"
                } else {
                    "segment_summaries.csv"
                };
                self.save_as(name.to_string(), move |path| {
                    if !members {
                        return crate::segment::write_summaries(path, &result.summaries);
                    }
                    let salt = pseudonymise.then(fresh_salt);
                    crate::segment::write_members(
                        path,
                        &profiles.table.user_ids,
                        &result.seg.labels,
                        salt.as_deref(),
                    )
                });
            }
            Command::ExportReadout => {
                let Some(readout) = self.experiments_tab.readout.clone() else {
                    return;
                };
                self.save_as(format!("{}.readout.csv", readout.experiment), move |path| {
                    std::fs::write(path, crate::experiments::readout_csv(&readout))
                });
            }
            Command::SaveMainPlot => {
                let Some(rect) = self.experiments_tab.main_plot else {
                    return;
                };
                let outbox = self.outbox.clone();
                let ctx = self.ctx.clone();
                let ppp = self.ctx.pixels_per_point();
                self.ctx
                    .send_viewport_cmd(egui::ViewportCommand::Screenshot(
                        egui::ScreenshotCallback::new(move |image| {
                            let _ = outbox
                                .send(Command::SavePng(Arc::new(image.region(&rect, Some(ppp)))));
                            ctx.request_repaint();
                        }),
                    ));
            }
            Command::SavePng(image) => self.save_as("plot.png".to_string(), move |path| {
                let [w, h] = image.size;
                let rgba: Vec<u8> = image.pixels.iter().flat_map(|c| c.to_array()).collect();
                image::save_buffer(
                    path,
                    &rgba,
                    w as u32,
                    h as u32,
                    image::ExtendedColorType::Rgba8,
                )
                .map_err(std::io::Error::other)
            }),
        }
    }

    fn open_files(&mut self, paths: Vec<PathBuf>) {
        if let [only] = paths.as_slice()
            && only.is_dir()
        {
            self.start_load(only.clone(), Mapping::default());
            return;
        }
        let Some(dir) = paths
            .first()
            .and_then(|p| p.parent())
            .map(Path::to_path_buf)
        else {
            return;
        };
        let mut mapping = Mapping::default();
        for path in &paths {
            let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
            let kind = stem.as_deref().and_then(TableKind::from_name).or_else(|| {
                crate::data::load::read_header(path)
                    .ok()
                    .and_then(|h| crate::data::schema::guess_table(&h))
            });
            if let Some(kind) = kind {
                mapping.files.insert(kind, path.display().to_string());
            }
        }
        if mapping.files.is_empty() {
            self.mapping_dialog = Some(MappingDialog::new(dir, &mapping, String::new()));
        } else {
            self.start_load(dir, mapping);
        }
    }

    fn shortcuts(&mut self, ctx: &egui::Context) {
        let pressed = |key| {
            ctx.input_mut(|i| i.consume_shortcut(&KeyboardShortcut::new(Modifiers::COMMAND, key)))
        };
        if pressed(Key::O) {
            self.commands.push(Command::PickFolder);
        }
        if pressed(Key::L) {
            self.commands.push(Command::ToggleLang);
        }
        let keys = [
            Key::Num1,
            Key::Num2,
            Key::Num3,
            Key::Num4,
            Key::Num5,
            Key::Num6,
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

    fn top_bar(&mut self, ui: &mut Ui) {
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
            });
        });
    }

    fn toolbar(&mut self, ui: &mut Ui) {
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
                if self.settings.recent.is_empty() {
                    ui.weak(tr(lang, T::NoRecent));
                }
                for dir in &self.settings.recent {
                    if ui.button(dir.display().to_string()).clicked() {
                        self.commands
                            .push(Command::Load(dir.clone(), Mapping::default()));
                    }
                }
            });
            if ui.button(tr(lang, T::MappingTitle)).clicked() {
                self.commands.push(Command::EditMapping);
            }
        });
    }

    fn status_bar(&mut self, ui: &mut Ui) {
        let lang = self.lang();
        if let Some(job) = &self.job {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(&job.title);
                let stage = job.progress.stage();
                ui.add(
                    egui::ProgressBar::new(job.progress.fraction())
                        .show_percentage()
                        .desired_width(260.0),
                );
                ui.weak(format!(
                    "{stage} · {:.1} s",
                    job.started.elapsed().as_secs_f32()
                ));
                if ui.button(tr(lang, T::Cancel)).clicked() {
                    self.commands.push(Command::CancelJob);
                }
            });
        } else {
            match &self.status {
                Some(Err(message)) => {
                    ui.colored_label(style::ERROR, format!("{}: {message}", tr(lang, T::Error)));
                }
                Some(Ok(message)) => {
                    ui.label(message);
                }
                None => {
                    ui.weak(tr(lang, T::Shortcuts));
                }
            }
        }
    }

    fn drop_preview(&self, ui: &Ui) {
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

impl eframe::App for PersonaApp {
    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, eframe::APP_KEY, &self.settings);
    }

    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.poll_job();
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
                    Tab::Profiles => self.profiles_tab.ui(ui, lang, self.profiles.as_ref()),
                    Tab::Segments => self.segments_tab.ui(
                        ui,
                        lang,
                        self.profiles.as_ref(),
                        self.segments.as_ref(),
                        &mut self.commands,
                    ),
                    Tab::Recommendations => self.recommendations_tab.ui(
                        ui,
                        lang,
                        self.loaded.is_some(),
                        self.segments.is_some(),
                        self.recs.as_ref(),
                        &mut self.commands,
                    ),
                    Tab::Campaigns => self.campaigns_tab.ui(
                        ui,
                        lang,
                        self.loaded.is_some(),
                        self.ctr.as_ref(),
                        &mut self.commands,
                    ),
                    Tab::Experiments => {
                        self.experiments_tab
                            .ui(ui, lang, self.loaded.as_ref(), &mut self.commands)
                    }
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
        if matches!(self.settings.tab, Tab::Profiles | Tab::Segments)
            && self.profiles.is_none()
            && loaded_at.is_some()
            && self.profiles_asked_for != loaded_at
            && self.job.is_none()
        {
            self.profiles_asked_for = loaded_at;
            self.commands.push(Command::BuildProfiles);
        }
        self.drop_preview(ui);
        for command in std::mem::take(&mut self.commands) {
            self.apply(command);
        }
    }
}
