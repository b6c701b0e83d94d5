//! `uplift`: whom an experiment's treatment changes, for every learner.

use super::{CliError, DataArgs, checks, print_json};
use crate::campaigns::uplift::write_uplift;
use crate::campaigns::{UpliftConfig, estimate_uplift};
use crate::data::TableKind;
use crate::data::cells::format_timestamp;
use clap::Args;
use std::path::PathBuf;

/// `persona-lab uplift`.
#[derive(Debug, Args)]
pub struct UpliftArgs {
    #[command(flatten)]
    input: DataArgs,
    /// The experiment (in experiments.csv).
    #[arg(long)]
    experiment: String,
    /// The control variant (default: `control`, else the first by name).
    #[arg(long)]
    control: Option<String>,
    /// The treatment variant (default: the other variant when there are two).
    #[arg(long)]
    treatment: Option<String>,
    /// Share of experiment users held out for the Qini check.
    #[arg(long, default_value_t = 0.3)]
    holdout: f64,
    /// Seed of the held-out split.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Inverse regularisation strength of the two logistic regressions (default: chosen from
    /// 0.01…1 by the Qini coefficient of 4-fold out-of-fold estimates on the training users).
    #[arg(long)]
    c: Option<f64>,
    /// Where to write `user_id,uplift,p_control,p_treatment` for every learner.
    #[arg(long)]
    out: PathBuf,
    /// Replace learner ids in `--out` with salted SHA-256 pseudonyms.
    #[arg(long, value_name = "SALT")]
    pseudonymise: Option<String>,
    /// Print one JSON object.
    #[arg(long)]
    pub(super) json: bool,
}

pub(super) fn uplift_cmd(args: &UpliftArgs) -> Result<(), CliError> {
    let started = std::time::Instant::now();
    let salt = checks::salt(args.pseudonymise.as_deref())?;
    checks::output(&args.out, &args.input.files())?;
    let config = UpliftConfig {
        control: args.control.clone(),
        treatment: args.treatment.clone(),
        holdout: args.holdout,
        seed: args.seed,
        c: args.c,
        ..UpliftConfig::new(&args.experiment)
    };
    config.check()?;
    let dataset = args.input.load_only(&[
        TableKind::Users,
        TableKind::Courses,
        TableKind::Events,
        TableKind::Experiments,
    ])?;
    let result = estimate_uplift(&dataset, &config, &super::reporting_progress())?;
    checks::write_atomically(&args.out, |p| write_uplift(p, &result, None, salt))?;
    let (segments, _) = result.effects_by_rfm();
    let targeting = result.target(result.learners.len() / 5);
    let summary = serde_json::json!({
        "experiment": result.experiment,
        "control": result.control,
        "treatment": result.treatment,
        "model": "two logistic regressions (one per arm) on the learners' profiles",
        "features_as_of": result.features_as_of.map(format_timestamp),
        "learners": result.learners.len(),
        "train_users": result.train_users,
        "test_users": result.test_users,
        "unknown_users": result.unknown_users,
        "c": result.c,
        "qini": result.qini,
        "curve": result.curve,
        "segments": segments,
        "top_20_percent": {
            "learners": targeting.learners,
            "by_uplift": targeting.by_uplift,
            "by_response": targeting.by_response,
            "random": targeting.random,
        },
        "seconds": started.elapsed().as_secs_f64(),
        "out": args.out.display().to_string(),
    });
    if args.json {
        return print_json(&summary);
    }
    say!(
        "uplift of `{}` against `{}` in `{}` for {} learners in {:.1} s; wrote {}",
        result.treatment,
        result.control,
        result.experiment,
        result.learners.len(),
        started.elapsed().as_secs_f64(),
        args.out.display()
    );
    say!(
        "  fitted on {} experiment users, Qini coefficient {:.3} on {} held out (1 perfect, 0 random)",
        result.train_users,
        result.qini,
        result.test_users
    );
    say!(
        "  contacting 20% ({} learners): {:.1} extra conversions by uplift, {:.1} by response \
         (most likely to convert), {:.1} at random (estimated)",
        targeting.learners,
        targeting.by_uplift,
        targeting.by_response,
        targeting.random
    );
    for g in &segments {
        say!(
            "  {:<22} observed {:>8} {:>20}   predicted {:>8}",
            g.group,
            g.effect
                .map_or("—".into(), |e| format!("{:+.1} pp", e * 100.0)),
            g.ci.map_or("—".into(), |[lo, hi]| format!(
                "[{:+.1}, {:+.1}]",
                lo * 100.0,
                hi * 100.0
            )),
            g.predicted
                .map_or("—".into(), |e| format!("{:+.1} pp", e * 100.0)),
        );
    }
    Ok(())
}
