//! The Gamma-Gamma model of spend per purchase (Fader, Hardie & Lee 2005, "RFM and CLV"):
//! a learner's purchases vary around their own mean, and means vary across learners. Fitted
//! on buyers with repeat purchases and a positive mean spend; formulas as `lifetimes`'
//! `GammaGammaFitter`.

use crate::error::Error;
use crate::math::nelder_mead;
use serde::Serialize;
use statrs::function::gamma::ln_gamma;

/// Fitted Gamma-Gamma parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GammaGamma {
    /// Shape of a purchase's spend around the learner's mean.
    pub p: f64,
    /// Shape of the learners' mean spends.
    pub q: f64,
    /// Scale of the learners' mean spends.
    pub v: f64,
}

impl GammaGamma {
    /// Fits the parameters by maximum likelihood on (repeat purchase days, mean spend of
    /// those days); buyers without repeat days or with a mean spend of 0 carry no information
    /// and are left out. Refused when the spends leave the population mean undefined (q ≤ 1).
    pub fn fit(buyers: &[(f64, f64)]) -> Result<GammaGamma, Error> {
        let used: Vec<(f64, f64)> = buyers
            .iter()
            .copied()
            .filter(|&(x, m)| x > 0.0 && m > 0.0)
            .collect();
        if used.len() < 2 {
            return Err(Error::input(
                "有付费复购的学员少于 2 名：无法建模消费金额",
                "fewer than 2 learners with paid repeat purchases: spend cannot be modelled",
            ));
        }
        let objective = |theta: &[f64]| {
            // As for BG/NBD: beyond e^±12 the predictions no longer change.
            if theta.iter().any(|t| t.abs() > 12.0) {
                return f64::INFINITY;
            }
            let (p, q, v) = (theta[0].exp(), theta[1].exp(), theta[2].exp());
            -used
                .iter()
                .map(|&(x, m)| {
                    ln_gamma(p * x + q) - ln_gamma(p * x) - ln_gamma(q)
                        + q * v.ln()
                        + (p * x - 1.0) * m.ln()
                        + p * x * x.ln()
                        - (p * x + q) * (x * m + v).ln()
                })
                .sum::<f64>()
                / used.len() as f64
        };
        let best = nelder_mead(objective, &[0.0; 3], 0.5, 1e-13);
        let model = GammaGamma {
            p: best.x[0].exp(),
            q: best.x[1].exp(),
            v: best.x[2].exp(),
        };
        if model.q <= 1.0 || !best.value.is_finite() {
            return Err(Error::input(
                "学员之间的单次消费差异过大，Gamma-Gamma 模型无法适用（q ≤ 1：平均学员的消费无定义）",
                "spend per purchase varies too much across learners for the Gamma-Gamma model \
                 (q ≤ 1: the average learner's spend is undefined)",
            ));
        }
        Ok(model)
    }

    /// A learner's expected spend per purchase: their own mean shrunk towards the
    /// population's by how many repeat purchases back it.
    pub fn mean_spend(&self, x: f64, spend: f64) -> f64 {
        let GammaGamma { p, q, v } = *self;
        let own = p * x / (p * x + q - 1.0);
        let population = v * p / (q - 1.0);
        (1.0 - own) * population + own * spend
    }
}
