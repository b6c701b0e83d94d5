//! Budgeted targeting: for one course and N contacts, the learners who do not own it ranked
//! by predicted conversion (or expected revenue), with what the list should bring against N
//! random learners and against the N most active ones; with a backtest date, ranked on what
//! was known then and scored on what they actually did afterwards.

use super::encode::{Context, Target};
use super::history::{Histories, Kind};
use super::train::CtrModels;
use rayon::prelude::*;
use serde::Serialize;

/// What to rank by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Objective {
    /// P(click) × P(convert | click).
    Conversions,
    /// P(convert) × expected amount paid.
    Revenue,
    /// P(convert) × (expected amount paid + the learner's expected value of the next 90
    /// days, from the lifetime-value model): revenue now and what the learner brings after.
    Value,
}

impl crate::choice::Choice for Objective {
    const ALL: &'static [Objective] =
        &[Objective::Conversions, Objective::Revenue, Objective::Value];

    fn name(self) -> &'static str {
        match self {
            Objective::Conversions => "conversions",
            Objective::Revenue => "revenue",
            Objective::Value => "value",
        }
    }
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

/// What a list of the past actually brought: realised enrolments and purchases of the course
/// from the backtest date on, beside random and most-active lists of the same size.
#[derive(Debug, Clone, Serialize)]
pub struct Backtest {
    /// The date the learners were ranked at (ISO date); outcomes are counted from it on.
    pub from: String,
    /// Eligible learners who went on to enrol in or buy the course.
    pub eligible_converters: usize,
    /// Learners of the list who enrolled in or bought the course.
    pub list_conversions: f64,
    /// Money the list paid for the course (refunds deducted).
    pub list_revenue: f64,
    /// Expected conversions of `budget` random eligible learners (budget × the eligible
    /// learners' realised rate).
    pub random_conversions: f64,
    /// Expected revenue of random eligible learners.
    pub random_revenue: f64,
    /// Realised conversions of the `budget` most active eligible learners (most events
    /// before the date).
    pub active_conversions: f64,
    /// Realised revenue of the most active learners.
    pub active_revenue: f64,
}

/// A target list and what it is expected to bring.
#[derive(Debug, Clone, Serialize)]
pub struct TargetReport {
    /// The course.
    pub course: String,
    /// Contacts asked for.
    pub budget: usize,
    /// Learners who do not own the course (within the audience, if one was given).
    pub eligible: usize,
    /// The audience the list was ranked within.
    pub audience: Option<String>,
    /// Ranking objective.
    pub objective: Objective,
    /// Placement the predictions assume.
    pub placement: Option<String>,
    /// Expected conversions of the list (the model's predictions).
    pub expected_conversions: f64,
    /// Predicted conversions of `budget` random eligible learners.
    pub random_conversions: f64,
    /// Predicted conversions of the `budget` most active eligible learners.
    pub active_conversions: f64,
    /// Expected revenue of the list (predicted spend, capped at the course's highest price).
    pub expected_revenue: f64,
    /// Predicted revenue of random learners.
    pub random_revenue: f64,
    /// Predicted revenue of the most active learners.
    pub active_revenue: f64,
    /// With a backtest date: what the lists actually brought after it.
    pub backtest: Option<Backtest>,
    /// The list, best first.
    pub rows: Vec<TargetRow>,
}

/// What a target list is asked for.
#[derive(Debug, Clone, Copy)]
pub struct ListRequest<'a> {
    /// The course to promote.
    pub course: &'a str,
    /// Learners to contact.
    pub budget: usize,
    /// What to rank by.
    pub objective: Objective,
    /// Placement the campaign uses (default: the most common one).
    pub placement: Option<&'a str>,
    /// Backtest: describe learners as of this moment and count what they did after it.
    pub backtest_from: Option<i64>,
    /// Learners' lifetime value, for [`Objective::Value`].
    pub future: Option<&'a crate::value::ValueResult>,
    /// Only learners of this audience are ranked.
    pub within: Option<&'a crate::audience::Audience>,
}

impl<'a> ListRequest<'a> {
    /// The best `budget` learners for `course` by expected conversions, over everyone, as of
    /// the end of the data.
    pub fn new(course: &'a str, budget: usize) -> ListRequest<'a> {
        ListRequest {
            course,
            budget,
            objective: Objective::Conversions,
            placement: None,
            backtest_from: None,
            future: None,
            within: None,
        }
    }
}

/// Ranks the learners who do not own the course (within the audience, if one is given) and
/// keeps the best `budget`. Learners are described by their history up to the end of the
/// data, or with `backtest_from` up to that moment; then the report also counts what each
/// list actually brought from it on.
pub fn target(models: &CtrModels, ask: &ListRequest) -> crate::error::Result<TargetReport> {
    let ListRequest {
        course,
        budget,
        objective,
        placement,
        backtest_from,
        future,
        within,
    } = *ask;
    let placement = placement.map(str::to_string);
    if objective == Objective::Value && future.is_none() {
        return Err(crate::error::Error::input(
            "按价值排序需要学员的生命周期价值（在不同日期有复购）",
            "ranking by value needs the learners' lifetime value (purchases with repeat days)",
        ));
    }
    let enc = &models.encoder;
    let c = enc.course(course).ok_or_else(|| {
        crate::error::Error::input(
            format!("课程 `{course}` 不在 courses.csv 中"),
            format!("course `{course}` is not in courses.csv"),
        )
    })?;
    if let Some(p) = &placement
        && !enc.placements.iter().any(|(known, _)| known == p)
    {
        let known: Vec<&str> = enc.placements.iter().map(|(k, _)| k.as_str()).collect();
        return Err(crate::error::Error::input(
            format!("曝光中没有展示位 `{p}`；展示位有：{}", known.join(", ")),
            format!(
                "placement `{p}` is not in the impressions; placements are: {}",
                known.join(", ")
            ),
        ));
    }
    if models.target == Target::Clicked && models.conversion.is_none() {
        return Err(crate::error::Error::input(
            "曝光中没有转化记录（`converted` 缺失或始终为 0），无法从点击预测购买；\
             请在 impressions.csv 中加入 `converted`",
            "the impressions record no conversion (`converted` is missing or always 0), \
                    so purchases cannot be predicted from clicks; add `converted` to \
                    impressions.csv",
        ));
    }
    let placement = placement.or_else(|| enc.default_placement().map(str::to_string));
    let ctx = Context {
        placement: placement.clone(),
        ..Context::default()
    };
    let pasts = enc.pasts_at(&models.histories, backtest_from);
    let at_ms = backtest_from.unwrap_or_else(|| models.histories.end_ms());
    let cap = models.spend_cap.get(c as usize).copied().flatten();
    let mut scored: Vec<Scored> = (0..enc.learner_ids.len() as u32)
        .into_par_iter()
        .filter(|&l| {
            !pasts[l as usize].owns(c)
                && within.is_none_or(|a| a.contains(&enc.learner_ids[l as usize]))
        })
        .map(|l| {
            let past = &pasts[l as usize];
            let row = enc.row(l, c, &ctx, past, at_ms);
            let (cols, vals): (Vec<u32>, Vec<f32>) = row.iter().copied().unzip();
            let p_click = models.click.predict_row(&cols, &vals);
            let p_conv_given = models
                .conversion
                .as_ref()
                .map_or(1.0, |m| m.predict_row(&cols, &vals));
            let p_convert = p_click * p_conv_given;
            let spend = models.spend.as_ref().map_or(0.0, |s| {
                let predicted = s.predict(&row).max(0.0);
                cap.map_or(predicted, |cap| predicted.min(cap))
            });
            let realised = backtest_from.map(|from| realised(&models.histories, l, c, from));
            let later = future
                .and_then(|v| v.find(&enc.learner_ids[l as usize]))
                .and_then(|v| v.clv)
                .unwrap_or(0.0);
            Scored {
                value: p_convert * (spend + later),
                learner: l,
                activity: past.events,
                p_click,
                p_convert,
                revenue: p_convert * spend,
                realised: realised.unwrap_or((0.0, 0.0)),
            }
        })
        .collect();
    let eligible = scored.len();
    let budget_n = budget.min(eligible);
    let everyone = totals(&scored);
    let random = |total: f64| total / eligible.max(1) as f64 * budget_n as f64;
    scored.sort_by(|a, b| {
        b.activity
            .total_cmp(&a.activity)
            .then(a.learner.cmp(&b.learner))
    });
    let active = totals(&scored[..budget_n]);
    let key = |s: &Scored| match objective {
        Objective::Conversions => s.p_convert,
        Objective::Revenue => s.revenue,
        Objective::Value => s.value,
    };
    scored.sort_by(|a, b| key(b).total_cmp(&key(a)).then(a.learner.cmp(&b.learner)));
    let top = &scored[..budget_n];
    let chosen = totals(top);
    let backtest = backtest_from.map(|from| Backtest {
        from: crate::data::cells::format_date(from),
        eligible_converters: scored.iter().filter(|s| s.realised.0 > 0.0).count(),
        list_conversions: chosen.2,
        list_revenue: chosen.3,
        random_conversions: random(everyone.2),
        random_revenue: random(everyone.3),
        active_conversions: active.2,
        active_revenue: active.3,
    });
    Ok(TargetReport {
        course: course.to_string(),
        budget,
        eligible,
        audience: within.map(|a| a.name.clone()),
        objective,
        placement,
        expected_conversions: chosen.0,
        random_conversions: random(everyone.0),
        active_conversions: active.0,
        expected_revenue: chosen.1,
        random_revenue: random(everyone.1),
        active_revenue: active.1,
        backtest,
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

/// What learner `l` did about course `c` from `from` on: 1 if they enrolled in or bought it,
/// and the money paid for it (refunds deducted).
fn realised(histories: &Histories, l: u32, c: u32, from: i64) -> (f64, f64) {
    let (mut converted, mut paid) = (false, 0.0);
    for e in histories
        .of(l)
        .iter()
        .filter(|e| e.ms >= from && e.course() == c)
    {
        match e.kind() {
            Kind::Enroll => converted = true,
            Kind::Purchase => {
                converted = true;
                paid += f64::from(e.amount());
            }
            Kind::Refund => paid -= f64::from(e.amount()),
            _ => {}
        }
    }
    (f64::from(u8::from(converted)), paid)
}

/// One eligible learner's predictions.
struct Scored {
    learner: u32,
    /// Events before the moment of ranking (for the most-active comparison).
    activity: f64,
    p_click: f64,
    p_convert: f64,
    revenue: f64,
    /// P(convert) × (spend + expected value of the next 90 days).
    value: f64,
    /// Realised (conversion, revenue) after the backtest date.
    realised: (f64, f64),
}

/// Expected conversions and revenue, and realised conversions and revenue, of some learners.
fn totals(rows: &[Scored]) -> (f64, f64, f64, f64) {
    rows.iter().fold((0.0, 0.0, 0.0, 0.0), |t, s| {
        (
            t.0 + s.p_convert,
            t.1 + s.revenue,
            t.2 + s.realised.0,
            t.3 + s.realised.1,
        )
    })
}

/// Writes the list as CSV (`rank,user_id,p_click,p_convert,expected_revenue`); ids are
/// pseudonymised when `salt` is given.
pub fn write_targets(
    path: &std::path::Path,
    report: &TargetReport,
    salt: Option<&str>,
) -> std::io::Result<()> {
    let mut w = crate::safe_csv::SafeCsv::create(path)?;
    w.write_record([
        "rank",
        "user_id",
        "p_click",
        "p_convert",
        "expected_revenue",
    ])?;
    for (i, r) in report.rows.iter().enumerate() {
        let id = crate::privacy::written_id(&r.user_id, salt);
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
