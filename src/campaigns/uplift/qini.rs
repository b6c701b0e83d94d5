//! The Qini curve and coefficient of an uplift ranking, as scikit-uplift defines them
//! (`sklift.metrics.qini_curve`, `perfect_qini_curve`, `qini_auc_score` with negative effects
//! allowed), so the numbers can be checked against it.

use serde::Serialize;

/// One point of a Qini curve: after targeting the `targeted` best-ranked users, the extra
/// conversions the treatment brought among them (treated conversions minus control
/// conversions scaled to the treated count).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct QiniPoint {
    /// Users targeted so far.
    pub targeted: f64,
    /// Incremental conversions among them.
    pub incremental: f64,
}

/// The Qini curve of `score` (higher: target first) over users with outcome `converted` and
/// arm `treated`. Users with equal scores enter together; the curve starts at (0, 0).
pub fn qini_curve(converted: &[bool], score: &[f64], treated: &[bool]) -> Vec<QiniPoint> {
    let n = score.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| score[b].total_cmp(&score[a]));
    let mut points = vec![QiniPoint {
        targeted: 0.0,
        incremental: 0.0,
    }];
    let (mut n_t, mut y_t, mut y_c) = (0.0, 0.0, 0.0);
    for (k, &i) in order.iter().enumerate() {
        if treated[i] {
            n_t += 1.0;
            y_t += f64::from(u8::from(converted[i]));
        } else {
            y_c += f64::from(u8::from(converted[i]));
        }
        let last_of_tie = order.get(k + 1).is_none_or(|&j| score[j] != score[i]);
        if last_of_tie {
            let all = (k + 1) as f64;
            let n_c = all - n_t;
            let scaled = if n_c > 0.0 { y_c * n_t / n_c } else { 0.0 };
            points.push(QiniPoint {
                targeted: all,
                incremental: y_t - scaled,
            });
        }
    }
    points
}

/// Area under a curve by the trapezoidal rule.
fn area(points: &[QiniPoint]) -> f64 {
    points
        .windows(2)
        .map(|w| (w[1].targeted - w[0].targeted) * (w[0].incremental + w[1].incremental) / 2.0)
        .sum()
}

/// The Qini coefficient: the area between the ranking's Qini curve and the random-targeting
/// line, as a share of that of the perfect ranking (treated converters first, control
/// converters last). 1 is perfect, 0 no better than random, below 0 worse.
pub fn qini_coefficient(converted: &[bool], score: &[f64], treated: &[bool]) -> f64 {
    let actual = qini_curve(converted, score, treated);
    let perfect_score: Vec<f64> = converted
        .iter()
        .zip(treated)
        .map(|(&y, &t)| match (y, t) {
            (true, true) => 1.0,
            (true, false) => -1.0,
            _ => 0.0,
        })
        .collect();
    let perfect = qini_curve(converted, &perfect_score, treated);
    let end = perfect.last().copied().unwrap_or(QiniPoint {
        targeted: 0.0,
        incremental: 0.0,
    });
    let baseline = end.targeted * end.incremental / 2.0;
    let best = area(&perfect) - baseline;
    if best == 0.0 {
        return 0.0;
    }
    (area(&actual) - baseline) / best
}
