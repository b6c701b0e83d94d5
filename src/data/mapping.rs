//! Column mappings: how an export with its own file and column names maps onto the contract.
//!
//! A mapping comes from `--map`/`--file` on the command line, from a saved JSON file, or from
//! the mapping dialog in the window; `mapping.json` inside a dataset folder is read
//! automatically.

use super::schema::{TableKind, normalise_header};
use crate::data::DataError;
use crate::lang::Text;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The file name of a saved mapping inside a dataset folder.
pub const MAPPING_FILE: &str = "mapping.json";

/// Where a canonical column's values come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A column of the file, by header.
    Column(String),
    /// The same value on every row (written `=value` in a mapping).
    Constant(String),
}

impl Source {
    /// Parses `header` or `=constant`.
    pub fn parse(spec: &str) -> Source {
        match spec.strip_prefix('=') {
            Some(constant) => Source::Constant(constant.to_string()),
            None => Source::Column(spec.to_string()),
        }
    }
}

/// A column mapping for a whole dataset.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Mapping {
    /// Which file holds each table, relative to the dataset folder (default `users.csv`, ...).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub files: BTreeMap<TableKind, String>,
    /// Canonical column name → source header (or `=constant`), for every table.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub columns: BTreeMap<String, String>,
    /// Per-table overrides of `columns`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tables: BTreeMap<TableKind, BTreeMap<String, String>>,
    /// A date (`YYYY-MM-DD`): integer timestamps are days after it. Without it, small
    /// integers in a timestamp column are rejected as relative day counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day_origin: Option<String>,
    /// The sheet to read from spreadsheets (default: the first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
}

/// A data file of a dataset folder, with its header and the table it is taken to hold.
#[derive(Debug, Clone, PartialEq)]
pub struct FileGuess {
    /// The file's name inside the folder.
    pub name: String,
    /// Its header (empty when it cannot be read).
    pub headers: Vec<String>,
    /// The table it holds: as the mapping says, else by its name, else by its header.
    pub table: Option<TableKind>,
}

impl Mapping {
    /// The CSV, Parquet and spreadsheet files of `dir` (sorted by name) and the table each holds under this
    /// mapping: what the mapping dialog starts from.
    pub fn for_files(&self, dir: &Path) -> Vec<FileGuess> {
        let mut entries: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
            .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        entries.retain(|p| {
            p.is_file()
                && (p.extension().is_some_and(|e| {
                    e.eq_ignore_ascii_case("csv") || e.eq_ignore_ascii_case("parquet")
                }) || super::load::is_workbook(p))
        });
        entries.sort();
        entries
            .iter()
            .map(|path| {
                let name = path
                    .file_name()
                    .map_or(String::new(), |n| n.to_string_lossy().into_owned());
                let headers =
                    super::load::read_header(path, self.sheet.as_deref()).unwrap_or_default();
                let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
                let table = self
                    .files
                    .iter()
                    .find(|(_, f)| dir.join(f) == *path)
                    .map(|(k, _)| *k)
                    .or_else(|| stem.as_deref().and_then(TableKind::from_name))
                    .or_else(|| super::schema::guess_table(&headers));
                FileGuess {
                    name,
                    headers,
                    table,
                }
            })
            .collect()
    }

    /// The source of a canonical column in a table, if the mapping names one.
    pub fn source(&self, table: TableKind, canonical: &str) -> Option<Source> {
        self.tables
            .get(&table)
            .and_then(|cols| cols.get(canonical))
            .or_else(|| self.columns.get(canonical))
            .map(|s| Source::parse(s))
    }

    /// Adds one `--map` entry: `canonical=header`, `table.canonical=header`, or
    /// `canonical==constant`.
    pub fn add_entry(&mut self, entry: &str) -> Result<(), DataError> {
        let (key, value) = entry
            .split_once('=')
            .filter(|(k, v)| !k.trim().is_empty() && !v.is_empty())
            .ok_or_else(|| {
                DataError::BadMapping(Text::pair(
                    format!("`{entry}` 不是 CANONICAL=HEADER 形式"),
                    format!("`{entry}` is not CANONICAL=HEADER"),
                ))
            })?;
        let key = normalise_header(key);
        match key.split_once('.') {
            Some((table, column)) => {
                let table = TableKind::from_name(table).ok_or_else(|| not_a_table(table, entry))?;
                self.tables
                    .entry(table)
                    .or_default()
                    .insert(column.to_string(), value.to_string());
            }
            None => {
                self.columns.insert(key, value.to_string());
            }
        }
        Ok(())
    }

    /// Adds one `--file` entry: `table=path`.
    pub fn add_file(&mut self, entry: &str) -> Result<(), DataError> {
        let (table, file) = entry.split_once('=').ok_or_else(|| {
            DataError::BadMapping(Text::pair(
                format!("`{entry}` 不是 TABLE=FILE 形式"),
                format!("`{entry}` is not TABLE=FILE"),
            ))
        })?;
        let table = TableKind::from_name(table).ok_or_else(|| not_a_table(table, entry))?;
        self.files.insert(table, file.to_string());
        Ok(())
    }

    /// Adds everything another mapping sets; its entries win.
    pub fn merge(&mut self, other: Mapping) {
        self.files.extend(other.files);
        self.columns.extend(other.columns);
        for (table, cols) in other.tables {
            self.tables.entry(table).or_default().extend(cols);
        }
        if other.day_origin.is_some() {
            self.day_origin = other.day_origin;
        }
        if other.sheet.is_some() {
            self.sheet = other.sheet;
        }
    }

    /// Reads a saved mapping.
    pub fn load(path: &Path) -> Result<Mapping, DataError> {
        let text = std::fs::read_to_string(path).map_err(|e| DataError::Unreadable {
            file: path.display().to_string(),
            reason: Text::same(e.to_string()),
        })?;
        serde_json::from_str(&text).map_err(|e| {
            DataError::BadMapping(Text::pair(
                format!(
                    "{}：第 {} 行第 {} 列：{e}",
                    path.display(),
                    e.line(),
                    e.column()
                ),
                format!(
                    "{}: line {}, column {}: {e}",
                    path.display(),
                    e.line(),
                    e.column()
                ),
            ))
        })
    }

    /// Saves the mapping as pretty JSON.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        let text = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        std::fs::write(path, text + "\n")
    }

    /// The day origin in milliseconds since the epoch.
    pub fn day_origin_ms(&self) -> Result<Option<i64>, DataError> {
        self.day_origin
            .as_deref()
            .map(|d| {
                super::cells::parse_timestamp(d, None).map_err(|_| {
                    DataError::BadMapping(Text::pair(
                        format!("day_origin `{d}` 不是日期（YYYY-MM-DD）"),
                        format!("day_origin `{d}` is not a date (YYYY-MM-DD)"),
                    ))
                })
            })
            .transpose()
    }
}

/// A mapping entry whose `table` part names no table.
fn not_a_table(table: &str, entry: &str) -> DataError {
    DataError::BadMapping(Text::pair(
        format!("`{entry}` 中的 `{table}` 不是表名"),
        format!("`{table}` in `{entry}` is not a table name"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_matched_by_mapping_name_and_header() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
        write("users.csv", "user_id,gender\n");
        write("kurse.csv", "course_id,title,category\n");
        write("export_2024.csv", "课程ID,标题,分类\n");
        write("notes.txt", "not data\n");
        std::fs::create_dir(dir.path().join("folder.csv")).unwrap();
        let mut m = Mapping::default();
        m.files.insert(TableKind::Events, "export_2024.csv".into());
        let files = m.for_files(dir.path());
        let found: Vec<(&str, Option<TableKind>)> =
            files.iter().map(|f| (f.name.as_str(), f.table)).collect();
        assert_eq!(
            found,
            vec![
                ("export_2024.csv", Some(TableKind::Events)),
                ("kurse.csv", Some(TableKind::Courses)),
                ("users.csv", Some(TableKind::Users)),
            ]
        );
        assert_eq!(files[1].headers, vec!["course_id", "title", "category"]);
    }

    #[test]
    fn entries_parse_into_global_table_and_constant_sources() {
        let mut m = Mapping::default();
        m.add_entry("user_id=id_student").unwrap();
        m.add_entry("events.course_id=code_module").unwrap();
        m.add_entry("event==enroll").unwrap();
        m.add_file("users=studentInfo.csv").unwrap();
        assert_eq!(
            m.source(TableKind::Users, "user_id"),
            Some(Source::Column("id_student".into()))
        );
        assert_eq!(m.source(TableKind::Users, "course_id"), None);
        assert_eq!(
            m.source(TableKind::Events, "course_id"),
            Some(Source::Column("code_module".into()))
        );
        assert_eq!(
            m.source(TableKind::Events, "event"),
            Some(Source::Constant("enroll".into()))
        );
        assert!(m.add_entry("nonsense").is_err());
        assert!(m.add_file("learners=x.csv").is_err());
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(serde_json::from_str::<Mapping>(&json).unwrap(), m);
    }
}
