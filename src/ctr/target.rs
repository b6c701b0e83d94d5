//! Budgeted targeting: for one course and N contacts, the learners who do not own it ranked
//! by predicted conversion (or expected revenue), with what the list should bring against N
//! random learners and against the N most active ones.

use super::encode::Context;
use super::train::CtrModels;
use crate::recommend::Interactions;
use rayon::prelude::*;
use serde::Serialize;

/// What to rank by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Objective {
    /// P(click) × P(convert | click).
    Conversions,
    /// P(convert) × expected amount paid.
    Revenue,
}

/// One targeted learner.
#[derive(Debug, Clone, Serialize)]
pub struct TargetRow {
    /// Learner id.
    pub user_id: String,
    /// Predicted click probability.
    pub p_click: f64,
    /// Predicted conversion probability.
    pub p_convert: f64,
    /// Expected revenue (conversion × predicted spend).
    pub expected_revenue: f64,
}

/// A target list and what it is expected to bring.
#[derive(Debug, Clone, Serialize)]
pub struct TargetReport {
    /// The course.
    pub course: String,
    /// Contacts asked for.
    pub budget: usize,
    /// Learners who do not own the course.
    pub eligible: usize,
    /// Ranking objective.
    pub objective: Objective,
    /// Placement the predictions assume.
    pub placement: Option<String>,
    /// Expected conversions of the list.
    pub expected_conversions: f64,
    /// Expected conversions of `budget` random eligible learners.
    pub random_conversions: f64,
    /// Expected conversions of the `budget` most active eligible learners.
    pub active_conversions: f64,
    /// Expected revenue of the list.
    pub expected_revenue: f64,
    /// Expected revenue of random learners.
    pub random_revenue: f64,
    /// Expected revenue of the most active learners.
    pub active_revenue: f64,
    /// The list, best first.
    pub rows: Vec<TargetRow>,
}

/// Ranks the learners who do not own `course` and keeps the best `budget`.
pub fn target(
    models: &CtrModels,
    interactions: &Interactions,
    course: &str,
    budget: usize,
    objective: Objective,
    placement: Option<String>,
) -> Result<TargetReport, String> {
    let enc = &models.encoder;
    let c = enc
        .course(course)
        .ok_or_else(|| format!("course `{course}` is not in courses.csv"))?;
    let item = interactions.catalog.ids.iter().position(|id| id == course);
    let placement = placement.or_else(|| enc.default_placement().map(str::to_string));
    let ctx = Context {
        placement: placement.clone(),
        ..Context::default()
    };
    let mut scored: Vec<Scored> = (0..enc.learner_ids.len() as u32)
        .into_par_iter()
        .filter_map(|l| {
            let u = interactions.user(&enc.learner_ids[l as usize]);
            if let (Some(u), Some(item)) = (u, item)
                && interactions.owned[u].binary_search(&(item as u32)).is_ok()
            {
                return None;
            }
            let row = enc.row(l, c, &ctx);
            let (cols, vals): (Vec<u32>, Vec<f32>) = row.iter().copied().unzip();
            let p_click = models.click.predict_row(&cols, &vals);
            let p_conv_given = models
                .conversion
                .as_ref()
                .map_or(1.0, |m| m.predict_row(&cols, &vals));
            let p_convert = p_click * p_conv_given;
            let spend = models
                .spend
                .as_ref()
                .map_or(0.0, |s| s.predict(&row).max(0.0));
            Some(Scored {
                learner: l,
                activity: u.map_or(0, |u| interactions.matrix.row_len(u)),
                p_click,
                p_convert,
                revenue: p_convert * spend,
            })
        })
        .collect();
    let eligible = scored.len();
    let budget_n = budget.min(eligible);
    let everyone = totals(&scored);
    let random = |total: f64| total / eligible.max(1) as f64 * budget_n as f64;
    scored.sort_by(|a, b| b.activity.cmp(&a.activity).then(a.learner.cmp(&b.learner)));
    let active = totals(&scored[..budget_n]);
    let key = |s: &Scored| match objective {
        Objective::Conversions => s.p_convert,
        Objective::Revenue => s.revenue,
    };
    scored.sort_by(|a, b| key(b).total_cmp(&key(a)).then(a.learner.cmp(&b.learner)));
    let top = &scored[..budget_n];
    let chosen = totals(top);
    Ok(TargetReport {
        course: course.to_string(),
        budget,
        eligible,
        objective,
        placement,
        expected_conversions: chosen.0,
        random_conversions: random(everyone.0),
        active_conversions: active.0,
        expected_revenue: chosen.1,
        random_revenue: random(everyone.1),
        active_revenue: active.1,
        rows: top
            .iter()
            .map(|s| TargetRow {
                user_id: enc.learner_ids[s.learner as usize].clone(),
                p_click: s.p_click,
                p_convert: s.p_convert,
                expected_revenue: s.revenue,
            })
            .collect(),
    })
}

/// One eligible learner's predictions.
struct Scored {
    learner: u32,
    /// Courses the learner interacted with (for the most-active comparison).
    activity: usize,
    p_click: f64,
    p_convert: f64,
    revenue: f64,
}

/// Expected conversions and revenue of some learners.
fn totals(rows: &[Scored]) -> (f64, f64) {
    (
        rows.iter().map(|s| s.p_convert).sum(),
        rows.iter().map(|s| s.revenue).sum(),
    )
}

/// Writes the list as CSV (`rank,user_id,p_click,p_convert,expected_revenue`); ids are
/// pseudonymised when `salt` is given.
pub fn write_targets(
    path: &std::path::Path,
    report: &TargetReport,
    salt: Option<&str>,
) -> std::io::Result<()> {
    let mut w = csv::Writer::from_path(path)?;
    w.write_record([
        "rank",
        "user_id",
        "p_click",
        "p_convert",
        "expected_revenue",
    ])?;
    for (i, r) in report.rows.iter().enumerate() {
        let id = salt.map_or_else(
            || r.user_id.clone(),
            |s| crate::privacy::pseudonymise(&r.user_id, s),
        );
        w.write_record([
            (i + 1).to_string(),
            id,
            format!("{:.6}", r.p_click),
            format!("{:.6}", r.p_convert),
            format!("{:.2}", r.expected_revenue),
        ])?;
    }
    w.flush()
}
