//! A recommender trained on a whole dataset, with everything the window and the command
//! line need around it: the interactions, cold-start fallback and content neighbours.

use super::content::content_neighbours;
use super::evaluate::{Trial, holdout, tune};
use super::interactions::{Groups, Interactions, from_dataset};
use super::knn::Neighbours;
use super::model::{Fitted, GroupPopularity, Params, fallback};
use super::registry::ModelKind;
use crate::choice::Choice;
use crate::data::Dataset;
use crate::jobs::Progress;
use std::time::Instant;

/// A fitted model and its surroundings.
#[derive(Debug, Clone)]
pub struct Trained {
    /// Learners, courses and interactions.
    pub interactions: Interactions,
    /// The groups used for popularity within a group (segments or an attribute).
    pub groups: Option<Groups>,
    /// The model, fitted on all interactions.
    pub model: Fitted,
    /// Popularity within the learner's group: for learners without history.
    pub fallback: GroupPopularity,
    /// Courses similar by content: for courses without history.
    pub content: Neighbours,
    /// The settings used (the chosen ones when tuned).
    pub params: Params,
    /// Settings tried while tuning, with their validation NDCG@10.
    pub trials: Vec<Trial>,
    /// Fit time in seconds.
    pub train_seconds: f64,
}

/// Where learner groups come from.
#[derive(Debug, Clone)]
pub enum GroupSource {
    /// A learner attribute column of `users` (e.g. `occupation`).
    Attribute(String),
    /// A label per learner id (e.g. segment labels).
    Labels(ahash::AHashMap<String, String>),
}

impl Interactions {
    /// Groups from a label per learner id; learners without a label have no group.
    pub fn groups_from_labels(&self, labels: &ahash::AHashMap<String, String>) -> Groups {
        Groups::from_labels(self.users.iter().map(|u| labels.get(u).map(String::as_str)))
    }
}

/// Builds the interactions of `ds` and fits `kind` on all of them; with `tune_seed`, the
/// settings are first chosen on a validation holdout (20%) of the data.
pub fn train(
    ds: &Dataset,
    kind: ModelKind,
    params: &Params,
    groups: &GroupSource,
    tune_seed: Option<u64>,
    progress: &Progress,
) -> crate::error::Result<Trained> {
    progress.set_stage("interactions");
    let interactions = from_dataset(ds, &params.strengths);
    if interactions.catalog.is_empty() {
        return Err(crate::error::Error::Input(
            "no courses found (needs courses or events)".into(),
        ));
    }
    let groups = match groups {
        GroupSource::Attribute(name) => interactions.groups_by(name),
        GroupSource::Labels(labels) => Some(interactions.groups_from_labels(labels)),
    };
    progress.set(0.05);
    let (params, trials) = match tune_seed {
        Some(seed) => {
            progress.set_stage(format!("{}: tuning", kind.name()));
            let held = holdout(&interactions.matrix, 0.2, seed);
            tune(
                kind,
                params,
                &held.train,
                &interactions.catalog,
                groups.as_ref(),
                10,
                seed,
                &progress.part(0.05, 0.6),
            )?
        }
        None => (*params, Vec::new()),
    };
    progress.set_stage(format!("{}: training", kind.name()));
    let started = Instant::now();
    let model = Fitted::fit(
        kind,
        &params,
        &interactions.matrix,
        &interactions.catalog,
        groups.as_ref(),
        &progress.part(0.65, 0.3),
    )?;
    let train_seconds = started.elapsed().as_secs_f64();
    let content = content_neighbours(&interactions.catalog, params.content_neighbours, progress)?;
    let fallback = fallback(&interactions.matrix, groups.as_ref(), &params);
    progress.set(1.0);
    Ok(Trained {
        interactions,
        groups,
        model,
        fallback,
        content,
        params,
        trials,
        train_seconds,
    })
}
