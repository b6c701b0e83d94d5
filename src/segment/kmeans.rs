//! K-Means written for this project: scikit-learn's greedy k-means++ start (2 + ln k candidate
//! centres per step), Lloyd iterations parallel over rows with rayon, several restarts, and
//! the best run by inertia. linfa-clustering's k-means took 21× scikit-learn's time at ten
//! restarts here and its k-means++ start often stopped in poor optima (see
//! `stack-facts.md`), so it is not used for this.

use crate::jobs::{Cancelled, Progress};
use ndarray::{Array2, ArrayView2, Axis};
use rand::prelude::*;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

/// Settings of a k-means run.
#[derive(Debug, Clone, Copy)]
pub struct KMeansConfig {
    /// Number of clusters.
    pub k: usize,
    /// Restarts; the run with the lowest inertia wins.
    pub n_init: usize,
    /// Maximum Lloyd iterations per run.
    pub max_iter: usize,
    /// Stop when the centres move less than `tol` × the mean feature variance (as sklearn).
    pub tol: f64,
    /// Random seed.
    pub seed: u64,
}

impl KMeansConfig {
    /// Defaults as scikit-learn's (`n_init = 10`, `max_iter = 300`, `tol = 1e-4`).
    pub fn new(k: usize, seed: u64) -> KMeansConfig {
        KMeansConfig {
            k,
            n_init: 10,
            max_iter: 300,
            tol: 1e-4,
            seed,
        }
    }
}

/// A fitted clustering.
#[derive(Debug, Clone)]
pub struct KMeansFit {
    /// Centres, k × d.
    pub centroids: Array2<f64>,
    /// Cluster of each row.
    pub labels: Vec<usize>,
    /// Sum of squared distances of rows to their centre.
    pub inertia: f64,
    /// Lloyd iterations of the winning run.
    pub iterations: usize,
}

/// Squared Euclidean distance between two equal-length rows.
pub(crate) fn sq_dist(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

/// Greedy k-means++ on row-major `data` (n × d): each new centre is the best of `2 + ln k`
/// candidates drawn in proportion to the squared distance to the nearest chosen centre.
/// Returns the centres row-major (k × d).
fn kmeans_plus_plus(data: &[f64], d: usize, k: usize, rng: &mut ChaCha8Rng) -> Vec<f64> {
    let n = data.len() / d;
    let row = |i: usize| &data[i * d..(i + 1) * d];
    let trials = 2 + (k as f64).ln() as usize;
    let mut centres = Vec::with_capacity(k * d);
    let first = rng.gen_range(0..n);
    centres.extend_from_slice(row(first));
    let mut closest: Vec<f64> = (0..n)
        .into_par_iter()
        .map(|i| sq_dist(row(i), row(first)))
        .collect();
    for _ in 1..k {
        let total: f64 = closest.iter().sum();
        let candidates: Vec<usize> = (0..trials)
            .map(|_| {
                let mut target = rng.r#gen::<f64>() * total;
                let mut pick = n - 1;
                for (i, d) in closest.iter().enumerate() {
                    target -= d;
                    if target <= 0.0 {
                        pick = i;
                        break;
                    }
                }
                pick
            })
            .collect();
        let (best, best_closest) = candidates
            .iter()
            .map(|&cand| {
                let updated: Vec<f64> = (0..n)
                    .into_par_iter()
                    .map(|i| closest[i].min(sq_dist(row(i), row(cand))))
                    .collect();
                let pot: f64 = updated.iter().sum();
                (cand, updated, pot)
            })
            .min_by(|a, b| a.2.total_cmp(&b.2))
            .map(|(c, u, _)| (c, u))
            .expect("at least one candidate");
        centres.extend_from_slice(row(best));
        closest = best_closest;
    }
    centres
}

/// Rows per parallel chunk of a Lloyd pass.
const CHUNK: usize = 4096;

/// One fused pass: assign every row to its nearest centre and sum rows, counts and squared
/// distances per centre. `data` is row-major n × d, `centres` k × d.
fn assign(
    data: &[f64],
    d: usize,
    centres: &[f64],
    labels: &mut [usize],
) -> (Vec<f64>, Vec<usize>, f64) {
    let k = centres.len() / d;
    labels
        .par_chunks_mut(CHUNK)
        .enumerate()
        .map(|(c, chunk)| {
            let mut sums = vec![0.0; k * d];
            let mut counts = vec![0usize; k];
            let mut inertia = 0.0;
            for (o, label) in chunk.iter_mut().enumerate() {
                let row = &data[(c * CHUNK + o) * d..(c * CHUNK + o + 1) * d];
                let mut best = (0, f64::INFINITY);
                for j in 0..k {
                    let dist = sq_dist(row, &centres[j * d..(j + 1) * d]);
                    if dist < best.1 {
                        best = (j, dist);
                    }
                }
                *label = best.0;
                counts[best.0] += 1;
                inertia += best.1;
                for (s, v) in sums[best.0 * d..(best.0 + 1) * d].iter_mut().zip(row) {
                    *s += v;
                }
            }
            (sums, counts, inertia)
        })
        .reduce(
            || (vec![0.0; k * d], vec![0usize; k], 0.0),
            |(mut s1, mut c1, i1), (s2, c2, i2)| {
                s1.iter_mut().zip(s2).for_each(|(a, b)| *a += b);
                c1.iter_mut().zip(c2).for_each(|(a, b)| *a += b);
                (s1, c1, i1 + i2)
            },
        )
}

fn lloyd(
    data: &[f64],
    d: usize,
    mut centres: Vec<f64>,
    cfg: &KMeansConfig,
    tol: f64,
    progress: &Progress,
) -> Result<KMeansFit, Cancelled> {
    let n = data.len() / d;
    let k = centres.len() / d;

    let mut labels = vec![0usize; n];
    let mut iterations = 0;
    for it in 0..cfg.max_iter {
        progress.check()?;
        iterations = it + 1;
        let (sums, counts, _) = assign(data, d, &centres, &mut labels);
        let mut next = centres.clone();
        let mut shift = 0.0;
        for j in 0..k {
            if counts[j] > 0 {
                for t in 0..d {
                    next[j * d + t] = sums[j * d + t] / counts[j] as f64;
                }
                shift += sq_dist(&next[j * d..(j + 1) * d], &centres[j * d..(j + 1) * d]);
            }
        }
        // An empty cluster takes the row farthest from its centre, as sklearn does.
        for j in (0..k).filter(|&j| counts[j] == 0) {
            let far = (0..n)
                .into_par_iter()
                .map(|i| {
                    (
                        i,
                        sq_dist(
                            &data[i * d..(i + 1) * d],
                            &next[labels[i] * d..(labels[i] + 1) * d],
                        ),
                    )
                })
                .reduce(|| (0, -1.0), |a, b| if b.1 > a.1 { b } else { a })
                .0;
            next[j * d..(j + 1) * d].copy_from_slice(&data[far * d..(far + 1) * d]);
            shift = f64::INFINITY;
        }
        centres = next;
        if shift <= tol {
            break;
        }
    }
    let (_, _, inertia) = assign(data, d, &centres, &mut labels);
    Ok(KMeansFit {
        centroids: Array2::from_shape_vec((k, d), centres).expect("k × d centres"),
        labels,
        inertia,
        iterations,
    })
}

/// Fits k-means on the rows of `x`. Restarts are seeded from `cfg.seed`, so a seed gives the
/// same answer every time.
pub fn kmeans(
    x: ArrayView2<f64>,
    cfg: &KMeansConfig,
    progress: &Progress,
) -> Result<KMeansFit, Cancelled> {
    assert!(
        cfg.k >= 1 && cfg.k <= x.nrows(),
        "k must be between 1 and the number of rows"
    );
    let variance = x.var_axis(Axis(0), 0.0);
    let tol = cfg.tol * variance.mean().unwrap_or(0.0);
    // One row-major copy at most (none when `x` already is), shared by every restart.
    let x = x.as_standard_layout();
    let data = x.as_slice().expect("standard layout");
    let d = x.ncols();
    let mut best: Option<KMeansFit> = None;
    for run in 0..cfg.n_init.max(1) {
        let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed.wrapping_add(run as u64 * 0x9E37_79B9));
        let start = kmeans_plus_plus(data, d, cfg.k, &mut rng);
        let fit = lloyd(
            data,
            d,
            start,
            cfg,
            tol,
            &progress.part(run as f32 / cfg.n_init as f32, 1.0 / cfg.n_init as f32),
        )?;
        if best.as_ref().is_none_or(|b| fit.inertia < b.inertia) {
            best = Some(fit);
        }
        progress.set((run + 1) as f32 / cfg.n_init as f32);
    }
    Ok(best.expect("at least one run"))
}

/// Lloyd iterations on the rows of `x` from the given centres (k × d), e.g. to consolidate a
/// hierarchical cut.
pub fn kmeans_from(
    x: ArrayView2<f64>,
    centres: Array2<f64>,
    cfg: &KMeansConfig,
    progress: &Progress,
) -> Result<KMeansFit, Cancelled> {
    let variance = x.var_axis(Axis(0), 0.0);
    let tol = cfg.tol * variance.mean().unwrap_or(0.0);
    let x = x.as_standard_layout();
    let data = x.as_slice().expect("standard layout");
    let start = centres
        .as_standard_layout()
        .as_slice()
        .expect("standard layout")
        .to_vec();
    lloyd(data, x.ncols(), start, cfg, tol, progress)
}

/// Sizes of each cluster.
pub fn sizes(labels: &[usize], k: usize) -> Vec<usize> {
    let mut s = vec![0; k];
    for &l in labels {
        s[l] += 1;
    }
    s
}

/// Mean of the rows of each cluster (for weighted centroids of a subset).
pub fn cluster_means(x: ArrayView2<f64>, labels: &[usize], k: usize) -> Array2<f64> {
    let mut sums = Array2::zeros((k, x.ncols()));
    let counts = sizes(labels, k);
    for (row, &l) in x.outer_iter().zip(labels) {
        sums.row_mut(l).scaled_add(1.0, &row);
    }
    for (mut r, c) in sums.outer_iter_mut().zip(counts) {
        if c > 0 {
            r /= c as f64;
        }
    }
    sums
}
