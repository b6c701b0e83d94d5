//! The Uplift capability's one call: from a randomised experiment, each learner's change in
//! conversion caused by the treatment (a two-model learner on our logistic regression over
//! the learners' profiles as they were before the experiment), checked by the Qini curve on
//! held-out experiment users. What the window and `persona-lab uplift` call.

use super::qini::{QiniPoint, qini_coefficient, qini_curve};
use crate::campaigns::logistic::{self, Lbfgs};
use crate::data::columns::{bool_col, ms_col, str_col};
use crate::data::{Dataset, TableKind};
use crate::error::Error;
use crate::jobs::Progress;
use crate::math::Csr;
use crate::profile::{Profiles, build_profiles};
use ahash::AHashMap;
use serde::Serialize;

/// What to estimate.
#[derive(Debug, Clone, PartialEq)]
pub struct UpliftConfig {
    /// The experiment.
    pub experiment: String,
    /// The control variant (default: one named `control`, else the first by name).
    pub control: Option<String>,
    /// The treatment variant (default: the other variant, when there are exactly two).
    pub treatment: Option<String>,
    /// Share of experiment users held out for the Qini check.
    pub holdout: f64,
    /// Inverse regularisation strength of both logistic regressions; `None`: chosen from
    /// [`C_GRID`] by the Qini coefficient in 4 folds of the training users, taking the
    /// strongest regularisation within one standard error of the best.
    pub c: Option<f64>,
    /// Seed of the held-out split.
    pub seed: u64,
}

impl UpliftConfig {
    /// Default settings for `experiment`.
    pub fn new(experiment: &str) -> UpliftConfig {
        UpliftConfig {
            experiment: experiment.to_string(),
            control: None,
            treatment: None,
            holdout: 0.3,
            c: None,
            seed: 42,
        }
    }

    /// Refuses settings outside their range, naming the setting.
    pub fn check(&self) -> Result<(), Error> {
        if !(self.holdout > 0.0 && self.holdout < 1.0) {
            return Err(Error::input(
                format!("holdout 须在 0 和 1 之间，而不是 {}", self.holdout),
                format!("holdout must be between 0 and 1, not {}", self.holdout),
            ));
        }
        if let Some(c) = self.c
            && !(c.is_finite() && c > 0.0)
        {
            return Err(Error::input(
                format!("c 须大于 0，而不是 {c}"),
                format!("c must be above 0, not {c}"),
            ));
        }
        Ok(())
    }
}

/// One learner's estimate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LearnerUplift {
    /// The learner.
    pub user_id: String,
    /// `p_treatment − p_control`.
    pub uplift: f64,
    /// Predicted conversion without the treatment.
    pub p_control: f64,
    /// Predicted conversion with it.
    pub p_treatment: f64,
}

/// A learner's place in the experiment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Assigned {
    /// In the treatment arm.
    pub treated: bool,
    /// Converted.
    pub converted: bool,
    /// Held out from fitting (used for the Qini check).
    pub held_out: bool,
}

/// The observed and predicted effect of the treatment in a group of learners.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupEffect {
    /// The group's name.
    pub group: String,
    /// Experiment users of the group in control.
    pub users_control: u64,
    /// Experiment users of the group in treatment.
    pub users_treatment: u64,
    /// Observed conversion rate in control.
    pub rate_control: Option<f64>,
    /// Observed conversion rate in treatment.
    pub rate_treatment: Option<f64>,
    /// Observed effect, `rate_treatment − rate_control`.
    pub effect: Option<f64>,
    /// 95% Wald interval of the observed effect (unpooled).
    pub ci: Option<[f64; 2]>,
    /// Mean predicted uplift over all the group's learners (in the experiment or not).
    pub predicted: Option<f64>,
}

/// The regularisation strengths tried when none is given (strong to weak: uplift is a small
/// difference of two noisy predictions, and strong regularisation keeps it from chasing noise).
pub const C_GRID: [f64; 5] = [0.01, 0.03, 0.1, 0.3, 1.0];

/// Folds of the training users when C is chosen.
const FOLDS: u64 = 4;

/// Every learner's estimated uplift, with the check on held-out users.
#[derive(Debug, Clone)]
pub struct UpliftResult {
    /// The experiment.
    pub experiment: String,
    /// Its control variant.
    pub control: String,
    /// Its treatment variant.
    pub treatment: String,
    /// The experiment's first assignment (ms): features use only events before it; `None`
    /// when the experiment rows carry no time (then every event is used).
    pub features_as_of: Option<i64>,
    /// Every learner of the profiles (users.csv order), in the experiment or not.
    pub learners: Vec<LearnerUplift>,
    /// Each learner's place in the experiment (aligned with `learners`).
    pub assigned: Vec<Option<Assigned>>,
    /// Experiment users the models were fitted on.
    pub train_users: usize,
    /// Experiment users held out for the Qini check.
    pub test_users: usize,
    /// Experiment rows of learners missing from the profiles (not used).
    pub unknown_users: usize,
    /// Qini coefficient on the held-out users (1 perfect, 0 random).
    pub qini: f64,
    /// Qini curve on the held-out users.
    pub curve: Vec<QiniPoint>,
    /// Names of the profile features the models read.
    pub features: Vec<String>,
    /// The regularisation strength used.
    pub c: f64,
    /// Each learner's RFM segment before the experiment (aligned with `learners`): groups the
    /// treatment cannot have moved learners between.
    pub rfm: Vec<crate::profile::RfmSegment>,
}

/// What contacting a number of learners would bring, by how they are chosen.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UpliftTargeting {
    /// Learners contacted.
    pub learners: usize,
    /// Expected extra conversions when the learners with the highest uplift are contacted.
    pub by_uplift: f64,
    /// The same when those most likely to convert with the treatment are contacted (response
    /// targeting: it picks learners who would convert anyway).
    pub by_response: f64,
    /// The same for learners picked at random.
    pub random: f64,
    /// The learners with the highest uplift, best first (positions in `learners`).
    pub list: Vec<usize>,
}

impl UpliftResult {
    /// The `budget` learners to contact by uplift, with the expected extra conversions of that
    /// list beside response targeting and random picks (by the estimated uplifts).
    pub fn target(&self, budget: usize) -> UpliftTargeting {
        let budget = budget.min(self.learners.len());
        let top_by = |key: &dyn Fn(&LearnerUplift) -> f64| -> Vec<usize> {
            let mut order: Vec<usize> = (0..self.learners.len()).collect();
            order.sort_by(|&a, &b| key(&self.learners[b]).total_cmp(&key(&self.learners[a])));
            order.truncate(budget);
            order
        };
        let extra = |rows: &[usize]| rows.iter().map(|&r| self.learners[r].uplift).sum::<f64>();
        let list = top_by(&|l| l.uplift);
        let mean =
            self.learners.iter().map(|l| l.uplift).sum::<f64>() / self.learners.len().max(1) as f64;
        UpliftTargeting {
            learners: budget,
            by_uplift: extra(&list),
            by_response: extra(&top_by(&|l| l.p_treatment)),
            random: mean * budget as f64,
            list,
        }
    }

    /// Observed effect and predicted uplift per RFM segment as it was before the experiment,
    /// with the segments' names; segments without experiment users are left out.
    pub fn effects_by_rfm(&self) -> (Vec<GroupEffect>, Vec<crate::lang::Text>) {
        let all = crate::profile::RfmSegment::ALL;
        let labels: Vec<usize> = self
            .rfm
            .iter()
            .map(|s| all.iter().position(|a| a == s).unwrap_or(usize::MAX))
            .collect();
        let keys: Vec<String> = all.iter().map(|s| s.name().to_string()).collect();
        let ids: Vec<String> = self.learners.iter().map(|l| l.user_id.clone()).collect();
        let effects = self.effects_by(&ids, &labels, &keys);
        effects
            .into_iter()
            .zip(all.iter().map(|s| s.text()))
            .filter(|(g, _)| g.users_control + g.users_treatment > 0)
            .unzip()
    }

    /// Observed effect (with its interval) and mean predicted uplift per group, learner
    /// `user_ids[i]` being in group `labels[i]` of `names` (e.g. the segments of the current
    /// profiles); learners not listed belong to no group.
    pub fn effects_by(
        &self,
        user_ids: &[String],
        labels: &[usize],
        names: &[String],
    ) -> Vec<GroupEffect> {
        let group_of: AHashMap<&str, usize> = user_ids
            .iter()
            .zip(labels)
            .map(|(u, &g)| (u.as_str(), g))
            .collect();
        let labels: Vec<usize> = self
            .learners
            .iter()
            .map(|l| {
                group_of
                    .get(l.user_id.as_str())
                    .copied()
                    .unwrap_or(usize::MAX)
            })
            .collect();
        let k = names.len();
        let mut counts = vec![[0u64; 4]; k]; // n_c, x_c, n_t, x_t
        let mut predicted = vec![(0.0, 0usize); k];
        for (i, &g) in labels.iter().enumerate() {
            if g >= k {
                continue;
            }
            predicted[g].0 += self.learners[i].uplift;
            predicted[g].1 += 1;
            if let Some(a) = self.assigned[i] {
                let at = if a.treated { 2 } else { 0 };
                counts[g][at] += 1;
                counts[g][at + 1] += u64::from(a.converted);
            }
        }
        names
            .iter()
            .enumerate()
            .map(|(g, name)| {
                let [n_c, x_c, n_t, x_t] = counts[g];
                let rate = |x: u64, n: u64| (n > 0).then(|| x as f64 / n as f64);
                let (rc, rt) = (rate(x_c, n_c), rate(x_t, n_t));
                let effect = rc.zip(rt).map(|(c, t)| t - c);
                let ci = rc.zip(rt).map(|(c, t)| {
                    let se = (c * (1.0 - c) / n_c as f64 + t * (1.0 - t) / n_t as f64).sqrt();
                    [
                        t - c - 1.959_963_984_540_054 * se,
                        t - c + 1.959_963_984_540_054 * se,
                    ]
                });
                GroupEffect {
                    group: name.clone(),
                    users_control: n_c,
                    users_treatment: n_t,
                    rate_control: rc,
                    rate_treatment: rt,
                    effect,
                    ci,
                    predicted: (predicted[g].1 > 0).then(|| predicted[g].0 / predicted[g].1 as f64),
                }
            })
            .collect()
    }
}

/// Whether a learner is held out: an FNV-1a hash of the seed and their id, so the split does
/// not depend on row order or machine.
fn held_out(user_id: &str, seed: u64, share: f64) -> bool {
    let h = crate::campaigns::encode::fnv1a(&format!("{seed}:{user_id}"));
    (h as f64 / u64::MAX as f64) < share
}

/// Estimates every learner's uplift for `config.experiment`: profiles are built from the
/// events before the experiment's first assignment, one logistic regression is fitted per
/// arm on the experiment users not held out, and the Qini curve is computed on the others.
pub fn estimate_uplift(
    dataset: &Dataset,
    config: &UpliftConfig,
    progress: &Progress,
) -> Result<UpliftResult, Error> {
    config.check()?;
    let df = dataset.frame(TableKind::Experiments).ok_or_else(|| {
        Error::input(
            "增益模型需要 experiments.csv",
            "uplift needs experiments.csv",
        )
    })?;
    let (Some(names), Some(variants), Some(users), Some(converted)) = (
        str_col(df, "experiment"),
        str_col(df, "variant"),
        str_col(df, "user_id"),
        bool_col(df, "converted"),
    ) else {
        return Err(Error::input(
            "experiments.csv 需要 experiment、variant、user_id 和 converted 列",
            "experiments.csv needs experiment, variant, user_id and converted",
        ));
    };
    let ts = ms_col(df, "ts");
    let mut rows: Vec<(usize, String, bool)> = Vec::new();
    let mut seen_variants: Vec<String> = Vec::new();
    let mut experiments: Vec<String> = Vec::new();
    let mut first_ms: Option<i64> = None;
    for i in 0..df.height() {
        let Some(name) = names.get(i) else { continue };
        if !experiments.iter().any(|e| e == name) {
            experiments.push(name.to_string());
        }
        if name != config.experiment {
            continue;
        }
        let (Some(v), Some(u), Some(y)) = (variants.get(i), users.get(i), converted.get(i)) else {
            continue;
        };
        if !seen_variants.iter().any(|s| s == v) {
            seen_variants.push(v.to_string());
        }
        if let Some(t) = ts.as_ref().and_then(|c| c.get(i)) {
            first_ms = Some(first_ms.map_or(t, |f| f.min(t)));
        }
        rows.push((i, u.to_string(), y));
    }
    if rows.is_empty() {
        experiments.sort();
        return Err(Error::input(
            format!(
                "未找到实验 `{}`；现有实验：{}",
                config.experiment,
                experiments.join(", ")
            ),
            format!(
                "experiment `{}` not found; experiments are: {}",
                config.experiment,
                experiments.join(", ")
            ),
        ));
    }
    seen_variants.sort();
    let pick = |asked: &Option<String>, what_zh: &str, what: &str| match asked {
        Some(v) if seen_variants.contains(v) => Ok(Some(v.clone())),
        Some(v) => Err(Error::input(
            format!(
                "{what_zh} `{v}` 不是 `{}` 的变体；变体有：{}",
                config.experiment,
                seen_variants.join(", ")
            ),
            format!(
                "{what} `{v}` is not a variant of `{}`; variants are: {}",
                config.experiment,
                seen_variants.join(", ")
            ),
        )),
        None => Ok(None),
    };
    let control = match pick(&config.control, "对照组", "control")? {
        Some(c) => c,
        None => seen_variants
            .iter()
            .find(|v| *v == "control")
            .unwrap_or(&seen_variants[0])
            .clone(),
    };
    let others: Vec<&String> = seen_variants.iter().filter(|v| **v != control).collect();
    let treatment = match pick(&config.treatment, "处理组", "treatment")? {
        Some(t) if t != control => t,
        Some(_) => {
            return Err(Error::input(
                "处理组和对照组是同一个变体",
                "treatment and control are the same variant",
            ));
        }
        None => match others.as_slice() {
            [one] => (*one).clone(),
            [] => {
                return Err(Error::input(
                    format!("实验 `{}` 只有一个变体：无可比较", config.experiment),
                    format!(
                        "experiment `{}` has one variant: nothing to compare",
                        config.experiment
                    ),
                ));
            }
            _ => {
                let listed = others
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ");
                return Err(Error::input(
                    format!(
                        "实验 `{}` 除对照组外有 {} 个变体（{listed}）：请用 --treatment 选择一个",
                        config.experiment,
                        others.len(),
                    ),
                    format!(
                        "experiment `{}` has {} variants besides the control ({listed}): choose one with --treatment",
                        config.experiment,
                        others.len(),
                    ),
                ));
            }
        },
    };

    progress.check()?;
    let before = match first_ms {
        Some(ms) => dataset.events_before(ms)?,
        None => dataset.clone(),
    };
    let profiles: Profiles = build_profiles(&before, &progress.part(0.0, 0.5))?;
    let index: AHashMap<&str, usize> = profiles
        .table
        .user_ids
        .iter()
        .enumerate()
        .map(|(i, u)| (u.as_str(), i))
        .collect();
    let mut assigned: Vec<Option<Assigned>> = vec![None; profiles.len()];
    let mut unknown_users = 0;
    for (i, user, y) in &rows {
        let v = variants.get(*i).unwrap_or_default();
        if v != control && v != treatment {
            continue;
        }
        match index.get(user.as_str()) {
            Some(&r) if assigned[r].is_none() => {
                assigned[r] = Some(Assigned {
                    treated: v == treatment,
                    converted: *y,
                    held_out: held_out(user, config.seed, config.holdout),
                });
            }
            Some(_) => {}
            None => unknown_users += 1,
        }
    }

    let matrix = profiles.matrix();
    let n_features = matrix.ncols();
    let mut entries = Vec::with_capacity(profiles.len() * n_features);
    for (r, row) in matrix.rows().into_iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if *v != 0.0 {
                entries.push((r as u32, c as u32, *v as f32));
            }
        }
    }
    let x = Csr::from_entries(profiles.len(), n_features, entries);
    let arm_names = [
        control.as_str(),
        treatment.as_str(),
        config.experiment.as_str(),
    ];
    let train: Vec<usize> = (0..assigned.len())
        .filter(|&r| assigned[r].is_some_and(|a| !a.held_out))
        .collect();
    let c = match config.c {
        Some(c) => c,
        None => {
            // Out-of-fold uplift of every training user (4 folds by hash), one Qini per C.
            // Each training user's fold, hashed once (not for every C and fold).
            let fold_of: AHashMap<usize, usize> = train
                .iter()
                .map(|&r| {
                    let id = &profiles.table.user_ids[r];
                    let h = crate::campaigns::encode::fnv1a(&format!("{}:fold:{id}", config.seed));
                    (r, (h % FOLDS) as usize)
                })
                .collect();
            // Each fold's users are ranked by that fold's own models: the models' average
            // uplift differs from fold to fold, so one ranking across folds would sort users
            // by fold.
            let mut means = Vec::with_capacity(C_GRID.len());
            for (k, &c) in C_GRID.iter().enumerate() {
                let mut per_fold = Vec::with_capacity(FOLDS as usize);
                for fold in 0..FOLDS as usize {
                    let part = progress.part(
                        0.5 + 0.25 * (k * FOLDS as usize + fold) as f32
                            / (C_GRID.len() * FOLDS as usize) as f32,
                        0.25 / (C_GRID.len() * FOLDS as usize) as f32,
                    );
                    let (fit_rows, check_rows): (Vec<usize>, Vec<usize>) =
                        train.iter().partition(|&&r| fold_of[&r] != fold);
                    // A fold whose arm lacks converters says nothing about C: skip it.
                    let (pc, pt) = match fit_arms(&x, &assigned, &fit_rows, c, &arm_names, &part) {
                        Ok(models) => models,
                        Err(Error::Input(_)) => continue,
                        Err(e) => return Err(e),
                    };
                    per_fold.push(qini_of(&assigned, &check_rows, |r| {
                        let (cols, vals) = x.row(r);
                        pt.predict_row(cols, vals) - pc.predict_row(cols, vals)
                    }));
                }
                means.push(if per_fold.is_empty() {
                    (f64::NEG_INFINITY, 0.0)
                } else {
                    crate::math::mean_sd(&per_fold)
                });
            }
            // The one-standard-error rule: the strongest regularisation whose Qini is within
            // one standard error of the best, since the Qini of a few hundred users is noisy.
            let best = (0..means.len())
                .max_by(|&a, &b| means[a].0.total_cmp(&means[b].0))
                .unwrap_or(0);
            let (top, sd) = means[best];
            if top == f64::NEG_INFINITY {
                // No fold could be fitted: the weakest regularisation, as without choice.
                C_GRID[C_GRID.len() - 1]
            } else {
                let bar = top - sd / (FOLDS as f64).sqrt();
                let chosen = (0..means.len())
                    .find(|&k| means[k].0 >= bar)
                    .unwrap_or(best);
                C_GRID[chosen]
            }
        }
    };
    let (control_model, treatment_model) = fit_arms(
        &x,
        &assigned,
        &train,
        c,
        &arm_names,
        &progress.part(0.75, 0.25),
    )?;
    let p_control = control_model.predict(&x);
    let p_treatment = treatment_model.predict(&x);
    let learners: Vec<LearnerUplift> = profiles
        .table
        .user_ids
        .iter()
        .enumerate()
        .map(|(r, id)| LearnerUplift {
            user_id: id.clone(),
            uplift: p_treatment[r] - p_control[r],
            p_control: p_control[r],
            p_treatment: p_treatment[r],
        })
        .collect();
    let test: Vec<usize> = (0..assigned.len())
        .filter(|&r| assigned[r].is_some_and(|a| a.held_out))
        .collect();
    let (converted_test, treated_test) = outcomes(&assigned, &test);
    let score: Vec<f64> = test.iter().map(|&r| learners[r].uplift).collect();
    progress.set(1.0);
    Ok(UpliftResult {
        experiment: config.experiment.clone(),
        control,
        treatment,
        features_as_of: first_ms,
        train_users: train.len(),
        c,
        test_users: test.len(),
        unknown_users,
        qini: qini_coefficient(&converted_test, &score, &treated_test),
        curve: qini_curve(&converted_test, &score, &treated_test),
        features: profiles.feature_names.clone(),
        rfm: profiles.table.rfm_segment.clone(),
        learners,
        assigned,
    })
}

/// Whether each of `rows` converted, and whether it was treated.
fn outcomes(assigned: &[Option<Assigned>], rows: &[usize]) -> (Vec<bool>, Vec<bool>) {
    rows.iter()
        .map(|&r| {
            let a = assigned[r];
            (a.is_some_and(|a| a.converted), a.is_some_and(|a| a.treated))
        })
        .unzip()
}

/// The Qini coefficient of `score` over `rows`.
fn qini_of(assigned: &[Option<Assigned>], rows: &[usize], score: impl Fn(usize) -> f64) -> f64 {
    let (converted, treated) = outcomes(assigned, rows);
    let scores: Vec<f64> = rows.iter().map(|&r| score(r)).collect();
    qini_coefficient(&converted, &scores, &treated)
}

/// One logistic regression per arm on `rows` (control first). `names`: control, treatment
/// and experiment, for the message when an arm cannot be modelled.
fn fit_arms(
    x: &Csr,
    assigned: &[Option<Assigned>],
    rows: &[usize],
    c: f64,
    names: &[&str; 3],
    progress: &Progress,
) -> Result<(logistic::Logistic, logistic::Logistic), Error> {
    let mut models = Vec::with_capacity(2);
    for (k, treated) in [false, true].into_iter().enumerate() {
        let arm: Vec<usize> = rows
            .iter()
            .copied()
            .filter(|&r| assigned[r].is_some_and(|a| a.treated == treated))
            .collect();
        let y: Vec<f32> = arm
            .iter()
            .map(|&r| f32::from(u8::from(assigned[r].is_some_and(|a| a.converted))))
            .collect();
        if arm.is_empty() || y.iter().all(|&v| v == y[0]) {
            let only_converters = y.first() == Some(&1.0);
            return Err(Error::input(
                format!(
                    "`{}` 的 {} 组有 {} 名用户，{}：模型需要同时有转化者和未转化者",
                    names[2],
                    names[k],
                    arm.len(),
                    if only_converters {
                        "全部已转化"
                    } else {
                        "没有转化者"
                    }
                ),
                format!(
                    "the {} arm of `{}` has {} users with {}: a model needs both converters and \
                     non-converters",
                    names[k],
                    names[2],
                    arm.len(),
                    if only_converters {
                        "only converters"
                    } else {
                        "no converter"
                    }
                ),
            ));
        }
        let part = progress.part(0.5 * k as f32, 0.5);
        models.push(logistic::fit(
            &x.select_rows(&arm),
            &y,
            c,
            Lbfgs::default(),
            &part,
        )?);
    }
    let treatment = models.pop().expect("two models");
    let control = models.pop().expect("two models");
    Ok((control, treatment))
}

/// Writes `user_id,uplift,p_control,p_treatment` for the learners at `rows` of `result` (all
/// learners when `None`), ids pseudonymised with `salt` when given.
pub fn write_uplift(
    path: &std::path::Path,
    result: &UpliftResult,
    rows: Option<&[usize]>,
    salt: Option<&str>,
) -> std::io::Result<()> {
    let mut w = crate::safe_csv::SafeCsv::create(path)?;
    w.write_record(["user_id", "uplift", "p_control", "p_treatment"])?;
    let all: Vec<usize>;
    let rows = match rows {
        Some(r) => r,
        None => {
            all = (0..result.learners.len()).collect();
            &all
        }
    };
    for &r in rows {
        let l = &result.learners[r];
        let id = crate::privacy::written_id(&l.user_id, salt);
        w.write_record([
            id,
            l.uplift.to_string(),
            l.p_control.to_string(),
            l.p_treatment.to_string(),
        ])?;
    }
    w.flush()
}
