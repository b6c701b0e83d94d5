//! RFM: recency, frequency and monetary value scored 1–5 by quintile, and the conventional
//! named RFM segments in English and Chinese.

use crate::lang::Text;
use serde::Serialize;

/// A conventional RFM segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum RfmSegment {
    /// Bought recently, often, and spend the most.
    Champions,
    /// Spend good money often; responsive.
    Loyal,
    /// Recent with average frequency.
    PotentialLoyalists,
    /// Bought most recently, but not often.
    New,
    /// Recent shoppers who have not spent much.
    Promising,
    /// Above average recency, frequency and monetary values.
    NeedAttention,
    /// Below average recency and frequency; will be lost if not reactivated.
    AboutToSleep,
    /// Spent big and often, but long ago.
    AtRisk,
    /// Made the biggest purchases and often, but have not returned for a long time.
    CantLoseThem,
    /// Last purchase long ago, low spenders.
    Hibernating,
    /// Lowest recency, frequency and monetary scores.
    Lost,
}

impl RfmSegment {
    /// All segments, from most to least valuable.
    pub const ALL: [RfmSegment; 11] = [
        RfmSegment::Champions,
        RfmSegment::Loyal,
        RfmSegment::PotentialLoyalists,
        RfmSegment::New,
        RfmSegment::Promising,
        RfmSegment::NeedAttention,
        RfmSegment::AboutToSleep,
        RfmSegment::AtRisk,
        RfmSegment::CantLoseThem,
        RfmSegment::Hibernating,
        RfmSegment::Lost,
    ];

    /// English name: the key written to files.
    pub fn name(self) -> &'static str {
        match self {
            RfmSegment::Champions => "Champions",
            RfmSegment::Loyal => "Loyal",
            RfmSegment::PotentialLoyalists => "Potential Loyalists",
            RfmSegment::New => "New",
            RfmSegment::Promising => "Promising",
            RfmSegment::NeedAttention => "Need Attention",
            RfmSegment::AboutToSleep => "About to Sleep",
            RfmSegment::AtRisk => "At Risk",
            RfmSegment::CantLoseThem => "Can't Lose Them",
            RfmSegment::Hibernating => "Hibernating",
            RfmSegment::Lost => "Lost",
        }
    }

    /// The segment's name in both languages.
    pub fn text(self) -> Text {
        let zh = match self {
            RfmSegment::Champions => "重要价值用户",
            RfmSegment::Loyal => "忠诚用户",
            RfmSegment::PotentialLoyalists => "潜在忠诚用户",
            RfmSegment::New => "新用户",
            RfmSegment::Promising => "有潜力用户",
            RfmSegment::NeedAttention => "需要关注",
            RfmSegment::AboutToSleep => "即将沉睡",
            RfmSegment::AtRisk => "流失风险",
            RfmSegment::CantLoseThem => "不能失去",
            RfmSegment::Hibernating => "沉睡用户",
            RfmSegment::Lost => "已流失",
        };
        Text::new(zh, self.name())
    }

    /// The segment of an R score and the mean of the F and M scores (all 1–5), by the usual
    /// grid: the first rule that matches wins.
    pub fn classify(r: u8, f: u8, m: u8) -> RfmSegment {
        let fm = (f as f64 + m as f64) / 2.0;
        match r {
            5 if fm >= 4.0 => RfmSegment::Champions,
            4 if fm >= 4.0 => RfmSegment::Champions,
            3..=5 if fm >= 3.0 => RfmSegment::Loyal,
            4..=5 if fm >= 2.0 => RfmSegment::PotentialLoyalists,
            5 => RfmSegment::New,
            4 => RfmSegment::Promising,
            3 if fm >= 2.0 => RfmSegment::NeedAttention,
            3 => RfmSegment::AboutToSleep,
            1..=2 if fm >= 4.5 => RfmSegment::CantLoseThem,
            1..=2 if fm >= 3.0 => RfmSegment::AtRisk,
            2 => RfmSegment::Hibernating,
            _ => RfmSegment::Lost,
        }
    }
}

/// Quintile scores 1–5 of `values` by rank; `higher_is_better = false` scores small values 5.
/// Equal values get equal scores: a run of ties takes the quintile of its middle rank (as
/// pandas' `rank(method="average")` before `qcut`), so two identical learners never differ.
pub fn quintile_scores(values: &[f64], higher_is_better: bool) -> Vec<u8> {
    let n = values.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut scores = vec![0u8; n];
    let mut start = 0;
    while start < n {
        let v = values[order[start]];
        let end = start
            + order[start..]
                .iter()
                .take_while(|&&i| values[i] == v)
                .count()
                .max(1);
        // Twice the middle rank of the run, so the division stays in integers.
        let mid2 = start + end - 1;
        let q = (mid2 * 5 / (2 * n)) as u8 + 1;
        for &i in &order[start..end] {
            scores[i] = if higher_is_better { q } else { 6 - q };
        }
        start = end;
    }
    scores
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quintiles_split_evenly_and_recency_is_reversed() {
        let v: Vec<f64> = (0..10).map(f64::from).collect();
        assert_eq!(
            quintile_scores(&v, true),
            vec![1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
        );
        assert_eq!(
            quintile_scores(&v, false),
            vec![5, 5, 4, 4, 3, 3, 2, 2, 1, 1]
        );
    }

    #[test]
    fn equal_values_get_equal_scores() {
        // Six of ten learners never bought: rank order alone would score them 1, 1, 2, 2, 3, 3.
        let v = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 10.0, 20.0, 30.0, 40.0];
        let s = quintile_scores(&v, true);
        assert!(s[..6].iter().all(|&q| q == s[0]), "{s:?}");
        assert_eq!(
            s[0], 2,
            "the run covers ranks 0..5, middle 2.5 → quintile 2"
        );
        assert_eq!(&s[6..], &[4, 4, 5, 5]);
        assert_eq!(quintile_scores(&[7.0; 5], false), vec![3; 5]);
    }

    #[test]
    fn the_grid_names_the_corners() {
        assert_eq!(RfmSegment::classify(5, 5, 5), RfmSegment::Champions);
        assert_eq!(RfmSegment::classify(1, 1, 1), RfmSegment::Lost);
        assert_eq!(RfmSegment::classify(5, 1, 1), RfmSegment::New);
        assert_eq!(RfmSegment::classify(1, 5, 5), RfmSegment::CantLoseThem);
        assert_eq!(RfmSegment::classify(2, 4, 3), RfmSegment::AtRisk);
    }
}
