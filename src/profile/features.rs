//! One row per learner, fused from attributes, behaviour and text: RFM, engagement,
//! interests, price sensitivity, attributes and comment sentiment.

use super::rfm::{RfmSegment, quintile_scores};
use super::sentiment::sentiment;
use crate::data::cells::MS_PER_DAY;
use crate::data::columns::{f64_col, ms_col, str_col};
use crate::data::{Dataset, TableKind};
use crate::jobs::{Cancelled, Progress};
use ahash::{AHashMap, AHashSet};
use polars::prelude::*;

/// Columns of `users` that are never one-hot encoded (identifiers, dates, numbers).
const NOT_CATEGORICAL: &[&str] = &["user_id", "signup_date", "age"];
/// Attributes with more distinct values than this are not one-hot encoded.
const MAX_LEVELS: usize = 30;
/// One-hot attribute columns at most, over all attributes (in column order): a users file
/// with hundreds of attribute columns cannot make profiling and clustering crawl.
pub const MAX_ATTRIBUTE_FEATURES: usize = 300;
/// A course at or under this price counts as cheap.
pub const CHEAP_PRICE: f64 = 50.0;
/// Days without activity after which a learner is flagged as a churn risk.
pub const CHURN_DAYS: f64 = 60.0;

/// A named numeric column of the profile.
#[derive(Debug, Clone)]
pub struct Feature {
    /// Column name, e.g. `interest:编程` or `occupation=学生`.
    pub name: String,
    /// Which block it belongs to (interests, price, activity, attributes).
    pub block: Block,
    /// One value per learner.
    pub values: Vec<f64>,
}

/// Feature blocks; each gets equal weight in the clustering space.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Block {
    /// Share of activity per category.
    Interests,
    /// What learners pay relative to list prices.
    Price,
    /// RFM and engagement.
    Activity,
    /// Demographics and other user attributes.
    Attributes,
}

impl Block {
    /// The block of a profile feature named `name` as [`learner_table`] names them
    /// (`interest:编程`, `log_monetary`, `occupation=学生`, …); `None` for any other name.
    pub fn of_feature(name: &str) -> Option<Block> {
        match name {
            "paid_vs_list" | "log_mean_list_price" | "cheap_share" => Some(Block::Price),
            "recency_days"
            | "log_frequency"
            | "log_monetary"
            | "log_active_days"
            | "events_per_active_day"
            | "log_watch_hours"
            | "completion_rate"
            | "days_since_signup" => Some(Block::Activity),
            "age" => Some(Block::Attributes),
            n if n.starts_with("interest:") => Some(Block::Interests),
            n if n.contains('=') => Some(Block::Attributes),
            _ => None,
        }
    }
}

/// Everything known about each learner.
#[derive(Debug, Clone)]
pub struct LearnerTable {
    /// Learner ids, in `users` order (or first-seen order in `events` without `users`).
    pub user_ids: Vec<String>,
    /// Numeric features (readable names) used for clustering and shown on cards.
    pub features: Vec<Feature>,
    /// Recency, frequency and monetary values; recency of a learner never seen active is the
    /// largest recency of the others (the least recent), as scored.
    pub rfm_values: Vec<[f64; 3]>,
    /// R, F, M quintile scores 1–5.
    pub rfm_scores: Vec<[u8; 3]>,
    /// Named RFM segment.
    pub rfm_segment: Vec<RfmSegment>,
    /// Mean comment sentiment in −1..1, if the learner commented.
    pub sentiment: Vec<Option<f64>>,
    /// Days since the last activity at the end of the data; for a learner without events,
    /// days since sign-up; `None` when neither is known (never a count from 1970).
    pub days_inactive: Vec<Option<f64>>,
    /// Categorical attributes as given (name, values).
    pub attributes: Attributes,
    /// Comments of each learner (for keywords).
    pub comments: Vec<Vec<String>>,
    /// Course categories, in `interest:` feature order.
    pub categories: Vec<String>,
}

impl LearnerTable {
    /// Whether learner `i` has been inactive (or, without events, signed up) more than
    /// [`CHURN_DAYS`] ago.
    pub fn churn_risk(&self, i: usize) -> bool {
        self.days_inactive[i].is_some_and(|d| d > CHURN_DAYS)
    }
}

/// `num / den`, or `empty` when there is nothing to divide by.
fn ratio(num: f64, den: f64, empty: f64) -> f64 {
    if den > 0.0 { num / den } else { empty }
}

#[derive(Default, Clone)]
struct Acc {
    events: f64,
    days: Vec<i32>,
    first: Option<i64>,
    last: Option<i64>,
    purchases: f64,
    enrolls: f64,
    completes: f64,
    monetary: f64,
    watch_sec: f64,
    paid_ratio_sum: f64,
    paid_ratio_n: f64,
    cheap: f64,
    list_price_sum: f64,
    list_price_n: f64,
}

/// Categorical attributes as given, each a [`super::Attribute`] of every learner.
pub type Attributes = Vec<super::Attribute>;

/// The attribute block of the first `n` users' rows: age (a missing age is the mean), the
/// one-hot levels of each categorical column (up to [`MAX_LEVELS`] levels a column and
/// [`MAX_ATTRIBUTE_FEATURES`] in all) and every categorical column's values.
fn attribute_columns(u: &DataFrame, n: usize) -> (Option<Feature>, Vec<Feature>, Attributes) {
    let age = f64_col(u, "age").map(|age| {
        let mean = age.mean().unwrap_or(0.0);
        let mut ages = vec![mean; n];
        for (i, v) in age.iter().enumerate().take(n) {
            ages[i] = v.unwrap_or(mean);
        }
        Feature {
            name: "age".into(),
            block: Block::Attributes,
            values: ages,
        }
    });
    let mut one_hots = Vec::new();
    let mut attributes = Vec::new();
    for col in u.columns() {
        let name = col.name().as_str();
        if NOT_CATEGORICAL.contains(&name) {
            continue;
        }
        let Some(values) = crate::data::columns::TextColumn::of(col) else {
            continue;
        };
        let attribute = super::Attribute::of_column(name, values, n);
        let budget = MAX_ATTRIBUTE_FEATURES.saturating_sub(one_hots.len());
        if attribute.levels.len() <= MAX_LEVELS.min(budget) {
            for (l, level) in attribute.levels.iter().enumerate() {
                let values = (0..n)
                    .map(|i| f64::from(attribute.level(i) == Some(l)))
                    .collect();
                one_hots.push(Feature {
                    name: format!("{name}={level}"),
                    block: Block::Attributes,
                    values,
                });
            }
        }
        attributes.push(attribute);
    }
    (age, one_hots, attributes)
}

/// What is known of each learner without reading what they did: their ids and the
/// attribute block of the [learner table](learner_table), the same values in the same order.
#[derive(Debug, Clone, Default)]
pub struct LearnerAttributes {
    /// Learner ids, as [`LearnerTable::user_ids`].
    pub user_ids: Vec<String>,
    /// Age, when `users` has one.
    pub age: Option<Feature>,
    /// One-hot levels of the categorical attributes (`name=level`).
    pub one_hots: Vec<Feature>,
    /// Categorical attributes as given.
    pub attributes: Attributes,
}

/// The learners' [attributes](LearnerAttributes): from `users`, or (ids only) from the
/// first appearance of each learner in `events` when there is no users table.
pub fn learner_attributes(ds: &Dataset) -> LearnerAttributes {
    let mut user_ids: Vec<String> = Vec::new();
    let mut seen: AHashSet<&str> = AHashSet::new();
    let users = ds.frame(TableKind::Users);
    for table in [users, ds.frame(TableKind::Events)] {
        if let Some(ids) = table.and_then(|t| str_col(t, "user_id")) {
            for id in ids.iter().flatten() {
                if seen.insert(id) {
                    user_ids.push(id.to_string());
                }
            }
        }
        if !user_ids.is_empty() {
            break;
        }
    }
    let (age, one_hots, attributes) = match users {
        Some(u) => attribute_columns(u, user_ids.len()),
        None => (None, Vec::new(), Vec::new()),
    };
    LearnerAttributes {
        user_ids,
        age,
        one_hots,
        attributes,
    }
}

/// Builds the learner table from a dataset with at least `users` or `events`.
pub fn learner_table(ds: &Dataset, progress: &Progress) -> Result<LearnerTable, Cancelled> {
    let users = ds.frame(TableKind::Users);
    let events = ds.frame(TableKind::Events);
    let courses = ds.frame(TableKind::Courses);

    let LearnerAttributes {
        user_ids,
        age,
        one_hots,
        attributes,
    } = learner_attributes(ds);
    let index: AHashMap<&str, usize> = user_ids
        .iter()
        .enumerate()
        .map(|(i, u)| (u.as_str(), i))
        .collect();

    let mut categories: Vec<String> = Vec::new();
    let mut course_info: AHashMap<String, (Option<usize>, Option<f64>)> = AHashMap::new();
    if let Some(c) = courses {
        let ids = str_col(c, "course_id");
        let cats = str_col(c, "category");
        let prices = f64_col(c, "price");
        for i in 0..c.height() {
            let Some(id) = ids.and_then(|s| s.get(i)) else {
                continue;
            };
            let cat = cats.and_then(|s| s.get(i)).map(|name| {
                categories
                    .iter()
                    .position(|c| c == name)
                    .unwrap_or_else(|| {
                        categories.push(name.to_string());
                        categories.len() - 1
                    })
            });
            course_info.insert(
                id.to_string(),
                (cat, prices.as_ref().and_then(|p| p.get(i))),
            );
        }
    }

    let mut acc: Vec<Acc> = vec![Acc::default(); user_ids.len()];
    let mut interests: Vec<Vec<f64>> = vec![vec![0.0; categories.len()]; user_ids.len()];
    let mut comments: Vec<Vec<String>> = vec![Vec::new(); user_ids.len()];
    let mut end_ms = i64::MIN;
    if let Some(ev) = events {
        let uid = str_col(ev, "user_id");
        let cid = str_col(ev, "course_id");
        let kind = str_col(ev, "event");
        let ts = ms_col(ev, "ts");
        let amount = f64_col(ev, "amount");
        let watch = f64_col(ev, "watch_sec");
        let text = str_col(ev, "text");
        let n = ev.height();
        for i in 0..n {
            if i % (1 << 16) == 0 {
                progress.check()?;
                progress.set(0.8 * i as f32 / n.max(1) as f32);
            }
            let Some(u) = uid.and_then(|c| c.get(i)) else {
                continue;
            };
            let Some(&u) = index.get(u) else {
                continue;
            };
            let a = &mut acc[u];
            a.events += 1.0;
            if let Some(t) = ts.as_ref().and_then(|c| c.get(i)) {
                a.days.push(t.div_euclid(MS_PER_DAY) as i32);
                a.first = Some(a.first.map_or(t, |f| f.min(t)));
                a.last = Some(a.last.map_or(t, |l| l.max(t)));
                end_ms = end_ms.max(t);
            }
            let (cat, price) = cid
                .and_then(|c| c.get(i))
                .and_then(|c| course_info.get(c).copied())
                .unwrap_or((None, None));
            if let Some(c) = cat {
                interests[u][c] += 1.0;
            }
            if let Some(p) = price {
                a.list_price_sum += p;
                a.list_price_n += 1.0;
            }
            let paid = amount.as_ref().and_then(|c| c.get(i));
            match kind.and_then(|c| c.get(i)) {
                Some("purchase") => {
                    a.purchases += 1.0;
                    a.monetary += paid.unwrap_or(0.0);
                    if let (Some(p), Some(list)) = (paid, price.filter(|p| *p > 0.0)) {
                        a.paid_ratio_sum += p / list;
                        a.paid_ratio_n += 1.0;
                    }
                    if price.is_some_and(|p| p <= CHEAP_PRICE) {
                        a.cheap += 1.0;
                    }
                }
                Some("refund") => a.monetary -= paid.unwrap_or(0.0),
                Some("enroll") => a.enrolls += 1.0,
                Some("complete") => a.completes += 1.0,
                Some("comment") => {
                    if let Some(t) = text.and_then(|c| c.get(i)) {
                        comments[u].push(t.to_string());
                    }
                }
                _ => {}
            }
            a.watch_sec += watch.as_ref().and_then(|c| c.get(i)).unwrap_or(0.0);
        }
    }
    let signup = users.and_then(|u| ms_col(u, "signup_date"));
    if let Some(s) = &signup {
        end_ms = end_ms.max(s.max().unwrap_or(i64::MIN));
    }
    let end_day = if end_ms == i64::MIN {
        0.0
    } else {
        (end_ms.div_euclid(MS_PER_DAY) + 1) as f64
    };
    let signup_day = |i: usize| -> Option<f64> {
        // Learners found only in events have no row in users.
        let column = signup.as_ref().filter(|c| i < c.len())?;
        Some(column.get(i)?.div_euclid(MS_PER_DAY) as f64)
    };
    let n = user_ids.len();
    progress.set(0.85);

    let mut features: Vec<Feature> = Vec::new();
    let mut push = |name: String, block: Block, values: Vec<f64>| {
        features.push(Feature {
            name,
            block,
            values,
        })
    };
    for (c, name) in categories.iter().enumerate() {
        let shares = interests
            .iter()
            .map(|row| {
                let total: f64 = row.iter().sum();
                ratio(row[c], total, 0.0)
            })
            .collect();
        push(format!("interest:{name}"), Block::Interests, shares);
    }
    push(
        "paid_vs_list".into(),
        Block::Price,
        acc.iter()
            .map(|a| ratio(a.paid_ratio_sum, a.paid_ratio_n, 1.0))
            .collect(),
    );
    push(
        "log_mean_list_price".into(),
        Block::Price,
        acc.iter()
            .map(|a| ratio(a.list_price_sum, a.list_price_n, 0.0).ln_1p())
            .collect(),
    );
    push(
        "cheap_share".into(),
        Block::Price,
        acc.iter()
            .map(|a| ratio(a.cheap, a.purchases, 0.0))
            .collect(),
    );
    let days_inactive: Vec<Option<f64>> = acc
        .iter()
        .enumerate()
        .map(|(i, a)| match a.last {
            Some(l) => Some(end_day - l.div_euclid(MS_PER_DAY) as f64),
            None => signup_day(i).map(|s| (end_day - s).max(0.0)),
        })
        .collect();
    // For clustering and the R score, a learner never seen active counts as the least recent.
    let least_recent = days_inactive.iter().flatten().copied().fold(0.0, f64::max);
    let recency: Vec<f64> = days_inactive
        .iter()
        .map(|d| d.unwrap_or(least_recent))
        .collect();
    let active_days: Vec<f64> = acc
        .iter_mut()
        .map(|a| {
            a.days.sort_unstable();
            a.days.dedup();
            a.days.len() as f64
        })
        .collect();
    let frequency: Vec<f64> = acc.iter().map(|a| a.purchases + a.enrolls).collect();
    let monetary: Vec<f64> = acc.iter().map(|a| a.monetary.max(0.0)).collect();
    push("recency_days".into(), Block::Activity, recency.clone());
    push(
        "log_frequency".into(),
        Block::Activity,
        frequency.iter().map(|f| f.ln_1p()).collect(),
    );
    push(
        "log_monetary".into(),
        Block::Activity,
        monetary.iter().map(|m| m.ln_1p()).collect(),
    );
    push(
        "log_active_days".into(),
        Block::Activity,
        active_days.iter().map(|d| d.ln_1p()).collect(),
    );
    push(
        "events_per_active_day".into(),
        Block::Activity,
        acc.iter()
            .zip(&active_days)
            .map(|(a, d)| ratio(a.events, *d, 0.0))
            .collect(),
    );
    push(
        "log_watch_hours".into(),
        Block::Activity,
        acc.iter().map(|a| (a.watch_sec / 3600.0).ln_1p()).collect(),
    );
    push(
        "completion_rate".into(),
        Block::Activity,
        acc.iter()
            .map(|a| ratio(a.completes, a.enrolls, 0.0).min(1.0))
            .collect(),
    );

    // Age, tenure and the one-hot attributes, in this order (all from `users`).
    if let Some(age) = age {
        push(age.name, age.block, age.values);
    }
    if signup.is_some() {
        let tenure = (0..n)
            .map(|i| signup_day(i).map_or(0.0, |s| (end_day - s).max(0.0)))
            .collect();
        push("days_since_signup".into(), Block::Activity, tenure);
    }
    for f in one_hots {
        push(f.name, f.block, f.values);
    }

    let rfm_values: Vec<[f64; 3]> = (0..n)
        .map(|i| [recency[i], frequency[i], monetary[i]])
        .collect();
    let r = quintile_scores(&recency, false);
    let f = quintile_scores(&frequency, true);
    let m = quintile_scores(&monetary, true);
    let rfm_scores: Vec<[u8; 3]> = (0..n).map(|i| [r[i], f[i], m[i]]).collect();
    let rfm_segment = rfm_scores
        .iter()
        .map(|s| RfmSegment::classify(s[0], s[1], s[2]))
        .collect();
    let sentiment = comments
        .iter()
        .map(|c| {
            (!c.is_empty()).then(|| c.iter().map(|t| sentiment(t)).sum::<f64>() / c.len() as f64)
        })
        .collect();
    progress.set(1.0);
    Ok(LearnerTable {
        user_ids,
        features,
        rfm_values,
        rfm_scores,
        rfm_segment,
        sentiment,
        days_inactive,
        attributes,
        comments,
        categories,
    })
}
