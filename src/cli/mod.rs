//! The command line: the same engine calls as the window, human text or one JSON object out.
//!
//! Exit codes: 0 success, 2 bad input (the message names file, line and column), 1 internal
//! error.

use crate::data::sample::{SampleConfig, generate};
use crate::data::{DataError, Dataset, Mapping, load_dataset};
use crate::data::{TableKind, load_table};
use crate::experiments::{self, AbOptions, Readout};
use crate::jobs::Progress;
use crate::profile::{Profiles, build_profiles};
use crate::segment::{
    Method, SegmentConfig, SegmentResult, SegmentSummary, Segmentation, plain_summaries, segment,
    segment_learners, write_members, write_summaries,
};
use clap::{Args, Parser, Subcommand};

/// Prints a line on stdout. When stdout was closed early (`persona-lab … | head -1`), the
/// program ends quietly with exit 0, as command-line users expect.
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::cli::say_line(format_args!($($arg)*))
    };
}

mod campaigns;
mod checks;
mod choices;
mod recommendations;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Persona Lab: learner profiles, segments, recommendations, campaigns and A/B tests for
/// online-course businesses. Without a subcommand it opens the window.
#[derive(Debug, Parser)]
#[command(name = "persona-lab", version, about)]
pub struct Cli {
    /// Dataset folder the window opens on (default: the bundled sample data).
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
        #[arg(long)]
        out: PathBuf,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Segment learners (from a dataset's profiles, or from a features CSV).
    Segment(SegmentArgs),
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

/// Arguments of `segment`.
#[derive(Debug, Clone, Args)]
pub struct SegmentArgs {
    /// Dataset folder: cluster its learner profiles.
    #[arg(
        long,
        conflicts_with = "features",
        required_unless_present = "features"
    )]
    pub data: Option<PathBuf>,
    /// A CSV of your own features (first column = id, the rest numeric), clustered as given.
    #[arg(long)]
    pub features: Option<PathBuf>,
    /// Standardise `--features` columns first (z-scores).
    #[arg(long)]
    pub scale: bool,
    /// Method.
    #[arg(long, value_enum, default_value_t = Method::Kmeans)]
    pub method: Method,
    /// Number of segments, or `auto` to choose by silhouette over 2..=10.
    #[arg(long, default_value = "auto")]
    pub k: String,
    /// Random seed.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Where to write `user_id,segment`.
    #[arg(long)]
    pub out: PathBuf,
    /// Also write one summary row per segment (segments under 10 learners are suppressed).
    #[arg(long, value_name = "FILE")]
    pub summaries: Option<PathBuf>,
    /// Replace learner ids in `--out` with salted SHA-256 pseudonyms.
    #[arg(long, value_name = "SALT")]
    pub pseudonymise: Option<String>,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `abtest`.
#[derive(Debug, Clone, Args)]
pub struct AbArgs {
    /// The experiments file (CSV or Parquet).
    #[arg(long)]
    pub experiments: PathBuf,
    /// Which experiment (default: the first by name).
    #[arg(long)]
    pub experiment: Option<String>,
    /// The control variant (default: the one named `control`).
    #[arg(long)]
    pub control: Option<String>,
    /// Significance level.
    #[arg(long, default_value_t = 0.05)]
    pub alpha: f64,
    /// Planned share of a variant for the SRM check, `NAME=SHARE` (default: equal split).
    #[arg(long = "split", value_name = "NAME=SHARE")]
    pub split: Vec<String>,
    /// Column mapping entries, as for `validate`.
    #[arg(long = "map", value_name = "ENTRY")]
    pub map: Vec<String>,
    /// Also write the read-out as CSV (one row per variant).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// Where a dataset is and how its columns map onto the contract.
#[derive(Debug, Clone, Args)]
pub struct DataArgs {
    /// Dataset folder.
    #[arg(long)]
    pub data: PathBuf,
    /// Column mapping `CANONICAL=HEADER`, `TABLE.CANONICAL=HEADER` or `CANONICAL==CONSTANT`.
    #[arg(long = "map", value_name = "ENTRY")]
    pub map: Vec<String>,
    /// Which file holds a table: `TABLE=FILE` (relative to the folder).
    #[arg(long = "file", value_name = "TABLE=FILE")]
    pub file: Vec<String>,
    /// A saved mapping (JSON); `mapping.json` in the folder is read anyway.
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,
    /// Read integer timestamps as days after this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub day_origin: Option<String>,
}

impl DataArgs {
    /// The mapping these arguments describe.
    pub fn mapping(&self) -> Result<Mapping, DataError> {
        let mut m = match &self.mapping {
            Some(path) => Mapping::load(path)?,
            None => Mapping::default(),
        };
        for e in &self.map {
            m.add_entry(e)?;
        }
        for f in &self.file {
            m.add_file(f)?;
        }
        if let Some(d) = &self.day_origin {
            m.day_origin = Some(d.clone());
        }
        Ok(m)
    }

    /// The files this dataset would be read from (outputs may not overwrite them).
    pub fn files(&self) -> Vec<PathBuf> {
        checks::dataset_files(&self.data, &self.mapping().unwrap_or_default())
    }

    /// Loads the dataset.
    pub fn load(&self) -> Result<Dataset, DataError> {
        load_dataset(&self.data, &self.mapping()?, &Progress::default())
    }

    /// Loads only the tables an analysis reads, and checks they can describe learners (no
    /// file had every row rejected; there is at least one learner).
    pub fn load_only(&self, kinds: &[TableKind]) -> Result<Dataset, DataError> {
        let ds =
            crate::data::load_tables(&self.data, &self.mapping()?, kinds, &Progress::default())?;
        ds.check_usable(kinds)?;
        Ok(ds)
    }
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
            Command::Segment(a) => a.json,
            Command::Abtest(a) => a.json,
            Command::Recommend(a) => a.json,
            Command::EvaluateRecs(a) => a.json,
            Command::Ctr(a) => a.json,
            Command::Target(a) => a.json,
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
        } => sample(&out, SampleConfig { users, seed }, json),
        Command::Validate {
            input,
            json,
            rejects,
        } => validate(&input, json, rejects.as_deref()),
        Command::Profile { input, out, json } => profile_cmd(&input, &out, json),
        Command::Segment(args) => segment_cmd(&args),
        Command::Abtest(args) => abtest(&args),
        Command::Recommend(args) => recommendations::recommend_cmd(&args),
        Command::EvaluateRecs(args) => recommendations::evaluate_cmd(&args),
        Command::Ctr(args) => campaigns::ctr_cmd(&args),
        Command::Target(args) => campaigns::target_cmd(&args),
        Command::Power {
            baseline,
            mde,
            users,
            alpha,
            power,
            json,
        } => power_cmd(baseline, mde, users, alpha, power, json),
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

fn sample(out: &Path, config: SampleConfig, json: bool) -> Result<(), CliError> {
    checks::count("users", config.users, 1, 10_000_000)?;
    if out.is_file() {
        return Err(CliError::Input(format!(
            "{}: is a file; --out names a folder to create",
            out.display()
        )));
    }
    if std::fs::read_dir(out).is_ok_and(|mut d| d.next().is_some()) {
        return Err(CliError::Input(format!(
            "{}: the folder is not empty; sample writes only into a new or empty folder",
            out.display()
        )));
    }
    let started = std::time::Instant::now();
    let summary = generate(out, config).map_err(|e| io_error(out, e))?;
    if json {
        return print_json(&summary);
    }
    say!(
        "wrote {} learners, {} courses, {} events, {} impressions, {} experiment rows to {} in {:.1} s",
        summary.users,
        summary.courses,
        summary.events,
        summary.impressions,
        summary.experiments,
        out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// How many rejected rows per file the human report lists.
const SHOWN_REJECTS: usize = 10;

fn validate(input: &DataArgs, json: bool, rejects: Option<&Path>) -> Result<(), CliError> {
    if let Some(dir) = rejects {
        if dir.exists() && !dir.is_dir() {
            return Err(CliError::Input(format!(
                "{}: --rejects names a folder, and this is a file",
                dir.display()
            )));
        }
        std::fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
        for kind in TableKind::ALL {
            checks::output(&dir.join(format!("{kind}.rejects.csv")), &input.files())?;
        }
    }
    let dataset = input.load()?;
    if let Some(dir) = rejects {
        for report in dataset.reports() {
            let path = dir.join(format!("{}.rejects.csv", report.table));
            checks::write_atomically(&path, |p| report.write_rejects(p))?;
        }
    }
    if json {
        let files: Vec<_> = dataset.reports().collect();
        return print_json(&serde_json::json!({ "files": files }));
    }
    for r in dataset.reports() {
        let sure = if r.encoding_confidence < 1.0 {
            format!(
                ", {:.1}% sure",
                (r.encoding_confidence * 1000.0).floor() / 10.0
            )
        } else {
            String::new()
        };
        say!(
            "{} ({}, {}{sure}): {} rows read, {} accepted, {} rejected",
            r.file,
            r.table,
            r.encoding,
            r.rows_read,
            r.accepted,
            r.rejected
        );
        if r.orphans > 0 {
            let by: Vec<String> = r
                .orphans_by_column
                .iter()
                .map(|(c, n)| format!("{n} by {c}"))
                .collect();
            say!(
                "  {} rows refer to unknown learners or courses ({}); kept",
                r.orphans,
                by.join(", ")
            );
        }
        if !r.pii_columns.is_empty() {
            say!(
                "  personal data, left out of all analyses: {}",
                r.pii_columns.join(", ")
            );
        }
        for (reason, n) in &r.reasons {
            say!("  {n:>8} × {reason}");
        }
        for row in r.rejects.iter().take(SHOWN_REJECTS) {
            let column = row
                .column
                .as_deref()
                .map(|c| format!(", column {c}"))
                .unwrap_or_default();
            say!("  {}: line {}{column}: {}", r.file, row.line, row.message);
        }
        if r.rejects.len() > SHOWN_REJECTS {
            say!(
                "  … and {} more (use --rejects DIR to export them all)",
                r.rejects.len() - SHOWN_REJECTS
            );
        }
    }
    Ok(())
}

fn abtest(args: &AbArgs) -> Result<(), CliError> {
    if let Some(out) = &args.out {
        checks::output(out, std::slice::from_ref(&args.experiments))?;
    }
    let mut mapping = Mapping::default();
    for e in &args.map {
        mapping.add_entry(e)?;
    }
    let table = load_table(
        &args.experiments,
        TableKind::Experiments,
        &mapping,
        &Progress::default(),
    )?;
    let mut split = std::collections::BTreeMap::new();
    for entry in &args.split {
        let parsed = entry
            .split_once('=')
            .and_then(|(name, share)| Some((name.to_string(), share.parse::<f64>().ok()?)));
        let (name, share) = parsed
            .ok_or_else(|| CliError::Input(format!("--split `{entry}` is not NAME=SHARE")))?;
        split.insert(name, share);
    }
    let opts = AbOptions {
        experiment: args.experiment.clone(),
        control: args.control.clone(),
        alpha: args.alpha,
        split: (!split.is_empty()).then_some(split),
        tau: None,
    };
    let readout = experiments::readout(&table.df, &opts)
        .map_err(|e| CliError::Input(format!("{}: {e}", args.experiments.display())))?;
    if let Some(out) = &args.out {
        checks::write_atomically(out, |p| {
            std::fs::write(p, experiments::readout_csv(&readout))
        })?;
    }
    if args.json {
        let mut value =
            serde_json::to_value(&readout).map_err(|e| CliError::Internal(e.to_string()))?;
        value["rows_rejected"] = table.report.rejected.into();
        return print_json(&value);
    }
    if table.report.rejected > 0 {
        eprintln!(
            "warning: {} rows of {} rejected (run `validate` for the reasons)",
            table.report.rejected, table.report.file
        );
    }
    print_readout(&readout);
    Ok(())
}

fn fmt_opt(v: Option<f64>, scale: f64, digits: usize) -> String {
    v.map_or("—".to_string(), |v| format!("{:.*}", digits, v * scale))
}

fn fmt_ci(ci: Option<[f64; 2]>, scale: f64) -> String {
    ci.map_or("—".to_string(), |[lo, hi]| {
        format!("[{:+.2}, {:+.2}]", lo * scale, hi * scale)
    })
}

fn print_readout(r: &Readout) {
    say!(
        "experiment {} (control {}), α = {}: SRM p = {}",
        r.experiment,
        r.control,
        r.alpha,
        r.srm_p.map_or("—".to_string(), |p| format!("{p:.4}"))
    );
    say!(
        "{:<14} {:>8} {:>8} {:>8} {:>10} {:>20} {:>9} {:>9} {:>9} {:>10}",
        "variant",
        "users",
        "conv",
        "rate%",
        "lift pp",
        "95% CI (pp)",
        "p",
        "p(Holm)",
        "P(beat)",
        "rev/user"
    );
    for v in &r.variants {
        say!(
            "{:<14} {:>8} {:>8} {:>8} {:>10} {:>20} {:>9} {:>9} {:>9} {:>10}",
            v.name,
            v.users,
            v.conversions,
            fmt_opt(v.rate, 100.0, 2),
            fmt_opt(v.abs_lift, 100.0, 2),
            fmt_ci(v.abs_ci, 100.0),
            fmt_opt(v.p_value, 1.0, 4),
            fmt_opt(v.p_value_holm, 1.0, 4),
            fmt_opt(v.chance_to_beat_control, 1.0, 3),
            fmt_opt(v.revenue_mean, 1.0, 2),
        );
    }
    if let Some(c) = &r.cuped {
        say!(
            "CUPED: θ = {:.4}, variance reduced by {:.1}%",
            c.theta,
            c.variance_reduction * 100.0
        );
        for v in c.variants.iter().skip(1) {
            say!(
                "  {}: revenue diff {} CI {} p = {}",
                v.name,
                fmt_opt(v.diff, 1.0, 3),
                fmt_ci(v.ci, 1.0),
                fmt_opt(v.p_value, 1.0, 4)
            );
        }
    }
    for w in &r.warnings {
        say!("warning: {w}");
    }
}

fn power_cmd(
    baseline: f64,
    mde: Option<f64>,
    users: Option<f64>,
    alpha: f64,
    power: f64,
    json: bool,
) -> Result<(), CliError> {
    checks::open_unit("baseline", baseline)?;
    checks::open_unit("alpha", alpha)?;
    checks::open_unit("power", power)?;
    if power <= alpha {
        return Err(CliError::Input(format!(
            "--power {power}: must be above --alpha {alpha}"
        )));
    }
    if let Some(m) = mde {
        checks::number("mde", m, -1.0, 1e6)?;
    }
    if let Some(n) = users {
        checks::number("users", n, 2.0, 1e15)?;
    }
    let result = match (users, mde) {
        (Some(n), _) => {
            let mde = experiments::mde_for_users(baseline, n, alpha, power);
            let mut r = experiments::users_per_variant(baseline, mde.unwrap_or(0.0), alpha, power);
            r.mde = mde;
            r
        }
        (None, Some(mde)) => experiments::users_per_variant(baseline, mde, alpha, power),
        (None, None) => return Err(CliError::Input("give --mde or --users".into())),
    };
    if result.users_per_variant.is_none() {
        let mde = result
            .mde
            .map_or("(none reachable)".to_string(), |m| m.to_string());
        return Err(CliError::Input(format!(
            "no sample size for baseline {baseline}, relative MDE {mde}, alpha {alpha}, power {power}: \
             the rates must stay inside (0, 1), the MDE must not be 0, and an effect this small \
             would need more than 10^15 users per variant"
        )));
    }
    if json {
        return print_json(&result);
    }
    say!(
        "{} users per variant to detect a relative lift of {} on a {:.2}% baseline (α = {alpha}, power = {power})",
        result.users_per_variant.unwrap_or(0),
        fmt_opt(result.mde, 100.0, 2) + "%",
        baseline * 100.0
    );
    Ok(())
}

/// The tables learner profiles are built from.
const PROFILE_TABLES: [TableKind; 3] = [TableKind::Users, TableKind::Courses, TableKind::Events];

fn profile_cmd(input: &DataArgs, out: &Path, json: bool) -> Result<(), CliError> {
    let started = std::time::Instant::now();
    checks::output(out, &input.files())?;
    let dataset = input.load_only(&PROFILE_TABLES)?;
    let profiles = build_profiles(&dataset, &Progress::default())
        .map_err(|e| CliError::Internal(e.to_string()))?;
    checks::write_atomically(out, |p| profiles.to_csv(p))?;
    let mut segments: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for s in &profiles.table.rfm_segment {
        *segments.entry(s.name()).or_default() += 1;
    }
    let summary = serde_json::json!({
        "learners": profiles.len(),
        "features": profiles.feature_names,
        "rfm_segments": segments,
        "explained": profiles.explained,
        "seconds": started.elapsed().as_secs_f64(),
        "out": out.display().to_string(),
    });
    if json {
        return print_json(&summary);
    }
    say!(
        "wrote {} learner profiles ({} features) to {} in {:.1} s",
        profiles.len(),
        profiles.feature_names.len(),
        out.display(),
        started.elapsed().as_secs_f64()
    );
    for (name, n) in segments {
        say!("  {n:>8}  {name}");
    }
    Ok(())
}

/// A features CSV as read: ids, the numeric column names and their numbers, and the text
/// columns left out.
struct FeatureFile {
    ids: Vec<String>,
    names: Vec<String>,
    x: ndarray::Array2<f64>,
    skipped: Vec<String>,
}

/// Reads a features CSV: first column id, then any columns. A column whose first non-empty
/// value is a number is numeric (a later non-number names its line and column; empty cells
/// take the column mean); a column whose first value is text (a label, an attribute, as in
/// `profile`'s output) is left out and listed.
fn read_features(path: &Path, scale: bool) -> Result<FeatureFile, CliError> {
    let bad = |e: &dyn std::fmt::Display| CliError::Input(format!("{}: {e}", path.display()));
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .map_err(|e| CliError::Input(format!("{}: cannot be read: {e}", path.display())))?;
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| bad(&e))?
        .iter()
        .map(str::to_string)
        .collect();
    let width = header.len();
    let mut rows: Vec<(u64, csv::StringRecord)> = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| bad(&e))?;
        let line = record.position().map_or(i as u64 + 2, |p| p.line());
        if record.len() != width {
            return Err(CliError::Input(format!(
                "{}: line {line}: expected {width} fields, found {}",
                path.display(),
                record.len()
            )));
        }
        rows.push((line, record));
    }
    let parse = crate::data::cells::parse_number;
    let (numeric, skipped): (Vec<usize>, Vec<usize>) = (1..width).partition(|&j| {
        rows.iter()
            .map(|(_, r)| r[j].trim())
            .find(|c| !c.is_empty())
            .is_none_or(|c| parse(c).is_some())
    });
    if numeric.is_empty() {
        return Err(CliError::Input(format!(
            "{}: line 1: no numeric feature columns after the id",
            path.display()
        )));
    }
    if rows.len() < 2 {
        return Err(CliError::Input(format!(
            "{}: needs at least two rows",
            path.display()
        )));
    }
    let mut x = ndarray::Array2::from_elem((rows.len(), numeric.len()), f64::NAN);
    for (i, (line, record)) in rows.iter().enumerate() {
        for (k, &j) in numeric.iter().enumerate() {
            let cell = record[j].trim();
            if cell.is_empty() {
                continue;
            }
            x[[i, k]] = parse(cell).ok_or_else(|| {
                CliError::Input(format!(
                    "{}: line {line}, column {}: `{cell}` is not a number",
                    path.display(),
                    header[j]
                ))
            })?;
        }
    }
    for mut col in x.columns_mut() {
        let known: Vec<f64> = col.iter().copied().filter(|v| !v.is_nan()).collect();
        let (mean, sd) = crate::math::mean_sd(&known);
        col.mapv_inplace(|v| {
            let v = if v.is_nan() { mean } else { v };
            match (scale, sd > 0.0) {
                (false, _) => v,
                (true, true) => (v - mean) / sd,
                (true, false) => 0.0,
            }
        });
    }
    Ok(FeatureFile {
        ids: rows.iter().map(|(_, r)| r[0].to_string()).collect(),
        names: numeric.iter().map(|&j| header[j].clone()).collect(),
        x,
        skipped: skipped.iter().map(|&j| header[j].clone()).collect(),
    })
}

fn segment_cmd(args: &SegmentArgs) -> Result<(), CliError> {
    let k = match args.k.as_str() {
        "auto" => None,
        n => Some(n.parse::<usize>().ok().filter(|k| *k >= 1).ok_or_else(|| {
            CliError::Input(format!("--k `{n}` is not a positive number or `auto`"))
        })?),
    };
    let cfg = SegmentConfig {
        method: args.method,
        k,
        seed: args.seed,
        ..SegmentConfig::default()
    };
    let internal = |e: crate::jobs::Cancelled| CliError::Internal(e.to_string());
    let salt = checks::salt(args.pseudonymise.as_deref())?;
    let inputs = match (&args.data, &args.features) {
        (Some(dir), _) => checks::dataset_files(dir, &Mapping::default()),
        (None, Some(file)) => vec![file.clone()],
        (None, None) => Vec::new(),
    };
    checks::output(&args.out, &inputs)?;
    if let Some(path) = &args.summaries {
        checks::output(path, &inputs)?;
    }
    let fit_seconds: f64;
    let mut skipped: Vec<String> = Vec::new();
    let (ids, seg, segments): (Vec<String>, Segmentation, Vec<SegmentSummary>) =
        match (&args.data, &args.features) {
            (Some(dir), _) => {
                let input = DataArgs {
                    data: dir.clone(),
                    map: Vec::new(),
                    file: Vec::new(),
                    mapping: None,
                    day_origin: None,
                };
                let dataset = input.load_only(&PROFILE_TABLES)?;
                let profiles: Profiles =
                    build_profiles(&dataset, &Progress::default()).map_err(internal)?;
                let started = std::time::Instant::now();
                let SegmentResult { seg, summaries } =
                    segment_learners(&profiles, &cfg, &Progress::default())?;
                fit_seconds = started.elapsed().as_secs_f64();
                (profiles.table.user_ids.clone(), seg, summaries)
            }
            (None, Some(path)) => {
                let file = read_features(path, args.scale)?;
                let FeatureFile { ids, names, x, .. } = file;
                skipped = file.skipped;
                let started = std::time::Instant::now();
                let seg = segment(x.view(), &cfg, &Progress::default())
                    .map_err(|e| CliError::Input(format!("{}: {e}", path.display())))?;
                fit_seconds = started.elapsed().as_secs_f64();
                let summaries = plain_summaries(&seg, &names);
                (ids, seg, summaries)
            }
            (None, None) => return Err(CliError::Input("give --data or --features".into())),
        };
    checks::write_atomically(&args.out, |p| write_members(p, &ids, &seg.labels, salt))?;
    if let Some(path) = &args.summaries {
        checks::write_atomically(path, |p| write_summaries(p, &segments))?;
    }
    let result = serde_json::json!({
        "k": seg.k,
        "method": seg.method,
        "inertia": seg.inertia,
        "silhouette": seg.silhouette,
        "sizes": seg.sizes,
        "segments": segments,
        "k_scores": seg.k_scores,
        "skipped_columns": skipped,
        "seconds": fit_seconds,
    });
    if args.json {
        return print_json(&result);
    }
    say!(
        "{} segments ({}), inertia {:.1}, silhouette {}",
        seg.k,
        match seg.method {
            Method::Kmeans => "k-means",
            Method::Hierarchical => "hierarchical, Ward",
        },
        seg.inertia,
        seg.silhouette.map_or("—".into(), |s| format!("{s:.3}"))
    );
    for s in &segments {
        say!("  {:>2}  {:>7} learners  {}", s.id, s.size, s.label);
    }
    if !skipped.is_empty() {
        say!("text columns left out: {}", skipped.join(", "));
    }
    Ok(())
}
