//! Linear (ridge) regression for the money side: what a learner pays when they buy a course,
//! from the named learner and course columns.

use crate::math::spd_inverse;
use ndarray::{Array1, Array2};

/// A fitted linear regression `y ≈ b + β·x` over the first `beta.len()` columns.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Linear {
    /// Coefficients.
    pub beta: Vec<f64>,
    /// Intercept.
    pub intercept: f64,
    /// R² on the held-out rows.
    pub r2_test: Option<f64>,
    /// Rows fitted on.
    pub n: usize,
}

/// Ridge penalty (tiny: only keeps collinear one-hot columns solvable).
const RIDGE: f64 = 1e-3;

impl Linear {
    /// Fits on sparse rows restricted to columns below `d`; the intercept is not penalised.
    pub fn fit(rows: &[Vec<(u32, f32)>], y: &[f64], d: usize) -> Linear {
        let n = rows.len();
        // Centre y and the columns, so the intercept drops out of the penalised system.
        let y_mean = y.iter().sum::<f64>() / n.max(1) as f64;
        let mut x_mean = vec![0f64; d];
        for r in rows {
            for &(j, v) in r.iter().filter(|p| (p.0 as usize) < d) {
                x_mean[j as usize] += f64::from(v) / n.max(1) as f64;
            }
        }
        let mut xtx = Array2::<f64>::zeros((d, d));
        let mut xty = Array1::<f64>::zeros(d);
        let mut dense = vec![0f64; d];
        for (r, &yr) in rows.iter().zip(y) {
            dense.copy_from_slice(&x_mean);
            dense.iter_mut().for_each(|v| *v = -*v);
            for &(j, v) in r.iter().filter(|p| (p.0 as usize) < d) {
                dense[j as usize] += f64::from(v);
            }
            for a in 0..d {
                if dense[a] == 0.0 {
                    continue;
                }
                xty[a] += dense[a] * (yr - y_mean);
                for b in 0..d {
                    xtx[[a, b]] += dense[a] * dense[b];
                }
            }
        }
        for a in 0..d {
            xtx[[a, a]] += RIDGE * n as f64;
        }
        let beta = spd_inverse(&xtx).dot(&xty).to_vec();
        let intercept = y_mean - beta.iter().zip(&x_mean).map(|(b, m)| b * m).sum::<f64>();
        Linear {
            beta,
            intercept,
            r2_test: None,
            n,
        }
    }

    /// The prediction for one sparse row.
    pub fn predict(&self, row: &[(u32, f32)]) -> f64 {
        self.intercept
            + row
                .iter()
                .filter(|p| (p.0 as usize) < self.beta.len())
                .map(|&(j, v)| self.beta[j as usize] * f64::from(v))
                .sum::<f64>()
    }
}

/// R² of predictions against observations.
pub fn r_squared(pred: &[f64], y: &[f64]) -> Option<f64> {
    let mean = y.iter().sum::<f64>() / y.len().max(1) as f64;
    let total: f64 = y.iter().map(|v| (v - mean).powi(2)).sum();
    let resid: f64 = pred.iter().zip(y).map(|(p, v)| (v - p).powi(2)).sum();
    (total > 0.0).then(|| 1.0 - resid / total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_a_planted_line() {
        // y = 3 + 2·x0 − x1 exactly.
        let rows: Vec<Vec<(u32, f32)>> = (0..50)
            .map(|i| vec![(0, (i % 7) as f32), (1, (i % 5) as f32)])
            .collect();
        let y: Vec<f64> = rows
            .iter()
            .map(|r| 3.0 + 2.0 * f64::from(r[0].1) - f64::from(r[1].1))
            .collect();
        let m = Linear::fit(&rows, &y, 2);
        assert!(
            (m.beta[0] - 2.0).abs() < 1e-3 && (m.beta[1] + 1.0).abs() < 1e-3,
            "{:?}",
            m.beta
        );
        assert!((m.intercept - 3.0).abs() < 1e-2);
        let pred: Vec<f64> = rows.iter().map(|r| m.predict(r)).collect();
        assert!(r_squared(&pred, &y).unwrap() > 0.999);
    }
}
