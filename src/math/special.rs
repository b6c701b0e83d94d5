//! Special functions the lifetime-value model needs beyond `statrs`.

/// Terms after which [`hyp2f1`] gives up (z very close to 1).
pub const MAX_TERMS: u32 = 1_000_000;

/// Gauss's hypergeometric function ₂F₁(a, b; c; z) for 0 ≤ z < 1 and c not 0 or a negative
/// integer, as (sign, natural log of the absolute value): the series summed with a running
/// scale so that large a·b·z (learners with many purchases) cannot overflow, and stopped when
/// the rest of the series is below 1e-16 of the largest partial sum. `None` when c is 0 or a
/// negative integer, z is outside [0, 1), or the series has not converged within
/// [`MAX_TERMS`] terms.
pub fn hyp2f1(a: f64, b: f64, c: f64, z: f64) -> Option<(f64, f64)> {
    if !(0.0..1.0).contains(&z) || (c <= 0.0 && c.fract() == 0.0) {
        return None;
    }
    const RESCALE: f64 = 1e200;
    let mut sum = 1.0f64;
    let mut term = 1.0f64;
    let mut ln_scale = 0.0;
    let mut largest = 1.0f64;
    let mut converged = false;
    for n in 0..MAX_TERMS {
        let n = f64::from(n);
        let ratio = (a + n) * (b + n) / ((c + n) * (n + 1.0)) * z;
        term *= ratio;
        sum += term;
        largest = largest.max(sum.abs());
        if largest > RESCALE {
            sum /= RESCALE;
            term /= RESCALE;
            largest /= RESCALE;
            ln_scale += RESCALE.ln();
        }
        // Once every later ratio is below 1 in size (they tend to z), the rest of the series
        // is at most |term| · r / (1 − r).
        let r = ratio.abs().max(z);
        if c + n > 0.0 && r < 1.0 && term.abs() * r / (1.0 - r) <= 1e-16 * largest {
            converged = true;
            break;
        }
    }
    (converged && sum != 0.0 && sum.is_finite()).then(|| (sum.signum(), sum.abs().ln() + ln_scale))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hyp2f1_ln(a: f64, b: f64, c: f64, z: f64) -> f64 {
        let (sign, ln) = hyp2f1(a, b, c, z).unwrap();
        assert_eq!(sign, 1.0);
        ln
    }

    #[test]
    fn matches_closed_forms() {
        // ₂F₁(1, 1; 2; z) = −ln(1 − z) / z.
        for z in [0.01, 0.3, 0.9, 0.999] {
            let exact = (-(1.0f64 - z).ln() / z).ln();
            assert!((hyp2f1_ln(1.0, 1.0, 2.0, z) - exact).abs() < 1e-13, "z {z}");
        }
        // ₂F₁(a, b; b; z) = (1 − z)^−a.
        let exact = -2.5 * (1.0f64 - 0.7).ln();
        assert!((hyp2f1_ln(2.5, 3.0, 3.0, 0.7) - exact).abs() < 1e-12);
        // Large parameters: (1 − z)^−a with a = 400 is about e^142, beyond the scale step.
        let exact = -400.0 * (1.0f64 - 0.9).ln();
        assert!((hyp2f1_ln(400.0, 7.0, 7.0, 0.9) - exact).abs() < 1e-9 * exact);
        // A negative c: ₂F₁(a, b; b; z) = (1 − z)^−a holds for any b.
        let (sign, ln) = hyp2f1(0.7, -0.4, -0.4, 0.5).unwrap();
        assert_eq!(sign, 1.0);
        assert!((ln + 0.7 * 0.5f64.ln()).abs() < 1e-13);
        assert!(hyp2f1(1.0, 1.0, -2.0, 0.5).is_none());
    }
}
