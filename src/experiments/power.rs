//! Sample size and minimum detectable effect for a conversion-rate test, as statsmodels'
//! `NormalIndPower` computes them on Cohen's h (equal group sizes, two-sided).

use super::stats::{finite, norm_cdf, norm_sf, z_crit};
use serde::Serialize;

/// The answer of a power calculation.
#[derive(Debug, Clone, Serialize)]
pub struct PowerResult {
    /// Users needed per variant (rounded up).
    pub users_per_variant: Option<u64>,
    /// The same before rounding, as statsmodels' `solve_power` returns it.
    pub users_per_variant_exact: Option<f64>,
    /// Significance level.
    pub alpha: f64,
    /// Power (1 − β).
    pub power: f64,
    /// Baseline conversion rate.
    pub baseline: f64,
    /// Relative minimum detectable effect.
    pub mde: Option<f64>,
    /// Cohen's h of the effect.
    pub effect_size: Option<f64>,
}

/// Cohen's h between two proportions: 2·asin√p2 − 2·asin√p1.
pub fn cohens_h(p1: f64, p2: f64) -> f64 {
    2.0 * p2.sqrt().asin() - 2.0 * p1.sqrt().asin()
}

/// Power of the two-sided test with `n` users per variant for effect size `h`.
pub fn power_at(h: f64, n: f64, alpha: f64) -> f64 {
    let crit = z_crit(alpha);
    let shift = h.abs() * (n / 2.0).sqrt();
    norm_sf(crit - shift) + norm_cdf(-crit - shift)
}

fn bisect(mut lo: f64, mut hi: f64, f: impl Fn(f64) -> f64) -> f64 {
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if f(mid) < 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo <= 1e-13 * hi.abs().max(1.0) {
            break;
        }
    }
    0.5 * (lo + hi)
}

fn valid(baseline: f64, alpha: f64, power: f64) -> bool {
    baseline > 0.0 && baseline < 1.0 && alpha > 0.0 && alpha < 1.0 && power > alpha && power < 1.0
}

/// Users per variant to detect a relative lift `mde` on `baseline` with `alpha` and `power`.
pub fn users_per_variant(baseline: f64, mde: f64, alpha: f64, power: f64) -> PowerResult {
    let target = baseline * (1.0 + mde);
    let mut result = PowerResult {
        users_per_variant: None,
        users_per_variant_exact: None,
        alpha,
        power,
        baseline,
        mde: finite(mde),
        effect_size: None,
    };
    if !(valid(baseline, alpha, power) && target > 0.0 && target < 1.0) || mde == 0.0 {
        return result;
    }
    let h = cohens_h(baseline, target);
    let mut hi = 2.0;
    while power_at(h, hi, alpha) < power && hi < 1e15 {
        hi *= 2.0;
    }
    if power_at(h, hi, alpha) < power {
        // Even 10^15 users per variant would not do: no answer rather than the search's cap.
        return result;
    }
    let n = bisect(1.0, hi, |n| power_at(h, n, alpha) - power);
    result.effect_size = Some(h);
    result.users_per_variant_exact = finite(n);
    result.users_per_variant = finite(n).map(|n| n.ceil() as u64);
    result
}

/// The smallest relative lift on `baseline` detectable with `users` per variant.
pub fn mde_for_users(baseline: f64, users: f64, alpha: f64, power: f64) -> Option<f64> {
    if !valid(baseline, alpha, power) || users < 2.0 {
        return None;
    }
    let max_h = std::f64::consts::PI - 2.0 * baseline.sqrt().asin();
    if power_at(max_h, users, alpha) < power {
        return None;
    }
    let h = bisect(0.0, max_h, |h| power_at(h, users, alpha) - power);
    let p2 = (baseline.sqrt().asin() + h / 2.0).sin().powi(2);
    finite(p2 / baseline - 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_size_and_mde_invert_each_other() {
        let r = users_per_variant(0.1, 0.1, 0.05, 0.8);
        let n = r.users_per_variant_exact.unwrap();
        let mde = mde_for_users(0.1, n, 0.05, 0.8).unwrap();
        assert!((mde - 0.1).abs() < 1e-9, "{mde}");
    }

    #[test]
    fn impossible_inputs_give_none() {
        assert!(
            users_per_variant(0.0, 0.1, 0.05, 0.8)
                .users_per_variant
                .is_none()
        );
        assert!(
            users_per_variant(0.9, 0.5, 0.05, 0.8)
                .users_per_variant
                .is_none()
        );
        assert!(mde_for_users(0.1, 1.0, 0.05, 0.8).is_none());
    }
}
