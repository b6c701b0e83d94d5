//! Sign-up cohorts: of the learners who joined in a month, the share active in each month
//! after.

use super::{Month, month_label, month_of};
use crate::data::columns::{ms_col, str_col};
use crate::data::{Dataset, TableKind};
use crate::error::Error;
use crate::jobs::Progress;
use ahash::{AHashMap, AHashSet};
use serde::Serialize;

/// Months after joining that retention is followed for.
pub const MONTHS_FOLLOWED: usize = 12;

/// The learners who joined in one month.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cohort {
    /// `YYYY-MM`.
    pub month: String,
    /// Learners who joined then.
    pub size: usize,
    /// `retention[k]`: share of them with an event in the k-th month after joining (0 = the
    /// month itself), for the months the data covers (at most [`MONTHS_FOLLOWED`] + 1).
    pub retention: Vec<f64>,
}

/// Cohorts of `ds`, oldest first. A learner joins in the month of `signup_date` in
/// users.csv, or of their first event when it has none (or there is no users.csv);
/// activity is any event with a time.
pub fn cohorts(ds: &Dataset, progress: &Progress) -> Result<Vec<Cohort>, Error> {
    let ev = ds
        .frame(TableKind::Events)
        .ok_or_else(|| Error::input("同期群分析需要 events.csv", "cohorts need events.csv"))?;
    let (Some(user), Some(ts)) = (str_col(ev, "user_id"), ms_col(ev, "ts")) else {
        return Err(Error::input(
            "events.csv 需要 user_id 和 ts 列",
            "events.csv needs user_id and ts",
        ));
    };
    let mut joined: AHashMap<&str, Month> = AHashMap::new();
    if let Some(users) = ds.frame(TableKind::Users)
        && let (Some(id), Some(signup)) = (str_col(users, "user_id"), ms_col(users, "signup_date"))
    {
        for (id, ms) in id.iter().zip(signup.iter()) {
            if let (Some(id), Some(ms)) = (id, ms) {
                joined.entry(id).or_insert(month_of(ms));
            }
        }
    }
    let mut first: AHashMap<&str, Month> = AHashMap::new();
    let mut active: AHashSet<(&str, Month)> = AHashSet::new();
    let mut last_month = Month::MIN;
    let n = ev.height();
    for i in 0..n {
        if i % 65_536 == 0 {
            progress.check()?;
            progress.set(i as f32 / n.max(1) as f32);
        }
        let (Some(u), Some(ms)) = (user.get(i), ts.get(i)) else {
            continue;
        };
        let m = month_of(ms);
        last_month = last_month.max(m);
        active.insert((u, m));
        let f = first.entry(u).or_insert(m);
        *f = (*f).min(m);
    }
    for (u, m) in first {
        joined.entry(u).or_insert(m);
    }
    let mut members: std::collections::BTreeMap<Month, Vec<&str>> = Default::default();
    for (u, m) in joined {
        members.entry(m).or_default().push(u);
    }
    let out = members
        .into_iter()
        .filter(|(m, _)| *m <= last_month)
        .map(|(m, learners)| {
            let span = ((last_month - m) as usize).min(MONTHS_FOLLOWED);
            let retention = (0..=span)
                .map(|k| {
                    let month = m + k as Month;
                    let n = learners
                        .iter()
                        .filter(|u| active.contains(&(**u, month)))
                        .count();
                    n as f64 / learners.len() as f64
                })
                .collect();
            Cohort {
                month: month_label(m),
                size: learners.len(),
                retention,
            }
        })
        .collect();
    progress.set(1.0);
    Ok(out)
}
