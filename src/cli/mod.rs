//! The command line: the same engine calls as the window, human text or one JSON object out.
//!
//! Exit codes: 0 success, 2 bad input (the message names file, line and column), 1 internal
//! error.

use crate::data::DataError;
use crate::data::sample::SampleConfig;
use clap::{Parser, Subcommand};

/// Prints a line on stdout. When stdout was closed early (`persona-lab … | head -1`), the
/// program ends quietly with exit 0, as command-line users expect.
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::cli::say_line(format_args!($($arg)*))
    };
}

mod audience;
mod campaigns;
mod checks;
mod choices;
mod data;
mod experiments;
mod overview;
mod profiles;
mod recommendations;
mod report;
mod segments;
mod uplift;
mod value;

pub use data::DataArgs;
pub use experiments::AbArgs;
pub use segments::SegmentArgs;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Persona Lab: learner profiles, segments, recommendations, campaigns and A/B tests for
/// online-course businesses. Without a subcommand it opens the window.
#[derive(Debug, Parser)]
#[command(name = "persona-lab", version, about)]
pub struct Cli {
    /// Dataset folder (or `.plab` project file) the window opens on (default: the bundled
    /// sample data).
    #[arg(long, global = false)]
    pub data: Option<PathBuf>,
    /// What to run headless.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The headless subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a sample dataset with hidden personas and planted truth.
    Sample {
        /// Folder to write into (created if needed).
        #[arg(long)]
        out: PathBuf,
        /// Number of learners.
        #[arg(long, default_value_t = SampleConfig::default().users)]
        users: usize,
        /// Random seed.
        #[arg(long, default_value_t = SampleConfig::default().seed)]
        seed: u64,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Load and check a dataset folder; report every rejected row.
    Validate {
        #[command(flatten)]
        input: DataArgs,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
        /// Write each file's rejected rows to DIR/<table>.rejects.csv.
        #[arg(long, value_name = "DIR")]
        rejects: Option<PathBuf>,
    },
    /// Build one profile row per learner (RFM, engagement, interests, attributes, text).
    Profile {
        #[command(flatten)]
        input: DataArgs,
        /// Where to write the profiles.
        #[arg(long, required_unless_present = "emit_sql")]
        out: Option<PathBuf>,
        /// Print the SQL that computes the same features in a warehouse (`duckdb` or
        /// `spark`) from tables `users`, `courses` and `events`, instead of computing them;
        /// reads only users and courses (for the categories and attribute levels).
        #[arg(long, value_name = "DIALECT", conflicts_with = "out")]
        emit_sql: Option<crate::profile::sql::Dialect>,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// The business at a glance: learners, activity and revenue by month, best-selling
    /// courses and categories, the funnel view → click → enroll → purchase → complete, and
    /// sign-up cohort retention.
    Overview(overview::OverviewArgs),
    /// Segment learners (from a dataset's profiles, or from a features CSV).
    Segment(SegmentArgs),
    /// The learners matching a filter on profile fields, written for a CRM or for
    /// `target --audience`, `recommend --users` and `plan --audience`.
    Audience(audience::AudienceArgs),
    /// Split an audience into control and treatment by a seeded hash, sized from the
    /// audience's own base rate; writes the assignment for experiments.csv.
    Plan(audience::PlanArgs),
    /// Read out an A/B test: rates, lifts with CIs, p-values, SRM, revenue, CUPED.
    Abtest(AbArgs),
    /// Top-k course recommendations for every learner (or those listed), with reasons.
    Recommend(recommendations::RecommendArgs),
    /// Compare recommenders on a held-out split: precision, recall, NDCG, MAP, coverage.
    EvaluateRecs(recommendations::EvaluateArgs),
    /// Train click models on impressions (logistic regression, factorization machine) and
    /// evaluate them on held-out impressions.
    Ctr(campaigns::CtrArgs),
    /// The best learners to contact about one course within a budget.
    Target(campaigns::TargetArgs),
    /// Every buyer's chance of being active, expected purchases, spend and discounted value
    /// (BG/NBD and Gamma-Gamma, as `lifetimes` defines them), with a holdout check.
    Clv(value::ClvArgs),
    /// Each learner's change in conversion caused by an experiment's treatment (two logistic
    /// regressions on profiles from before the experiment), with the Qini check.
    Uplift(uplift::UpliftArgs),
    /// One self-contained HTML report (overview, segments, recommendation quality, campaign
    /// model and targeting, every experiment with its verdict) that opens with no network.
    Report(report::ReportArgs),
    /// Users per variant for a baseline rate and relative MDE (or the MDE for --users).
    Power {
        /// Baseline conversion rate, e.g. 0.1.
        #[arg(long)]
        baseline: f64,
        /// Relative minimum detectable effect, e.g. 0.05 for +5%.
        #[arg(long, required_unless_present = "users")]
        mde: Option<f64>,
        /// Users per variant available: report the MDE reachable with them instead.
        #[arg(long)]
        users: Option<f64>,
        /// Significance level.
        #[arg(long, default_value_t = 0.05)]
        alpha: f64,
        /// Power (1 − β).
        #[arg(long, default_value_t = 0.8)]
        power: f64,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
}

/// A failure of a subcommand, with its exit code.
#[derive(Debug)]
pub enum CliError {
    /// Bad input: exit 2.
    Input(String),
    /// A bug or an I/O failure on our side: exit 1.
    Internal(String),
}

impl From<DataError> for CliError {
    fn from(e: DataError) -> Self {
        CliError::from(crate::error::Error::from(e))
    }
}

impl From<crate::segment::SegmentError> for CliError {
    fn from(e: crate::segment::SegmentError) -> Self {
        CliError::from(crate::error::Error::from(e))
    }
}

impl From<crate::error::Error> for CliError {
    fn from(e: crate::error::Error) -> Self {
        match e.kind() {
            crate::error::ErrorKind::Input => CliError::Input(e.to_string()),
            crate::error::ErrorKind::Cancelled | crate::error::ErrorKind::Internal => {
                CliError::Internal(e.to_string())
            }
        }
    }
}

/// A file the user named could not be written (missing folder, full disk, no permission):
/// bad input, with the reason.
fn io_error(path: &Path, e: std::io::Error) -> CliError {
    CliError::Input(format!("{}: cannot write: {e}", path.display()))
}

/// A progress handle that, when standard error is a terminal, prints each new stage there
/// (e.g. a network's epochs, loss and validation NDCG while it trains).
fn reporting_progress() -> crate::jobs::Progress {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return crate::jobs::Progress::default();
    }
    let handle: std::sync::Arc<std::sync::OnceLock<crate::jobs::Progress>> = Default::default();
    let last = std::sync::Mutex::new(String::new());
    let shared = std::sync::Arc::clone(&handle);
    let progress = crate::jobs::Progress::with_notify(move || {
        let Some(p) = shared.get() else { return };
        let stage = p.stage().en.into_owned();
        let mut last = last.lock().unwrap_or_else(|e| e.into_inner());
        if !stage.is_empty() && stage != *last {
            eprintln!("{stage}");
            *last = stage;
        }
    });
    let _ = handle.set(progress.clone());
    progress
}

fn print_json(value: &impl Serialize) -> Result<(), CliError> {
    let text =
        serde_json::to_string_pretty(value).map_err(|e| CliError::Internal(e.to_string()))?;
    say!("{text}");
    Ok(())
}

impl Command {
    /// Whether the command was asked for one JSON object (errors then come as JSON too).
    fn json(&self) -> bool {
        match self {
            Command::Sample { json, .. }
            | Command::Validate { json, .. }
            | Command::Profile { json, .. }
            | Command::Power { json, .. } => *json,
            Command::Overview(a) => a.json,
            Command::Segment(a) => a.json,
            Command::Audience(a) => a.json,
            Command::Plan(a) => a.json,
            Command::Report(a) => a.json,
            Command::Abtest(a) => a.json,
            Command::Recommend(a) => a.json,
            Command::EvaluateRecs(a) => a.json,
            Command::Ctr(a) => a.json,
            Command::Target(a) => a.json,
            Command::Clv(a) => a.json,
            Command::Uplift(a) => a.json,
        }
    }
}

/// Runs a subcommand and turns its outcome into an exit code. Errors go to stderr; with
/// `--json` they are also printed on stdout as `{"error": {"exit_code", "kind", "message"}}`.
pub fn run(command: Command) -> ExitCode {
    let json = command.json();
    let outcome = match command {
        Command::Sample {
            out,
            users,
            seed,
            json,
        } => data::sample(&out, SampleConfig { users, seed }, json),
        Command::Validate {
            input,
            json,
            rejects,
        } => data::validate(&input, json, rejects.as_deref()),
        Command::Profile {
            input,
            out,
            emit_sql,
            json,
        } => match (emit_sql, out) {
            (Some(dialect), _) => profiles::emit_sql_cmd(&input, dialect),
            (None, Some(out)) => profiles::profile_cmd(&input, &out, json),
            (None, None) => Err(CliError::Input("profile needs --out or --emit-sql".into())),
        },
        Command::Overview(args) => overview::overview_cmd(&args),
        Command::Segment(args) => segments::segment_cmd(&args),
        Command::Audience(args) => audience::audience_cmd(&args),
        Command::Plan(args) => audience::plan_cmd(&args),
        Command::Report(args) => report::report_cmd(&args),
        Command::Abtest(args) => experiments::abtest(&args),
        Command::Recommend(args) => recommendations::recommend_cmd(&args),
        Command::EvaluateRecs(args) => recommendations::evaluate_cmd(&args),
        Command::Ctr(args) => campaigns::ctr_cmd(&args),
        Command::Target(args) => campaigns::target_cmd(&args),
        Command::Clv(args) => value::clv_cmd(&args),
        Command::Uplift(args) => uplift::uplift_cmd(&args),
        Command::Power {
            baseline,
            mde,
            users,
            alpha,
            power,
            json,
        } => experiments::power_cmd(baseline, mde, users, alpha, power, json),
    };
    let (code, kind, message) = match outcome {
        Ok(()) => return ExitCode::SUCCESS,
        Err(CliError::Input(m)) => (2u8, "input", m),
        Err(CliError::Internal(m)) => (1u8, "internal", m),
    };
    if kind == "input" {
        eprintln!("error: {message}");
    } else {
        eprintln!("internal error: {message}");
    }
    if json {
        let error = serde_json::json!({
            "error": { "exit_code": code, "kind": kind, "message": message }
        });
        say!("{error:#}");
    }
    ExitCode::from(code)
}

/// Writes one line to stdout for [`say!`]: a closed pipe ends the program with exit 0.
pub(crate) fn say_line(args: std::fmt::Arguments) {
    use std::io::Write;
    if let Err(e) = writeln!(std::io::stdout().lock(), "{args}")
        && e.kind() == std::io::ErrorKind::BrokenPipe
    {
        std::process::exit(0);
    }
}
