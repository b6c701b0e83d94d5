//! The recommenders behind one interface: fit on a training matrix, score a learner, explain
//! an item, and recommend a top-k list that never repeats a course the learner owns.

use super::interactions::Groups;
use super::params::Params;
pub use super::popularity::{GroupPopularity, popularity};
use super::reason::Reason;
use super::recommender::{Context, FitInput, Recommender};
use super::registry::ModelKind;
use crate::jobs::Progress;
use crate::math::{Csr, top_k};
use serde::Serialize;
use std::sync::Arc;

/// A fitted recommender and which model it is.
#[derive(Debug, Clone)]
pub struct Fitted {
    kind: ModelKind,
    model: Arc<dyn Recommender>,
}

impl Fitted {
    /// Fits `kind` on `train` (learners × courses). The context's groups serve `segpop`
    /// (without them, `segpop` is global popularity); its order serves the sequence models.
    /// The settings are checked first.
    pub fn fit(
        kind: ModelKind,
        params: &Params,
        train: &Csr,
        context: Context<'_>,
        progress: &Progress,
    ) -> crate::error::Result<Fitted> {
        params.check()?;
        let input = FitInput {
            params,
            train,
            catalog: context.catalog,
            groups: context.groups,
            order: context.order,
        };
        Ok(Fitted {
            kind,
            model: Arc::from((kind.spec().fit)(&input, progress)?),
        })
    }

    /// Scores of every course after `history` (see [`Recommender::score_history`]); false
    /// when the model does not read the order of courses.
    pub fn score_history(&self, history: &[(u32, f32)], out: &mut [f32]) -> bool {
        self.model.score_history(history, out)
    }

    /// Which model this is.
    pub fn kind(&self) -> ModelKind {
        self.kind
    }

    /// Scores of every course for learner `u` (higher is better).
    pub fn score(&self, train: &Csr, u: usize, out: &mut [f32]) {
        self.model.score(train, u, out);
    }

    /// Why each of `items` is recommended to learner `u`, whose owned courses are `owned`
    /// (sorted).
    pub fn reasons(&self, train: &Csr, u: usize, items: &[u32], owned: &[u32]) -> Vec<Reason> {
        self.model.reasons(train, u, items, owned)
    }
}

/// One recommended course.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recommendation {
    /// Item index.
    pub item: u32,
    /// The model's score.
    pub score: f32,
    /// Why.
    pub reason: Reason,
}

/// The top `k` courses for learner `u`, never one in `owned` (sorted). A learner with no
/// history gets `fallback` (popularity in their group); places the model has no signal for
/// (score ≤ 0) are filled from `fallback` too.
pub fn recommend_for(
    model: &Fitted,
    fallback: &GroupPopularity,
    train: &Csr,
    owned: &[u32],
    u: usize,
    k: usize,
) -> Vec<Recommendation> {
    let k = k.min(train.n_cols);
    let mut scores = vec![0f32; train.n_cols];
    let cold = train.row_len(u) == 0;
    let mut recs: Vec<Recommendation> = Vec::new();
    if !cold {
        model.score(train, u, &mut scores);
        let no_signal = model.model.zero_is_no_signal();
        let best: Vec<(u32, f32)> = top_k(&scores, owned, k)
            .into_iter()
            .filter(|&(_, s)| !no_signal || s > 0.0)
            .collect();
        let items: Vec<u32> = best.iter().map(|b| b.0).collect();
        recs = best
            .into_iter()
            .zip(model.reasons(train, u, &items, owned))
            .map(|((item, score), reason)| Recommendation {
                item,
                score,
                reason,
            })
            .collect();
    }
    if recs.len() < k {
        let group = fallback.group_of(u);
        fallback.score_group(group, &mut scores);
        let reason = match group {
            Some(g) => Reason::Group(fallback.names()[g as usize].clone()),
            None => Reason::Popular,
        };
        let mut skip: Vec<u32> = owned
            .iter()
            .copied()
            .chain(recs.iter().map(|r| r.item))
            .collect();
        skip.sort_unstable();
        let need = k - recs.len();
        recs.extend(
            top_k(&scores, &skip, need)
                .into_iter()
                .map(|(item, _)| Recommendation {
                    item,
                    score: 0.0,
                    reason: reason.clone(),
                }),
        );
    }
    recs
}

/// Popularity within groups, as the cold-start fallback of every model.
pub fn fallback(train: &Csr, groups: Option<&Groups>, params: &Params) -> GroupPopularity {
    GroupPopularity::fit(
        train,
        groups.unwrap_or(&Groups::default()),
        params.min_group,
    )
}
