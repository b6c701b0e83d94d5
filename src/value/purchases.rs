//! Each learner's purchase days, summarised as the lifetime-value models see them: frequency,
//! recency and age in weeks over a calibration period, the mean spend of the repeat purchase
//! days, and the purchase days in the holdout after it.

use crate::data::cells::MS_PER_DAY;
use crate::data::columns::{f64_col, ms_col, str_col};
use crate::data::{Dataset, TableKind};
use crate::error::Error;
use crate::jobs::Progress;
use ahash::AHashMap;

/// Days in a week: the models' time unit is the week, as in `lifetimes`' CDNOW examples.
pub const DAYS_PER_WEEK: f64 = 7.0;

/// One buyer's calibration summary (the `lifetimes` definitions).
#[derive(Debug, Clone, PartialEq)]
pub struct Buyer {
    /// The learner.
    pub user_id: String,
    /// Purchase days after the first one.
    pub frequency: u32,
    /// First to last purchase day, in days.
    pub recency_days: i64,
    /// First purchase day to the end of calibration, in days.
    pub age_days: i64,
    /// Mean spend of the repeat purchase days (the first day excluded; a day's spend is the
    /// sum of its purchases); 0 without repeat days.
    pub spend: f64,
    /// Purchase days in the holdout after calibration.
    pub holdout_days: u32,
}

impl Buyer {
    /// Recency in weeks.
    pub fn recency_weeks(&self) -> f64 {
        self.recency_days as f64 / DAYS_PER_WEEK
    }

    /// Age (T) in weeks.
    pub fn t_weeks(&self) -> f64 {
        self.age_days as f64 / DAYS_PER_WEEK
    }
}

/// Every buyer of a dataset, with the periods their numbers describe.
#[derive(Debug, Clone)]
pub struct Purchases {
    /// Learners with a purchase up to the end of calibration, in order of first appearance
    /// (users.csv first, then events).
    pub buyers: Vec<Buyer>,
    /// Last calibration day (inclusive), as days since 1970-01-01.
    pub until_day: i64,
    /// Length of the holdout that has data: days after `until_day` up to the requested
    /// horizon or the last event, whichever is first.
    pub holdout_days: u32,
    /// Learners (users.csv and events) without a purchase in calibration.
    pub without_purchase: usize,
}

/// Summarises the purchases of `dataset`: calibration ends on `until_day` (default: the day
/// of the last event) and the holdout runs `horizon_days` after it. Purchase events without
/// a time cannot be placed and are skipped; refunds are not subtracted (the model counts
/// purchase days).
pub fn summarise_purchases(
    dataset: &Dataset,
    until_day: Option<i64>,
    horizon_days: u32,
    progress: &Progress,
) -> Result<Purchases, Error> {
    let events = dataset.frame(TableKind::Events).ok_or_else(|| {
        Error::input(
            "生命周期价值需要含购买记录的 events.csv",
            "lifetime value needs events.csv with purchases",
        )
    })?;
    let users = dataset
        .frame(TableKind::Users)
        .and_then(|u| str_col(u, "user_id"));
    let mut index: AHashMap<String, usize> = AHashMap::new();
    let mut ids: Vec<String> = Vec::new();
    for id in users.iter().flat_map(|c| c.iter()).flatten() {
        if !index.contains_key(id) {
            index.insert(id.to_string(), ids.len());
            ids.push(id.to_string());
        }
    }
    let uid = str_col(events, "user_id");
    let kind = str_col(events, "event");
    let ts = ms_col(events, "ts");
    let amount = f64_col(events, "amount");
    let mut days: Vec<Vec<(i64, f64)>> = vec![Vec::new(); ids.len()];
    let mut last_day = i64::MIN;
    let n = events.height();
    for i in 0..n {
        if i % (1 << 16) == 0 {
            progress.check()?;
            progress.set(0.8 * i as f32 / n.max(1) as f32);
        }
        let Some(u) = uid.and_then(|c| c.get(i)) else {
            continue;
        };
        let u = match index.get(u) {
            Some(&u) => u,
            None => {
                index.insert(u.to_string(), ids.len());
                ids.push(u.to_string());
                days.push(Vec::new());
                ids.len() - 1
            }
        };
        let Some(t) = ts.as_ref().and_then(|c| c.get(i)) else {
            continue;
        };
        let day = t.div_euclid(MS_PER_DAY);
        last_day = last_day.max(day);
        if kind.and_then(|c| c.get(i)) == Some("purchase") {
            let paid = amount.as_ref().and_then(|c| c.get(i)).unwrap_or(0.0);
            days[u].push((day, paid));
        }
    }
    if last_day == i64::MIN {
        return Err(Error::input(
            "events.csv 中没有带时间的事件",
            "events.csv has no timed events",
        ));
    }
    let until_day = until_day.unwrap_or(last_day);
    let holdout_end = until_day
        .saturating_add(i64::from(horizon_days))
        .min(last_day);
    let mut buyers = Vec::new();
    let mut without_purchase = 0;
    for (u, mut list) in days.into_iter().enumerate() {
        list.sort_by_key(|&(d, _)| d);
        // One entry per purchase day, with the day's total spend.
        let mut per_day: Vec<(i64, f64)> = Vec::new();
        for (d, paid) in list {
            match per_day.last_mut() {
                Some(last) if last.0 == d => last.1 += paid,
                _ => per_day.push((d, paid)),
            }
        }
        let calibration: Vec<&(i64, f64)> =
            per_day.iter().filter(|(d, _)| *d <= until_day).collect();
        let (Some(first), Some(last)) = (calibration.first(), calibration.last()) else {
            without_purchase += 1;
            continue;
        };
        let repeat = &calibration[1..];
        let spend = if repeat.is_empty() {
            0.0
        } else {
            repeat.iter().map(|(_, s)| s).sum::<f64>() / repeat.len() as f64
        };
        buyers.push(Buyer {
            user_id: std::mem::take(&mut ids[u]),
            frequency: repeat.len() as u32,
            recency_days: last.0 - first.0,
            age_days: until_day - first.0,
            spend,
            holdout_days: per_day
                .iter()
                .filter(|(d, _)| *d > until_day && *d <= holdout_end)
                .count() as u32,
        });
    }
    Ok(Purchases {
        buyers,
        until_day,
        holdout_days: (holdout_end - until_day).max(0) as u32,
        without_purchase,
    })
}
