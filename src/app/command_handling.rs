//! Applying commands: starting engine calls as jobs, taking their results, file dialogs and
//! exports.

use super::commands::Writer;
use super::i18n::{Lang, T, tr};
use super::mapping_dialog::MappingDialog;
use super::overview_tab::Split;
use super::recommendations_tab::RecsRequest;
use super::tasks::Task;
use super::{Command, JobOutput, Loaded, PersonaApp, Valued, fresh_salt, state::RECENT_MAX};
use crate::data::summary::summarise;
use crate::data::{DataError, Mapping, TableKind, load_dataset};
use crate::jobs::{Job, JobError, Progress};
use crate::overview::FunnelBy;
use crate::recommendations::RecsResult;
use crate::segment::SegmentResult;
use std::path::{Path, PathBuf};
use std::sync::Arc;

impl PersonaApp {
    /// Runs `work` as `task` on the current dataset, replacing a running job of that task.
    pub(super) fn spawn_job<E: crate::lang::Bilingual + Send>(
        &mut self,
        task: Task,
        title: String,
        work: impl FnOnce(&Progress) -> Result<JobOutput, E> + Send + 'static,
    ) {
        let ctx = self.ctx.clone();
        let job = Job::spawn(
            title,
            move || ctx.request_repaint_after(super::style::BUSY_FRAME),
            work,
        );
        self.tasks.start(task, self.generation, job);
    }

    /// Starts loading a folder as a job (replacing any running load).
    pub fn start_load(&mut self, dir: PathBuf, mapping: Mapping) {
        let title = format!("{} {}", tr(self.lang(), T::Loading), dir.display());
        self.spawn_job(
            Task::Load,
            title,
            move |p: &Progress| -> Result<JobOutput, DataError> {
                let started = std::time::Instant::now();
                let dataset = match load_dataset(&dir, &mapping, &p.part(0.0, 0.9)) {
                    Ok(dataset) => dataset,
                    Err(e @ (DataError::MissingColumn { .. } | DataError::NoFiles(_))) => {
                        return Ok(JobOutput::NeedsMapping {
                            dir,
                            mapping,
                            message: e.text(),
                        });
                    }
                    Err(e) => return Err(e),
                };
                p.set_stage(crate::lang::Text::new("列概况", "summaries"));
                let summaries = dataset
                    .tables
                    .iter()
                    .map(|(k, t)| (*k, summarise(&t.df)))
                    .collect();
                p.set(1.0);
                Ok(JobOutput::Loaded(Loaded {
                    interactions: Default::default(),
                    dataset,
                    summaries,
                    seconds: started.elapsed().as_secs_f64(),
                }))
            },
        );
    }

    /// Takes the results of the jobs that ended; a result computed on an earlier dataset is
    /// dropped.
    pub(super) fn poll_jobs(&mut self) {
        for (task, generation, result) in self.tasks.finished() {
            if task != Task::Load && generation != self.generation {
                continue;
            }
            self.take(result);
        }
    }

    fn take(&mut self, result: Result<JobOutput, JobError>) {
        match result {
            Ok(JobOutput::Exported(path)) => {
                self.status = Some(Ok(format!("✔ {}", path.display()).into()));
            }
            Ok(JobOutput::Loaded(loaded)) => {
                self.generation += 1;
                self.tasks.cancel_all();
                let dir = loaded.dataset.dir.clone();
                self.settings.recent.retain(|d| d != &dir);
                self.settings.recent.insert(0, dir);
                self.settings.recent.truncate(RECENT_MAX);
                self.status = None;
                self.saved = self
                    .saved
                    .take()
                    .and_then(|r| r.for_data(&loaded.dataset.fingerprint()));
                self.loaded = Some(Arc::new(loaded));
                self.overview = None;
                self.overview_tab.reset();
                self.profiles = None;
                self.profiles_tab.reset();
                self.value = Valued::default();
                self.uplift = None;
                self.segments = None;
                self.recs = None;
                self.recommendations_tab.reset();
                self.ctr = None;
                self.campaigns_tab.reset();
                if let Some(saved) = self.saved.as_mut().and_then(|r| r.campaigns.take()) {
                    self.restore_campaigns(saved);
                }
            }
            Ok(JobOutput::Readout(readout)) => self.experiments_tab.set_readout(readout),
            Ok(JobOutput::Plan(plan)) => self.plan = Some(Arc::from(plan)),
            Ok(JobOutput::Overview(g, split)) => {
                self.overview = Some(Arc::from(g));
                self.overview_tab.computed(split);
            }
            Ok(JobOutput::Profiles(p)) => {
                self.profiles = Some(Arc::from(p));
                self.value.aligned = None;
                self.segments = self.saved_segments();
                self.align_values();
            }
            Ok(JobOutput::Value(v)) => {
                self.value = *v;
                self.align_values();
            }
            Ok(JobOutput::Aligned(a)) => {
                let current = self
                    .profiles
                    .as_ref()
                    .is_some_and(|p| Arc::ptr_eq(p, &a.profiles))
                    && self
                        .value
                        .result
                        .as_ref()
                        .is_some_and(|v| Arc::ptr_eq(v, &a.value));
                if current {
                    self.value.aligned = Some(*a);
                }
            }
            Ok(JobOutput::Arranged(arrangement, rows)) => {
                self.profiles_tab.arranged(*arrangement, rows);
            }
            Ok(JobOutput::NoValue(why)) => self.value.note = Some(why),
            Ok(JobOutput::Uplift(u)) => self.uplift = Some(Arc::from(u)),
            Ok(JobOutput::Segments(mut r)) => {
                crate::segment::rename(&mut r.summaries, &self.segment_names);
                self.segments = Some(Arc::from(r));
                if self.overview_tab.split == Split::Segment {
                    self.commands.push(Command::RunOverview(Split::Segment));
                }
            }
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
            Ok(JobOutput::Reach {
                trained,
                course,
                reach,
            }) => self.recommendations_tab.set_reach(trained, course, reach),
            Ok(JobOutput::NeedsMapping {
                dir,
                mapping,
                message,
            }) => {
                let shown = message.get(self.lang()).to_string();
                self.mapping_dialog = Some(MappingDialog::new(dir, &mapping, shown));
                self.status = Some(Err(message));
            }
            Err(JobError::Cancelled) => {
                self.status = Some(Ok(super::i18n::both(T::Cancelled)));
            }
            Err(JobError::Failed(message)) => {
                self.status = Some(Err(message));
            }
        }
    }

    /// The segments an opened project saved (kept only when the loaded data is the data they
    /// were made from); taken once, so a re-run starts afresh.
    fn saved_segments(&mut self) -> Option<Arc<SegmentResult>> {
        let mut segments = self.saved.as_mut()?.segments.take()?;
        if segments.seg.labels.len() != self.profiles.as_ref()?.len() {
            return None;
        }
        crate::segment::rename(&mut segments.summaries, &self.segment_names);
        Some(Arc::new(segments))
    }

    /// Looks up each profile row's value as a job, once both the profiles and the values
    /// exist, for the Profiles table and the segments' values.
    fn align_values(&mut self) {
        let (Some(profiles), Some(value)) = (self.profiles.clone(), self.value.result.clone())
        else {
            return;
        };
        let title = tr(self.lang(), T::MatchingValues).to_string();
        self.spawn_job(
            Task::Align,
            title,
            move |_: &Progress| -> Result<JobOutput, crate::error::Error> {
                let positions = value.positions(&profiles.table.user_ids).into();
                Ok(JobOutput::Aligned(Box::new(super::Aligned {
                    profiles,
                    value,
                    positions,
                })))
            },
        );
    }

    /// The title of a job computing `what` ("Computing Segments").
    fn computing(&self, what: T) -> String {
        let lang = self.lang();
        format!("{} {}", tr(lang, T::Computing), tr(lang, what))
    }

    /// Makes an opened project's campaign models whole on the loaded data, as a job (the
    /// learners' histories are rebuilt from the events; nothing is trained).
    fn restore_campaigns(&mut self, saved: super::project::SavedCampaigns) {
        let Some(loaded) = self.loaded.clone() else {
            return;
        };
        let title = self.computing(T::TabCampaigns);
        self.spawn_job(Task::Campaigns, title, move |p: &Progress| {
            p.set_stage(crate::lang::Text::new(
                "读取已训练的模型",
                "loading the trained models",
            ));
            let restored =
                crate::campaigns::run::restore(&loaded.dataset, saved.models, saved.report);
            Ok::<_, crate::error::Error>(JobOutput::Ctr(Box::new(restored)))
        });
    }

    pub(super) fn current_dir(&self) -> Option<PathBuf> {
        self.loaded
            .as_ref()
            .map(|l| l.dataset.dir.clone())
            .or_else(|| self.settings.recent.first().cloned())
    }

    pub(super) fn current_mapping(&self) -> Mapping {
        self.loaded
            .as_ref()
            .map(|l| l.dataset.mapping.clone())
            .unwrap_or_default()
    }

    /// Runs a blocking call (a file dialog, an export) on a worker thread; what it returns is
    /// applied as a command on a later frame.
    pub(super) fn off_thread(&self, work: impl FnOnce() -> Option<Command> + Send + 'static) {
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

    /// The files of the open dataset: an export never replaces one of them.
    fn dataset_files(&self) -> Vec<PathBuf> {
        self.loaded
            .iter()
            .flat_map(|l| l.dataset.reports().map(|r| PathBuf::from(&r.file)))
            .collect()
    }

    /// Asks where to save `file_name` (async dialog, off the UI thread), then writes there as
    /// an export task; the outcome shows in the status bar.
    pub(super) fn save_as(
        &self,
        file_name: String,
        write: impl FnOnce(&Path) -> std::io::Result<()> + Send + 'static,
    ) {
        self.off_thread(move || {
            let picked = pollster::block_on(
                rfd::AsyncFileDialog::new()
                    .set_file_name(file_name)
                    .save_file(),
            )?;
            Some(Command::Export {
                path: picked.path().to_path_buf(),
                write: Writer(Box::new(write)),
            })
        });
    }

    /// Trains the requested recommender on the loaded dataset as a job; with `compare`, every
    /// model is also evaluated on a held-out split.
    pub(super) fn train_recs(&mut self, request: RecsRequest) {
        let Some(loaded) = self.loaded.clone() else {
            return;
        };
        let groups = match (&self.profiles, &self.segments) {
            (Some(p), Some(r)) if request.by_segments => {
                let labels = p
                    .table
                    .user_ids
                    .iter()
                    .zip(&r.seg.labels)
                    .map(|(u, &l)| {
                        let s = &r.summaries[l];
                        (u.clone(), s.label.clone())
                    })
                    .collect();
                crate::recommendations::GroupSource::Labels(labels)
            }
            _ => crate::recommendations::GroupSource::Attribute(
                crate::recommendations::interactions::DEFAULT_GROUP_ATTRIBUTE.to_string(),
            ),
        };
        let mut settings = crate::recommendations::RecsSettings {
            kind: request.kind,
            params: request.params,
            groups,
            tune: request.tune,
            compare: request.compare,
            seed: crate::recommendations::run::SEED,
            cache: eframe::storage_dir("Persona Lab").map(|d| d.join("models")),
            compare_learners: crate::recommendations::run::COMPARE_LEARNERS,
            shared: loaded.interactions.clone(),
        };
        // An opened project's recommender, asked for with the settings it was saved with, is
        // fitted with its chosen settings only (no tuning, no comparison: those are kept).
        let saved = self
            .saved
            .as_mut()
            .and_then(|r| r.recommendations.take())
            .filter(|s| {
                s.kind == request.kind
                    && s.by_segments == request.by_segments
                    && request
                        .compare
                        .is_none_or(|f| s.evaluation.as_ref().is_some_and(|(g, _)| *g == f))
            });
        if let Some(s) = &saved {
            settings.params = s.params;
            settings.tune = false;
            settings.compare = None;
        }
        let title = self.computing(T::TabRecommendations);
        self.spawn_job(Task::Recommendations, title, move |p: &Progress| {
            let mut result =
                crate::recommendations::train_and_compare(&loaded.dataset, &settings, p)?;
            if let Some(saved) = saved {
                result.trained.trials = saved.trials;
                result.evaluation = saved.evaluation;
            }
            Ok::<_, crate::error::Error>(JobOutput::Recs(Box::new(result)))
        });
    }

    pub(super) fn apply(&mut self, command: Command) {
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
            Command::SaveProject => self.off_thread(|| {
                let picked = pollster::block_on(
                    rfd::AsyncFileDialog::new()
                        .add_filter("Persona Lab", &[super::project::EXTENSION])
                        .set_file_name(format!("project.{}", super::project::EXTENSION))
                        .save_file(),
                )?;
                Some(Command::SaveProjectTo(picked.path().to_path_buf()))
            }),
            Command::PickProject => self.off_thread(|| {
                let picked = pollster::block_on(
                    rfd::AsyncFileDialog::new()
                        .add_filter("Persona Lab", &[super::project::EXTENSION])
                        .pick_file(),
                )?;
                Some(Command::OpenProject(picked.path().to_path_buf()))
            }),
            Command::SaveProjectTo(path) => {
                let Some(loaded) = &self.loaded else {
                    self.status = Some(Err(super::i18n::both(T::NoData)));
                    return;
                };
                let project = super::project::Project {
                    format: super::project::FORMAT,
                    data: loaded.dataset.dir.clone(),
                    mapping: loaded.dataset.mapping.clone(),
                    lang: self.lang(),
                    tabs: self.remembered().tabs,
                    audiences: self.audiences.iter().map(|a| (**a).clone()).collect(),
                    audience: self.audience,
                    plan: self.experiments_tab.plan_settings.clone(),
                    segment_names: self.segment_names.clone(),
                    results: super::project::Results {
                        data: loaded.dataset.fingerprint(),
                        segments: self.segments.as_deref().cloned(),
                        campaigns: self.ctr.as_ref().map(|c| super::project::SavedCampaigns {
                            models: c.models.without_histories(),
                            report: c.report.clone(),
                        }),
                        recommendations: self.recs.as_ref().map(|t| super::project::SavedRecs {
                            kind: t.model.kind(),
                            params: t.params,
                            by_segments: self.recommendations_tab.by_segments,
                            trials: t.trials.clone(),
                            evaluation: self.recommendations_tab.comparison(),
                        }),
                    },
                };
                // Written by a job: at a million learners the results are hundreds of MB.
                self.remember_project(&path);
                let target = path.clone();
                self.apply(Command::Export {
                    path,
                    write: Writer(Box::new(move |tmp: &Path| {
                        let text = project
                            .to_json(&target)
                            .map_err(|e| std::io::Error::other(e.en.into_owned()))?;
                        std::fs::write(tmp, text)
                    })),
                });
            }
            Command::OpenProject(path) => self.off_thread(move || {
                Some(match super::project::Project::open(&path) {
                    Ok(p) => Command::ProjectRead(path, Box::new(p)),
                    Err(e) => Command::Failed(e),
                })
            }),
            Command::Failed(message) => self.status = Some(Err(message)),
            Command::ProjectRead(path, p) => {
                let p = *p;
                p.tabs.apply(
                    &mut self.segments_tab,
                    &mut self.recommendations_tab,
                    &mut self.campaigns_tab,
                );
                self.settings.tabs = p.tabs.clone();
                self.settings.lang = p.lang;
                self.audiences = p.audiences.into_iter().map(Arc::new).collect();
                self.audience = p.audience;
                self.experiments_tab.plan_settings = p.plan;
                self.segment_names = p.segment_names;
                self.saved = Some(p.results);
                self.remember_project(&path);
                self.start_load(p.data, p.mapping);
            }
            Command::PickFiles => self.off_thread(|| {
                let picked = pollster::block_on(
                    rfd::AsyncFileDialog::new()
                        .add_filter(
                            "CSV / Parquet / Excel / ODS",
                            &["csv", "CSV", "parquet", "xlsx", "xlsm", "xls", "ods"],
                        )
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
            Command::Cancel(task) => self.tasks.cancel(task),
            Command::Export { path, write } => {
                let inputs = self.dataset_files();
                let title = format!("{} {}", tr(self.lang(), T::Exporting), path.display());
                self.spawn_job(Task::Export, title, move |_: &Progress| {
                    crate::output::check_output(&path, &inputs)?;
                    crate::output::write_atomically(&path, write.0)
                        .map_err(|e| format!("{}: {e}", path.display()))?;
                    Ok::<_, String>(JobOutput::Exported(path))
                });
            }
            Command::ExportReport => {
                if let Some(write) = self.report_writer() {
                    self.save_as("report.html".to_string(), write);
                }
            }
            Command::WriteReport(path) => {
                if let Some(write) = self.report_writer() {
                    self.apply(Command::Export {
                        path,
                        write: Writer(Box::new(write)),
                    });
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
            Command::ToggleProjector => {
                self.settings.projector = !self.settings.projector;
                super::style::set_projector(&self.ctx, self.settings.projector);
            }
            Command::Notice(text) => self.status = Some(Ok(text.into())),
            Command::RunReadout(opts) => {
                let Some(loaded) = self.loaded.clone() else {
                    return;
                };
                let title = format!("{} A/B", tr(self.lang(), T::Computing));
                self.spawn_job(Task::Readout, title, move |p: &Progress| {
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
            Command::MakeAudience { name, from } => match self.make_audience(name, from) {
                Ok(a) => {
                    let made = |lang| {
                        format!(
                            "✔ {} «{}»: {} {}",
                            tr(lang, T::AudienceMade),
                            a.name,
                            a.len(),
                            tr(lang, T::Learners)
                        )
                    };
                    self.status = Some(Ok(crate::lang::Text::pair(made(Lang::Zh), made(Lang::En))));
                    self.audiences.retain(|old| old.name != a.name);
                    self.audiences.push(Arc::new(a));
                    self.audience = Some(self.audiences.len() - 1);
                }
                Err(e) => self.status = Some(Err(e.text())),
            },
            Command::RenameSegment(id, name) => {
                let name = name.trim().to_string();
                if name.is_empty() {
                    self.segment_names.remove(&id);
                } else {
                    self.segment_names.insert(id, name);
                }
                if let (Some(s), Some(p)) = (&self.segments, &self.profiles) {
                    let mut renamed = (**s).clone();
                    if !self.segment_names.contains_key(&id)
                        && let Some(fresh) = crate::segment::describe(p, &renamed.seg)
                            .into_iter()
                            .nth(id)
                    {
                        renamed.summaries[id].label = fresh.label;
                    }
                    crate::segment::rename(&mut renamed.summaries, &self.segment_names);
                    self.segments = Some(Arc::new(renamed));
                }
            }
            Command::UseAudience(i) => {
                self.audience = i.filter(|&i| i < self.audiences.len());
            }
            Command::RemoveAudience(i) => {
                if i < self.audiences.len() {
                    self.audiences.remove(i);
                    self.audience = match self.audience {
                        Some(a) if a == i => None,
                        Some(a) if a > i => Some(a - 1),
                        a => a,
                    };
                }
            }
            Command::ExportAudience { pseudonymise } => {
                let Some(a) = self.working_audience().cloned() else {
                    return;
                };
                self.save_as(format!("{}.csv", a.name), move |path| {
                    let salt = pseudonymise.then(fresh_salt);
                    a.write_csv(path, salt.as_deref())
                });
            }
            Command::PlanExperiment(settings) => {
                let (Some(loaded), Some(audience)) =
                    (self.loaded.clone(), self.working_audience().cloned())
                else {
                    self.status = Some(Err(super::i18n::both(T::ChooseAudienceFirst)));
                    return;
                };
                let title = format!("{} {}", tr(self.lang(), T::Computing), settings.experiment);
                self.spawn_job(
                    Task::Plan,
                    title,
                    move |_: &Progress| -> Result<JobOutput, crate::error::Error> {
                        let plan = crate::experiments::plan(&loaded.dataset, &audience, &settings)?;
                        Ok(JobOutput::Plan(Box::new(plan)))
                    },
                );
            }
            Command::ExportPlan { pseudonymise } => {
                let Some(plan) = self.plan.clone() else {
                    return;
                };
                self.save_as(
                    format!("{}_assignment.csv", plan.settings.experiment),
                    move |path| {
                        let salt = pseudonymise.then(fresh_salt);
                        plan.write_csv(path, salt.as_deref())
                    },
                );
            }
            Command::RunOverview(split) => {
                let Some(loaded) = self.loaded.clone() else {
                    return;
                };
                let groups = match (split, &self.segments, &self.profiles) {
                    (Split::Segment, Some(s), Some(p)) => Some((Arc::clone(s), Arc::clone(p))),
                    _ => None,
                };
                let lang = self.lang();
                let title = self.computing(T::TabOverview);
                self.spawn_job(
                    Task::Overview,
                    title,
                    move |p: &Progress| -> Result<JobOutput, crate::error::Error> {
                        let by = match (split, groups) {
                            (Split::All, _) => FunnelBy::All,
                            (Split::Course, _) => FunnelBy::Course,
                            (Split::Segment, Some((s, profiles))) => FunnelBy::Group(
                                profiles
                                    .table
                                    .user_ids
                                    .iter()
                                    .zip(&s.seg.labels)
                                    .filter_map(|(u, l)| {
                                        let m = s.summaries.get(*l)?;
                                        Some((
                                            u.clone(),
                                            format!("#{} {}", l + 1, m.label.get(lang)),
                                        ))
                                    })
                                    .collect(),
                            ),
                            _ => FunnelBy::Category,
                        };
                        let g = crate::overview::glance(&loaded.dataset, &by, p)?;
                        Ok(JobOutput::Overview(Box::new(g), split))
                    },
                );
            }
            Command::BuildProfiles => {
                let Some(loaded) = self.loaded.clone() else {
                    return;
                };
                let title = self.computing(T::TabProfiles);
                self.spawn_job(
                    Task::Profiles,
                    title,
                    move |p: &Progress| -> Result<JobOutput, DataError> {
                        loaded.dataset.check_usable(&[
                            TableKind::Users,
                            TableKind::Courses,
                            TableKind::Events,
                        ])?;
                        let profiles = crate::profile::build_profiles(&loaded.dataset, p)?;
                        Ok(JobOutput::Profiles(Box::new(profiles)))
                    },
                );
            }
            Command::Arrange(arrangement) => {
                let title = tr(self.lang(), T::SortingLearners).to_string();
                self.spawn_job(
                    Task::Arrange,
                    title,
                    move |_: &Progress| -> Result<JobOutput, crate::error::Error> {
                        let rows = arrangement.rows();
                        Ok(JobOutput::Arranged(arrangement, rows))
                    },
                );
            }
            Command::EstimateValue => {
                let Some(loaded) = self.loaded.clone() else {
                    return;
                };
                let title = self.computing(T::LearnerValue);
                self.spawn_job(
                    Task::Value,
                    title,
                    move |p: &Progress| -> Result<JobOutput, crate::error::Error> {
                        let settings = crate::value::ValueSettings::default();
                        let v = match crate::value::estimate_value(
                            &loaded.dataset,
                            &settings,
                            &p.part(0.0, 0.5),
                        ) {
                            Ok(v) => v,
                            // Data without (repeat) purchases is no failure of the window.
                            Err(e) if e.kind() == crate::error::ErrorKind::Input => {
                                return Ok(JobOutput::NoValue(e.text()));
                            }
                            Err(e) => return Err(e),
                        };
                        let check = crate::value::backtest_value(
                            &loaded.dataset,
                            &settings,
                            v.until_day,
                            &p.part(0.5, 0.5),
                        )
                        .ok();
                        let grid = v.p_alive_grid(20, 20);
                        Ok(JobOutput::Value(Box::new(Valued {
                            result: Some(Arc::new(v)),
                            check,
                            grid: Some(grid),
                            note: None,
                            aligned: None,
                        })))
                    },
                );
            }
            Command::RunUplift(config) => {
                let Some(loaded) = self.loaded.clone() else {
                    return;
                };
                let groups = self.profiles.clone().zip(self.segments.clone());
                let title = self.computing(T::UpliftHeading);
                self.spawn_job(
                    Task::Uplift,
                    title,
                    move |p: &Progress| -> Result<JobOutput, crate::error::Error> {
                        let result =
                            crate::campaigns::estimate_uplift(&loaded.dataset, &config, p)?;
                        // The k-means segments when made (today's), else the RFM segments
                        // as they were before the experiment.
                        let (groups, group_names) = match &groups {
                            Some((profiles, seg)) if seg.seg.labels.len() == profiles.len() => {
                                let names: Vec<crate::lang::Text> =
                                    seg.summaries.iter().map(|s| s.label.clone()).collect();
                                let keys: Vec<String> =
                                    names.iter().map(|t| t.en.to_string()).collect();
                                let effects = result.effects_by(
                                    &profiles.table.user_ids,
                                    &seg.seg.labels,
                                    &keys,
                                );
                                (effects, names)
                            }
                            _ => result.effects_by_rfm(),
                        };
                        Ok(JobOutput::Uplift(Box::new(super::UpliftView {
                            result,
                            groups,
                            group_names,
                        })))
                    },
                );
            }
            Command::ExportUplift {
                budget,
                pseudonymise,
            } => {
                let Some(view) = self.uplift.clone() else {
                    return;
                };
                self.save_as(
                    format!("uplift_{}.csv", view.result.experiment),
                    move |path| {
                        let salt = pseudonymise.then(fresh_salt);
                        let list = view.result.target(budget).list;
                        crate::campaigns::uplift::write_uplift(
                            path,
                            &view.result,
                            Some(&list),
                            salt.as_deref(),
                        )
                    },
                );
            }
            Command::RunSegments(cfg) => {
                let Some(profiles) = self.profiles.clone() else {
                    return;
                };
                let title = self.computing(T::TabSegments);
                // A re-run on the same profiles keeps each segment's number, so its colour,
                // place and name do not jump.
                let previous = self
                    .segments
                    .as_ref()
                    .filter(|r| r.seg.labels.len() == profiles.len())
                    .map(|r| r.seg.centroids.clone());
                self.spawn_job(Task::Segments, title, move |p: &Progress| {
                    let result = crate::segment::segment_learners_like(
                        &profiles,
                        &cfg,
                        previous.as_ref(),
                        p,
                    )?;
                    Ok::<_, crate::segment::SegmentError>(JobOutput::Segments(Box::new(result)))
                });
            }
            Command::TrainRecs(request) => self.train_recs(request),
            Command::TrainCtr(config) => {
                let Some(loaded) = self.loaded.clone() else {
                    return;
                };
                let title = self.computing(T::TabCampaigns);
                self.spawn_job(Task::Campaigns, title, move |p: &Progress| {
                    let result = crate::campaigns::train_campaigns(&loaded.dataset, &config, p)?;
                    Ok::<_, crate::error::Error>(JobOutput::Ctr(Box::new(result)))
                });
            }
            Command::Reach(course) => {
                let Some(trained) = self.recs.clone() else {
                    return;
                };
                let title = self.computing(T::NewCourse);
                self.spawn_job(Task::Reach, title, move |_: &Progress| {
                    let reach =
                        trained.reach_of_new_course(course, super::recommendations_tab::TOP);
                    Ok::<_, crate::error::Error>(JobOutput::Reach {
                        trained: Arc::as_ptr(&trained) as usize,
                        course,
                        reach,
                    })
                });
            }
            Command::RunTarget(mut request) => {
                let Some(ctr) = self.ctr.clone() else {
                    return;
                };
                request.within = self.working_audience().cloned();
                let future = self.value.result.clone();
                let loaded = self.loaded.clone();
                let title = self.computing(T::Targeting);
                self.spawn_job(Task::Targets, title, move |p: &Progress| {
                    // A backtest ranks on what was known at its date: value the learners as
                    // of the day before, not with the purchases it then counts.
                    let then = match (request.backtest_from, &loaded) {
                        (Some(from), Some(loaded))
                            if request.objective == crate::campaigns::Objective::Value =>
                        {
                            let settings = crate::value::ValueSettings {
                                until_day: Some(
                                    from.div_euclid(crate::data::cells::MS_PER_DAY) - 1,
                                ),
                                ..crate::value::ValueSettings::default()
                            };
                            Some(crate::value::estimate_value(&loaded.dataset, &settings, p)?)
                        }
                        _ => None,
                    };
                    let future = then.as_ref().or(future.as_deref());
                    crate::campaigns::target(
                        &ctr.models,
                        &crate::campaigns::ListRequest {
                            objective: request.objective,
                            placement: request.placement.as_deref(),
                            backtest_from: request.backtest_from,
                            future,
                            within: request.within.as_deref(),
                            ..crate::campaigns::ListRequest::new(&request.course, request.budget)
                        },
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
                let within = self.working_audience().cloned();
                let name = within
                    .as_ref()
                    .map_or("recommendations.csv".to_string(), |a| {
                        format!("recommendations_{}.csv", a.name)
                    });
                self.save_as(name, move |path| {
                    let it = &trained.interactions;
                    let users: Vec<usize> = (0..it.users.len())
                        .filter(|&u| within.as_ref().is_none_or(|a| a.contains(&it.users[u])))
                        .collect();
                    let recs = crate::recommendations::recommend_all(
                        &trained.model,
                        &trained.fallback,
                        it,
                        &users,
                        super::recommendations_tab::TOP,
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

    pub(super) fn open_files(&mut self, paths: Vec<PathBuf>) {
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
                crate::data::load::read_header(path, None)
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

    /// The audience `from` describes, named `name` (or after where it comes from).
    fn make_audience(
        &self,
        name: String,
        from: super::AudienceFrom,
    ) -> Result<crate::audience::Audience, crate::error::Error> {
        use super::AudienceFrom;
        use crate::audience::{Audience, LearnerFields, Source, parse};
        let lang = self.lang();
        let not_ready = || crate::error::Error::Input(tr(lang, T::ProfilesNotReady).into());
        let name = name.trim().to_string();
        let named = |fallback: String| {
            if name.is_empty() {
                fallback
            } else {
                name.clone()
            }
        };
        let fields = |profiles| LearnerFields {
            profiles,
            segments: self.segments.as_deref(),
            value: self.value.result.as_deref(),
        };
        match from {
            AudienceFrom::Filter(text) => {
                let profiles = self.profiles.as_deref().ok_or_else(not_ready)?;
                let filter = parse(&text)?;
                Audience::from_filter(named(text), &filter, &fields(profiles))
            }
            AudienceFrom::Segment(id) => {
                let profiles = self.profiles.as_deref().ok_or_else(not_ready)?;
                let label = self
                    .segments
                    .as_ref()
                    .and_then(|s| s.summaries.get(id))
                    .map_or_else(String::new, |m| m.label.get(lang).to_string());
                Audience::from_segment(named(format!("#{} {label}", id + 1)), id, &fields(profiles))
            }
            AudienceFrom::Targets => {
                let list =
                    self.campaigns_tab.list.as_ref().ok_or_else(|| {
                        crate::error::Error::Input(tr(lang, T::NoTargetList).into())
                    })?;
                let members = list.rows.iter().map(|r| r.user_id.clone()).collect();
                Ok(Audience::new(
                    named(format!("{} {}", tr(lang, T::TargetsFor), list.course)),
                    Source::Targets(list.course.clone()),
                    members,
                ))
            }
            AudienceFrom::Picked(ids) => Ok(Audience::new(
                named(format!(
                    "{} {}",
                    tr(lang, T::Picked),
                    self.audiences.len() + 1
                )),
                Source::Lasso,
                ids,
            )),
        }
    }

    /// What writes the HTML report of what the window has computed (the overview, segments,
    /// the recommenders' comparison, the campaign model and target list), with every
    /// experiment read out on the worker thread.
    fn report_writer(&self) -> Option<impl FnOnce(&Path) -> std::io::Result<()> + Send + 'static> {
        let loaded = self.loaded.clone()?;
        let lang = self.lang();
        let (glance, split) = (self.overview.clone(), self.overview_tab.split);
        let segments = self.segments.clone();
        let recs = self.recommendations_tab.evaluation.clone();
        let ctr = self.ctr.clone();
        let targets = self.campaigns_tab.list.clone();
        Some(move |path: &Path| {
            let (readouts, mut notes) = crate::report::read_out_all(&loaded.dataset);
            // The overview is counted when its tab is first opened; a report asked for
            // before that counts it here.
            let glance = match glance {
                Some(g) => Some(g),
                None => {
                    let by = match split {
                        Split::All => crate::overview::FunnelBy::All,
                        Split::Course => crate::overview::FunnelBy::Course,
                        Split::Category | Split::Segment => crate::overview::FunnelBy::Category,
                    };
                    match crate::overview::glance(&loaded.dataset, &by, &Progress::default()) {
                        Ok(g) => Some(Arc::new(g)),
                        Err(e) => {
                            notes.push(crate::report::noted(
                                &crate::lang::Text::new("概览", "overview"),
                                &e.text(),
                            ));
                            None
                        }
                    }
                }
            };
            let parts = crate::report::ReportParts {
                dataset: &loaded.dataset,
                lang,
                glance: glance.as_deref(),
                segments: segments.as_deref(),
                recommendations: recs.as_deref(),
                campaigns: ctr.as_ref().map(|c| &c.report),
                targets: targets.as_deref(),
                notes,
            };
            std::fs::write(path, crate::report::render(&parts, &readouts))
        })
    }

    /// Puts `path` first among the recent projects.
    fn remember_project(&mut self, path: &Path) {
        let recent = &mut self.settings.recent_projects;
        recent.retain(|p| p != path);
        recent.insert(0, path.to_path_buf());
        recent.truncate(RECENT_MAX);
    }
}
