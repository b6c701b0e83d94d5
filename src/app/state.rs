//! What the window holds: the tabs, the settings remembered between runs, the loaded dataset.

use super::i18n::{Lang, T};
use crate::data::summary::ColumnSummary;
use crate::data::{Dataset, TableKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The tabs, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Tab {
    /// Files, validation, column summaries.
    #[default]
    Data,
    /// Learner profiles.
    Profiles,
    /// Segments.
    Segments,
    /// Recommendations.
    Recommendations,
    /// Campaigns (CTR).
    Campaigns,
    /// Experiments (A/B tests).
    Experiments,
}

impl Tab {
    /// All tabs in display order.
    pub const ALL: [Tab; 6] = [
        Tab::Data,
        Tab::Profiles,
        Tab::Segments,
        Tab::Recommendations,
        Tab::Campaigns,
        Tab::Experiments,
    ];

    /// The tab's label.
    pub fn label(self) -> T {
        match self {
            Tab::Data => T::TabData,
            Tab::Profiles => T::TabProfiles,
            Tab::Segments => T::TabSegments,
            Tab::Recommendations => T::TabRecommendations,
            Tab::Campaigns => T::TabCampaigns,
            Tab::Experiments => T::TabExperiments,
        }
    }
}

/// How many recent folders are remembered.
pub(super) const RECENT_MAX: usize = 8;

/// What the window remembers between runs.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Interface language.
    pub lang: Lang,
    /// The open tab.
    pub tab: Tab,
    /// Recently opened dataset folders, newest first.
    pub recent: Vec<PathBuf>,
}

/// A loaded dataset with what the Data tab shows of it, computed on the worker thread.
#[derive(Debug)]
pub struct Loaded {
    /// The tables.
    pub dataset: Dataset,
    /// Column summaries per table.
    pub summaries: BTreeMap<TableKind, Vec<ColumnSummary>>,
    /// Load time in seconds.
    pub seconds: f64,
}
