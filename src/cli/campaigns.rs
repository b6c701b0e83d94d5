//! `ctr` and `target`.

use super::{CliError, DataArgs, checks, print_json};
use crate::campaigns::fm::FmParams;
use crate::campaigns::train::{prepare, train_prepared, write_svmlight};
use crate::campaigns::{
    CtrConfig, CtrReport, ListRequest, Objective, SplitRule, Target, target, train, write_targets,
};
use crate::data::TableKind;
use crate::jobs::Progress;
use clap::Args;
use std::path::PathBuf;

/// The tables campaign models read.
const CTR_TABLES: [TableKind; 4] = [
    TableKind::Users,
    TableKind::Courses,
    TableKind::Events,
    TableKind::Impressions,
];

/// The columns campaign models read of the event and impression tables: free text and
/// campaign names are checked but not kept (at a million learners they are a gigabyte).
const CTR_COLUMNS: crate::data::Projection = &[
    (
        TableKind::Events,
        &[
            "user_id",
            "course_id",
            "event",
            "ts",
            "amount",
            "rating",
            "watch_sec",
        ],
    ),
    (
        TableKind::Impressions,
        &[
            "user_id",
            "course_id",
            "ts",
            "clicked",
            "converted",
            "channel",
            "placement",
        ],
    ),
];

/// Training settings shared by `ctr` and `target`.
#[derive(Debug, Clone, Args)]
pub struct TrainArgs {
    /// Test on impressions from this date on (YYYY-MM-DD); default: the last 20% of the time range.
    #[arg(long, value_name = "DATE", conflicts_with = "holdout")]
    test_from: Option<String>,
    /// Test on a random share of the impressions instead of the latest ones.
    #[arg(long, value_name = "SHARE")]
    holdout: Option<f64>,
    /// Seed of the random split and the factorization machine.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// What to predict.
    #[arg(long, value_enum, default_value_t = Target::Clicked)]
    target: Target,
    /// Inverse L2 strength of the logistic regression (scikit-learn's C); default: chosen
    /// from 0.01, 0.03, 0.1, 0.3, 1 by log loss on the latest 10% of the training rows.
    #[arg(long)]
    c: Option<f64>,
    /// Skip the factorization machine.
    #[arg(long)]
    no_fm: bool,
    /// Factorization-machine factors.
    #[arg(long, default_value_t = FmParams::default().factors)]
    fm_factors: usize,
    /// Factorization-machine epochs at most.
    #[arg(long, default_value_t = FmParams::default().epochs)]
    fm_epochs: usize,
    /// Most training impressions to learn from; above it, every click and a uniform share of
    /// the other impressions are kept, and the models' intercepts corrected for the sampling.
    #[arg(long, value_name = "ROWS", default_value_t = crate::campaigns::train::MAX_TRAIN_ROWS)]
    max_train_rows: usize,
    /// Most test impressions to score the models on; above it, a uniform share of them.
    #[arg(long, value_name = "ROWS", default_value_t = crate::campaigns::train::MAX_TEST_ROWS)]
    max_test_rows: usize,
}

impl TrainArgs {
    fn config(&self) -> Result<CtrConfig, CliError> {
        let split = match (&self.test_from, self.holdout) {
            (Some(d), _) => SplitRule::TimeFrom(Some(checks::date("test-from", d)?)),
            (None, Some(f)) => SplitRule::Holdout {
                fraction: checks::open_unit("holdout", f)?,
                seed: self.seed,
            },
            (None, None) => SplitRule::TimeFrom(None),
        };
        if let Some(c) = self.c {
            checks::number("c", c, 1e-6, 1e6)?;
        }
        checks::count("fm-factors", self.fm_factors, 1, 256)?;
        checks::count("fm-epochs", self.fm_epochs, 1, 1000)?;
        checks::count("max-train-rows", self.max_train_rows, 100, usize::MAX)?;
        checks::count("max-test-rows", self.max_test_rows, 100, usize::MAX)?;
        Ok(CtrConfig {
            target: self.target,
            split,
            c: self.c,
            with_fm: !self.no_fm,
            fm: FmParams {
                factors: self.fm_factors,
                epochs: self.fm_epochs,
                seed: self.seed,
                ..FmParams::default()
            },
            max_train_rows: self.max_train_rows,
            max_test_rows: self.max_test_rows,
        })
    }
}

/// Arguments of `ctr`.
#[derive(Debug, Clone, Args)]
pub struct CtrArgs {
    #[command(flatten)]
    input: DataArgs,
    #[command(flatten)]
    training: TrainArgs,
    /// Also write the training rows' design matrix (svmlight format) for an outside fitter
    /// (the rows learned from: a sample above --max-train-rows).
    #[arg(long, value_name = "FILE")]
    design: Option<PathBuf>,
    /// Print one JSON object.
    #[arg(long)]
    pub(super) json: bool,
}

fn print_report(r: &CtrReport) {
    say!(
        "{} training and {} test impressions{}; {} base rate {:.4}",
        r.rows_train,
        r.rows_test,
        r.test_from
            .as_ref()
            .map_or(String::new(), |d| format!(" (test from {d})")),
        match r.target {
            Target::Clicked => "click",
            Target::Converted => "conversion",
        },
        r.base_rate
    );
    if let Some(sample) = &r.subsample {
        say!("{}", sample.note().en);
    }
    say!(
        "{:<10} {:>8} {:>9} {:>9}",
        "model",
        "auc",
        "logloss",
        "train_s"
    );
    for m in &r.models {
        say!(
            "{:<10} {:>8} {:>9.4} {:>9.2}{}",
            m.name,
            m.auc.map_or("—".into(), |a| format!("{a:.4}")),
            m.logloss,
            m.train_seconds,
            if m.name == r.model { "  (default)" } else { "" }
        );
    }
    say!("calibration (predicted → observed, n):");
    for b in &r.calibration {
        say!(
            "  {:>2}: {:.4} → {:.4}  {}",
            b.bin,
            b.predicted,
            b.observed,
            b.n
        );
    }
    say!("logistic regression C = {}", r.c);
    say!("largest weights:");
    for c in r.coefficients.iter().take(12) {
        say!("  {:+.3}  {}", c.weight, c.feature);
    }
    if let Some(r2) = r.spend_r2 {
        say!("spend model R² on held-out purchases: {r2:.3}");
    }
}

/// `ctr`.
pub fn ctr_cmd(args: &CtrArgs) -> Result<(), CliError> {
    let config = args.training.config()?;
    if let Some(path) = &args.design {
        checks::output(path, &args.input.files())?;
    }
    let ds = args.input.load_columns(&CTR_TABLES, CTR_COLUMNS)?;
    let place = |e: crate::error::Error| CliError::from(e.at(args.input.data.display()));
    let progress = super::reporting_progress();
    let prepared = prepare(&ds, &config, &progress).map_err(place)?;
    if let Some(path) = &args.design {
        let d = &prepared.design;
        let y: Vec<f32> = prepared.train_rows.iter().map(|&r| d.y[r]).collect();
        checks::write_atomically(path, |p| {
            write_svmlight(p, &d.x.select_rows(&prepared.train_rows), &y)
        })?;
    }
    let (_, report) = train_prepared(prepared, &config, &progress).map_err(place)?;
    if args.json {
        return print_json(&report);
    }
    print_report(&report);
    Ok(())
}

/// Arguments of `target`.
#[derive(Debug, Clone, Args)]
pub struct TargetArgs {
    #[command(flatten)]
    input: DataArgs,
    /// The course to promote.
    #[arg(long)]
    course: String,
    /// Number of learners to contact.
    #[arg(long)]
    budget: usize,
    /// Rank by expected conversions, expected revenue, or revenue plus the learner's expected
    /// value of the next 90 days (lifetime-value model, as of the ranking date).
    #[arg(long, value_enum, default_value_t = Objective::Conversions)]
    objective: Objective,
    /// Placement the campaign uses (default: the most common one).
    #[arg(long)]
    placement: Option<String>,
    /// Rank only the learners of this audience (a CSV with a `user_id` column, or one id
    /// per line), e.g. as `audience --out` writes it.
    #[arg(long, value_name = "FILE")]
    audience: Option<PathBuf>,
    /// Where to write the list.
    #[arg(long)]
    out: PathBuf,
    /// Replace learner ids in `--out` with salted SHA-256 pseudonyms.
    #[arg(long, value_name = "SALT")]
    pseudonymise: Option<String>,
    /// Backtest: train on impressions before this date (YYYY-MM-DD), rank learners on their
    /// history before it, and report what the list actually brought from it on beside random
    /// and most-active lists.
    #[arg(long, value_name = "DATE", conflicts_with_all = ["test_from", "holdout"])]
    evaluate_from: Option<String>,
    #[command(flatten)]
    training: TrainArgs,
    /// Print one JSON object.
    #[arg(long)]
    pub(super) json: bool,
}

/// `target`.
pub fn target_cmd(args: &TargetArgs) -> Result<(), CliError> {
    let mut config = args.training.config()?;
    checks::count("budget", args.budget, 1, 100_000_000)?;
    let salt = checks::salt(args.pseudonymise.as_deref())?;
    checks::output(&args.out, &args.input.files())?;
    let ds = args.input.load_columns(&CTR_TABLES, CTR_COLUMNS)?;
    let backtest_from = args
        .evaluate_from
        .as_deref()
        .map(|d| checks::date("evaluate-from", d))
        .transpose()?;
    if backtest_from.is_some() {
        config.split = SplitRule::TimeFrom(backtest_from);
    }
    let place = |e: crate::error::Error| CliError::from(e.at(args.input.data.display()));
    let (models, report) = train(&ds, &config, &super::reporting_progress()).map_err(place)?;
    let future = match args.objective {
        Objective::Value => {
            let settings = crate::value::ValueSettings {
                until_day: backtest_from
                    .map(|ms| ms.div_euclid(crate::data::cells::MS_PER_DAY) - 1),
                ..crate::value::ValueSettings::default()
            };
            Some(
                crate::value::estimate_value(&ds, &settings, &Progress::default())
                    .map_err(place)?,
            )
        }
        _ => None,
    };
    let within = args
        .audience
        .as_deref()
        .map(crate::audience::Audience::read_csv)
        .transpose()?;
    let t = target(
        &models,
        &ListRequest {
            objective: args.objective,
            placement: args.placement.as_deref(),
            backtest_from,
            future: future.as_ref(),
            within: within.as_ref(),
            ..ListRequest::new(&args.course, args.budget)
        },
    )
    .map_err(place)?;
    checks::write_atomically(&args.out, |p| write_targets(p, &t, salt))?;
    if args.json {
        let mut v = serde_json::to_value(&t).map_err(|e| CliError::Internal(e.to_string()))?;
        if let Some(o) = v.as_object_mut() {
            o.remove("rows");
            o.insert("model".into(), report.model.clone().into());
            o.insert("model_auc".into(), serde_json::json!(report.auc));
            o.insert("out".into(), args.out.display().to_string().into());
        }
        return print_json(&v);
    }
    say!(
        "{}: {} of {} eligible learners written to {} (model {}, test AUC {})",
        t.course,
        t.rows.len(),
        t.eligible,
        args.out.display(),
        report.model,
        report.auc.map_or("—".into(), |a| format!("{a:.3}"))
    );
    say!(
        "expected conversions: {:.1} (random learners {:.1}, most active learners {:.1}); expected revenue ¥{:.0} (random ¥{:.0}, most active ¥{:.0})",
        t.expected_conversions,
        t.random_conversions,
        t.active_conversions,
        t.expected_revenue,
        t.random_revenue,
        t.active_revenue
    );
    if let Some(b) = &t.backtest {
        say!(
            "backtest from {}: the list brought {:.0} enrolments/purchases and ¥{:.0}; random learners {:.1} and ¥{:.0}; most active learners {:.0} and ¥{:.0} ({} eligible learners converted)",
            b.from,
            b.list_conversions,
            b.list_revenue,
            b.random_conversions,
            b.random_revenue,
            b.active_conversions,
            b.active_revenue,
            b.eligible_converters
        );
    }
    Ok(())
}
