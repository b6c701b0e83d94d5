//! Dense linear algebra on `ndarray`: the inverse of a symmetric positive definite matrix
//! through a recursive Cholesky factor.

use ndarray::{Array2, s};

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
