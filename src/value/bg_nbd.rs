//! The BG/NBD model of repeat purchasing (Fader, Hardie & Lee 2005, "Counting Your Customers
//! the Easy Way"): while alive a learner buys at a Poisson rate λ ~ Gamma(r, α), and after
//! every purchase drops out with probability p ~ Beta(a, b). Formulas as `lifetimes`'
//! `BetaGeoFitter`, fitted by maximum likelihood.

use crate::error::Error;
use crate::math::{hyp2f1, nelder_mead};
use ahash::AHashMap;
use rayon::prelude::*;
use serde::Serialize;
use statrs::function::gamma::ln_gamma;

/// Parameters are kept within e^±12 (about 6e-6 to 1.6e5). When nobody seems to drop out at
/// a rate that varies between learners (as in data where dropout is the same for all), the
/// likelihood keeps creeping up as a and b grow together without bound; past this the
/// predictions no longer change.
const MAX_LOG_PARAM: f64 = 12.0;

/// Fitted BG/NBD parameters (time in weeks).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BgNbd {
    /// Shape of the purchase-rate distribution.
    pub r: f64,
    /// Scale of the purchase-rate distribution (weeks).
    pub alpha: f64,
    /// Dropout distribution, first shape.
    pub a: f64,
    /// Dropout distribution, second shape.
    pub b: f64,
}

/// A buyer as the model sees them: repeat purchase days x, recency t_x and age T (weeks).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rft {
    /// Repeat purchase days.
    pub x: f64,
    /// First to last purchase (weeks).
    pub t_x: f64,
    /// First purchase to the end of calibration (weeks).
    pub t: f64,
}

/// Buyers as the fit reads them: each distinct (x, t_x, T) once with its weight, and the
/// distinct values of each, so that every term depending on one value alone (the gamma
/// functions of x, the logarithms of α + T and α + t_x) is computed once per evaluation.
struct Compact {
    xs: Vec<f64>,
    recencies: Vec<f64>,
    ages: Vec<f64>,
    /// (x, t_x, T) as indices into the lists above, and the weight.
    rows: Vec<(u32, u32, u32, f64)>,
    total: f64,
}

/// Rows summed per parallel chunk; the chunks' sums are added in order, so the value does not
/// depend on how threads share the work.
const CHUNK: usize = 4096;

impl Compact {
    fn new(buyers: &[Rft]) -> Compact {
        fn index(values: &mut Vec<f64>) -> AHashMap<u64, u32> {
            values.sort_by(f64::total_cmp);
            values.dedup();
            values
                .iter()
                .enumerate()
                .map(|(i, v)| (v.to_bits(), i as u32))
                .collect()
        }
        let mut xs: Vec<f64> = buyers.iter().map(|b| b.x).collect();
        let mut recencies: Vec<f64> = buyers.iter().map(|b| b.t_x).collect();
        let mut ages: Vec<f64> = buyers.iter().map(|b| b.t).collect();
        let (xi, ri, ai) = (index(&mut xs), index(&mut recencies), index(&mut ages));
        let mut weights: AHashMap<(u32, u32, u32), f64> = AHashMap::new();
        for b in buyers {
            let key = (xi[&b.x.to_bits()], ri[&b.t_x.to_bits()], ai[&b.t.to_bits()]);
            *weights.entry(key).or_default() += 1.0;
        }
        let mut rows: Vec<(u32, u32, u32, f64)> = weights
            .into_iter()
            .map(|((x, r, a), w)| (x, r, a, w))
            .collect();
        rows.sort_by_key(|&(x, r, a, _)| (x, r, a));
        Compact {
            xs,
            recencies,
            ages,
            total: buyers.len() as f64,
            rows,
        }
    }

    /// The total log-likelihood of every buyer under `m` (as [`BgNbd::loglik`]).
    fn loglik(&self, m: &BgNbd) -> f64 {
        let BgNbd { r, alpha, a, b } = *m;
        let base = -ln_gamma(r) + r * alpha.ln() + ln_gamma(a + b) - ln_gamma(b);
        let by_x: Vec<(f64, f64)> = self
            .xs
            .iter()
            .map(|&x| {
                let a12 = base + ln_gamma(r + x) + ln_gamma(b + x) - ln_gamma(a + b + x);
                let a4 = if x > 0.0 {
                    a.ln() - (b + x - 1.0).ln()
                } else {
                    f64::NEG_INFINITY
                };
                (a12, a4)
            })
            .collect();
        let ln_age: Vec<f64> = self.ages.iter().map(|t| (alpha + t).ln()).collect();
        let ln_recency: Vec<f64> = self.recencies.iter().map(|t| (alpha + t).ln()).collect();
        let sums: Vec<f64> = self
            .rows
            .par_chunks(CHUNK)
            .map(|chunk| {
                chunk
                    .iter()
                    .map(|&(xi, ri, ai, w)| {
                        let x = self.xs[xi as usize];
                        let (a12, a4) = by_x[xi as usize];
                        let a3 = -(r + x) * ln_age[ai as usize];
                        let ll = if x > 0.0 {
                            let a4 = a4 - (r + x) * ln_recency[ri as usize];
                            let hi = a3.max(a4);
                            a12 + hi + (-(a3 - a4).abs()).exp().ln_1p()
                        } else {
                            a12 + a3
                        };
                        w * ll
                    })
                    .sum()
            })
            .collect();
        sums.iter().sum()
    }
}

impl BgNbd {
    /// Fits the parameters by maximum likelihood (log parameters, simplex with restarts);
    /// returns them with the total log-likelihood. Identical buyers are counted once with a
    /// weight, and terms of one value are computed once per evaluation ([`Compact`]).
    pub fn fit(buyers: &[Rft]) -> Result<(BgNbd, f64), Error> {
        if !buyers.iter().any(|b| b.x > 0.0) {
            return Err(Error::input(
                "校准期结束前没有学员在两个不同日期购买过：生命周期价值需要复购",
                "no learner bought on two different days before the end of calibration: \
                 lifetime value needs repeat purchases",
            ));
        }
        let data = Compact::new(buyers);
        let objective = |theta: &[f64]| {
            if theta.iter().any(|t| t.abs() > MAX_LOG_PARAM) {
                return f64::INFINITY;
            }
            -data.loglik(&BgNbd::from_logs(theta)) / data.total
        };
        let best = nelder_mead(objective, &[0.0; 4], 0.5, 1e-11);
        let model = BgNbd::from_logs(&best.x);
        if !best.value.is_finite() {
            return Err(Error::Internal("the BG/NBD fit did not converge".into()));
        }
        Ok((model, -best.value * data.total))
    }

    fn from_logs(theta: &[f64]) -> BgNbd {
        BgNbd {
            r: theta[0].exp(),
            alpha: theta[1].exp(),
            a: theta[2].exp(),
            b: theta[3].exp(),
        }
    }

    /// One buyer's log-likelihood.
    pub fn loglik(&self, Rft { x, t_x, t }: Rft) -> f64 {
        let BgNbd { r, alpha, a, b } = *self;
        let a1 = ln_gamma(r + x) - ln_gamma(r) + r * alpha.ln();
        let a2 = ln_gamma(a + b) + ln_gamma(b + x) - ln_gamma(b) - ln_gamma(a + b + x);
        let a3 = -(r + x) * (alpha + t).ln();
        if x > 0.0 {
            let a4 = a.ln() - (b + x - 1.0).ln() - (r + x) * (alpha + t_x).ln();
            let hi = a3.max(a4);
            a1 + a2 + hi + ((a3 - hi).exp() + (a4 - hi).exp()).ln()
        } else {
            a1 + a2 + a3
        }
    }

    /// Probability the buyer is still active at the end of calibration (1 without repeat
    /// purchases: the model cannot have seen them drop out).
    pub fn p_alive(&self, Rft { x, t_x, t }: Rft) -> f64 {
        if x == 0.0 {
            return 1.0;
        }
        let BgNbd { r, alpha, a, b } = *self;
        let log_div = (r + x) * ((alpha + t) / (alpha + t_x)).ln() + (a / (b + x - 1.0)).ln();
        1.0 / (1.0 + log_div.exp())
    }

    /// Expected purchase days in the next `horizon` weeks.
    pub fn expected_purchases(&self, horizon: f64, Rft { x, t_x, t }: Rft) -> f64 {
        if horizon <= 0.0 {
            return 0.0;
        }
        let BgNbd { r, alpha, a, b } = *self;
        let z = horizon / (alpha + t + horizon);
        // ₂F₁ is defined unless a + b + x − 1 is 0 or a negative integer (a degenerate fit):
        // then the learner's expectation is unknown, not a number.
        let Some((sign, ln_hyp)) = hyp2f1(r + x, b + x, a + b + x - 1.0, z) else {
            return f64::NAN;
        };
        let first = (a + b + x - 1.0) / (a - 1.0);
        let second =
            1.0 - sign * (ln_hyp + (r + x) * ((alpha + t) / (alpha + t + horizon)).ln()).exp();
        let denominator = 1.0
            + if x > 0.0 {
                a / (b + x - 1.0) * ((alpha + t) / (alpha + t_x)).powf(r + x)
            } else {
                0.0
            };
        first * second / denominator
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_compact_likelihood_is_the_sum_over_buyers() {
        let buyers: Vec<Rft> = (0..500)
            .map(|i| {
                let t = 10.0 + (i % 37) as f64;
                let x = (i % 5) as f64;
                Rft {
                    x,
                    t_x: if x > 0.0 {
                        t * ((i % 7) as f64 / 7.0)
                    } else {
                        0.0
                    },
                    t,
                }
            })
            .collect();
        let m = BgNbd {
            r: 0.3,
            alpha: 4.0,
            a: 0.8,
            b: 2.5,
        };
        let each: f64 = buyers.iter().map(|b| m.loglik(*b)).sum();
        let compact = Compact::new(&buyers).loglik(&m);
        assert!(
            (each - compact).abs() < 1e-9 * each.abs(),
            "{each} vs {compact}"
        );
    }
}
