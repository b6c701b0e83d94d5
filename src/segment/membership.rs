//! Soft membership: how likely each learner belongs to each segment, from a Gaussian mixture
//! (linfa-clustering's `GaussianMixtureModel`, full covariances) fitted on the profiles' top
//! principal components. A learner near a border reads "62% segment A, 35% segment B" on the
//! persona card instead of a hard label.
//!
//! The mixture's components are matched to the k-means segments by their centres, so column
//! `c` of [`Membership::probabilities`] is segment `c`. linfa restarts every run from the same
//! state, so the starts here are separate fits with their own seeds; the best mean
//! log-likelihood wins (as scikit-learn's `n_init`).

use super::cluster::{SegmentError, Segmentation};
use super::quality::sample_rows;
use crate::jobs::Progress;
use crate::math::Pca;
use linfa::DatasetBase;
use linfa::prelude::ParamGuard;
use linfa::traits::{Fit, Transformer};
use linfa_clustering::GaussianMixtureModel;
use linfa_linalg::cholesky::Cholesky;
use ndarray::{Array1, Array2, Array3, ArrayView2, Axis};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// Principal components the mixture is fitted on (fewer when the profiles have fewer columns).
pub const COMPONENTS: usize = 8;
/// Rows the mixture is fitted on (a seeded sample above this); every row gets probabilities.
pub const FIT_SAMPLE: usize = 20_000;
/// Separate starts; the best log-likelihood is kept.
pub const STARTS: u64 = 3;

/// A fitted Gaussian mixture with full covariances.
#[derive(Debug, Clone)]
pub struct Mixture {
    /// Weight of each component.
    pub weights: Array1<f64>,
    /// Centre of each component (one row each).
    pub means: Array2<f64>,
    /// Precision (inverse covariance) of each component.
    pub precisions: Array3<f64>,
    /// ln det of each precision.
    log_det: Vec<f64>,
}

impl Mixture {
    /// Fits `k` components on the rows of `x` with linfa-clustering (its k-means start, its
    /// defaults: tolerance 1e-3, covariance regularisation 1e-6, at most 100 EM iterations),
    /// keeping the best of `starts` seeded starts.
    pub fn fit(
        x: ArrayView2<f64>,
        k: usize,
        starts: u64,
        seed: u64,
    ) -> Result<Mixture, SegmentError> {
        if k == 0 || k > x.nrows() {
            return Err(SegmentError::TooFewRows {
                rows: x.nrows(),
                wanted: format!("{k} mixture components"),
            });
        }
        let data = DatasetBase::from(x);
        let mut best: Option<(f64, Mixture)> = None;
        let mut last_error = String::new();
        for start in 0..starts.max(1) {
            let rng = ChaCha8Rng::seed_from_u64(seed.wrapping_add(start));
            let fitted = GaussianMixtureModel::params_with_rng(k, rng)
                .check()
                .map_err(|e| SegmentError::Invalid(e.to_string()))
                .and_then(|p| {
                    p.fit(&data)
                        .map_err(|e| SegmentError::Invalid(e.to_string()))
                });
            let model = match fitted {
                Ok(model) => model,
                Err(e) => {
                    last_error = e.to_string();
                    continue;
                }
            };
            let Some(mixture) = Mixture::from_parts(
                model.weights().clone(),
                model.means().clone(),
                model.precisions().clone(),
            ) else {
                continue;
            };
            let score = mixture.mean_log_likelihood(x);
            if best.as_ref().is_none_or(|(s, _)| score > *s) {
                best = Some((score, mixture));
            }
        }
        best.map(|(_, m)| m).ok_or(SegmentError::Invalid(format!(
            "the Gaussian mixture could not be fitted: {last_error}"
        )))
    }

    fn from_parts(
        weights: Array1<f64>,
        means: Array2<f64>,
        precisions: Array3<f64>,
    ) -> Option<Mixture> {
        let log_det = precisions
            .outer_iter()
            .map(|p| {
                let l = p.to_owned().cholesky().ok()?;
                Some(2.0 * l.diag().iter().map(|v| v.ln()).sum::<f64>())
            })
            .collect::<Option<Vec<f64>>>()?;
        Some(Mixture {
            weights,
            means,
            precisions,
            log_det,
        })
    }

    /// ln(weight × density) of every row under every component.
    fn weighted_log_density(&self, x: ArrayView2<f64>) -> Array2<f64> {
        let d = x.ncols() as f64;
        let constant = -0.5 * d * (2.0 * std::f64::consts::PI).ln();
        let mut out = Array2::zeros((x.nrows(), self.weights.len()));
        for (c, mean) in self.means.rows().into_iter().enumerate() {
            let diff = &x - &mean;
            let mahalanobis =
                (diff.dot(&self.precisions.index_axis(Axis(0), c)) * &diff).sum_axis(Axis(1));
            let base = self.weights[c].ln() + 0.5 * self.log_det[c] + constant;
            out.column_mut(c)
                .assign(&mahalanobis.mapv(|m| base - 0.5 * m));
        }
        out
    }

    /// The probability of each component for each row (rows sum to 1; computed in log space,
    /// so a row far from every centre still gets its nearest components).
    pub fn probabilities(&self, x: ArrayView2<f64>) -> Array2<f64> {
        let mut p = self.weighted_log_density(x);
        for mut row in p.rows_mut() {
            let top = row.fold(f64::NEG_INFINITY, |a, &b| a.max(b));
            row.mapv_inplace(|v| (v - top).exp());
            let sum = row.sum();
            row.mapv_inplace(|v| v / sum);
        }
        p
    }

    /// Mean log-likelihood of the rows (scikit-learn's `score`).
    pub fn mean_log_likelihood(&self, x: ArrayView2<f64>) -> f64 {
        let p = self.weighted_log_density(x);
        let total: f64 = p
            .rows()
            .into_iter()
            .map(|row| {
                let top = row.fold(f64::NEG_INFINITY, |a, &b| a.max(b));
                top + row.iter().map(|v| (v - top).exp()).sum::<f64>().ln()
            })
            .sum();
        total / x.nrows().max(1) as f64
    }
}

/// How likely each learner belongs to each segment.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Membership {
    /// One row per learner, one column per segment (rows sum to 1).
    pub probabilities: Array2<f32>,
    /// Share of learners whose most likely segment is the segment k-means put them in.
    pub agreement: f64,
}

impl Membership {
    /// The segments of learner `i` with their probability, most likely first, down to `min`.
    pub fn of(&self, i: usize, min: f32) -> Vec<(usize, f32)> {
        let mut list: Vec<(usize, f32)> = self
            .probabilities
            .row(i)
            .iter()
            .copied()
            .enumerate()
            .filter(|&(_, p)| p >= min)
            .collect();
        list.sort_by(|a, b| b.1.total_cmp(&a.1));
        list
    }
}

/// Fits a Gaussian mixture with one component per segment on the top principal components of
/// `matrix` (the rows `seg` was made from) and gives every row its probability per segment.
pub fn membership(
    matrix: ArrayView2<f64>,
    seg: &Segmentation,
    progress: &Progress,
) -> Result<Membership, SegmentError> {
    progress.set_stage(crate::lang::Text::new("软归属", "soft membership"));
    let k = seg.k;
    let components = COMPONENTS.min(matrix.ncols()).max(1);
    let pca = Pca::params(components)
        .fit(&DatasetBase::from(matrix))
        .map_err(|e| SegmentError::Invalid(e.to_string()))?;
    let reduced = pca.transform(&matrix);
    progress.check()?;
    let rows = sample_rows(reduced.nrows(), FIT_SAMPLE, 7);
    let fit_on = reduced.select(Axis(0), &rows);
    let mixture = Mixture::fit(fit_on.view(), k, STARTS, 42)?;
    progress.check()?;
    let p = mixture.probabilities(reduced.view());
    // Segment centres in the reduced space, then components matched to segments.
    let mut centres = Array2::<f64>::zeros((k, components));
    for (row, &label) in reduced.rows().into_iter().zip(&seg.labels) {
        let mut c = centres.row_mut(label);
        c += &row;
    }
    for (c, mut row) in centres.rows_mut().into_iter().enumerate() {
        row /= seg.sizes[c].max(1) as f64;
    }
    let cost = Array2::from_shape_fn((k, k), |(s, c)| {
        (&centres.row(s) - &mixture.means.row(c))
            .mapv(|v| v * v)
            .sum()
    });
    let component_of = assign(&cost);
    let probabilities =
        Array2::from_shape_fn((p.nrows(), k), |(i, s)| p[[i, component_of[s]]] as f32);
    let agreement = seg
        .labels
        .iter()
        .enumerate()
        .filter(|&(i, &label)| {
            let row = probabilities.row(i);
            row.iter().all(|&v| v <= row[label])
        })
        .count() as f64
        / seg.labels.len().max(1) as f64;
    progress.set(1.0);
    Ok(Membership {
        probabilities,
        agreement,
    })
}

/// The component for each segment minimising the total cost: every permutation up to 8
/// segments, cheapest pair first beyond.
fn assign(cost: &Array2<f64>) -> Vec<usize> {
    let k = cost.nrows();
    if k <= 8 {
        let mut best = (f64::INFINITY, (0..k).collect::<Vec<_>>());
        let mut perm: Vec<usize> = (0..k).collect();
        permutations(&mut perm, 0, &mut |p| {
            let total: f64 = p.iter().enumerate().map(|(s, &c)| cost[[s, c]]).sum();
            if total < best.0 {
                best = (total, p.to_vec());
            }
        });
        return best.1;
    }
    let mut pairs: Vec<(usize, usize)> = (0..k).flat_map(|s| (0..k).map(move |c| (s, c))).collect();
    pairs.sort_by(|a, b| cost[[a.0, a.1]].total_cmp(&cost[[b.0, b.1]]));
    let mut out = vec![usize::MAX; k];
    let mut taken = vec![false; k];
    for (s, c) in pairs {
        if out[s] == usize::MAX && !taken[c] {
            out[s] = c;
            taken[c] = true;
        }
    }
    out
}

fn permutations(p: &mut Vec<usize>, from: usize, visit: &mut impl FnMut(&[usize])) {
    if from == p.len() {
        visit(p);
        return;
    }
    for i in from..p.len() {
        p.swap(from, i);
        permutations(p, from + 1, visit);
        p.swap(from, i);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assignment_finds_the_cheapest_permutation() {
        let cost = ndarray::array![[5.0, 1.0, 9.0], [1.0, 2.0, 9.0], [9.0, 9.0, 0.0]];
        assert_eq!(assign(&cost), vec![1, 0, 2]);
    }

    #[test]
    fn probabilities_sum_to_one_even_far_from_every_centre() {
        let x = Array2::from_shape_fn((200, 2), |(i, j)| {
            ((i * 7 + j * 3) % 11) as f64 + if i < 100 { 0.0 } else { 30.0 }
        });
        let m = Mixture::fit(x.view(), 2, 2, 1).unwrap();
        let far = ndarray::array![[1e4, -1e4]];
        let p = m.probabilities(far.view());
        assert!((p.row(0).sum() - 1.0).abs() < 1e-12, "{p:?}");
        assert!(p.iter().all(|v| v.is_finite()));
    }
}
