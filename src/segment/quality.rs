//! How good a clustering is: the silhouette (exact, as scikit-learn's `silhouette_score`), the
//! adjusted Rand index against known labels, and choosing k.

use super::kmeans::{KMeansConfig, kmeans, sq_dist};
use crate::jobs::{Cancelled, Progress};
use ndarray::{Array2, ArrayView2, Axis};
use rand::prelude::*;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;

/// Mean silhouette over all rows, Euclidean distance; a row alone in its cluster scores 0.
/// Exact: O(n²) distances, so pass a sample for large inputs ([`sample_rows`]).
pub fn silhouette(x: ArrayView2<f64>, labels: &[usize]) -> Option<f64> {
    let k = labels.iter().copied().max()? + 1;
    let mut sizes = vec![0usize; k];
    for &l in labels {
        sizes[l] += 1;
    }
    if sizes.iter().filter(|s| **s > 0).count() < 2 {
        return None;
    }
    let n = x.nrows();
    let x = x.as_standard_layout();
    let data = x.as_slice().expect("standard layout");
    let d = x.ncols();
    let row = |i: usize| &data[i * d..(i + 1) * d];
    let total: f64 = (0..n)
        .into_par_iter()
        .map(|i| {
            let mut sums = vec![0.0; k];
            for j in 0..n {
                sums[labels[j]] += sq_dist(row(i), row(j)).sqrt();
            }
            let own = labels[i];
            if sizes[own] <= 1 {
                return 0.0;
            }
            let a = sums[own] / (sizes[own] - 1) as f64;
            let b = (0..k)
                .filter(|&c| c != own && sizes[c] > 0)
                .map(|c| sums[c] / sizes[c] as f64)
                .fold(f64::INFINITY, f64::min);
            (b - a) / a.max(b)
        })
        .sum();
    Some(total / n as f64)
}

/// Up to `max` row indices drawn without replacement (all rows, in order, when n ≤ max).
pub fn sample_rows(n: usize, max: usize, seed: u64) -> Vec<usize> {
    if n <= max {
        return (0..n).collect();
    }
    let mut idx: Vec<usize> = (0..n).collect();
    idx.partial_shuffle(&mut ChaCha8Rng::seed_from_u64(seed), max);
    let mut chosen = idx[..max].to_vec();
    chosen.sort_unstable();
    chosen
}

/// Adjusted Rand index between two labelings (Hubert & Arabie).
pub fn adjusted_rand_index(a: &[usize], b: &[usize]) -> f64 {
    let ka = a.iter().copied().max().map_or(0, |m| m + 1);
    let kb = b.iter().copied().max().map_or(0, |m| m + 1);
    let mut table = vec![vec![0u64; kb]; ka];
    for (&x, &y) in a.iter().zip(b) {
        table[x][y] += 1;
    }
    let c2 = |n: u64| (n * n.saturating_sub(1)) as f64 / 2.0;
    let index: f64 = table.iter().flatten().map(|&n| c2(n)).sum();
    let rows: f64 = table.iter().map(|r| c2(r.iter().sum())).sum();
    let cols: f64 = (0..kb).map(|j| c2(table.iter().map(|r| r[j]).sum())).sum();
    let total = c2(a.len() as u64);
    let expected = rows * cols / total;
    let max = (rows + cols) / 2.0;
    if max == expected {
        return 1.0;
    }
    (index - expected) / (max - expected)
}

/// One candidate k: inertia (for the elbow), silhouette and stability, each over the
/// subsamples k was scored on.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct KScore {
    /// Number of clusters.
    pub k: usize,
    /// Sum of squared distances to the centres, scaled from the subsamples to all rows.
    pub inertia: f64,
    /// Mean silhouette over the subsamples.
    pub silhouette: Option<f64>,
    /// Standard error of that mean.
    pub silhouette_se: Option<f64>,
    /// Mean adjusted Rand index between the clusterings of two subsamples, on the rows they
    /// share: 1 when every subsample finds the same segments.
    pub stability: Option<f64>,
}

/// Rows used for the silhouette of a finished segmentation.
pub const SILHOUETTE_SAMPLE: usize = 4000;

/// Subsamples k is scored on when it is chosen.
pub const K_SUBSAMPLES: usize = 5;
/// Rows of each subsample.
pub const K_SUBSAMPLE_ROWS: usize = 1500;
/// Candidates are the k whose silhouette is within this share of the best (or one standard
/// error, if larger).
pub const K_SILHOUETTE_TOLERANCE: f64 = 0.05;
/// A k counts as stable when its subsamples agree this well (mean ARI; a common bar in
/// the stability literature).
pub const K_STABLE: f64 = 0.9;

/// Chooses k for the rows of `x`. Every k of `ks` is fitted (k-means) on
/// [`K_SUBSAMPLES`] random subsamples and scored by its mean silhouette and by its
/// stability (how alike the subsamples' clusterings are on the rows they share; Ben-Hur,
/// Elisseeff & Guyon 2002). The candidates are the k whose silhouette is close to the best
/// ([`K_SILHOUETTE_TOLERANCE`]); of those the smallest stable one ([`K_STABLE`]) wins, or
/// the most stable when none is. A k that wins on silhouette only by noise loses to a
/// smaller one, and a k whose segments split differently from one subsample to the next is
/// never chosen over a stable one, so the choice holds from one sample of the same
/// population to another.
pub fn choose_k(
    x: ArrayView2<f64>,
    ks: std::ops::RangeInclusive<usize>,
    seed: u64,
    progress: &Progress,
) -> Result<(usize, Vec<KScore>), Cancelled> {
    let n = x.nrows();
    let ks: Vec<usize> = ks.filter(|&k| k >= 2 && k < n).collect();
    let rows: Vec<Vec<usize>> = (0..K_SUBSAMPLES as u64)
        .map(|b| sample_rows(n, K_SUBSAMPLE_ROWS, seed.wrapping_add(b)))
        .collect();
    let subsamples: Vec<Array2<f64>> = rows.iter().map(|r| x.select(Axis(0), r)).collect();
    let mut scores = Vec::new();
    for (i, &k) in ks.iter().enumerate() {
        let part = progress.part(i as f32 / ks.len() as f32, 1.0 / ks.len() as f32);
        let mut inertia = 0.0;
        let mut sils = Vec::new();
        let mut labels: Vec<Option<Vec<usize>>> = Vec::new();
        for (b, sub) in subsamples.iter().enumerate() {
            if k >= sub.nrows() {
                labels.push(None);
                continue;
            }
            let mut cfg = KMeansConfig::new(k, seed.wrapping_add(b as u64));
            cfg.n_init = 3;
            let fit = kmeans(
                sub.view(),
                &cfg,
                &part.part(b as f32 / K_SUBSAMPLES as f32, 0.0),
            )?;
            inertia += fit.inertia * n as f64 / sub.nrows() as f64 / subsamples.len() as f64;
            sils.extend(silhouette(sub.view(), &fit.labels));
            labels.push(Some(fit.labels));
        }
        let (mean, se) = mean_se(&sils);
        scores.push(KScore {
            k,
            inertia,
            silhouette: mean,
            silhouette_se: se,
            stability: stability(&rows, &labels),
        });
    }
    Ok((pick_k(&scores), scores))
}

/// Mean and standard error of some values (`None` for none).
fn mean_se(values: &[f64]) -> (Option<f64>, Option<f64>) {
    let m = values.len();
    if m == 0 {
        return (None, None);
    }
    let mean = values.iter().sum::<f64>() / m as f64;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (m.max(2) - 1) as f64;
    (Some(mean), Some((var / m as f64).sqrt()))
}

/// Mean ARI between the labelings of every pair of subsamples on the rows both hold
/// (`rows` sorted per subsample).
fn stability(rows: &[Vec<usize>], labels: &[Option<Vec<usize>>]) -> Option<f64> {
    let mut aris = Vec::new();
    for a in 0..rows.len() {
        for b in a + 1..rows.len() {
            let (Some(la), Some(lb)) = (&labels[a], &labels[b]) else {
                continue;
            };
            let (mut x, mut y) = (Vec::new(), Vec::new());
            for (i, r) in rows[a].iter().enumerate() {
                if let Ok(j) = rows[b].binary_search(r) {
                    x.push(la[i]);
                    y.push(lb[j]);
                }
            }
            if x.len() >= 2 {
                aris.push(adjusted_rand_index(&x, &y));
            }
        }
    }
    mean_se(&aris).0
}

/// The k of [`choose_k`]'s rule: among the k with a silhouette near the best, the smallest
/// stable one, else the most stable.
fn pick_k(scores: &[KScore]) -> usize {
    let Some(best) = scores
        .iter()
        .filter_map(|s| Some((s.silhouette?, s.silhouette_se.unwrap_or(0.0))))
        .max_by(|a, b| a.0.total_cmp(&b.0))
    else {
        return 2;
    };
    let floor = best.0 - (K_SILHOUETTE_TOLERANCE * best.0.abs()).max(best.1);
    let candidates: Vec<&KScore> = scores
        .iter()
        .filter(|s| s.silhouette.is_some_and(|m| m >= floor))
        .collect();
    let stable = candidates
        .iter()
        .find(|s| s.stability.is_some_and(|st| st >= K_STABLE));
    let most_stable = candidates.iter().max_by(|a, b| {
        a.stability
            .unwrap_or(0.0)
            .total_cmp(&b.stability.unwrap_or(0.0))
    });
    stable.or(most_stable).map_or(2, |s| s.k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn k_is_the_smallest_stable_one_near_the_best_silhouette() {
        let score = |k, sil: f64, stability: f64| KScore {
            k,
            inertia: 0.0,
            silhouette: Some(sil),
            silhouette_se: Some(0.002),
            stability: Some(stability),
        };
        // k = 2 is stable but far from the best silhouette; 8 has the best silhouette, but
        // 7 is within noise of it and stable: 7 wins.
        let scores = [
            score(2, 0.13, 0.99),
            score(6, 0.25, 0.89),
            score(7, 0.287, 0.938),
            score(8, 0.293, 0.899),
            score(9, 0.290, 0.989),
        ];
        assert_eq!(pick_k(&scores), 7);
        // When 7 is unstable, the most stable candidate wins instead.
        let mut unstable = scores.clone();
        unstable[2].stability = Some(0.7);
        unstable[3].stability = Some(0.8);
        unstable[4].stability = Some(0.85);
        assert_eq!(pick_k(&unstable), 9);
    }

    #[test]
    fn ari_is_one_for_equal_partitions_up_to_renaming() {
        assert!((adjusted_rand_index(&[0, 0, 1, 1, 2], &[2, 2, 0, 0, 1]) - 1.0).abs() < 1e-12);
        // sklearn.metrics.adjusted_rand_score([0,0,1,1],[0,0,1,2]) = 0.5714285714285715
        let ari = adjusted_rand_index(&[0, 0, 1, 1], &[0, 0, 1, 2]);
        assert!((ari - 0.5714285714285715).abs() < 1e-12, "{ari}");
    }
}
