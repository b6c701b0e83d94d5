//! Project files (`.plab`): the dataset and its column mapping, every tab's settings, the
//! named audiences and the working one, and the next experiment's plan settings, as JSON. A
//! project names its dataset folder rather than copying the data; opening it loads the folder
//! again (results are recomputed from the data, so they can never disagree with it).

use super::TabSettings;
use super::i18n::Lang;
use crate::audience::Audience;
use crate::data::Mapping;
use crate::experiments::PlanSettings;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The extension of project files.
pub const EXTENSION: &str = "plab";
/// The format written; a newer one is refused with a message.
pub const FORMAT: u32 = 1;

/// A saved project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Project {
    /// Format version ([`FORMAT`]).
    pub format: u32,
    /// The dataset folder (relative to the project file when it lies beside or below it).
    pub data: PathBuf,
    /// The column mapping it is read with.
    pub mapping: Mapping,
    /// Interface language.
    pub lang: Lang,
    /// Every tab's analysis settings.
    pub tabs: TabSettings,
    /// Named audiences.
    pub audiences: Vec<Audience>,
    /// The working audience (index into `audiences`).
    pub audience: Option<usize>,
    /// Settings of the next experiment planned on an audience.
    pub plan: PlanSettings,
}

impl Project {
    /// Writes the project to `path`, naming the dataset relative to it when it can.
    pub fn save(&self, path: &Path) -> Result<(), String> {
        let mut saved = self.clone();
        saved.data = std::path::absolute(&self.data).unwrap_or_else(|_| self.data.clone());
        let base = path.parent().and_then(|b| std::path::absolute(b).ok());
        if let Some(base) = base
            && let Ok(relative) = saved.data.strip_prefix(&base)
        {
            saved.data = relative.to_path_buf();
        }
        let text = serde_json::to_string_pretty(&saved).map_err(|e| e.to_string())?;
        crate::output::write_atomically(path, |p| std::fs::write(p, text))
            .map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Reads a project; its dataset folder is resolved against the file's folder.
    pub fn open(path: &Path) -> Result<Project, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut project: Project = serde_json::from_str(&text).map_err(|e| {
            format!(
                "{}: line {}, column {}: not a Persona Lab project ({e})",
                path.display(),
                e.line(),
                e.column()
            )
        })?;
        if project.format > FORMAT {
            return Err(format!(
                "{}: made by a newer Persona Lab (format {}); this one reads format {FORMAT}",
                path.display(),
                project.format
            ));
        }
        if project.data.is_relative()
            && let Some(base) = path.parent()
        {
            project.data = base.join(&project.data);
        }
        if project
            .audience
            .is_some_and(|i| i >= project.audiences.len())
        {
            project.audience = None;
        }
        Ok(project)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audience::Source;

    #[test]
    fn a_project_comes_back_as_it_was_saved_with_its_data_beside_it() {
        let dir = tempfile::tempdir().unwrap();
        let project = Project {
            format: FORMAT,
            data: dir.path().join("shop"),
            mapping: Mapping::default(),
            lang: Lang::En,
            tabs: TabSettings::default(),
            audiences: vec![Audience::new(
                "students",
                Source::Filter("occupation = 学生".into()),
                vec!["u2".into(), "u1".into()],
            )],
            audience: Some(0),
            plan: PlanSettings::default(),
        };
        let path = dir.path().join("demo.plab");
        project.save(&path).unwrap();
        assert!(
            std::fs::read_to_string(&path)
                .unwrap()
                .contains("\"data\": \"shop\"")
        );
        assert_eq!(Project::open(&path).unwrap(), project);
        std::fs::write(&path, "{ not json").unwrap();
        assert!(Project::open(&path).unwrap_err().contains("line 1"));
    }
}
