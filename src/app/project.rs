//! Project files (`.plab`): the dataset and its column mapping, every tab's settings, the
//! named audiences and the working one, and the next experiment's plan settings, as JSON. A
//! project names its dataset folder rather than copying the data; opening it loads the folder
//! again. The segments are saved with the fingerprint of the data they were made from
//! ([`crate::data::Dataset::fingerprint`]) and shown again without clustering while the data is
//! unchanged; if it changed they are made afresh, so they never describe other data.

use super::TabSettings;
use super::i18n::Lang;
use crate::audience::Audience;
use crate::data::Mapping;
use crate::experiments::PlanSettings;
use crate::lang::Text;
use crate::segment::SegmentResult;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The extension of project files.
pub const EXTENSION: &str = "plab";
/// The format written; a newer one is refused with a message.
pub const FORMAT: u32 = 1;

/// A saved project.
#[derive(Debug, Clone, Serialize, Deserialize)]
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
    /// Names given to segments, by segment number.
    #[serde(default)]
    pub segment_names: BTreeMap<usize, String>,
    /// Results kept so that reopening does not compute them again.
    #[serde(default)]
    pub results: Results,
}

/// Results computed on a project's data, with the data's fingerprint.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Results {
    /// [`crate::data::Dataset::fingerprint`] of the data they were computed on.
    pub data: String,
    /// The segments (clustering, personas, comparison, membership).
    pub segments: Option<SegmentResult>,
    /// The campaign models and their evaluation.
    #[serde(default)]
    pub campaigns: Option<SavedCampaigns>,
    /// The recommender's settings and the comparison of models.
    #[serde(default)]
    pub recommendations: Option<SavedRecs>,
}

/// A trained recommender as saved: the model and the settings it was fitted with (the chosen
/// ones when tuned), the settings tried, and the comparison of models. On opening, the model
/// is fitted again with those settings (no tuning, no comparison; networks come from the
/// model cache); the comparison is shown as saved.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SavedRecs {
    /// The model serving the lists.
    pub kind: crate::recommendations::ModelKind,
    /// Its settings.
    pub params: crate::recommendations::Params,
    /// Whether learners were grouped by segment.
    pub by_segments: bool,
    /// Settings tried while tuning, with their validation NDCG@10.
    pub trials: Vec<crate::recommendations::evaluate::Trial>,
    /// The comparison of models, and the family compared.
    pub evaluation: Option<(
        crate::recommendations::Family,
        crate::recommendations::Evaluation,
    )>,
}

/// Trained campaign models as saved: without the learners' histories, which are rebuilt
/// from the data on opening ([`crate::campaigns::run::restore`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SavedCampaigns {
    /// The models.
    pub models: crate::campaigns::CtrModels,
    /// Their evaluation.
    pub report: crate::campaigns::CtrReport,
}

impl Results {
    /// These results, if they were made from data with fingerprint `data`.
    pub fn for_data(self, data: &str) -> Option<Results> {
        (self.data == data).then_some(self)
    }
}

impl Project {
    /// Writes the project to `path`, naming the dataset relative to it when it can.
    pub fn save(&self, path: &Path) -> Result<(), Text> {
        let text = self.to_json(path)?;
        crate::output::write_atomically(path, |p| std::fs::write(p, text))
            .map_err(|e| Text::same(format!("{}: {e}", path.display())))
    }

    /// The project as written to `path` (the dataset named relative to it when it can).
    pub fn to_json(&self, path: &Path) -> Result<String, Text> {
        let mut saved = self.clone();
        saved.data = std::path::absolute(&self.data).unwrap_or_else(|_| self.data.clone());
        let base = path.parent().and_then(|b| std::path::absolute(b).ok());
        if let Some(base) = base
            && let Ok(relative) = saved.data.strip_prefix(&base)
        {
            saved.data = relative.to_path_buf();
        }
        serde_json::to_string(&saved).map_err(|e| Text::same(e.to_string()))
    }

    /// Reads a project; its dataset folder is resolved against the file's folder.
    pub fn open(path: &Path) -> Result<Project, Text> {
        let file = path.display();
        let text = std::fs::read_to_string(path)
            .map_err(|e| Text::pair(format!("{file}：无法读取（{e}）"), format!("{file}: {e}")))?;
        let mut project: Project = serde_json::from_str(&text).map_err(|e| {
            let (line, column) = (e.line(), e.column());
            Text::pair(
                format!("{file}：第 {line} 行第 {column} 列：不是 Persona Lab 项目文件（{e}）"),
                format!("{file}: line {line}, column {column}: not a Persona Lab project ({e})"),
            )
        })?;
        if project.format > FORMAT {
            let format = project.format;
            return Err(Text::pair(
                format!(
                    "{file}：由更新版本的 Persona Lab 保存（格式 {format}），本版本只能读取格式 {FORMAT}"
                ),
                format!(
                    "{file}: made by a newer Persona Lab (format {format}); this one reads format {FORMAT}"
                ),
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
            segment_names: BTreeMap::from([(2, "夜猫子".to_string())]),
            results: Results::default(),
        };
        let path = dir.path().join("demo.plab");
        project.save(&path).unwrap();
        assert!(
            std::fs::read_to_string(&path)
                .unwrap()
                .contains("\"data\":\"shop\"")
        );
        let json = |p: &Project| serde_json::to_value(p).unwrap();
        assert_eq!(json(&Project::open(&path).unwrap()), json(&project));
        std::fs::write(&path, "{ not json").unwrap();
        let error = Project::open(&path).unwrap_err();
        assert!(error.en.contains("line 1") && error.zh.contains("第 1 行"));
    }
}
