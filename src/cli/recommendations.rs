//! `recommend` and `evaluate-recs`.

use super::{CliError, DataArgs, checks, print_json};
use crate::choice::Choice;
use crate::data::TableKind;
use crate::recommendations::AlsParams;
use crate::recommendations::evaluate::params_of;
use crate::recommendations::interactions::{DEFAULT_GROUP_ATTRIBUTE, from_pair_files};
use crate::recommendations::params::SequenceParams;
use crate::recommendations::{
    GroupSource, Groups, Interactions, ModelKind, Params, Split, Strengths, compare, from_dataset,
    holdout, leave_last, read_segments, recommend_all, train, write_recommendations,
};
use clap::Args;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The longest list (and the deepest cutoff) asked for; lists are also never longer than the
/// catalogue.
const MAX_TOP: usize = 1000;

/// The tables recommendations read.
const RECS_TABLES: [TableKind; 3] = [TableKind::Users, TableKind::Courses, TableKind::Events];

/// Model settings shared by `recommend` and `evaluate-recs`.
#[derive(Debug, Clone, Args)]
pub struct ModelArgs {
    /// Item-kNN (and content) neighbourhood size.
    #[arg(long, default_value_t = Params::default().item_neighbours)]
    pub neighbours: usize,
    /// User-kNN neighbourhood size.
    #[arg(long, default_value_t = Params::default().user_neighbours)]
    pub user_neighbours: usize,
    /// Shrinkage added to the cosine denominator of the kNN models.
    #[arg(long, default_value_t = Params::default().shrink)]
    pub shrink: f32,
    /// ALS latent factors.
    #[arg(long, default_value_t = AlsParams::default().factors)]
    pub factors: usize,
    /// ALS regularisation.
    #[arg(long, default_value_t = AlsParams::default().reg)]
    pub reg: f32,
    /// ALS sweeps.
    #[arg(long, default_value_t = AlsParams::default().iterations)]
    pub iterations: usize,
    /// ALS confidence slope α (confidence = 1 + α·weight).
    #[arg(long, default_value_t = AlsParams::default().alpha)]
    pub alpha: f32,
    /// EASE regularisation λ.
    #[arg(long, default_value_t = Params::default().lambda)]
    pub lambda: f32,
    /// A `user_id,segment[,label]` file (e.g. from `segment --out`) for popularity within
    /// segments; without it learners are grouped by `--group-by`.
    #[arg(long, value_name = "FILE")]
    pub segments: Option<PathBuf>,
    /// Event weights, e.g. `view=1,click=2,purchase=8` (unnamed events keep their defaults:
    /// view 1, click 2, comment 3, share 3, enroll 4, purchase 5, complete 5; `rate` uses the
    /// rating).
    #[arg(long, value_name = "EVENT=WEIGHT,...")]
    pub strengths: Option<String>,
    /// The learner attribute that groups learners when no segments are given.
    #[arg(long, default_value = DEFAULT_GROUP_ATTRIBUTE)]
    pub group_by: String,
    /// Sequence networks (gru, caser, fusion): embedding size.
    #[arg(long, default_value_t = SequenceParams::default().dim)]
    pub dim: usize,
    /// Sequence networks: most epochs (early stopping usually ends sooner).
    #[arg(long, default_value_t = SequenceParams::default().epochs)]
    pub epochs: usize,
    /// Sequence networks: latest courses read.
    #[arg(long, default_value_t = SequenceParams::default().max_len)]
    pub max_len: usize,
    /// Sequence networks: dropout share.
    #[arg(long, default_value_t = SequenceParams::default().dropout)]
    pub dropout: f32,
    /// Sequence networks: Adam's learning rate.
    #[arg(long, default_value_t = SequenceParams::default().learning_rate)]
    pub learning_rate: f32,
}

impl ModelArgs {
    fn params(&self, seed: u64) -> Result<Params, CliError> {
        let strengths = match &self.strengths {
            Some(text) => {
                Strengths::parse(text).map_err(|e| CliError::Input(format!("--strengths: {e}")))?
            }
            None => Strengths::default(),
        };
        let params = Params {
            strengths,
            item_neighbours: self.neighbours,
            user_neighbours: self.user_neighbours,
            shrink: self.shrink,
            als: AlsParams {
                factors: self.factors,
                reg: self.reg,
                iterations: self.iterations,
                alpha: self.alpha,
                seed,
            },
            lambda: self.lambda,
            content_neighbours: self.neighbours,
            sequence: SequenceParams {
                dim: self.dim,
                epochs: self.epochs,
                max_len: self.max_len,
                dropout: self.dropout,
                learning_rate: self.learning_rate,
                seed,
                ..SequenceParams::default()
            },
            ..Params::default()
        };
        params.check().map_err(CliError::from)?;
        Ok(params)
    }

    fn group_source(&self) -> Result<GroupSource, CliError> {
        match &self.segments {
            Some(path) => read_segments(path)
                .map(GroupSource::Labels)
                .map_err(CliError::from),
            None => Ok(GroupSource::Attribute(self.group_by.clone())),
        }
    }

    fn groups(&self, it: &Interactions) -> Result<Option<Groups>, CliError> {
        Ok(match self.group_source()? {
            GroupSource::Labels(labels) => Some(it.groups_from_labels(&labels)),
            GroupSource::Attribute(name) => it.groups_by(&name),
        })
    }
}

/// Arguments of `recommend`.
#[derive(Debug, Clone, Args)]
pub struct RecommendArgs {
    #[command(flatten)]
    input: DataArgs,
    /// The model.
    #[arg(long, value_enum, default_value_t = ModelKind::EASE)]
    model: ModelKind,
    /// Courses per learner.
    #[arg(long, default_value_t = 10)]
    top: usize,
    /// Only these learners: a file with one learner id per line (a `user_id` header is
    /// skipped; the first CSV column is used).
    #[arg(long, value_name = "FILE")]
    users: Option<PathBuf>,
    /// Where to write the lists.
    #[arg(long)]
    out: PathBuf,
    /// Replace learner ids in `--out` with salted SHA-256 pseudonyms.
    #[arg(long, value_name = "SALT")]
    pseudonymise: Option<String>,
    /// Seed (ALS start, tuning split).
    #[arg(long, default_value_t = crate::recommendations::run::SEED)]
    seed: u64,
    /// Choose the model's settings on a validation split first (NDCG@10).
    #[arg(long)]
    tune: bool,
    #[command(flatten)]
    model_args: ModelArgs,
    /// Print one JSON object.
    #[arg(long)]
    pub(super) json: bool,
}

fn read_user_list(path: &Path, it: &Interactions) -> Result<Vec<usize>, CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::Input(format!("{}: {e}", path.display())))?;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let id = line
            .split(',')
            .next()
            .unwrap_or("")
            .trim()
            .trim_start_matches('\u{feff}');
        if id.is_empty() || (n == 0 && id == "user_id") {
            continue;
        }
        match it.user(id) {
            Some(u) => out.push(u),
            None => {
                return Err(CliError::Input(format!(
                    "{}: line {}: learner `{id}` is not in the dataset",
                    path.display(),
                    n + 1
                )));
            }
        }
    }
    Ok(out)
}

/// `recommend`.
pub fn recommend_cmd(args: &RecommendArgs) -> Result<(), CliError> {
    let started = Instant::now();
    checks::count("top", args.top, 1, MAX_TOP)?;
    let salt = checks::salt(args.pseudonymise.as_deref())?;
    let mut inputs = args.input.files();
    inputs.extend(args.users.iter().chain(&args.model_args.segments).cloned());
    checks::output(&args.out, &inputs)?;
    let ds = args.input.load_only(&RECS_TABLES)?;
    let progress = super::reporting_progress();
    let params = args.model_args.params(args.seed)?;
    progress.set_stage(crate::lang::Text::new("学习记录", "interactions"));
    let trained = train(
        std::sync::Arc::new(from_dataset(&ds, &params.strengths)),
        args.model,
        &params,
        &args.model_args.group_source()?,
        args.tune.then_some(args.seed + 1),
        None,
        &progress,
    )
    .map_err(|e| CliError::from(e.at(args.input.data.display())))?;
    let it = &trained.interactions;
    let users = match &args.users {
        Some(path) => read_user_list(path, it)?,
        None => (0..it.users.len()).collect(),
    };
    let rec_started = Instant::now();
    let recs = recommend_all(
        &trained.model,
        &trained.fallback,
        it,
        &users,
        args.top,
        &progress,
    )
    .map_err(|_| CliError::Internal("cancelled".into()))?;
    let recommend_seconds = rec_started.elapsed().as_secs_f64();
    let train_seconds = trained.train_seconds;
    checks::write_atomically(&args.out, |p| {
        write_recommendations(p, it, &users, &recs, salt)
    })?;
    let cold = users.iter().filter(|&&u| it.matrix.row_len(u) == 0).count();
    let rows: usize = recs.iter().map(Vec::len).sum();
    if args.json {
        return print_json(&serde_json::json!({
            "model": args.model.name(),
            "params": params_of(args.model, &trained.params),
            "users": users.len(),
            "cold_users": cold,
            "rows": rows,
            "train_seconds": train_seconds,
            "recommend_seconds": recommend_seconds,
            "out": args.out.display().to_string(),
        }));
    }
    say!(
        "{}: {rows} recommendations for {} learners ({cold} without history served by popularity in their group) written to {} in {:.1} s (fit {:.2} s, lists {:.2} s)",
        args.model.name(),
        users.len(),
        args.out.display(),
        started.elapsed().as_secs_f64(),
        train_seconds,
        recommend_seconds
    );
    Ok(())
}

/// Arguments of `evaluate-recs`.
#[derive(Debug, Clone, Args)]
pub struct EvaluateArgs {
    /// Dataset folder (its events are the positives).
    #[arg(long, required_unless_present_all = ["train", "test"], conflicts_with_all = ["train", "test"])]
    data: Option<PathBuf>,
    /// Column mapping entries, as for `validate`.
    #[arg(long = "map", value_name = "ENTRY")]
    map: Vec<String>,
    /// Training pairs: `user_id,course_id[,weight]`.
    #[arg(long, requires = "test")]
    train: Option<PathBuf>,
    /// Test pairs: `user_id,course_id`.
    #[arg(long, requires = "train")]
    test: Option<PathBuf>,
    /// Share of each learner's positives held out (learners with at least 5).
    #[arg(long, default_value_t = crate::recommendations::run::HOLDOUT)]
    holdout: f64,
    /// Hold out each learner's N most recent courses instead of a random share.
    #[arg(long, value_name = "N", conflicts_with = "holdout")]
    leave_last: Option<usize>,
    /// Seed of the split, the validation split and ALS.
    #[arg(long, default_value_t = crate::recommendations::run::SEED)]
    seed: u64,
    /// Models to compare, comma-separated.
    #[arg(long, default_value = "pop,segpop,itemknn,userknn,als,ease,content")]
    models: String,
    /// Cutoff.
    #[arg(long, default_value_t = 10)]
    k: usize,
    /// Choose each model's settings on a validation split carved from the training data.
    #[arg(long)]
    tune: bool,
    #[command(flatten)]
    model_args: ModelArgs,
    /// Print one JSON object.
    #[arg(long)]
    pub(super) json: bool,
}

/// `evaluate-recs`.
pub fn evaluate_cmd(args: &EvaluateArgs) -> Result<(), CliError> {
    let kinds = args
        .models
        .split(',')
        .filter(|m| !m.trim().is_empty())
        .map(|m| {
            ModelKind::parse(m).ok_or_else(|| {
                let names: Vec<&str> = ModelKind::ALL.iter().map(|k| k.name()).collect();
                CliError::Input(format!(
                    "--models: unknown model `{m}` (one of {})",
                    names.join(", ")
                ))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    checks::open_unit("holdout", args.holdout)?;
    checks::count("k", args.k, 1, MAX_TOP)?;
    if let Some(n) = args.leave_last {
        checks::count("leave-last", n, 1, 1000)?;
    }
    let params = args.model_args.params(args.seed)?;
    let (it, split) = match (&args.data, &args.train, &args.test) {
        (_, Some(train), Some(test)) => {
            let (it, test) = from_pair_files(train, test).map_err(CliError::from)?;
            let train = it.matrix.clone();
            (it, Split { train, test })
        }
        (Some(dir), _, _) => {
            let input = DataArgs {
                data: dir.clone(),
                map: args.map.clone(),
                file: Vec::new(),
                mapping: None,
                day_origin: None,
                sheet: None,
            };
            let it = from_dataset(&input.load_only(&RECS_TABLES)?, &params.strengths);
            let split = match args.leave_last {
                Some(n) => leave_last(&it.matrix, &it.last_ms, n),
                None => holdout(&it.matrix, args.holdout, args.seed),
            };
            (it, split)
        }
        _ => {
            return Err(CliError::Input(
                "give --data DIR or --train FILE --test FILE".into(),
            ));
        }
    };
    let groups = args.model_args.groups(&it)?;
    let tune_seed = args.tune.then_some(args.seed + 1);
    let eval = compare(
        &kinds,
        &params,
        &split,
        it.context(groups.as_ref()),
        args.k,
        tune_seed,
        &super::reporting_progress(),
    )
    .map_err(CliError::from)?;
    if args.json {
        return print_json(&eval);
    }
    say!(
        "{} test learners, {} training pairs, {} test pairs, cutoff {}",
        eval.users_evaluated,
        split.train.nnz(),
        split.test.nnz(),
        eval.k
    );
    say!(
        "{:<9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}  settings",
        "model",
        "precision",
        "recall",
        "ndcg",
        "map",
        "hit_rate",
        "coverage",
        "train_s"
    );
    for m in &eval.models {
        say!(
            "{:<9} {:>9.4} {:>9.4} {:>9.4} {:>9.4} {:>9.4} {:>9.4} {:>9.3}  {}",
            m.name,
            m.metrics.precision,
            m.metrics.recall,
            m.metrics.ndcg,
            m.metrics.map,
            m.metrics.hit_rate,
            m.metrics.coverage,
            m.train_seconds,
            m.params
        );
    }
    Ok(())
}
