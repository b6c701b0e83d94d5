//! What loading a file produced: counts, rejected rows with their reasons, PII columns.

use super::encoding::{Detected, Encoding};
use super::schema::TableKind;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

/// One rejected input row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RejectedRow {
    /// The file's own line number where the row starts (header = line 1); for Parquet, the
    /// 1-based row number plus one, so the two read alike.
    pub line: u64,
    /// The canonical column at fault, if one is.
    pub column: Option<String>,
    /// Stable reason code, e.g. `negative` or `missing_value`.
    pub reason: String,
    /// A sentence for people, naming the value.
    pub message: String,
    /// The row as read, fields joined with commas.
    pub raw: String,
}

impl RejectedRow {
    /// The key this row counts under in [`FileReport::reasons`]: `reason:column`.
    pub fn key(&self) -> String {
        match &self.column {
            Some(c) => format!("{}:{c}", self.reason),
            None => self.reason.clone(),
        }
    }
}

/// The validation report of one file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileReport {
    /// The file as given.
    pub file: String,
    /// Which table it was read as.
    pub table: TableKind,
    /// Data rows read (the header is not a row).
    pub rows_read: u64,
    /// Rows kept.
    pub accepted: u64,
    /// Rows rejected; `accepted + rejected == rows_read` always.
    pub rejected: u64,
    /// Accepted rows whose learner or course is not in `users`/`courses`.
    pub orphans: u64,
    /// Orphan rows by the column at fault (`user_id`, `course_id`).
    pub orphans_by_column: BTreeMap<String, u64>,
    /// The file's text encoding.
    pub encoding: Encoding,
    /// How sure the detection is, 0..1 (see [`Detected::confidence`]).
    pub encoding_confidence: f64,
    /// Columns holding personal data: flagged and left out of the loaded table.
    pub pii_columns: Vec<String>,
    /// Rejected rows counted by `reason:column`.
    pub reasons: BTreeMap<String, u64>,
    /// Canonical column → the header it was read from (or `=constant`).
    pub columns: BTreeMap<String, String>,
    /// Extra columns kept as text attributes.
    pub extra_columns: Vec<String>,
    /// Columns neither in the contract nor kept.
    pub ignored_columns: Vec<String>,
    /// Every rejected row, in file order.
    #[serde(skip)]
    pub rejects: Vec<RejectedRow>,
}

impl FileReport {
    pub(crate) fn new(file: &Path, table: TableKind, detected: Detected) -> FileReport {
        FileReport {
            file: file.display().to_string(),
            table,
            rows_read: 0,
            accepted: 0,
            rejected: 0,
            orphans: 0,
            orphans_by_column: BTreeMap::new(),
            encoding: detected.encoding,
            encoding_confidence: detected.confidence,
            pii_columns: Vec::new(),
            reasons: BTreeMap::new(),
            columns: BTreeMap::new(),
            extra_columns: Vec::new(),
            ignored_columns: Vec::new(),
            rejects: Vec::new(),
        }
    }

    pub(crate) fn reject(&mut self, row: RejectedRow) {
        self.rejected += 1;
        *self.reasons.entry(row.key()).or_default() += 1;
        self.rejects.push(row);
    }

    /// Writes the rejected rows as CSV (`line,column,reason,message,raw`).
    pub fn write_rejects(&self, path: &Path) -> std::io::Result<()> {
        let mut w = crate::safe_csv::SafeCsv::create(path)?;
        w.write_record(["line", "column", "reason", "message", "raw"])?;
        for r in &self.rejects {
            w.write_record([
                r.line.to_string().as_str(),
                r.column.as_deref().unwrap_or(""),
                &r.reason,
                &r.message,
                &r.raw,
            ])?;
        }
        w.flush()
    }
}
