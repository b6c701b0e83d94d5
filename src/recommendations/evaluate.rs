//! Offline evaluation: train/test splits, ranking metrics at a cutoff, model comparison and
//! hyper-parameter search on a validation split carved from the training data.

use super::model::Fitted;
use super::params::Params;
use super::recommender::Context;
use super::registry::ModelKind;
use crate::choice::Choice;
use crate::jobs::Progress;
use crate::math::{Csr, top_k};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;
use std::time::Instant;

/// A training matrix and the held-out test pairs, over the same learners and courses.
#[derive(Debug, Clone)]
pub struct Split {
    /// What the models learn from.
    pub train: Csr,
    /// What they should find.
    pub test: Csr,
}

/// Learners with fewer positives than this keep them all in training.
pub const MIN_POSITIVES: usize = 5;

/// For each learner with at least [`MIN_POSITIVES`] positives, a random `fraction` of them
/// (rounded, at least one) is held out; seeded.
pub fn holdout(m: &Csr, fraction: f64, seed: u64) -> Split {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    split_each(m, |_, order| {
        order.shuffle(&mut rng);
        ((order.len() as f64 * fraction).round() as usize).clamp(1, order.len() - 1)
    })
}

/// For each learner with at least [`MIN_POSITIVES`] positives, their `n` most recent courses
/// (by `last_ms`, aligned with `m.indices`) are held out: the last `n` of their sequence as
/// the sequence models order it (by time, then course index).
pub fn leave_last(m: &Csr, last_ms: &[i64], n: usize) -> Split {
    split_each(m, |u, order| {
        let items = m.row(u).0;
        let times = &last_ms[m.indptr[u]..m.indptr[u + 1]];
        order.sort_by_key(|&p| std::cmp::Reverse((times[p], items[p])));
        n.min(order.len() - 1)
    })
}

/// Splits every row of `m`: for a learner with at least [`MIN_POSITIVES`] positives,
/// `hold_out(u, order)` puts the positions of the row in order (held-out ones first) and says
/// how many are held out; other learners keep all their positives for training.
fn split_each(m: &Csr, mut hold_out: impl FnMut(usize, &mut [usize]) -> usize) -> Split {
    let mut train = Vec::with_capacity(m.nnz());
    let mut test = Vec::new();
    for u in 0..m.n_rows() {
        let (items, ws) = m.row(u);
        let mut order: Vec<usize> = (0..items.len()).collect();
        let n_test = if items.len() >= MIN_POSITIVES {
            hold_out(u, &mut order)
        } else {
            0
        };
        for (rank, &p) in order.iter().enumerate() {
            let e = (u as u32, items[p], ws[p]);
            if rank < n_test {
                test.push(e)
            } else {
                train.push(e)
            }
        }
    }
    Split {
        train: Csr::from_entries(m.n_rows(), m.n_cols, train),
        test: Csr::from_entries(m.n_rows(), m.n_cols, test),
    }
}

/// Ranking quality of one model at cutoff `k`, macro-averaged over test learners.
#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize)]
pub struct Metrics {
    /// Hits / k.
    pub precision: f64,
    /// Hits / |test|.
    pub recall: f64,
    /// Binary-gain NDCG with log2 discount, ideal over min(k, |test|).
    pub ndcg: f64,
    /// Sum of precision at each hit / min(k, |test|).
    pub map: f64,
    /// Share of learners with at least one hit (HR@k).
    pub hit_rate: f64,
    /// Mean reciprocal rank of the first hit (0 when none is in the top k).
    pub mrr: f64,
    /// Share of the catalogue that appears in some list.
    pub coverage: f64,
    /// Learners evaluated (the comparison reports it once, as `users_evaluated`).
    #[serde(skip)]
    pub users: usize,
}

/// Metrics of one ranked list against a learner's test items (sorted).
fn list_metrics(list: &[u32], test: &[u32], k: usize) -> [f64; 6] {
    let mut hits = 0usize;
    let (mut dcg, mut ap, mut rr) = (0.0, 0.0, 0.0);
    for (rank, item) in list.iter().enumerate() {
        if test.binary_search(item).is_ok() {
            if hits == 0 {
                rr = 1.0 / (rank + 1) as f64;
            }
            hits += 1;
            dcg += 1.0 / ((rank + 2) as f64).log2();
            ap += hits as f64 / (rank + 1) as f64;
        }
    }
    let ideal_n = k.min(test.len());
    let idcg: f64 = (0..ideal_n).map(|r| 1.0 / ((r + 2) as f64).log2()).sum();
    [
        hits as f64 / k as f64,
        hits as f64 / test.len() as f64,
        dcg / idcg,
        ap / ideal_n as f64,
        f64::from(hits > 0),
        rr,
    ]
}

/// Scores a fitted model on a split: each test learner's top `k` among the courses not in
/// their training data.
pub fn evaluate(
    model: &Fitted,
    split: &Split,
    k: usize,
    progress: &Progress,
) -> crate::error::Result<Metrics> {
    let users: Vec<usize> = (0..split.test.n_rows())
        .filter(|&u| split.test.row_len(u) > 0)
        .collect();
    let n = split.train.n_cols;
    let done = std::sync::atomic::AtomicUsize::new(0);
    let rows: Vec<([f64; 6], Vec<u32>)> = users
        .par_iter()
        .map_init(
            || vec![0f32; n],
            |scores, &u| {
                let d = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if d.is_multiple_of(512) {
                    progress.check()?;
                    progress.set(d as f32 / users.len().max(1) as f32);
                }
                model.score(&split.train, u, scores);
                let list: Vec<u32> = top_k(scores, split.train.row(u).0, k)
                    .into_iter()
                    .map(|p| p.0)
                    .collect();
                Ok((list_metrics(&list, split.test.row(u).0, k), list))
            },
        )
        .collect::<crate::error::Result<_>>()?;
    let mut seen = vec![false; n];
    let mut sums = [0.0; 6];
    for (m, list) in &rows {
        for (s, v) in sums.iter_mut().zip(m) {
            *s += v;
        }
        for &i in list {
            seen[i as usize] = true;
        }
    }
    let count = rows.len().max(1) as f64;
    Ok(Metrics {
        precision: sums[0] / count,
        recall: sums[1] / count,
        ndcg: sums[2] / count,
        map: sums[3] / count,
        hit_rate: sums[4] / count,
        mrr: sums[5] / count,
        coverage: seen.iter().filter(|s| **s).count() as f64 / n.max(1) as f64,
        users: rows.len(),
    })
}

/// One model's line of a comparison.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct ModelReport {
    /// Model name.
    pub name: String,
    /// Its ranking quality.
    #[serde(flatten)]
    pub metrics: Metrics,
    /// Fit time.
    pub train_seconds: f64,
    /// The settings this model ran with (the chosen ones after tuning).
    pub params: serde_json::Value,
}

/// A comparison of models on one split.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Evaluation {
    /// Cutoff.
    pub k: usize,
    /// Test learners.
    pub users_evaluated: usize,
    /// One line per model.
    pub models: Vec<ModelReport>,
    /// When the comparison ran on a sample of the learners: how many learners there were.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sampled_from: Option<usize>,
}

/// The settings of `kind` that matter, as JSON.
pub fn params_of(kind: ModelKind, p: &Params) -> serde_json::Value {
    (kind.spec().settings)(p)
}

/// Fits and evaluates each model; with `tune`, each model's settings are first chosen on a
/// validation split carved from the training data.
pub fn compare(
    kinds: &[ModelKind],
    params: &Params,
    split: &Split,
    context: Context<'_>,
    k: usize,
    tune_seed: Option<u64>,
    progress: &Progress,
) -> crate::error::Result<Evaluation> {
    if (0..split.test.n_rows()).all(|u| split.test.row_len(u) == 0) {
        return Err(crate::error::Error::input(
            "没有学员有可用于评估的留出课程（随机留出需要学员至少有 5 门课程；\
             留最后需要课程数多于留出数）",
            "no learner has a held-out course to evaluate on (a holdout needs learners with at \
             least 5 courses; leave-last needs more courses than it holds out)",
        ));
    }
    let mut models = Vec::new();
    let span = 1.0 / kinds.len().max(1) as f32;
    for (n, &kind) in kinds.iter().enumerate() {
        let part = progress.part(n as f32 * span, span);
        let mut p = *params;
        if let Some(seed) = tune_seed {
            progress.set_stage(crate::lang::Text::pair(
                format!("{}：调参", kind.spec().label.zh),
                format!("{}: tuning", kind.spec().label.en),
            ));
            p = tune(
                kind,
                params,
                &split.train,
                context,
                k,
                seed,
                &part.part(0.0, 0.7),
            )?
            .0;
        }
        progress.set_stage(crate::lang::Text::pair(
            format!("{}：训练", kind.spec().label.zh),
            format!("{}: training", kind.spec().label.en),
        ));
        let fit_part = part.part(0.7 * f32::from(tune_seed.is_some()), 0.2);
        let started = Instant::now();
        let model = Fitted::fit(kind, &p, &split.train, context, &fit_part)?;
        let train_seconds = started.elapsed().as_secs_f64();
        progress.set_stage(crate::lang::Text::pair(
            format!("{}：评估", kind.spec().label.zh),
            format!("{}: evaluating", kind.spec().label.en),
        ));
        let m = evaluate(&model, split, k, &part.part(0.9, 0.1))?;
        models.push(ModelReport {
            name: kind.name().to_string(),
            metrics: m,
            train_seconds,
            params: params_of(kind, &p),
        });
    }
    let users_evaluated = (0..split.test.n_rows())
        .filter(|&u| split.test.row_len(u) > 0)
        .count();
    Ok(Evaluation {
        k,
        users_evaluated,
        models,
        sampled_from: None,
    })
}

/// The settings tried for `kind` (empty for models without any).
pub fn grid(kind: ModelKind, base: &Params) -> Vec<Params> {
    (kind.spec().grid)(base)
}

/// One tried setting and its validation NDCG.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Trial {
    /// The setting.
    pub params: serde_json::Value,
    /// Validation NDCG at k.
    pub ndcg: f64,
}

/// Chooses `kind`'s settings by NDCG@k on a validation holdout (20%, seeded) of `train`.
pub fn tune(
    kind: ModelKind,
    base: &Params,
    train: &Csr,
    context: Context<'_>,
    k: usize,
    seed: u64,
    progress: &Progress,
) -> crate::error::Result<(Params, Vec<Trial>)> {
    let candidates = grid(kind, base);
    if candidates.is_empty() {
        return Ok((*base, Vec::new()));
    }
    let validation = holdout(train, 0.2, seed);
    let mut trials = Vec::new();
    let mut best = (*base, f64::NEG_INFINITY);
    let span = 1.0 / candidates.len() as f32;
    for (n, p) in candidates.iter().enumerate() {
        let part = progress.part(n as f32 * span, span);
        let model = Fitted::fit(kind, p, &validation.train, context, &part.part(0.0, 0.8))?;
        let m = evaluate(&model, &validation, k, &part.part(0.8, 0.2))?;
        trials.push(Trial {
            params: params_of(kind, p),
            ndcg: m.ndcg,
        });
        if m.ndcg > best.1 {
            best = (*p, m.ndcg);
        }
    }
    Ok((best.0, trials))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_follow_their_definitions() {
        // Hits at ranks 1 and 3 of 5, three test items.
        let m = list_metrics(&[7, 1, 8, 2, 3], &[7, 8, 9], 5);
        let dcg = 1.0 + 1.0 / 4f64.log2();
        let idcg = 1.0 + 1.0 / 3f64.log2() + 1.0 / 4f64.log2();
        assert_eq!(m[0], 0.4);
        assert!((m[1] - 2.0 / 3.0).abs() < 1e-12);
        assert!((m[2] - dcg / idcg).abs() < 1e-12);
        assert!((m[3] - (1.0 + 2.0 / 3.0) / 3.0).abs() < 1e-12);
        assert_eq!(m[4], 1.0);
    }

    #[test]
    fn splits_keep_every_pair_exactly_once() {
        let mut e = Vec::new();
        for u in 0..50u32 {
            for j in 0..(u % 12) {
                e.push((u, j, 1.0));
            }
        }
        let m = Csr::from_entries(50, 12, e);
        let times: Vec<i64> = (0..m.nnz() as i64).collect();
        for s in [holdout(&m, 0.2, 1), leave_last(&m, &times, 2)] {
            assert_eq!(s.train.nnz() + s.test.nnz(), m.nnz());
            for u in 0..50 {
                let n = m.row_len(u);
                assert_eq!(s.test.row_len(u) > 0, n >= MIN_POSITIVES, "learner {u}");
                assert!(s.train.row_len(u) > 0 || n == 0);
            }
        }
        // Leave-last holds out the latest pairs: the last two columns of each row.
        let s = leave_last(&m, &times, 2);
        assert_eq!(s.test.row(11).0, &[9, 10]);
    }
}
