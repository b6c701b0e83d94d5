//! A factorization machine (Rendle 2010): the logistic model plus pairwise interactions
//! `Σ_{i<j} ⟨v_i, v_j⟩ x_i x_j` learned through `k` factors per column, so crosses the
//! hashing trick does not spell out are learned too. Fitted by SGD with AdaGrad steps, warm
//! started from the logistic regression, with early stopping on a validation slice.

use super::logistic::{Logistic, sigmoid};
use crate::jobs::{Cancelled, Progress};
use crate::math::Csr;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// FM settings.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct FmParams {
    /// Factors per column.
    pub factors: usize,
    /// Passes over the training rows at most.
    pub epochs: usize,
    /// AdaGrad base step.
    pub learning_rate: f64,
    /// L2 penalty on the factors (per update).
    pub reg: f64,
    /// Seed of the factor start and the row order.
    pub seed: u64,
}

impl Default for FmParams {
    fn default() -> Self {
        FmParams {
            factors: 8,
            epochs: 8,
            learning_rate: 0.05,
            reg: 1e-4,
            seed: 42,
        }
    }
}

/// A fitted factorization machine.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Fm {
    /// Linear weights.
    pub weights: Vec<f64>,
    /// Intercept.
    pub intercept: f64,
    /// Factors, row-major (columns × k).
    pub factors: Vec<f32>,
    /// k.
    pub k: usize,
    /// Epochs run.
    pub epochs: usize,
}

impl Fm {
    fn margin(&self, cols: &[u32], vals: &[f32], sums: &mut [f64]) -> f64 {
        let k = self.k;
        let mut z = self.intercept;
        sums.fill(0.0);
        let mut squares = 0.0;
        for (&j, &v) in cols.iter().zip(vals) {
            let v = f64::from(v);
            z += self.weights[j as usize] * v;
            let vj = &self.factors[j as usize * k..(j as usize + 1) * k];
            for (s, &f) in sums.iter_mut().zip(vj) {
                let t = f64::from(f) * v;
                *s += t;
                squares += t * t;
            }
        }
        z + 0.5 * (sums.iter().map(|s| s * s).sum::<f64>() - squares)
    }

    /// P(y = 1) of one row.
    pub fn predict_row(&self, cols: &[u32], vals: &[f32]) -> f64 {
        let mut sums = vec![0f64; self.k];
        sigmoid(self.margin(cols, vals, &mut sums))
    }

    /// P(y = 1) of every row.
    pub fn predict(&self, x: &Csr) -> Vec<f64> {
        let all: Vec<usize> = (0..x.n_rows()).collect();
        self.predict_rows(x, &all)
    }

    /// P(y = 1) of `rows` of `x`, in their order.
    pub fn predict_rows(&self, x: &Csr, rows: &[usize]) -> Vec<f64> {
        use rayon::prelude::*;
        rows.par_iter()
            .map_init(
                || vec![0f64; self.k],
                |sums, &r| {
                    let (c, v) = x.row(r);
                    sigmoid(self.margin(c, v, sums))
                },
            )
            .collect()
    }
}

/// The linear part starts at the logistic regression's optimum, so it moves at a tenth of
/// the factors' step.
const LINEAR_STEP: f64 = 0.1;

fn log_loss(p: f64, y: f32) -> f64 {
    let p = p.clamp(1e-12, 1.0 - 1e-12);
    if y > 0.5 { -p.ln() } else { -(1.0 - p).ln() }
}

/// Fits on `rows` of `x` (the last 10% of them, in the given order, are held back to stop
/// early), starting from the logistic regression `start`.
pub fn fit(
    x: &Csr,
    y: &[f32],
    rows: &[usize],
    start: &Logistic,
    params: FmParams,
    progress: &Progress,
) -> Result<Fm, Cancelled> {
    let k = params.factors.max(1);
    let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
    let mut fm = Fm {
        weights: start.weights.clone(),
        intercept: start.intercept,
        factors: (0..x.n_cols * k)
            .map(|_| (rng.r#gen::<f32>() - 0.5) * 0.02)
            .collect(),
        k,
        epochs: 0,
    };
    let cut = rows.len() - rows.len() / 10;
    let (fit_rows, valid_rows) = rows.split_at(cut);
    let mut order = fit_rows.to_vec();
    let mut g2_w = vec![1e-8f64; x.n_cols];
    let mut g2_v = vec![1e-8f32; x.n_cols * k];
    let mut g2_b = 1e-8f64;
    let mut sums = vec![0f64; k];
    let valid_loss = |fm: &Fm, sums: &mut [f64]| -> f64 {
        valid_rows
            .iter()
            .map(|&r| {
                let (c, v) = x.row(r);
                log_loss(sigmoid(fm.margin(c, v, sums)), y[r])
            })
            .sum::<f64>()
            / valid_rows.len().max(1) as f64
    };
    // The start is the logistic regression, fitted on these validation rows too, so it is not
    // a fair rival here: keep the best epoch (the test set decides between the two models).
    let mut best: Option<(f64, Fm)> = None;
    let lr = params.learning_rate;
    for epoch in 0..params.epochs {
        order.shuffle(&mut rng);
        for (n, &r) in order.iter().enumerate() {
            if n % 65_536 == 0 {
                progress.check()?;
                progress.set(
                    (epoch as f32 + n as f32 / order.len().max(1) as f32) / params.epochs as f32,
                );
            }
            let (cols, vals) = x.row(r);
            let z = fm.margin(cols, vals, &mut sums);
            let g = sigmoid(z) - f64::from(y[r]);
            g2_b += g * g;
            fm.intercept -= LINEAR_STEP * lr * g / g2_b.sqrt();
            for (&j, &v) in cols.iter().zip(vals) {
                let j = j as usize;
                let v = f64::from(v);
                let gw = g * v;
                g2_w[j] += gw * gw;
                fm.weights[j] -= LINEAR_STEP * lr * gw / g2_w[j].sqrt();
                for f in 0..k {
                    let vf = f64::from(fm.factors[j * k + f]);
                    let gv = g * v * (sums[f] - vf * v) + params.reg * vf;
                    g2_v[j * k + f] += (gv * gv) as f32;
                    fm.factors[j * k + f] -= (lr * gv / f64::from(g2_v[j * k + f]).sqrt()) as f32;
                }
            }
        }
        fm.epochs = epoch + 1;
        let loss = valid_loss(&fm, &mut sums);
        match &best {
            Some((b, _)) if loss >= *b => break,
            _ => best = Some((loss, fm.clone())),
        }
    }
    progress.set(1.0);
    Ok(best.map_or(fm, |b| b.1))
}
