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

/// One candidate k: inertia (for the elbow) and silhouette (on a sample).
#[derive(Debug, Clone, Serialize)]
pub struct KScore {
    /// Number of clusters.
    pub k: usize,
    /// Sum of squared distances to the centres.
    pub inertia: f64,
    /// Mean silhouette on the sample.
    pub silhouette: Option<f64>,
}

/// Rows used for the silhouette when choosing k.
pub const SILHOUETTE_SAMPLE: usize = 4000;

/// Scores k = `ks` and returns them with the k of the best silhouette.
pub fn choose_k(
    x: ArrayView2<f64>,
    ks: std::ops::RangeInclusive<usize>,
    seed: u64,
    progress: &Progress,
) -> Result<(usize, Vec<KScore>), Cancelled> {
    let rows = sample_rows(x.nrows(), SILHOUETTE_SAMPLE, seed);
    let sample: Array2<f64> = x.select(Axis(0), &rows);
    let ks: Vec<usize> = ks.filter(|&k| k >= 2 && k < x.nrows()).collect();
    let mut scores = Vec::new();
    for (i, &k) in ks.iter().enumerate() {
        let part = progress.part(i as f32 / ks.len() as f32, 1.0 / ks.len() as f32);
        let mut cfg = KMeansConfig::new(k, seed);
        cfg.n_init = 4;
        let fit = kmeans(x, &cfg, &part)?;
        let labels: Vec<usize> = rows.iter().map(|&r| fit.labels[r]).collect();
        scores.push(KScore {
            k,
            inertia: fit.inertia,
            silhouette: silhouette(sample.view(), &labels),
        });
    }
    let best = scores
        .iter()
        .filter_map(|s| Some((s.k, s.silhouette?)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map_or(2, |b| b.0);
    Ok((best, scores))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ari_is_one_for_equal_partitions_up_to_renaming() {
        assert!((adjusted_rand_index(&[0, 0, 1, 1, 2], &[2, 2, 0, 0, 1]) - 1.0).abs() < 1e-12);
        // sklearn.metrics.adjusted_rand_score([0,0,1,1],[0,0,1,2]) = 0.5714285714285715
        let ari = adjusted_rand_index(&[0, 0, 1, 1], &[0, 0, 1, 2]);
        assert!((ari - 0.5714285714285715).abs() < 1e-12, "{ari}");
    }
}
