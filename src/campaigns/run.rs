//! The Campaigns capability's one call: train the click, conversion and spend models on a
//! dataset and keep what targeting needs beside them. The Campaigns tab and `ctr`/`target` call it.

use super::train::{CtrConfig, CtrModels, CtrReport, train};
use crate::data::Dataset;
use crate::jobs::Progress;

/// Trained campaign models with what targeting needs beside them.
#[derive(Debug, Clone)]
pub struct CampaignModels {
    /// The models.
    pub models: CtrModels,
    /// Their evaluation.
    pub report: CtrReport,
    /// Ownership and activity of learners, and course titles.
    pub interactions: crate::recommendations::Interactions,
}

/// Campaign models saved earlier (e.g. in a project), made whole again on `ds`, the data they
/// were trained on: the learners' histories and interactions are rebuilt from it, the
/// models and their evaluation are used as saved, nothing is trained.
pub fn restore(ds: &Dataset, mut models: CtrModels, report: CtrReport) -> CampaignModels {
    models.histories = super::history::Histories::from_dataset(
        ds,
        &models.encoder.learner_index,
        &models.encoder.course_index,
    );
    let interactions =
        crate::recommendations::from_dataset(ds, &crate::recommendations::Strengths::default());
    CampaignModels {
        models,
        report,
        interactions,
    }
}

/// Trains the campaign models on `ds` and keeps the learners' interactions for targeting:
/// what the Campaigns tab works from.
pub fn train_campaigns(
    ds: &Dataset,
    config: &CtrConfig,
    progress: &Progress,
) -> crate::error::Result<CampaignModels> {
    let (models, report) = train(ds, config, progress)?;
    let interactions =
        crate::recommendations::from_dataset(ds, &crate::recommendations::Strengths::default());
    Ok(CampaignModels {
        models,
        report,
        interactions,
    })
}
