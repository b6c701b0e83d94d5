//! What the window holds: the tabs, the settings remembered between runs, the loaded dataset.

use super::campaigns_tab::CampaignsTab;
use super::i18n::{Lang, T};
use super::recommendations_tab::RecsTab;
use super::segments_tab::SegmentsTab;
use crate::campaigns::{Objective, Target};
use crate::data::summary::ColumnSummary;
use crate::data::{Dataset, TableKind};
use crate::profile::Profiles;
use crate::recommendations::{ModelKind, Params};
use crate::segment::Method;
use crate::value::ValueResult;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

/// The tabs, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Tab {
    /// Files, validation, column summaries.
    #[default]
    Data,
    /// The business at a glance: months, best sellers, funnel, cohorts, segments side by side.
    Overview,
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
    pub const ALL: [Tab; 7] = [
        Tab::Data,
        Tab::Overview,
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
            Tab::Overview => T::TabOverview,
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
    /// Larger text for a projector (workshops).
    pub projector: bool,
    /// The open tab.
    pub tab: Tab,
    /// Recently opened dataset folders, newest first.
    pub recent: Vec<PathBuf>,
    /// Recently opened or saved project files, newest first.
    pub recent_projects: Vec<PathBuf>,
    /// The analysis settings of the tabs.
    pub tabs: TabSettings,
}

/// The analysis settings each tab remembers between runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TabSettings {
    /// Clustering method.
    pub method: Method,
    /// Choose k by silhouette.
    pub auto_k: bool,
    /// k when not automatic.
    pub k: usize,
    /// Recommender.
    pub model: ModelKind,
    /// Recommender settings.
    pub model_params: Params,
    /// Tune the recommender's settings first.
    pub tune: bool,
    /// Popularity within segments rather than occupation.
    pub groups_by_segments: bool,
    /// What the campaign models predict.
    pub target: Target,
    /// Fit the factorization machine too.
    pub with_fm: bool,
    /// Learners to contact.
    pub budget: usize,
    /// Ranking objective of target lists.
    pub objective: Objective,
    /// Pseudonymise learner ids in exports.
    pub pseudonymise: bool,
}

impl Default for TabSettings {
    fn default() -> Self {
        TabSettings::from_tabs(
            &SegmentsTab::default(),
            &RecsTab::default(),
            &CampaignsTab::default(),
        )
    }
}

impl TabSettings {
    /// The settings the tabs hold now.
    pub fn from_tabs(segments: &SegmentsTab, recs: &RecsTab, campaigns: &CampaignsTab) -> Self {
        TabSettings {
            method: segments.method,
            auto_k: segments.auto_k,
            k: segments.k,
            model: recs.kind,
            model_params: recs.params,
            tune: recs.tune,
            groups_by_segments: recs.by_segments,
            target: campaigns.target,
            with_fm: campaigns.with_fm,
            budget: campaigns.budget,
            objective: campaigns.objective,
            pseudonymise: recs.pseudonymise,
        }
    }

    /// Gives the tabs these settings.
    pub fn apply(
        &self,
        segments: &mut SegmentsTab,
        recs: &mut RecsTab,
        campaigns: &mut CampaignsTab,
    ) {
        segments.method = self.method;
        segments.auto_k = self.auto_k;
        segments.k = self.k;
        recs.kind = self.model;
        recs.params = self.model_params;
        recs.tune = self.tune;
        recs.by_segments = self.groups_by_segments;
        campaigns.target = self.target;
        campaigns.with_fm = self.with_fm;
        campaigns.budget = self.budget;
        campaigns.objective = self.objective;
        segments.pseudonymise = self.pseudonymise;
        recs.pseudonymise = self.pseudonymise;
        campaigns.pseudonymise = self.pseudonymise;
    }
}

/// An uplift estimate as the window shows it: with the effect in each segment (the k-means
/// segments when made, else the RFM segments).
#[derive(Debug)]
pub struct UpliftView {
    /// The estimate.
    pub result: crate::campaigns::UpliftResult,
    /// Observed and predicted effect per group.
    pub groups: Vec<crate::campaigns::uplift::GroupEffect>,
    /// The groups' names in both languages (same order).
    pub group_names: Vec<crate::lang::Text>,
}

/// What the window knows of the loaded dataset's learner value.
#[derive(Debug, Default)]
pub struct Valued {
    /// Every buyer's value, once estimated.
    pub result: Option<Arc<ValueResult>>,
    /// The model's check on the last 90 days of data, fitted without them.
    pub check: Option<crate::value::Holdout>,
    /// P(alive) over repeat purchase days × recency, for the heat map (computed with the
    /// values, not at every frame).
    pub grid: Option<crate::value::PAliveGrid>,
    /// Why the data has no values, when it has none (e.g. no repeat purchases).
    pub note: Option<crate::lang::Text>,
    /// Each profile row's place among the valued buyers, looked up by a job once both exist.
    pub aligned: Option<Aligned>,
}

impl Valued {
    /// Each row of `profiles`' place in the values' buyers, when looked up for these
    /// profiles and these values.
    pub fn positions(&self, profiles: &Arc<Profiles>) -> Option<&Positions> {
        let (a, v) = (self.aligned.as_ref()?, self.result.as_ref()?);
        (Arc::ptr_eq(&a.profiles, profiles) && Arc::ptr_eq(&a.value, v)).then_some(&a.positions)
    }
}

/// Each profile row's place among the valued buyers ([`ValueResult::positions`]).
pub type Positions = Arc<[Option<u32>]>;

/// Each profile row's place among the valued buyers ([`ValueResult::positions`]), with the
/// profiles and values it was looked up for.
#[derive(Debug, Clone)]
pub struct Aligned {
    /// The profiles.
    pub profiles: Arc<Profiles>,
    /// The values.
    pub value: Arc<ValueResult>,
    /// One per profile row.
    pub positions: Positions,
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
    /// The dataset's learner–course interactions, built once for the recommender's jobs.
    pub interactions: crate::recommendations::SharedInteractions,
}
