//! L2-regularised logistic regression on sparse rows, fitted by L-BFGS with parallel
//! gradients. The objective is scikit-learn's: `C · Σ log-loss + ½‖w‖²` (intercept not
//! penalised), here divided by `C·n` so tolerances do not depend on the number of rows.

use crate::jobs::{Cancelled, Progress};
use crate::math::Csr;
use rayon::prelude::*;

/// A fitted logistic regression.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Logistic {
    /// One weight per column.
    pub weights: Vec<f64>,
    /// Intercept.
    pub intercept: f64,
    /// Inverse regularisation strength (scikit-learn's `C`).
    pub c: f64,
    /// L-BFGS iterations used.
    pub iterations: usize,
}

/// Solver settings.
#[derive(Debug, Clone, Copy)]
pub struct Lbfgs {
    /// Iteration limit.
    pub max_iter: usize,
    /// Stop when the largest gradient component (of the normalised objective) is below this;
    /// 1e-4 is scikit-learn's default `tol` on the same objective.
    pub gtol: f64,
    /// Pairs of history kept.
    pub memory: usize,
}

impl Default for Lbfgs {
    fn default() -> Self {
        Lbfgs {
            max_iter: 500,
            gtol: 1e-4,
            memory: 10,
        }
    }
}

/// `ln(1 + eᵗ)` without overflow.
fn softplus(t: f64) -> f64 {
    t.max(0.0) + (-t.abs()).exp().ln_1p()
}

/// The logistic function.
pub fn sigmoid(t: f64) -> f64 {
    if t >= 0.0 {
        1.0 / (1.0 + (-t).exp())
    } else {
        let e = t.exp();
        e / (1.0 + e)
    }
}

/// `w·x + b` of one sparse row.
pub fn margin(weights: &[f64], intercept: f64, cols: &[u32], vals: &[f32]) -> f64 {
    intercept
        + cols
            .iter()
            .zip(vals)
            .map(|(&j, &v)| weights[j as usize] * f64::from(v))
            .sum::<f64>()
}

/// The smallest range of rows worth its own gradient accumulator.
const MIN_CHUNK: usize = 4_096;

/// What a fit works on: some rows of a sparse matrix (without copying them), labels indexed
/// by row of the matrix, and each column's place among the columns those rows use (hashed
/// crosses leave most columns unused; only the used ones are optimised).
struct Problem<'a> {
    x: &'a Csr,
    rows: &'a [usize],
    y: &'a [f32],
    /// Column → its place among the used columns (`u32::MAX`: unused).
    position: Vec<u32>,
    /// The used columns, in place order.
    used: Vec<u32>,
}

impl<'a> Problem<'a> {
    fn new(x: &'a Csr, rows: &'a [usize], y: &'a [f32]) -> Problem<'a> {
        let mut seen = vec![false; x.n_cols];
        for &r in rows {
            for &j in x.row(r).0 {
                seen[j as usize] = true;
            }
        }
        let used: Vec<u32> = (0..x.n_cols as u32).filter(|&j| seen[j as usize]).collect();
        let mut position = vec![u32::MAX; x.n_cols];
        for (k, &j) in used.iter().enumerate() {
            position[j as usize] = k as u32;
        }
        Problem {
            x,
            rows,
            y,
            position,
            used,
        }
    }
}

/// Normalised objective and its gradient at `theta = [w, b]` (w over the used columns).
fn objective(p: &Problem, c: f64, theta: &[f64], grad: &mut [f64]) -> f64 {
    let d = p.used.len();
    let n = p.rows.len().max(1) as f64;
    let (w, b) = (&theta[..d], theta[d]);
    // A few contiguous ranges per thread, each with one dense gradient accumulator.
    let size = p
        .rows
        .len()
        .div_ceil(rayon::current_num_threads() * 2)
        .max(MIN_CHUNK);
    let (loss, g) = p
        .rows
        .par_chunks(size)
        .fold(
            || (0.0f64, vec![0f64; d + 1]),
            |(mut loss, mut g), chunk| {
                for &r in chunk {
                    let (cols, vals) = p.x.row(r);
                    let z = b + cols
                        .iter()
                        .zip(vals)
                        .map(|(&j, &v)| w[p.position[j as usize] as usize] * f64::from(v))
                        .sum::<f64>();
                    let yr = f64::from(p.y[r]);
                    loss += if yr > 0.5 { softplus(-z) } else { softplus(z) };
                    let resid = sigmoid(z) - yr;
                    for (&j, &v) in cols.iter().zip(vals) {
                        g[p.position[j as usize] as usize] += resid * f64::from(v);
                    }
                    g[d] += resid;
                }
                (loss, g)
            },
        )
        .reduce(
            || (0.0, vec![0f64; d + 1]),
            |(la, mut ga), (lb, gb)| {
                for (a, b) in ga.iter_mut().zip(&gb) {
                    *a += b;
                }
                (la + lb, ga)
            },
        );
    let reg = 1.0 / (c * n);
    let mut penalty = 0.0;
    for j in 0..d {
        grad[j] = g[j] / n + reg * w[j];
        penalty += w[j] * w[j];
    }
    grad[d] = g[d] / n;
    loss / n + 0.5 * reg * penalty
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Fits by L-BFGS with a backtracking (Armijo) line search, on every row of `x` (`y` has one
/// label per row). Only the columns that occur are optimised; the others stay 0.
pub fn fit(
    x: &Csr,
    y: &[f32],
    c: f64,
    opts: Lbfgs,
    progress: &Progress,
) -> Result<Logistic, Cancelled> {
    let all: Vec<usize> = (0..x.n_rows()).collect();
    fit_rows(x, &all, y, c, opts, None, progress)
}

/// [`fit`] on `rows` of `x` only, read in place (no copy of the matrix); `y` holds a label
/// for every row of `x` and only those of `rows` are read. With `start`, the iterations begin
/// at that model (a warm start along a path of C, which converges in far fewer steps).
pub fn fit_rows(
    x: &Csr,
    rows: &[usize],
    y: &[f32],
    c: f64,
    opts: Lbfgs,
    start: Option<&Logistic>,
    progress: &Progress,
) -> Result<Logistic, Cancelled> {
    let problem = Problem::new(x, rows, y);
    let theta = start.map(|m| {
        let mut t: Vec<f64> = problem
            .used
            .iter()
            .map(|&j| m.weights[j as usize])
            .collect();
        t.push(m.intercept);
        t
    });
    let fitted = fit_dense(&problem, c, opts, theta, progress)?;
    let mut weights = vec![0f64; x.n_cols];
    for (&j, &w) in problem.used.iter().zip(&fitted.weights) {
        weights[j as usize] = w;
    }
    Ok(Logistic { weights, ..fitted })
}

/// The L-BFGS iterations on the used columns of a problem.
fn fit_dense(
    p: &Problem,
    c: f64,
    opts: Lbfgs,
    start: Option<Vec<f64>>,
    progress: &Progress,
) -> Result<Logistic, Cancelled> {
    let d = p.used.len();
    let mut theta = start.unwrap_or_else(|| {
        // Start the intercept at the base rate's log-odds.
        let positives: f64 = p.rows.iter().map(|&r| f64::from(p.y[r])).sum();
        let rate = (positives / p.rows.len().max(1) as f64).clamp(1e-6, 1.0 - 1e-6);
        let mut theta = vec![0f64; d + 1];
        theta[d] = (rate / (1.0 - rate)).ln();
        theta
    });
    let mut grad = vec![0f64; d + 1];
    let mut f = objective(p, c, &theta, &mut grad);
    let mut history: Vec<(Vec<f64>, Vec<f64>, f64)> = Vec::new();
    let mut iterations = 0;
    let mut new_grad = vec![0f64; d + 1];
    for it in 0..opts.max_iter {
        progress.check()?;
        let gmax = grad.iter().fold(0.0f64, |m, g| m.max(g.abs()));
        progress.set((it as f32 / opts.max_iter as f32).min(0.99));
        if gmax < opts.gtol {
            break;
        }
        iterations = it + 1;
        // Two-loop recursion: direction = −H·g.
        let mut q = grad.clone();
        let mut alphas = Vec::with_capacity(history.len());
        for (s, yv, rho) in history.iter().rev() {
            let a = rho * dot(s, &q);
            for (qi, yi) in q.iter_mut().zip(yv) {
                *qi -= a * yi;
            }
            alphas.push(a);
        }
        let gamma = history
            .last()
            .map_or(1.0 / dot(&grad, &grad).sqrt().max(1e-12), |(s, yv, _)| {
                dot(s, yv) / dot(yv, yv)
            });
        for qi in q.iter_mut() {
            *qi *= gamma;
        }
        for ((s, yv, rho), a) in history.iter().zip(alphas.iter().rev()) {
            let b = rho * dot(yv, &q);
            for (qi, si) in q.iter_mut().zip(s) {
                *qi += (a - b) * si;
            }
        }
        let dir: Vec<f64> = q.iter().map(|v| -v).collect();
        let slope = dot(&grad, &dir);
        if slope >= 0.0 {
            history.clear();
            continue;
        }
        let mut step = 1.0;
        let mut trial = theta.clone();
        let mut f_new;
        loop {
            for ((t, th), di) in trial.iter_mut().zip(&theta).zip(&dir) {
                *t = th + step * di;
            }
            f_new = objective(p, c, &trial, &mut new_grad);
            if f_new <= f + 1e-4 * step * slope || step < 1e-12 {
                break;
            }
            step *= 0.5;
        }
        let s: Vec<f64> = trial.iter().zip(&theta).map(|(a, b)| a - b).collect();
        let yv: Vec<f64> = new_grad.iter().zip(&grad).map(|(a, b)| a - b).collect();
        let sy = dot(&s, &yv);
        if sy > 1e-16 {
            if history.len() == opts.memory {
                history.remove(0);
            }
            history.push((s, yv, 1.0 / sy));
        }
        let improvement = f - f_new;
        theta = trial;
        std::mem::swap(&mut grad, &mut new_grad);
        f = f_new;
        if improvement.abs() < 1e-15 * f.abs().max(1.0) && step < 1e-10 {
            break;
        }
    }
    progress.set(1.0);
    let intercept = theta.pop().unwrap_or(0.0);
    Ok(Logistic {
        weights: theta,
        intercept,
        c,
        iterations,
    })
}

impl Logistic {
    /// P(y = 1) of one row.
    pub fn predict_row(&self, cols: &[u32], vals: &[f32]) -> f64 {
        sigmoid(margin(&self.weights, self.intercept, cols, vals))
    }

    /// P(y = 1) of every row, in parallel.
    pub fn predict(&self, x: &Csr) -> Vec<f64> {
        (0..x.n_rows())
            .into_par_iter()
            .map(|r| {
                let (c, v) = x.row(r);
                self.predict_row(c, v)
            })
            .collect()
    }

    /// P(y = 1) of `rows` of `x`, in their order.
    pub fn predict_rows(&self, x: &Csr, rows: &[usize]) -> Vec<f64> {
        rows.par_iter()
            .map(|&r| {
                let (c, v) = x.row(r);
                self.predict_row(c, v)
            })
            .collect()
    }
}
