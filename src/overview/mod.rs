//! The business at a glance: learners, activity, orders and revenue by month, the best-selling
//! courses and categories, the learning funnel and sign-up cohort retention. Everything is
//! counted from the contract tables as they were loaded (accepted rows only).

mod cohorts;
mod funnel;
mod summary;

pub use cohorts::{Cohort, cohorts};
pub use funnel::{Funnel, FunnelBy, FunnelGroup, STAGES, funnel};
pub use summary::{ACTIVE_DAYS, CategoryRow, CourseRow, MonthRow, Overview, overview};

use crate::data::cells::{MS_PER_DAY, civil_from_days};

/// A calendar month as a count of months since year 0 (`year * 12 + month - 1`), so months
/// subtract.
pub type Month = i64;

/// The learner, course and event-type columns of the events table, which every count here
/// reads.
fn event_columns(
    ev: &polars::prelude::DataFrame,
) -> Result<
    (
        crate::data::columns::TextColumn<'_>,
        crate::data::columns::TextColumn<'_>,
        crate::data::columns::TextColumn<'_>,
    ),
    crate::error::Error,
> {
    use crate::data::columns::str_col;
    match (
        str_col(ev, "user_id"),
        str_col(ev, "course_id"),
        str_col(ev, "event"),
    ) {
        (Some(user), Some(course), Some(kind)) => Ok((user, course, kind)),
        _ => Err(crate::error::Error::input(
            "events.csv 需要 user_id、course_id 和 event 列",
            "events.csv needs user_id, course_id and event",
        )),
    }
}

/// The month of a time in milliseconds since the epoch.
pub fn month_of(ms: i64) -> Month {
    let (y, m, _) = civil_from_days(ms.div_euclid(MS_PER_DAY));
    y * 12 + m - 1
}

/// A month as `YYYY-MM`.
pub fn month_label(month: Month) -> String {
    format!(
        "{:04}-{:02}",
        month.div_euclid(12),
        month.rem_euclid(12) + 1
    )
}

/// Everything the overview shows, computed in one pass per part, for both faces.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Glance {
    /// Totals, months and best sellers.
    pub summary: Overview,
    /// The funnel, split as asked.
    pub funnel: Funnel,
    /// Sign-up cohorts, oldest first.
    pub cohorts: Vec<Cohort>,
}

/// The overview of `ds` with the funnel split `by`. Without events there is only a summary
/// (empty funnel and cohorts).
pub fn glance(
    ds: &crate::data::Dataset,
    by: &FunnelBy,
    progress: &crate::jobs::Progress,
) -> Result<Glance, crate::error::Error> {
    let summary = overview(ds, &progress.part(0.0, 0.4))?;
    let has_events = ds.frame(crate::data::TableKind::Events).is_some();
    let funnel = match has_events {
        true => funnel(ds, by, &progress.part(0.4, 0.3))?,
        false => Funnel {
            stages: STAGES,
            groups: Vec::new(),
        },
    };
    let cohorts = match has_events {
        true => cohorts(ds, &progress.part(0.7, 0.3))?,
        false => Vec::new(),
    };
    Ok(Glance {
        summary,
        funnel,
        cohorts,
    })
}
