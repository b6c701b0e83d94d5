//! Why an experiment could not be read out.

use crate::lang::{Bilingual, Text};

/// Why no read-out could be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AbError {
    /// The table has no rows.
    #[error("no experiment rows")]
    Empty,
    /// The experiment asked for is not in the data.
    #[error("experiment `{name}` not found; experiments are: {known}")]
    UnknownExperiment {
        /// Asked for.
        name: String,
        /// Present.
        known: String,
    },
    /// The control asked for is not a variant.
    #[error("control `{name}` is not a variant of `{experiment}`; variants are: {known}")]
    UnknownControl {
        /// Asked for.
        name: String,
        /// The experiment.
        experiment: String,
        /// Present.
        known: String,
    },
    /// A column the read-out needs is missing or of the wrong type.
    #[error("experiments table: {}", .0.en)]
    Column(Text),
    /// A setting out of its range.
    #[error("{}", .0.en)]
    Setting(Text),
}

impl AbError {
    /// The message in both languages (`Display` is its English).
    pub fn text(&self) -> Text {
        let zh = match self {
            AbError::Empty => "没有实验数据行".to_string(),
            AbError::UnknownExperiment { name, known } => {
                format!("未找到实验 `{name}`；现有实验：{known}")
            }
            AbError::UnknownControl {
                name,
                experiment,
                known,
            } => format!("对照组 `{name}` 不是 `{experiment}` 的变体；变体有：{known}"),
            AbError::Column(m) => format!("实验表：{}", m.zh),
            AbError::Setting(m) => m.zh.to_string(),
        };
        Text::pair(zh, self.to_string())
    }
}

impl Bilingual for AbError {
    fn text(&self) -> Text {
        AbError::text(self)
    }
}
