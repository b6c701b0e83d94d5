//! The Campaigns capability's one call: train the click, conversion and spend models on a
//! dataset and keep what targeting needs beside them. The Campaigns tab and `ctr`/`target` call it.

use super::train::{CtrConfig, CtrModels, CtrReport, train};
use crate::data::Dataset;
use crate::jobs::Progress;
use crate::recommendations::{Interactions, SharedInteractions, Strengths};
use std::sync::Arc;

/// Trained campaign models with what targeting needs beside them.
#[derive(Debug, Clone)]
pub struct CampaignModels {
    /// The models.
    pub models: CtrModels,
    /// Their evaluation.
    pub report: CtrReport,
    /// Ownership and activity of learners, and course titles (shared with a recommender
    /// built from the same data).
    pub interactions: Arc<Interactions>,
}

/// Campaign models saved earlier (e.g. in a project), made whole again on `ds`, the data they
/// were trained on: the learners' histories and interactions are rebuilt from it, the
/// models and their evaluation are used as saved, nothing is trained.
pub fn restore(
    ds: &Dataset,
    mut models: CtrModels,
    report: CtrReport,
    shared: &SharedInteractions,
) -> CampaignModels {
    models.histories = super::history::Histories::from_dataset(
        ds,
        &models.encoder.learner_index,
        &models.encoder.course_index,
    );
    CampaignModels {
        models,
        report,
        interactions: shared.get(ds, &Strengths::default()),
    }
}

/// Trains the campaign models on `ds` and keeps the learners' interactions for targeting
/// (from `shared`, the dataset's): what the Campaigns tab works from.
pub fn train_campaigns(
    ds: &Dataset,
    config: &CtrConfig,
    shared: &SharedInteractions,
    progress: &Progress,
) -> crate::error::Result<CampaignModels> {
    let (models, report) = train(ds, config, progress)?;
    Ok(CampaignModels {
        models,
        report,
        interactions: shared.get(ds, &Strengths::default()),
    })
}
