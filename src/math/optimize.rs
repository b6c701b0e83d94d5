//! Derivative-free minimisation (Nelder–Mead) for the small maximum-likelihood fits (four
//! parameters or fewer) where writing gradients would add more risk than speed.

/// Where a minimisation ended.
#[derive(Debug, Clone, PartialEq)]
pub struct Minimum {
    /// The best point found.
    pub x: Vec<f64>,
    /// The objective there.
    pub value: f64,
    /// Objective evaluations used.
    pub evaluations: usize,
}

/// Minimises `f` from `start` with the Nelder–Mead simplex (reflection 1, expansion 2,
/// contraction ½, shrink ½), restarting from the best point until a restart no longer improves
/// the value by more than `tol` (relative): a single simplex can stall short of the minimum.
/// Non-finite values count as +∞, so `f` may refuse a region by returning NaN or ∞.
pub fn nelder_mead(f: impl Fn(&[f64]) -> f64, start: &[f64], step: f64, tol: f64) -> Minimum {
    let eval = |x: &[f64]| {
        let v = f(x);
        if v.is_finite() { v } else { f64::INFINITY }
    };
    let mut best = start.to_vec();
    let mut best_value = eval(&best);
    let mut evaluations = 1;
    for _restart in 0..10 {
        let (x, value, used) = simplex(&eval, &best, step, tol);
        evaluations += used;
        let improved = best_value - value > tol * (1.0 + value.abs());
        if value <= best_value {
            best = x;
            best_value = value;
        }
        if !improved {
            break;
        }
    }
    Minimum {
        x: best,
        value: best_value,
        evaluations,
    }
}

/// One simplex run from `start`; stops when the values at the vertices agree to `tol` and the
/// simplex has shrunk to `tol` in every coordinate, or after 20,000 evaluations.
fn simplex(
    f: &impl Fn(&[f64]) -> f64,
    start: &[f64],
    step: f64,
    tol: f64,
) -> (Vec<f64>, f64, usize) {
    let n = start.len();
    let mut points: Vec<Vec<f64>> = vec![start.to_vec()];
    for i in 0..n {
        let mut p = start.to_vec();
        p[i] += step;
        points.push(p);
    }
    let mut values: Vec<f64> = points.iter().map(|p| f(p)).collect();
    let mut used = n + 1;
    while used < 20_000 {
        let mut order: Vec<usize> = (0..=n).collect();
        order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
        points = order.iter().map(|&i| points[i].clone()).collect();
        values = order.iter().map(|&i| values[i]).collect();
        let spread = values[n] - values[0];
        let size = (1..=n)
            .flat_map(|i| (0..n).map(move |j| (i, j)))
            .map(|(i, j)| (points[i][j] - points[0][j]).abs())
            .fold(0.0, f64::max);
        if spread <= tol * (1.0 + values[0].abs()) && size <= tol.sqrt() {
            break;
        }
        let centroid: Vec<f64> = (0..n)
            .map(|j| points[..n].iter().map(|p| p[j]).sum::<f64>() / n as f64)
            .collect();
        let towards = |t: f64| -> Vec<f64> {
            (0..n)
                .map(|j| centroid[j] + t * (points[n][j] - centroid[j]))
                .collect()
        };
        let reflected = towards(-1.0);
        let fr = f(&reflected);
        used += 1;
        if fr < values[0] {
            let expanded = towards(-2.0);
            let fe = f(&expanded);
            used += 1;
            (points[n], values[n]) = if fe < fr {
                (expanded, fe)
            } else {
                (reflected, fr)
            };
        } else if fr < values[n - 1] {
            (points[n], values[n]) = (reflected, fr);
        } else {
            let contracted = if fr < values[n] {
                towards(-0.5)
            } else {
                towards(0.5)
            };
            let fc = f(&contracted);
            used += 1;
            if fc < values[n].min(fr) {
                (points[n], values[n]) = (contracted, fc);
            } else {
                for i in 1..=n {
                    points[i] = (0..n)
                        .map(|j| points[0][j] + 0.5 * (points[i][j] - points[0][j]))
                        .collect();
                    values[i] = f(&points[i]);
                }
                used += n;
            }
        }
    }
    let i = (0..=n)
        .min_by(|&a, &b| values[a].total_cmp(&values[b]))
        .unwrap_or(0);
    (points[i].clone(), values[i], used)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_rosenbrock_minimum() {
        let rosen = |x: &[f64]| (1.0 - x[0]).powi(2) + 100.0 * (x[1] - x[0] * x[0]).powi(2);
        let m = nelder_mead(rosen, &[-1.2, 1.0], 0.5, 1e-14);
        assert!(
            (m.x[0] - 1.0).abs() < 1e-5 && (m.x[1] - 1.0).abs() < 1e-5,
            "{m:?}"
        );
    }

    #[test]
    fn refuses_non_finite_regions() {
        // ln is undefined below 0: the minimum of x - ln x is at 1.
        let f = |x: &[f64]| x[0] - x[0].ln();
        let m = nelder_mead(f, &[3.0], 1.0, 1e-14);
        assert!((m.x[0] - 1.0).abs() < 1e-6, "{m:?}");
    }
}
