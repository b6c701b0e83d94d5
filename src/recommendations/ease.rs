//! EASE (Steck 2019, "Embarrassingly Shallow Autoencoders for Sparse Data"): the item-item
//! weights `B = I − P·diag(1/diag P)` with `P = (XᵀX + λI)⁻¹`, so `B` has a zero diagonal.

use super::params::{Params, typed};
use super::reason::{Reason, item_history_reasons};
use super::recommender::{Family, FitInput, Knob, ModelSpec, Recommender};
use crate::jobs::{Cancelled, Progress};
use crate::lang::Text;
use crate::math::Csr;
use crate::math::spd_inverse;
use ndarray::Array2;
use rayon::prelude::*;

/// The largest catalogue EASE accepts: its item × item matrices take 8·n² bytes each and the
/// inverse O(n³) time (8,000 courses: 0.5 GB and about a minute).
pub const MAX_ITEMS: usize = 8_000;

/// A fitted EASE model.
#[derive(Debug, Clone)]
pub struct Ease {
    /// Regularisation λ.
    pub lambda: f32,
    n: usize,
    weights: Vec<f32>,
}

/// `XᵀX` of a learners × courses matrix, dense, one course row per task.
fn gram(train: &Csr, progress: &Progress) -> Result<Array2<f64>, Cancelled> {
    let n = train.n_cols;
    let by_item = train.transpose();
    let mut g = Array2::<f64>::zeros((n, n));
    let rows: Vec<_> = g.outer_iter_mut().collect();
    rows.into_par_iter()
        .enumerate()
        .try_for_each(|(i, mut row)| {
            if i % 64 == 0 {
                progress.check()?;
            }
            let (users, ws) = by_item.row(i);
            for (&u, &w) in users.iter().zip(ws) {
                let (items, iws) = train.row(u as usize);
                for (&j, &jw) in items.iter().zip(iws) {
                    row[j as usize] += f64::from(w) * f64::from(jw);
                }
            }
            Ok(())
        })?;
    Ok(g)
}

impl Ease {
    /// Fits on the training matrix; refuses catalogues above [`MAX_ITEMS`].
    pub fn fit(train: &Csr, lambda: f32, progress: &Progress) -> crate::error::Result<Ease> {
        let n = train.n_cols;
        if n > MAX_ITEMS {
            return Err(crate::error::Error::input(
                format!(
                    "EASE 需要一个 {n} × {n} 的稠密课程矩阵；超过 {MAX_ITEMS} 门课程的目录不予处理（请改用 ALS 或 item-kNN）"
                ),
                format!(
                    "EASE needs a dense {n} × {n} course matrix; catalogues above {MAX_ITEMS} courses are refused (use ALS or item-kNN)"
                ),
            ));
        }
        progress.set_stage(crate::lang::Text::new(
            "EASE：课程共现",
            "EASE: course co-occurrence",
        ));
        let mut g = gram(train, progress)?;
        for i in 0..n {
            g[[i, i]] += f64::from(lambda);
        }
        progress.set(0.3);
        progress.check()?;
        progress.set_stage(crate::lang::Text::new("EASE：求逆", "EASE: inverse"));
        let p = spd_inverse(&g);
        progress.set(0.9);
        let mut weights = vec![0f32; n * n];
        for i in 0..n {
            for j in 0..n {
                if i != j {
                    weights[i * n + j] = (-p[[i, j]] / p[[j, j]]) as f32;
                }
            }
        }
        progress.set(1.0);
        Ok(Ease { lambda, n, weights })
    }

    /// Scores of one learner: `x_u · B`.
    pub fn score(&self, items: &[u32], ws: &[f32], out: &mut [f32]) {
        out.fill(0.0);
        for (&i, &r) in items.iter().zip(ws) {
            let row = &self.weights[i as usize * self.n..(i as usize + 1) * self.n];
            for (o, b) in out.iter_mut().zip(row) {
                *o += r * b;
            }
        }
    }

    /// Each past item's part `x_ui · B_ij` of item `j`'s score, largest first.
    pub fn contributions(&self, items: &[u32], ws: &[f32], j: u32) -> Vec<(u32, f32)> {
        let mut c: Vec<(u32, f32)> = items
            .iter()
            .zip(ws)
            .map(|(&i, &r)| (i, r * self.weights[i as usize * self.n + j as usize]))
            .filter(|(_, s)| *s > 0.0)
            .collect();
        c.sort_by(|a, b| b.1.total_cmp(&a.1));
        c
    }
}

impl Recommender for Ease {
    fn score(&self, train: &Csr, u: usize, out: &mut [f32]) {
        let (items, ws) = train.row(u);
        Ease::score(self, items, ws, out);
    }

    fn reasons(&self, train: &Csr, u: usize, items: &[u32], owned: &[u32]) -> Vec<Reason> {
        item_history_reasons(train, u, items, owned, |mine, ws, j| {
            self.contributions(mine, ws, j)
        })
    }
}

/// Closed-form item-item autoencoder.
pub const EASE: ModelSpec = ModelSpec {
    name: "ease",
    family: Family::Taste,
    load: None,
    label: Text::new("EASE 自编码", "EASE"),
    about: Text::new(
        "闭式解的课程-课程模型（Steck 2019）：对课程共现矩阵做一次正则化求逆。适合数千门以内的课程目录。",
        "Closed-form item-item model (Steck 2019): one regularised inverse of the course co-occurrence matrix. Strong on catalogues up to a few thousand courses.",
    ),
    knobs: &[Knob {
        label: Text::new("正则化", "Regularisation"),
        min: 1.0,
        max: 100_000.0,
        whole: false,
        get: |p| f64::from(p.lambda),
        set: |p, v| p.lambda = v as f32,
    }],
    fit: |input: &FitInput<'_>, progress: &Progress| {
        Ok(Box::new(Ease::fit(
            input.train,
            input.params.lambda,
            progress,
        )?))
    },
    settings: |p: &Params| serde_json::json!({"lambda": typed(p.lambda)}),
    grid: |base: &Params| {
        [10.0, 50.0, 100.0, 250.0, 500.0, 1000.0, 2000.0]
            .into_iter()
            .map(|lambda| Params { lambda, ..*base })
            .collect()
    },
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_inverse_is_an_inverse() {
        let n = 150;
        let mut a = Array2::<f64>::zeros((n, n));
        for i in 0..n {
            for j in 0..n {
                a[[i, j]] = ((i * 7 + j * 13) % 11) as f64;
            }
        }
        let spd = a.t().dot(&a) + Array2::<f64>::eye(n) * 5.0;
        let inv = spd_inverse(&spd);
        let id = spd.dot(&inv);
        let err = (&id - &Array2::<f64>::eye(n))
            .mapv(f64::abs)
            .fold(0.0f64, |m, v| m.max(*v));
        assert!(err < 1e-9, "max error {err}");
    }

    #[test]
    fn too_large_catalogues_are_refused_with_a_reason() {
        let train = Csr::from_entries(1, MAX_ITEMS + 1, vec![(0, 0, 1.0)]);
        let err = Ease::fit(&train, 100.0, &Progress::default()).unwrap_err();
        assert!(err.to_string().contains("refused"), "{err}");
    }
}
