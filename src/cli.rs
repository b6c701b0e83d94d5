//! The command line: the same engine calls as the window, human text or one JSON object out.
//!
//! Exit codes: 0 success, 2 bad input (the message names file, line and column), 1 internal
//! error.

use crate::data::sample::{SampleConfig, generate};
use crate::data::{DataError, Dataset, Mapping, load_dataset};
use crate::jobs::Progress;
use clap::{Args, Parser, Subcommand};
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

    /// Loads the dataset.
    pub fn load(&self) -> Result<Dataset, DataError> {
        load_dataset(&self.data, &self.mapping()?, &Progress::default())
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
        match e {
            DataError::Internal(_) | DataError::Cancelled => CliError::Internal(e.to_string()),
            _ => CliError::Input(e.to_string()),
        }
    }
}

fn io_error(path: &Path, e: std::io::Error) -> CliError {
    CliError::Internal(format!("{}: {e}", path.display()))
}

fn print_json(value: &impl Serialize) -> Result<(), CliError> {
    let text =
        serde_json::to_string_pretty(value).map_err(|e| CliError::Internal(e.to_string()))?;
    println!("{text}");
    Ok(())
}

/// Runs a subcommand and turns its outcome into an exit code, printing errors to stderr.
pub fn run(command: Command) -> ExitCode {
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
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError::Input(m)) => {
            eprintln!("error: {m}");
            ExitCode::from(2)
        }
        Err(CliError::Internal(m)) => {
            eprintln!("internal error: {m}");
            ExitCode::from(1)
        }
    }
}

fn sample(out: &Path, config: SampleConfig, json: bool) -> Result<(), CliError> {
    let started = std::time::Instant::now();
    let summary = generate(out, config).map_err(|e| io_error(out, e))?;
    if json {
        return print_json(&summary);
    }
    println!(
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
    let dataset = input.load()?;
    if let Some(dir) = rejects {
        std::fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
        for report in dataset.reports() {
            let path = dir.join(format!("{}.rejects.csv", report.table));
            report
                .write_rejects(&path)
                .map_err(|e| io_error(&path, e))?;
        }
    }
    if json {
        let files: Vec<_> = dataset.reports().collect();
        return print_json(&serde_json::json!({ "files": files }));
    }
    for r in dataset.reports() {
        println!(
            "{} ({}, {}): {} rows read, {} accepted, {} rejected",
            r.file, r.table, r.encoding, r.rows_read, r.accepted, r.rejected
        );
        if r.orphans > 0 {
            let by: Vec<String> = r
                .orphans_by_column
                .iter()
                .map(|(c, n)| format!("{n} by {c}"))
                .collect();
            println!(
                "  {} rows refer to unknown learners or courses ({}); kept",
                r.orphans,
                by.join(", ")
            );
        }
        if !r.pii_columns.is_empty() {
            println!(
                "  personal data, left out of all analyses: {}",
                r.pii_columns.join(", ")
            );
        }
        for (reason, n) in &r.reasons {
            println!("  {n:>8} × {reason}");
        }
        for row in r.rejects.iter().take(SHOWN_REJECTS) {
            let column = row
                .column
                .as_deref()
                .map(|c| format!(", column {c}"))
                .unwrap_or_default();
            println!("  {}: line {}{column}: {}", r.file, row.line, row.message);
        }
        if r.rejects.len() > SHOWN_REJECTS {
            println!(
                "  … and {} more (use --rejects DIR to export them all)",
                r.rejects.len() - SHOWN_REJECTS
            );
        }
    }
    Ok(())
}
