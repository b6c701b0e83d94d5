//! The Value capability's one call: summarise purchases, fit BG/NBD and Gamma-Gamma, and value
//! every buyer. What the window and `persona-lab clv` call.

use super::bg_nbd::{BgNbd, Rft};
use super::gamma_gamma::GammaGamma;
use super::purchases::{Buyer, DAYS_PER_WEEK, Purchases, summarise_purchases};
use crate::data::Dataset;
use crate::error::Error;
use crate::jobs::Progress;
use serde::Serialize;

/// Fewest buyers, and buyers with repeat purchase days, the model is fitted on: four
/// parameters from fewer say little and can run to the edge of their range.
pub const MIN_BUYERS: usize = 30;
/// See [`MIN_BUYERS`].
pub const MIN_REPEAT_BUYERS: usize = 10;

/// Weeks in a month, as `lifetimes` discounts (`customer_lifetime_value`, freq "W").
pub const WEEKS_PER_MONTH: f64 = 4.345;

/// What to value and how.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueSettings {
    /// Last day of calibration (days since 1970-01-01, inclusive); `None`: the last event's day.
    pub until_day: Option<i64>,
    /// Days ahead that expected purchases, spend and value cover (and the holdout's length).
    pub horizon_days: u32,
    /// Discount rate per month for the value.
    pub discount_monthly: f64,
}

impl Default for ValueSettings {
    fn default() -> Self {
        ValueSettings {
            until_day: None,
            horizon_days: 90,
            discount_monthly: 0.01,
        }
    }
}

impl ValueSettings {
    /// Refuses settings outside their range, naming the setting.
    pub fn check(&self) -> Result<(), Error> {
        if !(1..=3650).contains(&self.horizon_days) {
            return Err(Error::input(
                format!("horizon-days 须为 1 到 3650，而不是 {}", self.horizon_days),
                format!("horizon-days must be 1 to 3650, not {}", self.horizon_days),
            ));
        }
        if !(0.0..1.0).contains(&self.discount_monthly) {
            return Err(Error::input(
                format!(
                    "discount-monthly 须不小于 0 且小于 1，而不是 {}",
                    self.discount_monthly
                ),
                format!(
                    "discount-monthly must be at least 0 and below 1, not {}",
                    self.discount_monthly
                ),
            ));
        }
        Ok(())
    }

    /// The horizon in weeks.
    pub fn horizon_weeks(&self) -> f64 {
        f64::from(self.horizon_days) / DAYS_PER_WEEK
    }
}

/// The fitted models: what a buyer's numbers are computed from.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ValueModel {
    /// Repeat purchasing.
    pub purchases: BgNbd,
    /// Spend per purchase; `None` when spend could not be modelled (then no money figures).
    pub spend: Option<GammaGamma>,
}

impl ValueModel {
    /// Discounted value of the next `horizon` weeks: expected purchases month by month
    /// (the last month cut at the horizon) times the expected spend per purchase, each month
    /// discounted by `discount_monthly` (as `lifetimes`' `customer_lifetime_value`).
    pub fn clv(&self, rft: Rft, spend: f64, horizon: f64, discount_monthly: f64) -> Option<f64> {
        let per_purchase = self.spend?.mean_spend(rft.x, spend);
        // A degenerate fit can leave an expectation undefined: then there is no value.
        let finite = |v: f64| v.is_finite().then_some(v);
        let months = (horizon / WEEKS_PER_MONTH - 1e-9).ceil().max(0.0) as u32;
        let mut value = 0.0;
        let mut before = 0.0;
        for m in 1..=months {
            let t = (f64::from(m) * WEEKS_PER_MONTH).min(horizon);
            let upto = finite(self.purchases.expected_purchases(t, rft))?;
            value +=
                per_purchase * (upto - before) / (1.0 + discount_monthly).powf(t / WEEKS_PER_MONTH);
            before = upto;
        }
        finite(value)
    }
}

/// One buyer's numbers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LearnerValue {
    /// The learner.
    pub user_id: String,
    /// Purchase days after the first.
    pub frequency: u32,
    /// First to last purchase day, weeks.
    pub recency_weeks: f64,
    /// First purchase day to the end of calibration, weeks.
    pub t_weeks: f64,
    /// Probability of still being active.
    pub p_alive: f64,
    /// Expected purchase days within the horizon (NaN when a degenerate fit leaves it
    /// undefined; written as an empty cell, shown as —).
    pub expected_purchases: f64,
    /// Expected spend within the horizon (undiscounted).
    pub expected_spend: Option<f64>,
    /// Discounted value of the horizon.
    pub clv: Option<f64>,
}

/// Predicted and actual repeat purchase days of buyers with the same calibration frequency.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FrequencyGroup {
    /// Calibration frequency.
    pub frequency: u32,
    /// Buyers with it.
    pub learners: usize,
    /// Mean expected purchase days in the holdout.
    pub predicted: f64,
    /// Mean actual purchase days in the holdout.
    pub actual: f64,
}

/// The calibration-versus-holdout check: the days after calibration, predicted and actual.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Holdout {
    /// Days of data after calibration that were compared (0: none).
    pub days: u32,
    /// Sum of expected purchase days over that period.
    pub predicted_total: f64,
    /// Purchase days that happened in it.
    pub actual_total: f64,
    /// The same by calibration frequency.
    pub by_frequency: Vec<FrequencyGroup>,
}

/// Every buyer valued.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueResult {
    /// The settings used.
    pub settings: ValueSettings,
    /// Last calibration day (days since 1970-01-01).
    pub until_day: i64,
    /// The models.
    pub model: ValueModel,
    /// BG/NBD total log-likelihood.
    pub loglik: f64,
    /// Every buyer, in order of first appearance.
    pub learners: Vec<LearnerValue>,
    /// Learners without a purchase in calibration (not valued).
    pub without_purchase: usize,
    /// Why spend was not modelled, when it was not.
    pub spend_note: Option<String>,
    /// The holdout check.
    pub holdout: Holdout,
    /// Positions in `learners`, ordered by learner id (for [`ValueResult::find`]).
    by_id: Vec<u32>,
}

impl ValueResult {
    /// A learner's numbers; `None` for learners without a purchase in calibration.
    pub fn find(&self, user_id: &str) -> Option<&LearnerValue> {
        self.position(user_id).map(|i| &self.learners[i as usize])
    }

    /// A learner's place in [`ValueResult::learners`].
    fn position(&self, user_id: &str) -> Option<u32> {
        let at = self
            .by_id
            .binary_search_by(|&i| self.learners[i as usize].user_id.as_str().cmp(user_id))
            .ok()?;
        Some(self.by_id[at])
    }

    /// Each of `user_ids`' place in [`ValueResult::learners`] (`None` for learners without a
    /// purchase in calibration), looked up once in parallel so that a table or the groups of
    /// a million learners index instead of searching.
    pub fn positions(&self, user_ids: &[String]) -> Vec<Option<u32>> {
        use rayon::prelude::*;
        user_ids.par_iter().map(|id| self.position(id)).collect()
    }

    /// The numbers of learner `row` of a list whose places [`ValueResult::positions`] gave
    /// (`None` for a learner without a purchase in calibration).
    pub fn at(&self, positions: &[Option<u32>], row: usize) -> Option<&LearnerValue> {
        Some(&self.learners[positions.get(row).copied().flatten()? as usize])
    }

    /// Mean P(alive) and mean value of the horizon over the buyers of each of `k` groups,
    /// with how many buyers that is (`None` for a group without buyers): learner `i` is in
    /// group `labels[i]` and at `positions[i]` (from [`ValueResult::positions`]).
    pub fn by_group(
        &self,
        positions: &[Option<u32>],
        labels: &[usize],
        k: usize,
    ) -> Vec<Option<GroupValue>> {
        // Per group: buyers, sum of P(alive), sum of values, buyers with a value.
        let mut sums = vec![(0usize, 0.0, 0.0, 0usize); k];
        for (at, &g) in positions.iter().zip(labels) {
            let (Some(at), Some(s)) = (at, sums.get_mut(g)) else {
                continue;
            };
            let l = &self.learners[*at as usize];
            s.0 += 1;
            s.1 += l.p_alive;
            if let Some(v) = l.clv {
                s.2 += v;
                s.3 += 1;
            }
        }
        sums.into_iter()
            .map(|(n, alive, clv, priced)| {
                (n > 0).then(|| GroupValue {
                    buyers: n,
                    p_alive: alive / n as f64,
                    clv: (priced > 0).then(|| clv / priced as f64),
                })
            })
            .collect()
    }

    /// Mean P(alive) on a grid of frequency (rows, 0 to the largest frequency seen, at most
    /// `max_frequency`) by recency in weeks (columns, `bins` equal steps up to the longest
    /// age T): what a buyer with that history would have, for the heat map `lifetimes` draws
    /// (`plot_probability_alive_matrix`), at the median age T of the buyers.
    pub fn p_alive_grid(&self, max_frequency: u32, bins: usize) -> PAliveGrid {
        let mut ages: Vec<f64> = self.learners.iter().map(|l| l.t_weeks).collect();
        ages.sort_by(f64::total_cmp);
        let t = ages.get(ages.len() / 2).copied().unwrap_or(0.0);
        let top = self
            .learners
            .iter()
            .map(|l| l.frequency)
            .max()
            .unwrap_or(0)
            .min(max_frequency);
        let bins = bins.max(1);
        let recency: Vec<f64> = (0..bins)
            .map(|j| t * (j as f64 + 0.5) / bins as f64)
            .collect();
        let cells = (0..=top)
            .map(|x| {
                recency
                    .iter()
                    .map(|&t_x| {
                        self.model.purchases.p_alive(Rft {
                            x: f64::from(x),
                            t_x,
                            t,
                        })
                    })
                    .collect()
            })
            .collect();
        PAliveGrid {
            t_weeks: t,
            recency_weeks: recency,
            cells,
        }
    }
}

/// Value of a group of learners (a segment, a target list).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GroupValue {
    /// Buyers in the group (the others have no value estimate).
    pub buyers: usize,
    /// Mean P(alive) of those buyers.
    pub p_alive: f64,
    /// Mean value of the horizon, when spend is modelled.
    pub clv: Option<f64>,
}

/// P(alive) over frequency × recency at one age, for a heat map.
#[derive(Debug, Clone, PartialEq)]
pub struct PAliveGrid {
    /// The age T (weeks) every cell assumes: the buyers' median.
    pub t_weeks: f64,
    /// Recency (weeks) at the centre of each column.
    pub recency_weeks: Vec<f64>,
    /// `cells[frequency][column]`.
    pub cells: Vec<Vec<f64>>,
}

/// The calibration-versus-holdout check of `settings` moved back by the horizon: fitted on
/// the purchases up to `horizon_days` before the end of calibration (the last event's day by
/// default), predicting those last days. What the window shows beside today's values.
pub fn backtest_value(
    dataset: &Dataset,
    settings: &ValueSettings,
    end_day: i64,
    progress: &Progress,
) -> Result<Holdout, Error> {
    let earlier = ValueSettings {
        until_day: Some(end_day - i64::from(settings.horizon_days)),
        ..settings.clone()
    };
    Ok(estimate_value(dataset, &earlier, progress)?.holdout)
}

/// Values every buyer of `dataset`: what the window and `persona-lab clv` call.
pub fn estimate_value(
    dataset: &Dataset,
    settings: &ValueSettings,
    progress: &Progress,
) -> Result<ValueResult, Error> {
    settings.check()?;
    let purchases = summarise_purchases(
        dataset,
        settings.until_day,
        settings.horizon_days,
        &progress.part(0.0, 0.5),
    )?;
    value_purchases(purchases, settings, progress)
}

/// Values the buyers of `purchases` (summarised from a dataset, or read from a table a
/// database computed, [`super::read_summary`]).
pub fn value_purchases(
    purchases: Purchases,
    settings: &ValueSettings,
    progress: &Progress,
) -> Result<ValueResult, Error> {
    settings.check()?;
    let rft = |b: &Buyer| Rft {
        x: f64::from(b.frequency),
        t_x: b.recency_weeks(),
        t: b.t_weeks(),
    };
    let repeat_buyers = purchases.buyers.iter().filter(|b| b.frequency > 0).count();
    if purchases.buyers.len() < MIN_BUYERS || repeat_buyers < MIN_REPEAT_BUYERS {
        return Err(Error::input(
            format!(
                "生命周期价值需要在校准期结束前至少有 {MIN_BUYERS} 名购买者，其中 \
                 {MIN_REPEAT_BUYERS} 名在两个不同日期购买过；现有 {} 名和 {repeat_buyers} 名：\
                 人数更少时模型的数字意义不大",
                purchases.buyers.len()
            ),
            format!(
                "lifetime value needs at least {MIN_BUYERS} buyers, {MIN_REPEAT_BUYERS} of them \
                 with purchases on two different days, before the end of calibration; there are {} \
                 and {repeat_buyers}: with fewer the model's numbers would mean little",
                purchases.buyers.len()
            ),
        ));
    }
    let rows: Vec<Rft> = purchases.buyers.iter().map(rft).collect();
    progress.check()?;
    let (bg, loglik) = BgNbd::fit(&rows)?;
    progress.set(0.75);
    let spends: Vec<(f64, f64)> = purchases
        .buyers
        .iter()
        .map(|b| (f64::from(b.frequency), b.spend))
        .collect();
    let (spend, spend_note) = match GammaGamma::fit(&spends) {
        Ok(g) => (Some(g), None),
        Err(e @ Error::Input(_)) => (None, Some(e.to_string())),
        Err(e) => return Err(e),
    };
    let model = ValueModel {
        purchases: bg,
        spend,
    };
    let horizon = settings.horizon_weeks();
    let holdout_weeks = f64::from(purchases.holdout_days) / DAYS_PER_WEEK;
    let mut learners = Vec::with_capacity(purchases.buyers.len());
    let mut groups: std::collections::BTreeMap<u32, (usize, f64, f64)> = Default::default();
    let mut holdout_predicted = 0.0;
    let mut holdout_actual = 0.0;
    for (b, r) in purchases.buyers.into_iter().zip(rows) {
        let expected = bg.expected_purchases(horizon, r);
        let predicted = bg.expected_purchases(holdout_weeks, r);
        // Buyers the model cannot give an expectation for (a degenerate fit) stay out of the
        // holdout sums rather than turning them into NaN.
        if purchases.holdout_days > 0 && predicted.is_finite() {
            let g = groups.entry(b.frequency).or_default();
            g.0 += 1;
            g.1 += predicted;
            g.2 += f64::from(b.holdout_days);
            holdout_predicted += predicted;
            holdout_actual += f64::from(b.holdout_days);
        }
        learners.push(LearnerValue {
            frequency: b.frequency,
            recency_weeks: r.t_x,
            t_weeks: r.t,
            p_alive: bg.p_alive(r),
            expected_purchases: expected,
            expected_spend: spend
                .map(|g| expected * g.mean_spend(r.x, b.spend))
                .filter(|v| v.is_finite()),
            clv: model.clv(r, b.spend, horizon, settings.discount_monthly),
            user_id: b.user_id,
        });
    }
    progress.set(1.0);
    let mut by_id: Vec<u32> = (0..learners.len() as u32).collect();
    by_id.sort_by(|&a, &b| {
        learners[a as usize]
            .user_id
            .cmp(&learners[b as usize].user_id)
    });
    Ok(ValueResult {
        by_id,
        settings: settings.clone(),
        until_day: purchases.until_day,
        model,
        loglik,
        learners,
        without_purchase: purchases.without_purchase,
        spend_note,
        holdout: Holdout {
            days: purchases.holdout_days,
            predicted_total: holdout_predicted,
            actual_total: holdout_actual,
            by_frequency: groups
                .into_iter()
                .map(|(frequency, (n, p, a))| FrequencyGroup {
                    frequency,
                    learners: n,
                    predicted: p / n as f64,
                    actual: a / n as f64,
                })
                .collect(),
        },
    })
}
