//! Alternating least squares for implicit feedback (Hu, Koren & Volinsky 2008): preference 1
//! for every observed pair with confidence `1 + α·r`, solved a few conjugate-gradient steps per
//! row and sweep (Takács et al. 2011), as the `implicit` library does.

use super::params::{AlsParams, Params, typed};
use super::reason::{Reason, history_reasons};
use super::recommender::{Family, FitInput, Knob, ModelSpec, Recommender};
use crate::jobs::{Cancelled, Progress};
use crate::lang::Text;
use crate::math::Csr;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

/// Conjugate-gradient steps per row and sweep.
const CG_STEPS: usize = 3;

/// A fitted ALS model: learner and course factors, row-major.
#[derive(Debug, Clone)]
pub struct Als {
    /// Settings it was fitted with.
    pub params: AlsParams,
    users: Vec<f32>,
    items: Vec<f32>,
    /// `YᵀY + λI` of the final course factors, for explanations.
    yty: Vec<f64>,
}

/// Dot product in eight independent lanes, so the compiler can vectorise it.
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut lanes = [0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ca.zip(cb) {
        for ((acc, xv), yv) in lanes.iter_mut().zip(x).zip(y) {
            *acc += xv * yv;
        }
    }
    lanes.iter().sum::<f32>() + tail
}

fn axpy(y: &mut [f32], a: f32, x: &[f32]) {
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi += a * xi;
    }
}

/// `YᵀY + reg·I` (f × f, row-major) of a row-major factor matrix.
fn gram(y: &[f32], f: usize, reg: f32) -> Vec<f32> {
    let mut g = y
        .par_chunks(f * 256)
        .map(|block| {
            let mut g = vec![0f32; f * f];
            for row in block.chunks(f) {
                for (a, &ra) in row.iter().enumerate() {
                    axpy(&mut g[a * f..(a + 1) * f], ra, row);
                }
            }
            g
        })
        .reduce(
            || vec![0f32; f * f],
            |mut a, b| {
                axpy(&mut a, 1.0, &b);
                a
            },
        );
    for a in 0..f {
        g[a * f + a] += reg;
    }
    g
}

fn mat_vec(m: &[f32], f: usize, x: &[f32], out: &mut [f32]) {
    for (o, row) in out.iter_mut().zip(m.chunks(f)) {
        *o = dot(row, x);
    }
}

/// Updates every row of `x` given the fixed factors `y` and the confidences in `rows`.
fn sweep(x: &mut [f32], y: &[f32], rows: &Csr, f: usize, reg: f32, alpha: f32) {
    let yty = gram(y, f, reg);
    x.par_chunks_mut(f).enumerate().for_each_init(
        || (vec![0f32; f], vec![0f32; f], vec![0f32; f]),
        |(r, p, ap), (u, xu)| {
            let (items, ws) = rows.row(u);
            mat_vec(&yty, f, xu, r);
            r.iter_mut().for_each(|v| *v = -*v);
            for (&i, &w) in items.iter().zip(ws) {
                let c = 1.0 + alpha * w;
                let yi = &y[i as usize * f..(i as usize + 1) * f];
                axpy(r, c - (c - 1.0) * dot(yi, xu), yi);
            }
            p.copy_from_slice(r);
            let mut rs_old = dot(r, r);
            for _ in 0..CG_STEPS {
                if rs_old < 1e-20 {
                    break;
                }
                mat_vec(&yty, f, p, ap);
                for (&i, &w) in items.iter().zip(ws) {
                    let c = 1.0 + alpha * w;
                    let yi = &y[i as usize * f..(i as usize + 1) * f];
                    axpy(ap, (c - 1.0) * dot(yi, p), yi);
                }
                let step = rs_old / dot(p, ap);
                axpy(xu, step, p);
                axpy(r, -step, ap);
                let rs_new = dot(r, r);
                for (pv, rv) in p.iter_mut().zip(r.iter()) {
                    *pv = rv + rs_new / rs_old * *pv;
                }
                rs_old = rs_new;
            }
        },
    );
}

impl Als {
    /// Fits on the training matrix (learners × courses, weights r).
    pub fn fit(train: &Csr, params: AlsParams, progress: &Progress) -> Result<Als, Cancelled> {
        let f = params.factors.max(1);
        let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
        let mut init =
            |n: usize| -> Vec<f32> { (0..n * f).map(|_| rng.r#gen::<f32>() * 0.01).collect() };
        let mut users = init(train.n_rows());
        let mut items = init(train.n_cols);
        let by_item = train.transpose();
        for it in 0..params.iterations {
            progress.check()?;
            progress.set(it as f32 / params.iterations.max(1) as f32);
            sweep(&mut users, &items, train, f, params.reg, params.alpha);
            sweep(&mut items, &users, &by_item, f, params.reg, params.alpha);
        }
        let yty: Vec<f64> = gram(&items, f, params.reg)
            .into_iter()
            .map(f64::from)
            .collect();
        // The last step solves every learner's system exactly (the CG sweeps only approach
        // it), so a served score is exactly the sum of its explanation's parts.
        progress.check()?;
        users.par_chunks_mut(f).enumerate().for_each(|(u, xu)| {
            let w = learner_system(&items, &yty, f, params.alpha, train.row(u));
            let (rows, ws) = train.row(u);
            let mut b = vec![0f64; f];
            for (&i, &r) in rows.iter().zip(ws) {
                let c = 1.0 + f64::from(params.alpha * r);
                for (bv, &y) in b
                    .iter_mut()
                    .zip(&items[i as usize * f..(i as usize + 1) * f])
                {
                    *bv += c * f64::from(y);
                }
            }
            for (x, z) in xu.iter_mut().zip(cholesky_solve(&w, f, &b)) {
                *x = z as f32;
            }
        });
        progress.set(1.0);
        Ok(Als {
            params: AlsParams {
                factors: f,
                ..params
            },
            users,
            items,
            yty,
        })
    }

    fn f(&self) -> usize {
        self.params.factors
    }

    fn item(&self, i: usize) -> &[f32] {
        &self.items[i * self.f()..(i + 1) * self.f()]
    }

    /// Scores of learner `u`: the dot product of their factors with every course's.
    pub fn score(&self, u: usize, out: &mut [f32]) {
        let xu = &self.users[u * self.f()..(u + 1) * self.f()];
        for (j, o) in out.iter_mut().enumerate() {
            *o = dot(xu, self.item(j));
        }
    }

    /// How much each of the learner's items adds to each target's score, largest first,
    /// factorising the learner's `W` once. With `W = YᵀCᵤY + λI` the learner's factors solve
    /// `W x = Σ cᵢ yᵢ` (exactly: see [`Als::fit`]), so `score_j = Σᵢ cᵢ · yⱼᵀ W⁻¹ yᵢ` splits
    /// over the past items `i` (the explanation of Hu et al., section 5).
    pub fn contributions_many(
        &self,
        train: &Csr,
        u: usize,
        targets: &[u32],
    ) -> Vec<Vec<(u32, f32)>> {
        self.parts(train, u, targets)
            .into_iter()
            .map(|mut c| {
                c.retain(|(_, s)| *s > 0.0);
                c.sort_by(|a, b| b.1.total_cmp(&a.1));
                c
            })
            .collect()
    }

    /// Every past item's signed part of each target's score (they sum to the score).
    fn parts(&self, train: &Csr, u: usize, targets: &[u32]) -> Vec<Vec<(u32, f32)>> {
        let f = self.f();
        let (items, ws) = train.row(u);
        let w = learner_system(&self.items, &self.yty, f, self.params.alpha, (items, ws));
        targets
            .iter()
            .map(|&j| {
                let yj: Vec<f64> = self
                    .item(j as usize)
                    .iter()
                    .map(|&v| f64::from(v))
                    .collect();
                let z = cholesky_solve(&w, f, &yj);
                items
                    .iter()
                    .zip(ws)
                    .map(|(&i, &r)| {
                        let yi = self.item(i as usize);
                        let s: f64 = yi.iter().zip(&z).map(|(a, b)| f64::from(*a) * b).sum();
                        (i, ((1.0 + f64::from(self.params.alpha * r)) * s) as f32)
                    })
                    .collect()
            })
            .collect()
    }
}

/// The Cholesky factor of learner `u`'s system `W = YᵀY + λI + Σᵢ α rᵤᵢ yᵢyᵢᵀ`, given
/// `YᵀY + λI` (f64) and the learner's row of the training matrix.
fn learner_system(
    items: &[f32],
    yty: &[f64],
    f: usize,
    alpha: f32,
    row: (&[u32], &[f32]),
) -> Vec<f64> {
    let mut w = yty.to_vec();
    // Only the lower triangle: the factorisation reads nothing else.
    for (&i, &r) in row.0.iter().zip(row.1) {
        let c = f64::from(alpha * r);
        let yi = &items[i as usize * f..(i as usize + 1) * f];
        for (a, wrow) in w.chunks_mut(f).enumerate() {
            let ca = c * f64::from(yi[a]);
            for (cell, &yb) in wrow[..=a].iter_mut().zip(yi) {
                *cell += ca * f64::from(yb);
            }
        }
    }
    cholesky_in_place(&mut w, f);
    w
}

/// Overwrites the lower triangle of a symmetric positive definite `a` (n × n, row-major) with
/// its Cholesky factor, reading only the lower triangle.
fn cholesky_in_place(a: &mut [f64], n: usize) {
    for j in 0..n {
        let mut d = a[j * n + j];
        for k in 0..j {
            d -= a[j * n + k] * a[j * n + k];
        }
        let d = d.max(1e-12).sqrt();
        a[j * n + j] = d;
        for i in j + 1..n {
            let mut s = a[i * n + j];
            for k in 0..j {
                s -= a[i * n + k] * a[j * n + k];
            }
            a[i * n + j] = s / d;
        }
    }
}

/// Solves `L Lᵀ z = b` with the factor from [`cholesky_in_place`].
fn cholesky_solve(l: &[f64], n: usize, b: &[f64]) -> Vec<f64> {
    let mut z = b.to_vec();
    for i in 0..n {
        for k in 0..i {
            z[i] -= l[i * n + k] * z[k];
        }
        z[i] /= l[i * n + i];
    }
    for i in (0..n).rev() {
        for k in i + 1..n {
            z[i] -= l[k * n + i] * z[k];
        }
        z[i] /= l[i * n + i];
    }
    z
}

impl Recommender for Als {
    fn score(&self, _: &Csr, u: usize, out: &mut [f32]) {
        Als::score(self, u, out);
    }

    fn reasons(&self, train: &Csr, u: usize, items: &[u32], owned: &[u32]) -> Vec<Reason> {
        history_reasons(self.contributions_many(train, u, items), items, owned)
    }
}

/// Matrix factorisation for implicit feedback.
pub const ALS: ModelSpec = ModelSpec {
    name: "als",
    family: Family::Taste,
    load: None,
    label: Text::new("矩阵分解 ALS", "ALS"),
    about: Text::new(
        "隐式反馈矩阵分解（Hu、Koren、Volinsky 2008）：置信度 1 + α·强度。",
        "Implicit-feedback matrix factorisation (Hu, Koren & Volinsky 2008): confidence 1 + α·strength.",
    ),
    knobs: &[
        Knob {
            label: Text::new("因子数", "Factors"),
            min: 2.0,
            max: 256.0,
            whole: true,
            get: |p| p.als.factors as f64,
            set: |p, v| p.als.factors = v as usize,
        },
        Knob {
            label: Text::new("正则化", "Regularisation"),
            min: 0.0,
            max: 1000.0,
            whole: false,
            get: |p| f64::from(p.als.reg),
            set: |p, v| p.als.reg = v as f32,
        },
        Knob {
            label: Text::new("迭代次数", "Iterations"),
            min: 1.0,
            max: 100.0,
            whole: true,
            get: |p| p.als.iterations as f64,
            set: |p, v| p.als.iterations = v as usize,
        },
        Knob {
            label: Text::new("置信度 α", "Confidence α"),
            min: 0.0,
            max: 100.0,
            whole: false,
            get: |p| f64::from(p.als.alpha),
            set: |p, v| p.als.alpha = v as f32,
        },
    ],
    fit: |input: &FitInput<'_>, progress: &Progress| {
        Ok(Box::new(Als::fit(input.train, input.params.als, progress)?))
    },
    settings: |p: &Params| {
        serde_json::json!({"factors": p.als.factors, "reg": typed(p.als.reg),
            "iterations": p.als.iterations, "alpha": typed(p.als.alpha)})
    },
    grid: |base: &Params| {
        let mut out = Vec::new();
        for factors in [32, 64] {
            for reg in [0.05, 5.0, 20.0, 50.0] {
                for alpha in [1.0, 5.0] {
                    let mut p = *base;
                    p.als.factors = factors;
                    p.als.reg = reg;
                    p.als.alpha = alpha;
                    out.push(p);
                }
            }
        }
        out
    },
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cholesky_solve_matches_a_known_system() {
        // [[4,2],[2,3]] z = [2,1] → z = [0.5, 0].
        let mut a = vec![4.0, 2.0, 2.0, 3.0];
        cholesky_in_place(&mut a, 2);
        let z = cholesky_solve(&a, 2, &[2.0, 1.0]);
        assert!((z[0] - 0.5).abs() < 1e-12 && z[1].abs() < 1e-12, "{z:?}");
    }

    #[test]
    fn explanation_adds_up_to_the_served_score() {
        // Two taste groups, fitted as production fits (no extra sweep): the per-item parts
        // of every course's score sum to the score the model serves.
        let mut entries = Vec::new();
        for u in 0..60u32 {
            let base = if u % 2 == 0 { 0 } else { 6 };
            for k in 0..5 {
                entries.push((u, base + (u + k) % 7, 1.0 + (k % 3) as f32));
            }
        }
        let train = Csr::from_entries(60, 13, entries);
        let params = AlsParams {
            factors: 8,
            iterations: 4,
            ..AlsParams::default()
        };
        let als = Als::fit(&train, params, &Progress::default()).expect("not cancelled");
        let targets: Vec<u32> = (0..13).collect();
        let mut scores = vec![0f32; 13];
        for u in [0, 1, 17, 58] {
            als.score(u, &mut scores);
            let parts = als.parts(&train, u, &targets);
            for j in 0..13usize {
                let total: f32 = parts[j].iter().map(|c| c.1).sum();
                let tol = 1e-4 * scores[j].abs().max(1e-3);
                assert!(
                    (total - scores[j]).abs() < tol,
                    "learner {u}, course {j}: parts {total} vs served {}",
                    scores[j]
                );
            }
        }
        assert!(!als.contributions_many(&train, 0, &[2])[0].is_empty());
    }
}
