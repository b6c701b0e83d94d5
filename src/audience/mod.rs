//! Audiences: named sets of learners that every capability accepts. A marketer makes one from
//! a segment, a filter on learner fields, a lasso on the segment map or a target list, then
//! serves it recommendations, targets within it, plans an experiment on it, or exports it for
//! a CRM.

mod fields;
mod filter;

pub use fields::{Column, EXTRA_FIELDS, LearnerFields};
pub use filter::{Condition, Filter, Op, parse};

use crate::error::Error;
use crate::lang::Text;
use crate::safe_csv::SafeCsv;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Where an audience came from (shown beside its name, kept in project files).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Source {
    /// The members of a segment (its number from 1).
    Segment(usize),
    /// The learners matching a filter (its text).
    Filter(String),
    /// Points picked by a lasso on the segment map.
    Lasso,
    /// A target list for a course.
    Targets(String),
    /// Learners read from a file (its name).
    File(String),
}

/// A named set of learners.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Audience {
    /// Its name.
    pub name: String,
    /// Where it came from.
    pub source: Source,
    /// Learner ids, sorted, no repeats.
    members: Vec<String>,
}

impl Audience {
    /// An audience of `members` (sorted and de-duplicated here).
    pub fn new(name: impl Into<String>, source: Source, mut members: Vec<String>) -> Audience {
        members.sort_unstable();
        members.dedup();
        Audience {
            name: name.into(),
            source,
            members,
        }
    }

    /// The learners matching `filter` among `fields`.
    pub fn from_filter(
        name: impl Into<String>,
        filter: &Filter,
        fields: &LearnerFields,
    ) -> Result<Audience, Error> {
        let keep = filter.matches(fields)?;
        let ids = &fields.profiles.table.user_ids;
        let members = keep
            .iter()
            .zip(ids)
            .filter(|(k, _)| **k)
            .map(|(_, id)| id.clone())
            .collect();
        Ok(Audience::new(
            name,
            Source::Filter(filter.text.clone()),
            members,
        ))
    }

    /// The learners of segment `id` (0-based) of `fields`' segmentation.
    pub fn from_segment(
        name: impl Into<String>,
        id: usize,
        fields: &LearnerFields,
    ) -> Result<Audience, Error> {
        let s = fields
            .segments
            .ok_or_else(|| Error::input("请先对学员分群", "segment the learners first"))?;
        let members = s
            .seg
            .labels
            .iter()
            .zip(&fields.profiles.table.user_ids)
            .filter(|(l, _)| **l == id)
            .map(|(_, u)| u.clone())
            .collect();
        Ok(Audience::new(name, Source::Segment(id + 1), members))
    }

    /// Learner ids, sorted.
    pub fn members(&self) -> &[String] {
        &self.members
    }

    /// Number of learners.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// Whether it has no learners.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// Whether `user_id` is a member.
    pub fn contains(&self, user_id: &str) -> bool {
        self.members
            .binary_search_by(|m| m.as_str().cmp(user_id))
            .is_ok()
    }

    /// Writes `user_id,audience` rows for a CRM; with `salt`, ids are replaced by salted
    /// SHA-256 pseudonyms.
    pub fn write_csv(&self, path: &Path, salt: Option<&str>) -> std::io::Result<()> {
        let mut w = SafeCsv::create(path)?;
        w.write_record(["user_id", "audience"])?;
        for id in &self.members {
            let id = crate::privacy::written_id(id, salt);
            w.write_record([id.as_str(), self.name.as_str()])?;
        }
        w.flush()
    }

    /// Reads an audience from a CSV file: the `user_id` column if the header has one, else
    /// the first column (a file of bare ids has no header). An empty file is an error.
    pub fn read_csv(path: &Path) -> Result<Audience, Error> {
        let at = |line: usize, m: Text| {
            Error::input(
                format!("{}：第 {line} 行：{}", path.display(), m.zh),
                format!("{}: line {line}: {}", path.display(), m.en),
            )
        };
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_path(path)
            .map_err(|e| {
                Error::input(
                    format!("{}：{e}", path.display()),
                    format!("{}: {e}", path.display()),
                )
            })?;
        let mut column = 0;
        let mut name_column = None;
        let mut name = None;
        let mut members = Vec::new();
        for (n, row) in rdr.records().enumerate() {
            let row = row.map_err(|e| at(n + 1, Text::same(e.to_string())))?;
            let cell = |i: usize| {
                row.get(i)
                    .unwrap_or("")
                    .trim()
                    .trim_start_matches('\u{feff}')
            };
            if n == 0
                && let Some(i) = (0..row.len()).find(|&i| cell(i) == "user_id")
            {
                column = i;
                name_column = (0..row.len()).find(|&i| cell(i) == "audience");
                continue;
            }
            if name.is_none() {
                name = name_column
                    .map(|i| cell(i).to_string())
                    .filter(|n| !n.is_empty());
            }
            match cell(column) {
                "" => {
                    return Err(at(
                        n + 1,
                        Text::new("学员编号为空", "the learner id is empty"),
                    ));
                }
                id => members.push(id.to_string()),
            }
        }
        if members.is_empty() {
            return Err(Error::input(
                format!("{}：没有学员", path.display()),
                format!("{}: no learners", path.display()),
            ));
        }
        let file = path
            .file_name()
            .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
        let name = name.unwrap_or_else(|| {
            path.file_stem()
                .map_or_else(|| "audience".into(), |s| s.to_string_lossy().into_owned())
        });
        Ok(Audience::new(name, Source::File(file), members))
    }
}
