//! What widgets, shortcuts and worker threads ask of the app ([`Command`]), and what jobs
//! bring back ([`JobOutput`]).

use super::campaigns_tab::TargetRequest;
use super::recommendations_tab::RecsRequest;
use super::tasks::Task;
use super::{Loaded, Tab};
use crate::campaigns::CampaignModels;
use crate::data::{Mapping, TableKind};
use crate::experiments::{AbOptions, Readout};
use crate::recommendations::RecsResult;
use crate::segment::SegmentResult;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What a background job produces.
pub enum JobOutput {
    /// A dataset finished loading.
    Loaded(Loaded),
    /// An export was written there.
    Exported(PathBuf),
    /// A folder could not be loaded until its columns or files are mapped.
    NeedsMapping {
        /// The folder.
        dir: PathBuf,
        /// The mapping that was tried.
        mapping: Mapping,
        /// What was missing.
        message: crate::lang::Text,
    },
    /// An A/B read-out finished.
    Readout(Readout),
    /// An experiment was planned on an audience.
    Plan(Box<crate::experiments::Plan>),
    /// The overview was counted, with the funnel split it was asked for.
    Overview(Box<crate::overview::Glance>, super::overview_tab::Split),
    /// Learner profiles were built.
    Profiles(Box<crate::profile::Profiles>),
    /// Buyers were valued, with the model's check on the last days of data (when it could
    /// be fitted without them).
    Value(Box<super::Valued>),
    /// Each profile row's value was looked up.
    Aligned(Box<super::Aligned>),
    /// The learners' table was filtered and sorted so.
    Arranged(Box<super::profiles_tab::Arrangement>, Vec<usize>),
    /// The data cannot be valued (e.g. no repeat purchases): why, shown where values would be.
    NoValue(crate::lang::Text),
    /// An experiment's uplift was estimated.
    Uplift(Box<super::UpliftView>),
    /// A segmentation finished.
    Segments(Box<SegmentResult>),
    /// A recommender was trained (and models compared).
    Recs(Box<RecsResult>),
    /// Campaign models were trained.
    Ctr(Box<CampaignModels>),
    /// A target list was built.
    Targets(Box<crate::campaigns::TargetReport>),
    /// The learners a new course would reach, for a trained recommender (by address).
    Reach {
        /// The trained recommender it was computed on.
        trained: usize,
        /// The course.
        course: u32,
        /// Best first.
        reach: Vec<crate::recommendations::content::Reached>,
    },
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
    /// Ask where to save the project.
    SaveProject,
    /// Save the project to this file.
    SaveProjectTo(PathBuf),
    /// Ask for a project file to open.
    PickProject,
    /// Open this project file (read on a thread of its own).
    OpenProject(PathBuf),
    /// A project file that was read: apply it.
    ProjectRead(PathBuf, Box<super::project::Project>),
    /// Show an error in the status bar.
    Failed(crate::lang::Text),
    /// Cancel the running job of a task.
    Cancel(Task),
    /// Find the learners a course would reach by its content alone.
    Reach(u32),
    /// Export a table's rejected rows (asks where).
    ExportRejects(TableKind),
    /// Show a tab.
    SetTab(Tab),
    /// Switch language.
    ToggleLang,
    /// Switch projector mode (larger text).
    ToggleProjector,
    /// Show a message in the status bar.
    Notice(String),
    /// Write an export to a chosen path, as a job.
    Export {
        /// Where.
        path: PathBuf,
        /// What writes it.
        write: Writer,
    },
    /// Compute an A/B read-out on the loaded experiments.
    RunReadout(AbOptions),
    /// Export the A/B read-out as CSV (asks where).
    ExportReadout,
    /// Write the HTML report of what the window has computed (asks where).
    ExportReport,
    /// Write the HTML report to this path.
    WriteReport(PathBuf),
    /// Save the main A/B plot as PNG: takes a screenshot of the next frame.
    SaveMainPlot,
    /// A cropped screenshot to save as PNG (asks where).
    SavePng(Arc<egui::ColorImage>),
    /// Count the overview of the loaded dataset, with the funnel split so.
    RunOverview(super::overview_tab::Split),
    /// Build learner profiles of the loaded dataset.
    BuildProfiles,
    /// Filter and sort the learners' table so.
    Arrange(Box<super::profiles_tab::Arrangement>),
    /// Make a named audience and make it the working one.
    MakeAudience {
        /// Its name (empty: one is made up from where it comes from).
        name: String,
        /// Which learners.
        from: AudienceFrom,
    },
    /// Make audience `Some(i)` the working one (`None`: everyone).
    UseAudience(Option<usize>),
    /// Forget audience `i`.
    RemoveAudience(usize),
    /// Export the working audience as CSV (asks where).
    ExportAudience {
        /// Pseudonymise learner ids.
        pseudonymise: bool,
    },
    /// Split the working audience into control and treatment.
    PlanExperiment(crate::experiments::PlanSettings),
    /// Export the planned experiment's assignment (asks where).
    ExportPlan {
        /// Pseudonymise learner ids.
        pseudonymise: bool,
    },
    /// Value the buyers of the loaded dataset (default settings).
    EstimateValue,
    /// Estimate an experiment's uplift for every learner.
    RunUplift(crate::campaigns::UpliftConfig),
    /// Export the learners to contact by uplift (asks where).
    ExportUplift {
        /// Learners to export, best first.
        budget: usize,
        /// Pseudonymise learner ids.
        pseudonymise: bool,
    },
    /// Segment the profiles.
    RunSegments(crate::segment::SegmentConfig),
    /// Give segment `.0` (0-based) the name `.1` (empty: its own label again); kept across
    /// re-runs, which keep segment numbers.
    RenameSegment(usize, String),
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

/// Where the learners of a new audience come from.
#[derive(Debug, Clone, PartialEq)]
pub enum AudienceFrom {
    /// A filter on learner fields (its text).
    Filter(String),
    /// The members of a segment (0-based).
    Segment(usize),
    /// The current target list.
    Targets,
    /// Learners picked on the segment map.
    Picked(Vec<String>),
}

/// Writes an export to the path it is given.
pub type WriteFn = dyn FnOnce(&Path) -> std::io::Result<()> + Send;

/// What writes an export, given its path.
pub struct Writer(pub Box<WriteFn>);

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Writer")
    }
}
