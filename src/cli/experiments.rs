//! `abtest` and `power`.

use super::{CliError, checks, print_json};
use crate::data::Mapping;
use crate::data::{TableKind, load_table};
use crate::experiments::{AbOptions, Readout};
use crate::jobs::Progress;
use clap::Args;
use std::path::PathBuf;

/// Arguments of `abtest`.
#[derive(Debug, Clone, Args)]
pub struct AbArgs {
    /// The experiments file (CSV or Parquet).
    #[arg(long)]
    pub experiments: PathBuf,
    /// Which experiment (default: the first by name).
    #[arg(long)]
    pub experiment: Option<String>,
    /// The control variant (default: the one named `control`).
    #[arg(long)]
    pub control: Option<String>,
    /// Significance level.
    #[arg(long, default_value_t = 0.05)]
    pub alpha: f64,
    /// Planned share of a variant for the SRM check, `NAME=SHARE` (default: equal split).
    #[arg(long = "split", value_name = "NAME=SHARE")]
    pub split: Vec<String>,
    /// Column mapping entries, as for `validate`.
    #[arg(long = "map", value_name = "ENTRY")]
    pub map: Vec<String>,
    /// Also write the read-out as CSV (one row per variant).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

pub(super) fn abtest(args: &AbArgs) -> Result<(), CliError> {
    if let Some(out) = &args.out {
        checks::output(out, std::slice::from_ref(&args.experiments))?;
    }
    let mut mapping = Mapping::default();
    for e in &args.map {
        mapping.add_entry(e)?;
    }
    let table = load_table(
        &args.experiments,
        TableKind::Experiments,
        &mapping,
        &Progress::default(),
    )?;
    let mut split = std::collections::BTreeMap::new();
    for entry in &args.split {
        let parsed = entry
            .split_once('=')
            .and_then(|(name, share)| Some((name.to_string(), share.parse::<f64>().ok()?)));
        let (name, share) = parsed
            .ok_or_else(|| CliError::Input(format!("--split `{entry}` is not NAME=SHARE")))?;
        split.insert(name, share);
    }
    let opts = AbOptions {
        experiment: args.experiment.clone(),
        control: args.control.clone(),
        alpha: args.alpha,
        split: (!split.is_empty()).then_some(split),
        tau: None,
    };
    let readout = crate::experiments::readout(&table.df, &opts)
        .map_err(|e| CliError::Input(format!("{}: {e}", args.experiments.display())))?;
    if let Some(out) = &args.out {
        checks::write_atomically(out, |p| {
            std::fs::write(p, crate::experiments::readout_csv(&readout))
        })?;
    }
    if args.json {
        let mut value =
            serde_json::to_value(&readout).map_err(|e| CliError::Internal(e.to_string()))?;
        value["rows_rejected"] = table.report.rejected.into();
        value["verdict"] = serde_json::to_value(crate::experiments::verdict(&readout))
            .map_err(|e| CliError::Internal(e.to_string()))?;
        return print_json(&value);
    }
    if table.report.rejected > 0 {
        eprintln!(
            "warning: {} rows of {} rejected (run `validate` for the reasons)",
            table.report.rejected, table.report.file
        );
    }
    print_readout(&readout);
    Ok(())
}

pub(super) fn fmt_opt(v: Option<f64>, scale: f64, digits: usize) -> String {
    v.map_or("—".to_string(), |v| format!("{:.*}", digits, v * scale))
}

pub(super) fn fmt_ci(ci: Option<[f64; 2]>, scale: f64) -> String {
    ci.map_or("—".to_string(), |[lo, hi]| {
        format!("[{:+.2}, {:+.2}]", lo * scale, hi * scale)
    })
}

pub(super) fn print_readout(r: &Readout) {
    say!(
        "experiment {} (control {}), α = {}: SRM p = {}",
        r.experiment,
        r.control,
        r.alpha,
        r.srm_p.map_or("—".to_string(), |p| format!("{p:.4}"))
    );
    say!(
        "{:<14} {:>8} {:>8} {:>8} {:>10} {:>20} {:>9} {:>9} {:>9} {:>9} {:>9} {:>10}",
        "variant",
        "users",
        "conv",
        "rate%",
        "lift pp",
        "95% CI (pp)",
        "p",
        "p(Holm)",
        "P(beat)",
        "P(best)",
        "bandit%",
        "rev/user"
    );
    for v in &r.variants {
        say!(
            "{:<14} {:>8} {:>8} {:>8} {:>10} {:>20} {:>9} {:>9} {:>9} {:>9} {:>9} {:>10}",
            v.name,
            v.users,
            v.conversions,
            fmt_opt(v.rate, 100.0, 2),
            fmt_opt(v.abs_lift, 100.0, 2),
            fmt_ci(v.abs_ci, 100.0),
            fmt_opt(v.p_value, 1.0, 4),
            fmt_opt(v.p_value_holm, 1.0, 4),
            fmt_opt(v.chance_to_beat_control, 1.0, 3),
            fmt_opt(v.p_best, 1.0, 3),
            fmt_opt(v.thompson_share, 100.0, 1),
            fmt_opt(v.revenue_mean, 1.0, 2),
        );
    }
    if let Some(b) = &r.bandit_replay {
        say!(
            "bandit replay ({} users in {} batches): equal split {:.0} conversions (regret {:.0}), \
             Thompson sampling {:.0} (regret {:.0})",
            b.users,
            b.batches,
            b.equal_conversions,
            b.equal_regret(),
            b.thompson_conversions,
            b.thompson_regret()
        );
    }
    if let Some(c) = &r.cuped {
        say!(
            "CUPED: θ = {:.4}, variance reduced by {:.1}%",
            c.theta,
            c.variance_reduction * 100.0
        );
        for v in c.variants.iter().skip(1) {
            say!(
                "  {}: revenue diff {} CI {} p = {}",
                v.name,
                fmt_opt(v.diff, 1.0, 3),
                fmt_ci(v.ci, 1.0),
                fmt_opt(v.p_value, 1.0, 4)
            );
        }
    }
    for w in &r.warnings {
        say!("warning: {w}");
    }
    say!("verdict: {}", crate::experiments::verdict(r).reason.en);
}

pub(super) fn power_cmd(
    baseline: f64,
    mde: Option<f64>,
    users: Option<f64>,
    alpha: f64,
    power: f64,
    json: bool,
) -> Result<(), CliError> {
    checks::open_unit("baseline", baseline)?;
    checks::open_unit("alpha", alpha)?;
    checks::open_unit("power", power)?;
    if power <= alpha {
        return Err(CliError::Input(format!(
            "--power {power}: must be above --alpha {alpha}"
        )));
    }
    if let Some(m) = mde {
        checks::number("mde", m, -1.0, 1e6)?;
    }
    if let Some(n) = users {
        checks::number("users", n, 2.0, 1e15)?;
    }
    let result = match (users, mde) {
        (Some(n), _) => {
            let mde = crate::experiments::mde_for_users(baseline, n, alpha, power);
            let mut r =
                crate::experiments::users_per_variant(baseline, mde.unwrap_or(0.0), alpha, power);
            r.mde = mde;
            r
        }
        (None, Some(mde)) => crate::experiments::users_per_variant(baseline, mde, alpha, power),
        (None, None) => return Err(CliError::Input("give --mde or --users".into())),
    };
    if result.users_per_variant.is_none() {
        let mde = result
            .mde
            .map_or("(none reachable)".to_string(), |m| m.to_string());
        return Err(CliError::Input(format!(
            "no sample size for baseline {baseline}, relative MDE {mde}, alpha {alpha}, power {power}: \
             the rates must stay inside (0, 1), the MDE must not be 0, and an effect this small \
             would need more than 10^15 users per variant"
        )));
    }
    if json {
        return print_json(&result);
    }
    say!(
        "{} users per variant to detect a relative lift of {} on a {:.2}% baseline (α = {alpha}, power = {power})",
        result.users_per_variant.unwrap_or(0),
        fmt_opt(result.mde, 100.0, 2) + "%",
        baseline * 100.0
    );
    Ok(())
}
