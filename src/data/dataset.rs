//! A whole dataset folder: every table that is present, loaded and cross-checked.

use super::mapping::{MAPPING_FILE, Mapping};
use super::{DataError, FileReport, Table, TableKind, load_columns};
use crate::jobs::Progress;
use crate::lang::Text;
use ahash::AHashSet;
use polars::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The loaded tables of one dataset.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    /// The folder it came from.
    pub dir: PathBuf,
    /// The mapping it was read with (including a `mapping.json` found in the folder).
    pub mapping: Mapping,
    /// Every table that was present.
    pub tables: BTreeMap<TableKind, Table>,
}

impl Dataset {
    /// A table, if present.
    pub fn table(&self, kind: TableKind) -> Option<&Table> {
        self.tables.get(&kind)
    }

    /// A table's rows, if present.
    pub fn frame(&self, kind: TableKind) -> Option<&DataFrame> {
        self.table(kind).map(|t| &t.df)
    }

    /// The dataset as it was before `ms`: events at or after it (and events without a time)
    /// left out, every other table as it is. Features built from it cannot see what happened
    /// from `ms` on, e.g. during an experiment.
    pub fn events_before(&self, ms: i64) -> Result<Dataset, DataError> {
        let mut before = self.clone();
        if let Some(t) = before.tables.get_mut(&TableKind::Events) {
            let keep = match super::columns::ms_col(&t.df, "ts") {
                Some(ts) => ts.lt(ms),
                None => BooleanChunked::full("keep".into(), false, t.df.height()),
            };
            t.df =
                t.df.filter(&keep)
                    .map_err(|e| DataError::Internal(e.to_string()))?;
        }
        Ok(before)
    }

    /// A fingerprint of what was loaded: every table's file (name, size, modification time),
    /// the rows read and kept, and the mapping. Results saved beside it (a project's) are used
    /// again only while the fingerprint is the same, so they never describe other data.
    pub fn fingerprint(&self) -> String {
        use sha2::Digest;
        let mut h = sha2::Sha256::new();
        h.update(serde_json::to_string(&self.mapping).unwrap_or_default());
        for r in self.reports() {
            let path = Path::new(&r.file);
            let meta = std::fs::metadata(path).ok();
            let modified = meta
                .as_ref()
                .and_then(|m| m.modified().ok())
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            h.update(format!(
                "{:?}|{}|{}|{modified}|{}|{}\n",
                r.table,
                path.file_name()
                    .map_or(r.file.clone(), |n| n.to_string_lossy().into()),
                meta.map_or(0, |m| m.len()),
                r.rows_read,
                r.accepted
            ));
        }
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The reports of all present tables, in contract order.
    pub fn reports(&self) -> impl Iterator<Item = &FileReport> {
        self.tables.values().map(|t| &t.report)
    }

    /// Checks that the dataset can describe learners: none of `kinds` that is present had
    /// every row rejected, and users or events hold at least one learner. Analyses call it
    /// before they start; `validate` does not, as it only reports.
    pub fn check_usable(&self, kinds: &[TableKind]) -> Result<(), DataError> {
        for kind in kinds {
            let Some(r) = self.table(*kind).map(|t| &t.report) else {
                continue;
            };
            if r.rows_read > 0 && r.accepted == 0 {
                let reason = r.reasons.iter().max_by_key(|(_, n)| **n);
                let reason =
                    |sep: &str| reason.map_or(String::new(), |(k, n)| format!("{sep}{n} × {k}"));
                let first = r.rejects.first();
                let first_zh = first.map_or(String::new(), |x| {
                    format!("；第 {} 行：{}", x.line, x.message)
                });
                let first_en = first.map_or(String::new(), |x| {
                    format!("; line {}: {}", x.line, x.message)
                });
                return Err(DataError::NothingAccepted {
                    file: r.file.clone(),
                    detail: Text::pair(
                        format!("全部 {} 行都被拒绝{}{first_zh}", r.rows_read, reason("，")),
                        format!(
                            "all {} rows were rejected{}{first_en}",
                            r.rows_read,
                            reason(", ")
                        ),
                    ),
                });
            }
        }
        let rows = |kind| self.frame(kind).map_or(0, |df| df.height());
        if rows(TableKind::Users) == 0 && rows(TableKind::Events) == 0 {
            return Err(DataError::NothingAccepted {
                file: self.dir.display().to_string(),
                detail: Text::new(
                    "没有学员：users.csv 和 events.csv 都没有数据行",
                    "no learners: users.csv and events.csv hold no rows",
                ),
            });
        }
        Ok(())
    }
}

/// The file that holds `kind` in `dir`: the one the mapping names, else `stem.csv`, else
/// `stem.parquet`. A name the mapping gives must stay inside the folder (relative, no `..`,
/// and not a link leading out of it), so a dataset someone sends cannot read other files
/// on this machine. An entry that exists but is no readable file (a folder, a broken or
/// looping link) is still returned, so reading it reports why.
pub fn find_table_file(
    dir: &Path,
    kind: TableKind,
    mapping: &Mapping,
) -> Result<Option<PathBuf>, DataError> {
    if let Some(name) = mapping.files.get(&kind) {
        let outside = || {
            DataError::BadMapping(Text::pair(
                format!(
                    "{kind} 文件 `{name}` 不在数据集文件夹 {} 中；请指定该文件夹中的文件",
                    dir.display()
                ),
                format!(
                    "the {kind} file `{name}` is not inside the dataset folder {}; name a file in it",
                    dir.display()
                ),
            ))
        };
        let relative = Path::new(name);
        if relative.is_absolute()
            || relative
                .components()
                .any(|c| !matches!(c, std::path::Component::Normal(_)))
        {
            return Err(outside());
        }
        let path = dir.join(relative);
        if let (Ok(real), Ok(root)) = (path.canonicalize(), dir.canonicalize())
            && !real.starts_with(&root)
        {
            return Err(outside());
        }
        return Ok(Some(path));
    }
    Ok(["csv", "parquet", "CSV", "xlsx", "xls", "ods"]
        .iter()
        .map(|ext| dir.join(format!("{}.{ext}", kind.stem())))
        .find(|p| p.symlink_metadata().is_ok()))
}

/// Loads every table present in `dir`. `mapping` adds to (and wins over) a `mapping.json`
/// saved in the folder. Events, impressions and experiments whose learner or course is not
/// in `users`/`courses` are kept and counted as orphans.
pub fn load_dataset(
    dir: &Path,
    mapping: &Mapping,
    progress: &Progress,
) -> Result<Dataset, DataError> {
    load_tables(dir, mapping, &TableKind::ALL, progress)
}

/// [`load_dataset`] restricted to the tables in `kinds` (an analysis that needs only some
/// tables does not pay for reading the others).
pub fn load_tables(
    dir: &Path,
    mapping: &Mapping,
    kinds: &[TableKind],
    progress: &Progress,
) -> Result<Dataset, DataError> {
    load_projected(dir, mapping, kinds, &[], progress)
}

/// The contract columns an analysis reads of some tables; a table not listed keeps all.
pub type Projection<'a> = &'a [(TableKind, &'a [&'a str])];

/// [`load_tables`] keeping of the tables in `columns` only the columns listed (every column
/// is still checked: the same rows are accepted and rejected as by [`load_dataset`]).
pub fn load_projected(
    dir: &Path,
    mapping: &Mapping,
    kinds: &[TableKind],
    columns: Projection,
    progress: &Progress,
) -> Result<Dataset, DataError> {
    if !dir.is_dir() {
        return Err(DataError::Unreadable {
            file: dir.display().to_string(),
            reason: Text::new("不是文件夹", "not a folder"),
        });
    }
    let mut merged = match dir.join(MAPPING_FILE) {
        saved if saved.is_file() => Mapping::load(&saved)?,
        _ => Mapping::default(),
    };
    merged.merge(mapping.clone());
    let mut files: Vec<(TableKind, PathBuf)> = Vec::new();
    for &k in kinds {
        if let Some(p) = find_table_file(dir, k, &merged)? {
            files.push((k, p));
        }
    }
    if files.is_empty() {
        return Err(DataError::NoFiles(dir.display().to_string()));
    }
    let sizes: Vec<u64> = files
        .iter()
        .map(|(_, p)| std::fs::metadata(p).map_or(1, |m| m.len().max(1)))
        .collect();
    let total: u64 = sizes.iter().sum();
    let keep_of = |kind: &TableKind| columns.iter().find(|(k, _)| k == kind).map(|(_, c)| *c);
    let need = files
        .iter()
        .zip(&sizes)
        .map(|((kind, path), size)| super::load::memory_estimate(path, *size, keep_of(kind)))
        .sum();
    if let Some((need, available)) = crate::memory::shortfall(need) {
        return Err(DataError::TooLarge {
            dir: dir.display().to_string(),
            need,
            available,
        });
    }
    let mut done = 0u64;
    let mut tables = BTreeMap::new();
    for ((kind, path), size) in files.iter().zip(&sizes) {
        progress.set_stage(crate::lang::Text::same(path.display().to_string()));
        let part = progress.part(done as f32 / total as f32, *size as f32 / total as f32);
        let table = load_columns(path, *kind, &merged, keep_of(kind), &part)?;
        done += size;
        tables.insert(*kind, table);
    }
    progress.set_stage(crate::lang::Text::new(
        "核对学员与课程",
        "checking learners and courses",
    ));
    count_orphans(&mut tables);
    progress.set(1.0);
    Ok(Dataset {
        dir: dir.to_path_buf(),
        mapping: merged,
        tables,
    })
}

fn id_set(
    tables: &BTreeMap<TableKind, Table>,
    kind: TableKind,
    column: &str,
) -> Option<AHashSet<String>> {
    let ids = super::columns::str_col(&tables.get(&kind)?.df, column)?;
    Some(ids.iter().flatten().map(str::to_string).collect())
}

fn count_orphans(tables: &mut BTreeMap<TableKind, Table>) {
    let users = id_set(tables, TableKind::Users, "user_id");
    let courses = id_set(tables, TableKind::Courses, "course_id");
    for kind in [
        TableKind::Events,
        TableKind::Impressions,
        TableKind::Experiments,
    ] {
        let Some(table) = tables.get_mut(&kind) else {
            continue;
        };
        // Looked up once per distinct id of a coded column.
        let missing = |column: &str, known: &Option<AHashSet<String>>| -> Option<Vec<bool>> {
            let known = known.as_ref()?;
            let ids = super::columns::str_col(&table.df, column)?;
            Some(ids.map_each(|v| !known.contains(v), false))
        };
        let by_user = missing("user_id", &users);
        let by_course = missing("course_id", &courses);
        let report = &mut table.report;
        report.orphans_by_column.clear();
        for (name, flags) in [("user_id", &by_user), ("course_id", &by_course)] {
            if let Some(flags) = flags {
                let n = flags.iter().filter(|f| **f).count() as u64;
                if n > 0 {
                    report.orphans_by_column.insert(name.to_string(), n);
                }
            }
        }
        report.orphans = (0..table.df.height())
            .filter(|&i| {
                by_user.as_ref().is_some_and(|f| f[i]) || by_course.as_ref().is_some_and(|f| f[i])
            })
            .count() as u64;
    }
}
