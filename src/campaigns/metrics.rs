//! How good predicted probabilities are: AUC, log loss, calibration, ROC and precision-recall
//! curves, lift and cumulative gains by decile.

use serde::Serialize;

/// Area under the ROC curve (Mann–Whitney, ties counted half); `None` without both classes.
pub fn auc(scores: &[f64], labels: &[f32]) -> Option<f64> {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_unstable_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    let (mut rank_sum, mut positives) = (0.0, 0.0);
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && scores[order[j + 1]] == scores[order[i]] {
            j += 1;
        }
        // Ranks i+1..=j+1 share their mean.
        let mean_rank = (i + j) as f64 / 2.0 + 1.0;
        for &o in &order[i..=j] {
            if labels[o] > 0.5 {
                rank_sum += mean_rank;
                positives += 1.0;
            }
        }
        i = j + 1;
    }
    let negatives = scores.len() as f64 - positives;
    if positives == 0.0 || negatives == 0.0 {
        return None;
    }
    Some((rank_sum - positives * (positives + 1.0) / 2.0) / (positives * negatives))
}

/// Mean log loss (probabilities clipped to [1e-15, 1 − 1e-15], as scikit-learn does).
pub fn log_loss(p: &[f64], labels: &[f32]) -> f64 {
    let total: f64 = p
        .iter()
        .zip(labels)
        .map(|(&p, &y)| {
            let p = p.clamp(1e-15, 1.0 - 1e-15);
            if y > 0.5 { -p.ln() } else { -(1.0 - p).ln() }
        })
        .sum();
    total / p.len().max(1) as f64
}

/// One calibration bin.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct CalibrationBin {
    /// Bin number, 1 = lowest predictions.
    pub bin: usize,
    /// Mean predicted probability.
    pub predicted: f64,
    /// Observed rate.
    pub observed: f64,
    /// Rows.
    pub n: usize,
}

/// Rows sorted by prediction, highest first.
fn ranked(p: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..p.len()).collect();
    order.sort_unstable_by(|&a, &b| p[b].total_cmp(&p[a]).then(a.cmp(&b)));
    order
}

/// Calibration in `bins` equal-count bins of the predictions (deciles for 10).
pub fn calibration(p: &[f64], labels: &[f32], bins: usize) -> Vec<CalibrationBin> {
    let mut order = ranked(p);
    order.reverse();
    let n = order.len();
    (0..bins)
        .filter_map(|b| {
            let rows = &order[b * n / bins..(b + 1) * n / bins];
            (!rows.is_empty()).then(|| CalibrationBin {
                bin: b + 1,
                predicted: rows.iter().map(|&r| p[r]).sum::<f64>() / rows.len() as f64,
                observed: rows.iter().map(|&r| f64::from(labels[r])).sum::<f64>()
                    / rows.len() as f64,
                n: rows.len(),
            })
        })
        .collect()
}

/// Points of a curve: `[x, y]`.
pub type Curve = Vec<[f64; 2]>;

/// ROC (false-positive rate, true-positive rate) and precision-recall (recall, precision)
/// curves, each thinned to about `points` points.
pub fn roc_pr(p: &[f64], labels: &[f32], points: usize) -> (Curve, Curve) {
    let order = ranked(p);
    let pos = labels.iter().filter(|&&y| y > 0.5).count().max(1) as f64;
    let neg = (labels.len() as f64 - pos).max(1.0);
    let every = (order.len() / points.max(1)).max(1);
    let (mut tp, mut fp) = (0.0, 0.0);
    let mut roc = vec![[0.0, 0.0]];
    let mut pr = Vec::new();
    for (i, &r) in order.iter().enumerate() {
        if labels[r] > 0.5 {
            tp += 1.0;
        } else {
            fp += 1.0;
        }
        let boundary = i + 1 == order.len() || p[order[i + 1]] != p[r];
        if boundary && (i % every == 0 || i + 1 == order.len()) {
            roc.push([fp / neg, tp / pos]);
            pr.push([tp / pos, tp / (tp + fp)]);
        }
    }
    (roc, pr)
}

/// One decile of the ranking.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Decile {
    /// 1 = the 10% with the highest predictions.
    pub decile: usize,
    /// Positive rate in the decile divided by the overall rate.
    pub lift: f64,
    /// Share of all positives found in deciles 1..=this one.
    pub cumulative_gain: f64,
}

/// Lift and cumulative gains by decile.
pub fn gains(p: &[f64], labels: &[f32]) -> Vec<Decile> {
    let order = ranked(p);
    let n = order.len();
    let total: f64 = labels.iter().map(|&y| f64::from(y)).sum();
    let base = total / n.max(1) as f64;
    let mut found = 0.0;
    (0..10)
        .filter_map(|d| {
            let rows = &order[d * n / 10..(d + 1) * n / 10];
            if rows.is_empty() {
                return None;
            }
            let hits: f64 = rows.iter().map(|&r| f64::from(labels[r])).sum();
            found += hits;
            Some(Decile {
                decile: d + 1,
                lift: if base > 0.0 {
                    hits / rows.len() as f64 / base
                } else {
                    0.0
                },
                cumulative_gain: if total > 0.0 { found / total } else { 0.0 },
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_counts_ties_half_and_matches_a_hand_count() {
        // Pairs (pos, neg): (0.9 > 0.1), (0.9 > 0.4), (0.4 = 0.4 → ½), (0.4 > 0.1): 3.5 / 4.
        let s = [0.9, 0.4, 0.4, 0.1];
        let y = [1.0, 1.0, 0.0, 0.0];
        assert_eq!(auc(&s, &y), Some(0.875));
        assert_eq!(auc(&[0.5, 0.6], &[1.0, 1.0]), None);
    }

    #[test]
    fn log_loss_and_deciles_follow_their_definitions() {
        let p = [0.8, 0.2];
        let y = [1.0, 0.0];
        assert!((log_loss(&p, &y) + 0.8f64.ln()).abs() < 1e-12);
        let p: Vec<f64> = (0..100).map(|i| i as f64 / 100.0).collect();
        let y: Vec<f32> = (0..100).map(|i| f32::from(u8::from(i >= 90))).collect();
        let g = gains(&p, &y);
        assert_eq!(g[0].lift, 10.0);
        assert_eq!(g[0].cumulative_gain, 1.0);
        let c = calibration(&p, &y, 10);
        assert_eq!(c.len(), 10);
        assert_eq!((c[9].n, c[9].observed), (10, 1.0));
        let (roc, pr) = roc_pr(&p, &y, 50);
        assert_eq!(roc.last(), Some(&[1.0, 1.0]));
        assert_eq!(pr[0], [0.1, 1.0]);
    }
}
