//! The Campaigns capability's one call: train the click, conversion and spend models on a
//! dataset and keep what targeting needs beside them. The Campaigns tab and `ctr`/`target` call it.

use super::train::{CtrConfig, CtrModels, CtrReport, train};
use crate::data::Dataset;
use crate::jobs::Progress;
use crate::recommendations::interactions::Catalog;

/// Trained campaign models with what targeting needs beside them.
#[derive(Debug, Clone)]
pub struct CampaignModels {
    /// The models.
    pub models: CtrModels,
    /// Their evaluation.
    pub report: CtrReport,
    /// The courses the models can target (those of the courses table), with their titles.
    pub catalog: Catalog,
}

/// Campaign models saved earlier (e.g. in a project), made whole again on `ds`, the data they
/// were trained on: the learners' histories and the catalogue are rebuilt from it, the
/// models and their evaluation are used as saved, nothing is trained.
pub fn restore(ds: &Dataset, mut models: CtrModels, report: CtrReport) -> CampaignModels {
    models.histories = super::history::Histories::from_dataset(
        ds,
        &models.encoder.learner_index,
        &models.encoder.course_index,
    );
    CampaignModels {
        models,
        report,
        catalog: Catalog::of_courses(ds).0,
    }
}

/// Trains the campaign models on `ds` and keeps the catalogue of courses they can target:
/// what the Campaigns tab works from.
pub fn train_campaigns(
    ds: &Dataset,
    config: &CtrConfig,
    progress: &Progress,
) -> crate::error::Result<CampaignModels> {
    let (models, report) = train(ds, config, progress)?;
    Ok(CampaignModels {
        models,
        report,
        catalog: Catalog::of_courses(ds).0,
    })
}
