//! EASE (Steck 2019, "Embarrassingly Shallow Autoencoders for Sparse Data"): the item-item
//! weights `B = I − P·diag(1/diag P)` with `P = (XᵀX + λI)⁻¹`, so `B` has a zero diagonal.

use super::sparse::Csr;
use crate::jobs::{Cancelled, Progress};
use ndarray::{Array2, s};
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

/// The inverse of a symmetric positive definite matrix: a recursive (2 × 2 block) Cholesky
/// factor `L`, its recursive triangular inverse, and `A⁻¹ = L⁻ᵀ L⁻¹`. Nearly all the work is
/// matrix products, and it stays backward stable on ill-conditioned matrices (an explicit
/// Schur-complement inverse does not).
pub fn spd_inverse(a: &Array2<f64>) -> Array2<f64> {
    let inv_l = lower_inverse(&cholesky(a));
    inv_l.t().dot(&inv_l)
}

/// Below this size the blocks are factorised by plain loops.
const BLOCK: usize = 64;

/// The lower Cholesky factor (non-positive pivots, from rounding, are clamped to tiny ones).
fn cholesky(a: &Array2<f64>) -> Array2<f64> {
    let n = a.nrows();
    if n <= BLOCK {
        let mut l = Array2::<f64>::zeros((n, n));
        for j in 0..n {
            let d = a[[j, j]] - (0..j).map(|k| l[[j, k]] * l[[j, k]]).sum::<f64>();
            let d = d.max(1e-300).sqrt();
            l[[j, j]] = d;
            for i in j + 1..n {
                let s = a[[i, j]] - (0..j).map(|k| l[[i, k]] * l[[j, k]]).sum::<f64>();
                l[[i, j]] = s / d;
            }
        }
        return l;
    }
    let h = n / 2;
    let l11 = cholesky(&a.slice(s![..h, ..h]).to_owned());
    let l21 = a.slice(s![h.., ..h]).dot(&lower_inverse(&l11).t());
    let l22 = cholesky(&(&a.slice(s![h.., h..]) - &l21.dot(&l21.t())));
    let mut l = Array2::zeros((n, n));
    l.slice_mut(s![..h, ..h]).assign(&l11);
    l.slice_mut(s![h.., ..h]).assign(&l21);
    l.slice_mut(s![h.., h..]).assign(&l22);
    l
}

/// The inverse of a lower-triangular matrix with a positive diagonal.
fn lower_inverse(l: &Array2<f64>) -> Array2<f64> {
    let n = l.nrows();
    if n <= BLOCK {
        let mut x = Array2::<f64>::zeros((n, n));
        for j in 0..n {
            x[[j, j]] = 1.0 / l[[j, j]];
            for i in j + 1..n {
                let s: f64 = (j..i).map(|k| l[[i, k]] * x[[k, j]]).sum();
                x[[i, j]] = -s / l[[i, i]];
            }
        }
        return x;
    }
    let h = n / 2;
    let x11 = lower_inverse(&l.slice(s![..h, ..h]).to_owned());
    let x22 = lower_inverse(&l.slice(s![h.., h..]).to_owned());
    let x21 = -x22.dot(&l.slice(s![h.., ..h])).dot(&x11);
    let mut x = Array2::zeros((n, n));
    x.slice_mut(s![..h, ..h]).assign(&x11);
    x.slice_mut(s![h.., ..h]).assign(&x21);
    x.slice_mut(s![h.., h..]).assign(&x22);
    x
}

impl Ease {
    /// Fits on the training matrix; refuses catalogues above [`MAX_ITEMS`].
    pub fn fit(train: &Csr, lambda: f32, progress: &Progress) -> Result<Ease, String> {
        let n = train.n_cols;
        if n > MAX_ITEMS {
            return Err(format!(
                "EASE needs a dense {n} × {n} course matrix; catalogues above {MAX_ITEMS} courses are refused (use ALS or item-kNN)"
            ));
        }
        progress.set_stage("EASE: course co-occurrence");
        let mut g = gram(train, progress).map_err(|_| "cancelled".to_string())?;
        for i in 0..n {
            g[[i, i]] += f64::from(lambda);
        }
        progress.set(0.3);
        progress.check().map_err(|_| "cancelled".to_string())?;
        progress.set_stage("EASE: inverse");
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
        assert!(err.contains("refused"), "{err}");
    }
}
