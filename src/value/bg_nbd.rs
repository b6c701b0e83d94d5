//! The BG/NBD model of repeat purchasing (Fader, Hardie & Lee 2005, "Counting Your Customers
//! the Easy Way"): while alive a learner buys at a Poisson rate λ ~ Gamma(r, α), and after
//! every purchase drops out with probability p ~ Beta(a, b). Formulas as `lifetimes`'
//! `BetaGeoFitter`, fitted by maximum likelihood.

use crate::error::Error;
use crate::math::{hyp2f1, nelder_mead};
use ahash::AHashMap;
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

impl BgNbd {
    /// Fits the parameters by maximum likelihood (log parameters, simplex with restarts);
    /// returns them with the total log-likelihood. Identical buyers are counted once with a
    /// weight, so the cost grows with distinct (x, t_x, T), not with buyers.
    pub fn fit(buyers: &[Rft]) -> Result<(BgNbd, f64), Error> {
        if !buyers.iter().any(|b| b.x > 0.0) {
            return Err(Error::Input(
                "no learner bought on two different days before the end of calibration: \
                 lifetime value needs repeat purchases"
                    .into(),
            ));
        }
        let mut weights: AHashMap<(u64, u64, u64), (Rft, f64)> = AHashMap::new();
        for b in buyers {
            let key = (b.x.to_bits(), b.t_x.to_bits(), b.t.to_bits());
            weights.entry(key).or_insert((*b, 0.0)).1 += 1.0;
        }
        let mut distinct: Vec<(Rft, f64)> = weights.into_values().collect();
        distinct.sort_by(|p, q| {
            (p.0.x, p.0.t_x, p.0.t)
                .partial_cmp(&(q.0.x, q.0.t_x, q.0.t))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        let total: f64 = distinct.iter().map(|(_, w)| w).sum();
        let objective = |theta: &[f64]| {
            if theta.iter().any(|t| t.abs() > MAX_LOG_PARAM) {
                return f64::INFINITY;
            }
            let m = BgNbd::from_logs(theta);
            -distinct.iter().map(|(b, w)| w * m.loglik(*b)).sum::<f64>() / total
        };
        let best = nelder_mead(objective, &[0.0; 4], 0.5, 1e-11);
        let model = BgNbd::from_logs(&best.x);
        if !best.value.is_finite() {
            return Err(Error::Internal("the BG/NBD fit did not converge".into()));
        }
        Ok((model, -best.value * total))
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
