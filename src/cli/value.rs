//! `clv`: every buyer's chance of being active, expected purchases, spend and value.

use super::{CliError, DataArgs, checks, print_json};
use crate::data::TableKind;
use crate::data::cells::{MS_PER_DAY, format_date};
use crate::safe_csv::SafeCsv;
use crate::value::{
    ValueResult, ValueSettings, estimate_value, read_summary, summary_sql, value_purchases,
};
use clap::Args;
use std::path::{Path, PathBuf};

/// `persona-lab clv`.
#[derive(Debug, Args)]
pub struct ClvArgs {
    #[command(flatten)]
    input: Option<DataArgs>,
    /// A table of buyers' summaries computed in a database (the result of `--emit-sql`, as
    /// CSV), valued in place of a dataset's events.
    #[arg(long, value_name = "FILE", conflicts_with = "data", required_unless_present_any = ["data", "emit_sql"])]
    features: Option<PathBuf>,
    /// Print the SQL that computes every buyer's summary in a database (`duckdb` or `spark`)
    /// from a table `events`, for `--features`, instead of valuing.
    #[arg(long, value_name = "DIALECT", conflicts_with_all = ["data", "features", "out"])]
    emit_sql: Option<crate::profile::sql::Dialect>,
    /// Last day of calibration (YYYY-MM-DD, inclusive); later purchases form the holdout.
    /// Default: the day of the last event.
    #[arg(long, value_name = "DATE")]
    until: Option<String>,
    /// Days ahead that expected purchases, spend and value cover (and the holdout check).
    #[arg(long, default_value_t = 90)]
    horizon_days: u32,
    /// Discount rate per month for the value.
    #[arg(long, default_value_t = 0.01)]
    discount_monthly: f64,
    /// Where to write one row per buyer.
    #[arg(long, required_unless_present = "emit_sql")]
    out: Option<PathBuf>,
    /// Replace learner ids in `--out` with salted SHA-256 pseudonyms.
    #[arg(long, value_name = "SALT")]
    pseudonymise: Option<String>,
    /// Print one JSON object.
    #[arg(long)]
    pub(super) json: bool,
}

pub(super) fn clv_cmd(args: &ClvArgs) -> Result<(), CliError> {
    let started = std::time::Instant::now();
    let salt = checks::salt(args.pseudonymise.as_deref())?;
    let until_day = args
        .until
        .as_deref()
        .map(|d| checks::date("until", d).map(|ms| ms.div_euclid(MS_PER_DAY)))
        .transpose()?;
    let settings = ValueSettings {
        until_day,
        horizon_days: args.horizon_days,
        discount_monthly: args.discount_monthly,
    };
    settings.check()?;
    if let Some(dialect) = args.emit_sql {
        say!(
            "{}",
            summary_sql(dialect, settings.until_day, settings.horizon_days)
        );
        return Ok(());
    }
    let out = args
        .out
        .as_deref()
        .ok_or_else(|| CliError::Input("--out is needed to write the buyers' values".into()))?;
    let result = match (&args.input, &args.features) {
        (Some(input), _) => {
            checks::output(out, &input.files())?;
            let dataset = input.load_only(&[TableKind::Users, TableKind::Events])?;
            estimate_value(&dataset, &settings, &super::reporting_progress())?
        }
        (None, Some(features)) => {
            checks::output(out, std::slice::from_ref(features))?;
            if settings.until_day.is_some() {
                return Err(CliError::Input(
                    "--until is the summary's own with --features (its calibration_end); \
                     choose it in --emit-sql"
                        .into(),
                ));
            }
            value_purchases(
                read_summary(features)?,
                &settings,
                &super::reporting_progress(),
            )?
        }
        (None, None) => {
            return Err(CliError::Input(
                "give --data, --features or --emit-sql".into(),
            ));
        }
    };
    let from_summary = args.input.is_none();
    checks::write_atomically(out, |path| write_csv(path, &result, salt))?;
    let ValueResult { model, holdout, .. } = &result;
    let summary = serde_json::json!({
        "model": "bg_nbd",
        "unit": "week",
        "learners": result.learners.len(),
        // A summary table lists buyers only: how many learners never bought is unknown.
        "without_purchase": (!from_summary).then_some(result.without_purchase),
        "from_summary": from_summary,
        "until": format_date(result.until_day * MS_PER_DAY),
        "horizon_days": settings.horizon_days,
        "discount_monthly": settings.discount_monthly,
        "params": model.purchases,
        "spend": model.spend,
        "spend_note": result.spend_note,
        "loglik": result.loglik,
        "holdout": holdout,
        "seconds": started.elapsed().as_secs_f64(),
        "out": out.display().to_string(),
    });
    if args.json {
        return print_json(&summary);
    }
    let p = model.purchases;
    let whom = if from_summary {
        "from a summary table".to_string()
    } else {
        format!("{} learners without a purchase", result.without_purchase)
    };
    say!(
        "valued {} buyers (calibration until {}, {whom}) in {:.1} s; wrote {}",
        result.learners.len(),
        format_date(result.until_day * MS_PER_DAY),
        started.elapsed().as_secs_f64(),
        out.display()
    );
    say!(
        "  BG/NBD (weeks): r {:.4}  alpha {:.4}  a {:.4}  b {:.4}  log-likelihood {:.2}",
        p.r,
        p.alpha,
        p.a,
        p.b,
        result.loglik
    );
    match (model.spend, &result.spend_note) {
        (Some(g), _) => say!("  Gamma-Gamma: p {:.4}  q {:.4}  v {:.4}", g.p, g.q, g.v),
        (None, Some(why)) => say!("  spend not modelled: {why}"),
        (None, None) => {}
    }
    if holdout.days > 0 {
        say!(
            "  holdout, {} days after calibration: {:.1} repeat purchase days predicted, {} happened",
            holdout.days,
            holdout.predicted_total,
            holdout.actual_total
        );
    }
    Ok(())
}

fn write_csv(path: &Path, result: &ValueResult, salt: Option<&str>) -> std::io::Result<()> {
    let mut w = SafeCsv::create(path)?;
    w.write_record([
        "user_id",
        "frequency",
        "recency_weeks",
        "t_weeks",
        "p_alive",
        "expected_purchases",
        "expected_spend",
        "clv",
    ])?;
    // A value the model cannot give (a degenerate fit) is an empty cell, never `NaN`.
    let number = |v: Option<f64>| {
        v.filter(|v| v.is_finite())
            .map(|v| v.to_string())
            .unwrap_or_default()
    };
    for l in &result.learners {
        let id = crate::privacy::written_id(&l.user_id, salt);
        w.write_record([
            id,
            l.frequency.to_string(),
            l.recency_weeks.to_string(),
            l.t_weeks.to_string(),
            number(Some(l.p_alive)),
            number(Some(l.expected_purchases)),
            number(l.expected_spend),
            number(l.clv),
        ])?;
    }
    w.flush()
}
