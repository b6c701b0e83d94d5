//! `sample` and `validate`, and the dataset arguments every command shares.

use super::{CliError, checks, io_error, print_json};
use crate::data::TableKind;
use crate::data::sample::{SampleConfig, generate};
use crate::data::{DataError, Dataset, Mapping, load_dataset};
use crate::jobs::Progress;
use clap::Args;
use std::path::{Path, PathBuf};

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
    /// The sheet to read from spreadsheet tables (`.xlsx`, `.xls`, `.ods`; default: the first).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
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
        if let Some(s) = &self.sheet {
            m.sheet = Some(s.clone());
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
        self.load_columns(kinds, &[])
    }

    /// [`Self::load_only`] keeping of some tables only the columns the analysis reads.
    pub fn load_columns(
        &self,
        kinds: &[TableKind],
        columns: crate::data::Projection,
    ) -> Result<Dataset, DataError> {
        let ds = crate::data::load_projected(
            &self.data,
            &self.mapping()?,
            kinds,
            columns,
            &Progress::default(),
        )?;
        ds.check_usable(kinds)?;
        Ok(ds)
    }
}

pub(super) fn sample(out: &Path, config: SampleConfig, json: bool) -> Result<(), CliError> {
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
pub(super) const SHOWN_REJECTS: usize = 10;

pub(super) fn validate(
    input: &DataArgs,
    json: bool,
    rejects: Option<&Path>,
) -> Result<(), CliError> {
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
