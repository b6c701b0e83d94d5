//! The statistical building blocks of the read-out, on top of `statrs` distributions. Every
//! function returns `None` instead of NaN or infinity when its input is degenerate.

use statrs::distribution::{ChiSquared, ContinuousCDF, Normal, StudentsT};
use statrs::function::beta::ln_beta;

/// `Some(x)` when `x` is finite.
pub fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

fn std_normal() -> Normal {
    Normal::new(0.0, 1.0).expect("standard normal")
}

/// Φ(x).
pub fn norm_cdf(x: f64) -> f64 {
    std_normal().cdf(x)
}

/// 1 − Φ(x), accurate in the tail.
pub fn norm_sf(x: f64) -> f64 {
    std_normal().sf(x)
}

/// Φ⁻¹(p).
pub fn norm_ppf(p: f64) -> f64 {
    std_normal().inverse_cdf(p)
}

/// The two-sided critical value z_{1−α/2}.
pub fn z_crit(alpha: f64) -> f64 {
    norm_ppf(1.0 - alpha / 2.0)
}

/// Two-sided p-value of the pooled two-proportion z-test (control `x0/n0`, variant `x1/n1`).
pub fn two_proportion_p(x0: f64, n0: f64, x1: f64, n1: f64) -> Option<f64> {
    let p = (x0 + x1) / (n0 + n1);
    let se = (p * (1.0 - p) * (1.0 / n0 + 1.0 / n1)).sqrt();
    let z = finite((x1 / n1 - x0 / n0) / se)?;
    finite(2.0 * norm_sf(z.abs()))
}

/// Unpooled Wald confidence interval of `p1 − p0`.
pub fn wald_ci(p0: f64, n0: f64, p1: f64, n1: f64, alpha: f64) -> Option<[f64; 2]> {
    let se = (p0 * (1.0 - p0) / n0 + p1 * (1.0 - p1) / n1).sqrt();
    let d = p1 - p0;
    let h = z_crit(alpha) * se;
    Some([finite(d - h)?, finite(d + h)?])
}

/// Delta-method confidence interval of the relative lift `p1/p0 − 1`.
pub fn relative_ci(p0: f64, n0: f64, p1: f64, n1: f64, alpha: f64) -> Option<[f64; 2]> {
    let v0 = p0 * (1.0 - p0) / n0;
    let v1 = p1 * (1.0 - p1) / n1;
    let r = p1 / p0;
    let se = (v1 / (p0 * p0) + r * r * v0 / (p0 * p0)).sqrt();
    let h = z_crit(alpha) * se;
    Some([finite(r - 1.0 - h)?, finite(r - 1.0 + h)?])
}

/// P(B > A) for independent Beta(a_a, b_a) and Beta(a_b, b_b) with integer-valued `a_b`,
/// exactly (Evan Miller's closed form, summed in log space).
pub fn prob_beta_greater(a_a: f64, b_a: f64, a_b: f64, b_b: f64) -> Option<f64> {
    if a_a <= 0.0 || b_a <= 0.0 || a_b < 1.0 || b_b <= 0.0 {
        return None;
    }
    let terms = a_b.round() as u64;
    let base = ln_beta(a_a, b_a);
    let total: f64 = (0..terms)
        .map(|i| {
            let i = i as f64;
            (ln_beta(a_a + i, b_a + b_b) - (b_b + i).ln() - ln_beta(1.0 + i, b_b) - base).exp()
        })
        .sum();
    finite(total.clamp(0.0, 1.0))
}

/// The mean, if there is at least one value.
pub fn mean(xs: &[f64]) -> Option<f64> {
    (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64)
}

/// Sample mean and variance (ddof = 1).
pub fn mean_var(xs: &[f64]) -> Option<(f64, f64)> {
    let n = xs.len() as f64;
    if xs.len() < 2 {
        return None;
    }
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    Some((mean, var))
}

/// Welch's unequal-variance t-test from summary statistics: (t, df, two-sided p).
pub fn welch(m0: f64, v0: f64, n0: f64, m1: f64, v1: f64, n1: f64) -> Option<(f64, f64, f64)> {
    let s0 = v0 / n0;
    let s1 = v1 / n1;
    let se = (s0 + s1).sqrt();
    let t = finite((m1 - m0) / se)?;
    let df = finite((s0 + s1).powi(2) / (s0 * s0 / (n0 - 1.0) + s1 * s1 / (n1 - 1.0)))?;
    let dist = StudentsT::new(0.0, 1.0, df).ok()?;
    Some((t, df, finite(2.0 * dist.sf(t.abs()))?))
}

/// The two-sided Student t critical value for `df` degrees of freedom.
pub fn t_crit(alpha: f64, df: f64) -> Option<f64> {
    let dist = StudentsT::new(0.0, 1.0, df).ok()?;
    finite(dist.inverse_cdf(1.0 - alpha / 2.0))
}

/// Chi-square goodness-of-fit p-value of observed counts against expected shares.
pub fn chi_square_gof(observed: &[f64], shares: &[f64]) -> Option<f64> {
    if observed.len() < 2 || observed.len() != shares.len() {
        return None;
    }
    let total: f64 = observed.iter().sum();
    let share_sum: f64 = shares.iter().sum();
    let stat: f64 = observed
        .iter()
        .zip(shares)
        .map(|(o, s)| {
            let e = total * s / share_sum;
            (o - e).powi(2) / e
        })
        .sum();
    let dist = ChiSquared::new((observed.len() - 1) as f64).ok()?;
    finite(dist.sf(finite(stat)?))
}

/// Holm step-down adjustment of p-values (same order as given).
pub fn holm(p: &[f64]) -> Vec<f64> {
    let m = p.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    let mut adjusted = vec![0.0; m];
    let mut running: f64 = 0.0;
    for (rank, &i) in order.iter().enumerate() {
        running = running.max(((m - rank) as f64 * p[i]).min(1.0));
        adjusted[i] = running;
    }
    adjusted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holm_matches_the_textbook_example() {
        // p = 0.01, 0.04, 0.03, 0.005 → Holm: 0.03, 0.06, 0.06, 0.02
        let adj = holm(&[0.01, 0.04, 0.03, 0.005]);
        let want = [0.03, 0.06, 0.06, 0.02];
        for (a, w) in adj.iter().zip(want) {
            assert!((a - w).abs() < 1e-12, "{adj:?}");
        }
    }

    #[test]
    fn beta_comparison_is_symmetric_and_half_for_equal_posteriors() {
        let p = prob_beta_greater(11.0, 91.0, 11.0, 91.0).unwrap();
        assert!((p - 0.5).abs() < 1e-9, "{p}");
        let a = prob_beta_greater(5.0, 20.0, 9.0, 16.0).unwrap();
        let b = prob_beta_greater(9.0, 16.0, 5.0, 20.0).unwrap();
        assert!((a + b - 1.0).abs() < 1e-9);
    }

    #[test]
    fn degenerate_inputs_give_none() {
        assert_eq!(two_proportion_p(0.0, 100.0, 0.0, 100.0), None);
        assert_eq!(mean_var(&[1.0]), None);
        assert_eq!(chi_square_gof(&[10.0], &[1.0]), None);
    }
}
