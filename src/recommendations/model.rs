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

/// A name for a model fitted on `train` with `params`: SHA-256 of the model's name, every
/// setting, the matrix and the times of its pairs (first 16 hex digits).
fn fingerprint(kind: ModelKind, params: &Params, train: &Csr, context: Context<'_>) -> String {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    h.update(kind.spec().name.as_bytes());
    h.update(serde_json::to_string(params).unwrap_or_default().as_bytes());
    h.update((train.n_rows() as u64).to_le_bytes());
    h.update((train.n_cols as u64).to_le_bytes());
    for u in 0..train.n_rows() {
        let (items, ws) = train.row(u);
        h.update((items.len() as u64).to_le_bytes());
        for (&i, &w) in items.iter().zip(ws) {
            h.update(i.to_le_bytes());
            h.update(w.to_le_bytes());
            let t = context.order.and_then(|o| o.time(u, i)).unwrap_or(0);
            h.update(t.to_le_bytes());
        }
    }
    h.update(context.catalog.ids.join("\n").as_bytes());
    let digest = h.finalize();
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

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
        let input = FitInput::new(params, train, context);
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

    /// Like [`Fitted::fit`], but a model that can be saved (the neural networks) is first
    /// looked for in `cache` under a name derived from the model, its settings and the training
    /// data (learners × courses, strengths and times), and saved there after fitting, so the
    /// same data and settings never train twice. A cache that cannot be read or written only
    /// costs the training.
    pub fn fit_cached(
        kind: ModelKind,
        params: &Params,
        train: &Csr,
        context: Context<'_>,
        cache: Option<&std::path::Path>,
        progress: &Progress,
    ) -> crate::error::Result<Fitted> {
        let spec = kind.spec();
        let (Some(dir), Some(load)) = (cache, spec.load) else {
            return Fitted::fit(kind, params, train, context, progress);
        };
        params.check()?;
        let path = dir.join(format!(
            "{}-{}.safetensors",
            spec.name,
            fingerprint(kind, params, train, context)
        ));
        let input = FitInput::new(params, train, context);
        if path.is_file()
            && let Ok(model) = load(&path, &input)
        {
            progress.set_stage(crate::lang::Text::pair(
                format!("{}：读取已训练的模型", spec.label.zh),
                format!("{}: loaded the trained model", spec.label.en),
            ));
            return Ok(Fitted {
                kind,
                model: Arc::from(model),
            });
        }
        let fitted = Fitted::fit(kind, params, train, context, progress)?;
        if std::fs::create_dir_all(dir).is_ok() {
            let _ = fitted.model.save(&path);
        }
        Ok(fitted)
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
