//! Totals, months and best sellers.

use super::{Month, month_label, month_of};
use crate::data::cells::MS_PER_DAY;
use crate::data::columns::{f64_col, ms_col, str_col};
use crate::data::{Dataset, TableKind};
use crate::error::Error;
use crate::jobs::Progress;
use ahash::{AHashMap, AHashSet};
use serde::Serialize;

/// Days counted as "recent" for active learners: the last 30 days of data.
pub const ACTIVE_DAYS: i64 = 30;

/// One calendar month of activity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthRow {
    /// `YYYY-MM`.
    pub month: String,
    /// Learners with any event in the month.
    pub active: usize,
    /// Of those, learners whose first event (in the whole data) falls in the month.
    pub new: usize,
    /// Active learners who had events before the month.
    pub returning: usize,
    /// Purchase events.
    pub orders: usize,
    /// Money paid on purchase events (¥).
    pub revenue: f64,
}

/// One course's sales.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CourseRow {
    /// The course.
    pub course_id: String,
    /// Its title (the id when courses.csv has none).
    pub title: String,
    /// Its category (empty when unknown).
    pub category: String,
    /// Learners with any event on it.
    pub learners: usize,
    /// Learners who bought it.
    pub buyers: usize,
    /// Purchase events.
    pub orders: usize,
    /// Money paid (¥).
    pub revenue: f64,
}

/// One category's sales.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryRow {
    /// The category (`—` for courses without one).
    pub category: String,
    /// Learners with any event on its courses.
    pub learners: usize,
    /// Learners who bought one of its courses.
    pub buyers: usize,
    /// Purchase events.
    pub orders: usize,
    /// Money paid (¥).
    pub revenue: f64,
}

/// The business at a glance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Overview {
    /// Learners in users.csv or events.csv.
    pub learners: usize,
    /// Learners with an event in the last [`ACTIVE_DAYS`] days of data.
    pub active_learners: usize,
    /// Learners with a purchase.
    pub buyers: usize,
    /// Purchase events.
    pub orders: usize,
    /// Money paid on purchase events (¥).
    pub revenue: f64,
    /// Refund events.
    pub refunds: usize,
    /// Money on refund events (¥; not subtracted from revenue).
    pub refunded: f64,
    /// First and last event day, `YYYY-MM-DD`.
    pub first_day: Option<String>,
    /// See `first_day`.
    pub last_day: Option<String>,
    /// Events without a time (in the totals, not in the months).
    pub events_without_time: usize,
    /// Every month from the first event to the last.
    pub months: Vec<MonthRow>,
    /// Courses by revenue, then buyers (all of them; faces show the top).
    pub courses: Vec<CourseRow>,
    /// Categories by revenue, then buyers.
    pub categories: Vec<CategoryRow>,
}

#[derive(Default)]
struct Sales {
    learners: AHashSet<u32>,
    buyers: AHashSet<u32>,
    orders: usize,
    revenue: f64,
}

impl Sales {
    fn add(&mut self, learner: u32, purchase: Option<f64>) {
        self.learners.insert(learner);
        if let Some(amount) = purchase {
            self.buyers.insert(learner);
            self.orders += 1;
            self.revenue += amount;
        }
    }
}

/// Counts the business of `ds`. Needs users.csv or events.csv; without events every count
/// but `learners` is zero.
pub fn overview(ds: &Dataset, progress: &Progress) -> Result<Overview, Error> {
    let mut ids: AHashMap<String, u32> = AHashMap::new();
    let mut intern = |id: &str| -> u32 {
        let n = ids.len() as u32;
        *ids.entry(id.to_string()).or_insert(n)
    };
    if let Some(users) = ds
        .frame(TableKind::Users)
        .and_then(|u| str_col(u, "user_id"))
    {
        for id in users.iter().flatten() {
            intern(id);
        }
    }
    let courses = course_info(ds);
    let mut months: std::collections::BTreeMap<Month, (AHashSet<u32>, usize, f64)> =
        Default::default();
    let mut first_month: AHashMap<u32, Month> = AHashMap::new();
    let mut by_course: AHashMap<&str, Sales> = AHashMap::new();
    let mut by_category: AHashMap<&str, Sales> = AHashMap::new();
    let mut all = Sales::default();
    let (mut refunds, mut refunded, mut without_time) = (0usize, 0.0, 0usize);
    let mut last_seen: AHashMap<u32, i64> = AHashMap::new();
    let (mut first_ms, mut last_ms) = (i64::MAX, i64::MIN);
    if let Some(ev) = ds.frame(TableKind::Events) {
        let (user, course, kind) = super::event_columns(ev)?;
        let ts = ms_col(ev, "ts");
        let amount = f64_col(ev, "amount");
        let n = ev.height();
        for i in 0..n {
            if i % 65_536 == 0 {
                progress.check()?;
                progress.set(i as f32 / n.max(1) as f32);
            }
            let Some(u) = user.get(i) else { continue };
            let u = intern(u);
            let money = amount.as_ref().and_then(|a| a.get(i)).unwrap_or(0.0);
            let kind = kind.get(i).unwrap_or("");
            if kind == "refund" {
                refunds += 1;
                refunded += money;
            }
            let purchase = (kind == "purchase").then_some(money);
            all.add(u, purchase);
            if let Some(c) = course.get(i) {
                by_course.entry(c).or_default().add(u, purchase);
                let category = courses.get(c).map_or("", |(_, cat)| cat.as_str());
                by_category.entry(category).or_default().add(u, purchase);
            }
            match ts.as_ref().and_then(|t| t.get(i)) {
                Some(ms) => {
                    first_ms = first_ms.min(ms);
                    last_ms = last_ms.max(ms);
                    let m = month_of(ms);
                    let slot = months.entry(m).or_default();
                    slot.0.insert(u);
                    if let Some(money) = purchase {
                        slot.1 += 1;
                        slot.2 += money;
                    }
                    let first = first_month.entry(u).or_insert(m);
                    *first = (*first).min(m);
                    let last = last_seen.entry(u).or_insert(ms);
                    *last = (*last).max(ms);
                }
                None => without_time += 1,
            }
        }
    }
    let recent_from = last_ms.saturating_sub(ACTIVE_DAYS * MS_PER_DAY);
    let active_learners = last_seen.values().filter(|&&ms| ms > recent_from).count();
    let month_rows = match (months.keys().next(), months.keys().next_back()) {
        (Some(&lo), Some(&hi)) => (lo..=hi)
            .map(|m| {
                let (active, orders, revenue) = months.remove(&m).unwrap_or_default();
                let new = active.iter().filter(|u| first_month[u] == m).count();
                MonthRow {
                    month: month_label(m),
                    active: active.len(),
                    new,
                    returning: active.len() - new,
                    orders,
                    revenue,
                }
            })
            .collect(),
        _ => Vec::new(),
    };
    let mut course_rows: Vec<CourseRow> = by_course
        .into_iter()
        .map(|(id, s)| {
            let (title, category) = courses
                .get(id)
                .cloned()
                .unwrap_or_else(|| (id.to_string(), String::new()));
            CourseRow {
                course_id: id.to_string(),
                title,
                category,
                learners: s.learners.len(),
                buyers: s.buyers.len(),
                orders: s.orders,
                revenue: s.revenue,
            }
        })
        .collect();
    course_rows.sort_by(|a, b| {
        b.revenue
            .total_cmp(&a.revenue)
            .then(b.buyers.cmp(&a.buyers))
            .then(a.course_id.cmp(&b.course_id))
    });
    let mut category_rows: Vec<CategoryRow> = by_category
        .into_iter()
        .map(|(c, s)| CategoryRow {
            category: if c.is_empty() { "—".into() } else { c.into() },
            learners: s.learners.len(),
            buyers: s.buyers.len(),
            orders: s.orders,
            revenue: s.revenue,
        })
        .collect();
    category_rows.sort_by(|a, b| {
        b.revenue
            .total_cmp(&a.revenue)
            .then(b.buyers.cmp(&a.buyers))
            .then(a.category.cmp(&b.category))
    });
    let day =
        |ms: i64| (ms != i64::MAX && ms != i64::MIN).then(|| crate::data::cells::format_date(ms));
    progress.set(1.0);
    Ok(Overview {
        learners: ids.len(),
        active_learners,
        buyers: all.buyers.len(),
        orders: all.orders,
        revenue: all.revenue,
        refunds,
        refunded,
        first_day: day(first_ms),
        last_day: day(last_ms),
        events_without_time: without_time,
        months: month_rows,
        courses: course_rows,
        categories: category_rows,
    })
}

/// Title and category of every course in courses.csv.
pub(super) fn course_info(ds: &Dataset) -> AHashMap<String, (String, String)> {
    let mut info = AHashMap::new();
    if let Some(c) = ds.frame(TableKind::Courses)
        && let Some(id) = str_col(c, "course_id")
    {
        let title = str_col(c, "title");
        let category = str_col(c, "category");
        for i in 0..c.height() {
            if let Some(id) = id.get(i) {
                let t = title.and_then(|t| t.get(i)).unwrap_or(id);
                let cat = category.and_then(|t| t.get(i)).unwrap_or("");
                info.insert(id.to_string(), (t.to_string(), cat.to_string()));
            }
        }
    }
    info
}
