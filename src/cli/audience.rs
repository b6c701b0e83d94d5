//! `audience` (learners matching a filter, for a CRM or the other commands) and `plan` (split
//! an audience into control and treatment, sized from its base rate).

use super::{CliError, DataArgs, checks, print_json};
use crate::audience::{Audience, LearnerFields, parse};
use crate::data::TableKind;
use crate::experiments::{PlanSettings, plan};
use crate::jobs::Progress;
use crate::profile::build_profiles;
use clap::Args;
use std::path::PathBuf;

/// `persona-lab audience`.
#[derive(Debug, Args)]
pub struct AudienceArgs {
    #[command(flatten)]
    input: DataArgs,
    /// Which learners: conditions on profile fields joined by `and`, e.g.
    /// "p_alive < 0.3 and interest:编程 > 0.4" or "occupation = 学生".
    #[arg(long = "where", value_name = "FILTER")]
    filter: String,
    /// The audience's name (written in its `audience` column).
    #[arg(long, default_value = "audience")]
    name: String,
    /// Where to write `user_id,audience`.
    #[arg(long)]
    out: PathBuf,
    /// Replace learner ids with salted SHA-256 pseudonyms.
    #[arg(long, value_name = "SALT")]
    pseudonymise: Option<String>,
    /// Print one JSON object.
    #[arg(long)]
    pub(super) json: bool,
}

pub(super) fn audience_cmd(args: &AudienceArgs) -> Result<(), CliError> {
    let salt = checks::salt(args.pseudonymise.as_deref())?;
    checks::output(&args.out, &args.input.files())?;
    let filter = parse(&args.filter)?;
    let ds = args
        .input
        .load_only(&[TableKind::Users, TableKind::Courses, TableKind::Events])?;
    let profiles =
        build_profiles(&ds, &Progress::default()).map_err(|e| CliError::Internal(e.to_string()))?;
    let needs_value = filter
        .conditions
        .iter()
        .any(|c| matches!(c.field.as_str(), "p_alive" | "clv" | "expected_purchases"));
    let value = match needs_value {
        true => Some(crate::value::estimate_value(
            &ds,
            &crate::value::ValueSettings::default(),
            &Progress::default(),
        )?),
        false => None,
    };
    let fields = LearnerFields {
        profiles: &profiles,
        segments: None,
        value: value.as_ref(),
    };
    let audience = Audience::from_filter(&args.name, &filter, &fields)?;
    checks::write_atomically(&args.out, |p| audience.write_csv(p, salt))?;
    if args.json {
        return print_json(&serde_json::json!({
            "name": audience.name,
            "filter": args.filter,
            "learners": audience.len(),
            "of": profiles.len(),
            "out": args.out.display().to_string(),
        }));
    }
    say!(
        "{} of {} learners match `{}`; wrote {}",
        audience.len(),
        profiles.len(),
        args.filter,
        args.out.display()
    );
    Ok(())
}

/// `persona-lab plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    input: DataArgs,
    /// The audience to split: a CSV with a `user_id` column (as `audience` or `target`
    /// write), or one id per line.
    #[arg(long, value_name = "FILE")]
    audience: PathBuf,
    /// The experiment's name (in the assignment, and part of the hash).
    #[arg(long)]
    experiment: String,
    /// Seed of the split.
    #[arg(long, default_value_t = PlanSettings::default().seed)]
    seed: u64,
    /// Share of learners in treatment.
    #[arg(long, default_value_t = PlanSettings::default().treatment_share)]
    treatment_share: f64,
    /// Days before the last event over which the audience's base rate is measured.
    #[arg(long, default_value_t = PlanSettings::default().base_days)]
    base_days: i64,
    /// Significance level.
    #[arg(long, default_value_t = 0.05)]
    alpha: f64,
    /// Power (1 − β).
    #[arg(long, default_value_t = 0.8)]
    power: f64,
    /// Where to write `experiment,variant,user_id`.
    #[arg(long)]
    out: PathBuf,
    /// Replace learner ids with salted SHA-256 pseudonyms.
    #[arg(long, value_name = "SALT")]
    pseudonymise: Option<String>,
    /// Print one JSON object.
    #[arg(long)]
    pub(super) json: bool,
}

pub(super) fn plan_cmd(args: &PlanArgs) -> Result<(), CliError> {
    let salt = checks::salt(args.pseudonymise.as_deref())?;
    let mut inputs = args.input.files();
    inputs.push(args.audience.clone());
    checks::output(&args.out, &inputs)?;
    let settings = PlanSettings {
        experiment: args.experiment.clone(),
        seed: args.seed,
        treatment_share: args.treatment_share,
        base_days: args.base_days,
        alpha: args.alpha,
        power: args.power,
    };
    settings.check()?;
    let audience = Audience::read_csv(&args.audience)?;
    let ds = args
        .input
        .load_only(&[TableKind::Users, TableKind::Events])?;
    let p = plan(&ds, &audience, &settings)?;
    checks::write_atomically(&args.out, |path| p.write_csv(path, salt))?;
    if args.json {
        let mut v = serde_json::to_value(&p).map_err(|e| CliError::Internal(e.to_string()))?;
        v["out"] = args.out.display().to_string().into();
        return print_json(&v);
    }
    say!(
        "{}: {} learners of `{}` split into {} control and {} treatment; wrote {}",
        settings.experiment,
        audience.len(),
        audience.name,
        p.control,
        p.treatment,
        args.out.display()
    );
    match (p.base_rate, p.mde) {
        (Some(rate), Some(mde)) => say!(
            "  base rate {:.2}% (bought in the last {} days): the split detects a relative lift of {:.1}% or more (alpha {}, power {})",
            100.0 * rate,
            settings.base_days,
            100.0 * mde,
            settings.alpha,
            settings.power
        ),
        (Some(rate), None) => say!(
            "  base rate {:.2}% (bought in the last {} days): too low to size the test",
            100.0 * rate,
            settings.base_days
        ),
        _ => say!("  no dated events: the base rate is unknown"),
    }
    Ok(())
}
