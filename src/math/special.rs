//! Special functions the lifetime-value model needs beyond `statrs`.

/// The natural log of Gauss's hypergeometric function ₂F₁(a, b; c; z) for a, b, c > 0 and
/// 0 ≤ z < 1, where every term of the series is positive: summed with a running scale so
/// that large a·b·z (learners with many purchases) cannot overflow, and stopped when the rest
/// of the series is below 1e-16 of the sum.
pub fn ln_hyp2f1(a: f64, b: f64, c: f64, z: f64) -> f64 {
    debug_assert!(a > 0.0 && b > 0.0 && c > 0.0 && (0.0..1.0).contains(&z));
    const RESCALE: f64 = 1e200;
    let mut sum = 1.0;
    let mut term = 1.0;
    let mut ln_scale = 0.0;
    for n in 0..10_000_000u32 {
        let n = f64::from(n);
        let ratio = (a + n) * (b + n) / ((c + n) * (n + 1.0)) * z;
        term *= ratio;
        sum += term;
        if sum > RESCALE {
            sum /= RESCALE;
            term /= RESCALE;
            ln_scale += RESCALE.ln();
        }
        // From here on each ratio is at most max(ratio, z) once it is below 1, so the tail
        // is at most term · r / (1 − r).
        let r = ratio.max(z);
        if r < 1.0 && term * r / (1.0 - r) <= 1e-16 * sum {
            break;
        }
    }
    sum.ln() + ln_scale
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_closed_forms() {
        // ₂F₁(1, 1; 2; z) = −ln(1 − z) / z.
        for z in [0.01, 0.3, 0.9, 0.999] {
            let exact = (-(1.0f64 - z).ln() / z).ln();
            assert!((ln_hyp2f1(1.0, 1.0, 2.0, z) - exact).abs() < 1e-13, "z {z}");
        }
        // ₂F₁(a, b; b; z) = (1 − z)^−a.
        let exact = -2.5 * (1.0f64 - 0.7).ln();
        assert!((ln_hyp2f1(2.5, 3.0, 3.0, 0.7) - exact).abs() < 1e-12);
        // Large parameters: (1 − z)^−a with a = 400 is about e^142, beyond the scale step.
        let exact = -400.0 * (1.0f64 - 0.9).ln();
        assert!((ln_hyp2f1(400.0, 7.0, 7.0, 0.9) - exact).abs() < 1e-9 * exact);
    }
}
