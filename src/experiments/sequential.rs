//! Sequential monitoring: cumulative daily results with fixed-horizon confidence intervals
//! beside always-valid ones (mSPRT with a normal mixture, Johari et al. 2017), so looking at
//! the experiment every day does not inflate false positives.

use super::arms::Arm;
use super::stats::{finite, norm_sf, z_crit};
use crate::data::cells::{MS_PER_DAY, format_timestamp};
use serde::Serialize;
use std::collections::BTreeMap;

/// One variant against the control at the end of one day, on all data up to then.
#[derive(Debug, Clone, Serialize)]
pub struct SequentialPoint {
    /// The variant compared with the control.
    pub variant: String,
    /// The day (`YYYY-MM-DD`).
    pub day: String,
    /// Users so far in the variant and the control.
    pub users: [u64; 2],
    /// `rate − control rate` so far.
    pub abs_lift: Option<f64>,
    /// Fixed-horizon Wald CI (valid only at a horizon fixed in advance).
    pub ci: Option<[f64; 2]>,
    /// Always-valid confidence sequence: holds at every day at once. It is the running
    /// intersection of the daily mixture intervals, so it is exactly the set of lifts whose
    /// always-valid p-value is above α (Johari et al. 2017): 0 lies outside it exactly when
    /// `always_valid_p < α`.
    pub cs: Option<[f64; 2]>,
    /// Fixed-horizon two-sided p-value (unpooled z).
    pub p_value: Option<f64>,
    /// Always-valid p-value: the running minimum of 1 / mixture likelihood ratio.
    pub always_valid_p: Option<f64>,
}

/// The mixture likelihood ratio Λ of the normal-mixture SPRT for an estimate `theta` with
/// variance `v` and prior variance `tau2`.
pub fn mixture_ratio(theta: f64, v: f64, tau2: f64) -> f64 {
    (v / (v + tau2)).sqrt() * (theta * theta * tau2 / (2.0 * v * (v + tau2))).exp()
}

/// Half-width of the always-valid confidence sequence at level `alpha`.
pub fn cs_radius(v: f64, tau2: f64, alpha: f64) -> f64 {
    (v * (v + tau2) / tau2 * (2.0 * (1.0 / alpha).ln() + ((v + tau2) / v).ln())).sqrt()
}

fn day_of(ms: i64) -> i64 {
    ms.div_euclid(MS_PER_DAY)
}

/// Cumulative daily comparison of every variant (arms[1..]) with the control (arms[0]).
/// Empty when the arms carry no timestamps.
pub(crate) fn timeline(arms: &[Arm], alpha: f64, tau: f64) -> Vec<SequentialPoint> {
    let tau2 = tau * tau;
    // Per arm: day → (users, conversions) on that day.
    let daily: Vec<BTreeMap<i64, (u64, u64)>> = arms
        .iter()
        .map(|a| {
            let mut m = BTreeMap::new();
            for (ts, c) in a.ts.iter().zip(&a.converted) {
                if let Some(ts) = ts {
                    let e = m.entry(day_of(*ts)).or_insert((0, 0));
                    e.0 += 1;
                    e.1 += u64::from(*c);
                }
            }
            m
        })
        .collect();
    let mut days: Vec<i64> = daily.iter().flat_map(|m| m.keys().copied()).collect();
    days.sort_unstable();
    days.dedup();
    let z = z_crit(alpha);
    let mut out = Vec::new();
    for (k, arm) in arms.iter().enumerate().skip(1) {
        let (mut n0, mut x0, mut n1, mut x1) = (0u64, 0u64, 0u64, 0u64);
        let mut min_p: f64 = 1.0;
        let mut bounds: Option<[f64; 2]> = None;
        for day in &days {
            if let Some((n, x)) = daily[0].get(day) {
                n0 += n;
                x0 += x;
            }
            if let Some((n, x)) = daily[k].get(day) {
                n1 += n;
                x1 += x;
            }
            let (p0, p1) = (x0 as f64 / n0 as f64, x1 as f64 / n1 as f64);
            let v = p0 * (1.0 - p0) / n0 as f64 + p1 * (1.0 - p1) / n1 as f64;
            let theta = p1 - p0;
            let valid = v.is_finite() && v > 0.0;
            if valid {
                min_p = min_p.min((1.0 / mixture_ratio(theta, v, tau2)).min(1.0));
            }
            let se = v.sqrt();
            out.push(SequentialPoint {
                variant: arm.name.clone(),
                day: format_timestamp(day * MS_PER_DAY)[..10].to_string(),
                users: [n1, n0],
                abs_lift: finite(theta),
                ci: valid.then_some([theta - z * se, theta + z * se]),
                cs: valid.then(|| {
                    let r = cs_radius(v, tau2, alpha);
                    let b = match bounds {
                        Some([lo, hi]) => [lo.max(theta - r), hi.min(theta + r)],
                        None => [theta - r, theta + r],
                    };
                    bounds = Some(b);
                    b
                }),
                p_value: valid.then(|| 2.0 * norm_sf((theta / se).abs())),
                always_valid_p: valid.then_some(min_p),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sequence_is_wider_than_the_fixed_interval_and_matches_its_own_p() {
        let (v, tau2, alpha) = (1e-4, 4e-4, 0.05);
        let r = cs_radius(v, tau2, alpha);
        assert!(r > 1.96 * v.sqrt());
        // On the boundary the likelihood ratio is exactly 1/alpha.
        assert!((mixture_ratio(r, v, tau2) - 1.0 / alpha).abs() < 1e-9);
    }
}
