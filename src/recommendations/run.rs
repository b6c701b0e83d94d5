//! The Recommendations capability's one call: train a recommender on a whole dataset (with
//! the interactions, cold-start fallback and content neighbours the faces need around it)
//! and compare the models on a held-out split. The Recommendations tab, `recommend` and
//! `evaluate-recs --data` call it.

use super::content::content_neighbours;
use super::evaluate::{Evaluation, Trial, compare, holdout, leave_last, tune};
use super::interactions::{Groups, Interactions, SharedInteractions};
use super::knn::Neighbours;
use super::model::{Fitted, GroupPopularity, Recommendation, fallback};
use super::params::Params;
use super::reason::Reason;
use super::recommender::{Context, Family, Order};
use super::registry::ModelKind;
use crate::choice::Choice;
use crate::data::Dataset;
use crate::jobs::Progress;
use crate::lang::Text;
use crate::math::{Csr, top_k};
use std::sync::Arc;
use std::time::Instant;

/// A fitted model and its surroundings.
#[derive(Debug, Clone)]
pub struct Trained {
    /// Learners, courses and interactions (shared with whatever else uses the same).
    pub interactions: Arc<Interactions>,
    /// The groups used for popularity within a group (segments or an attribute).
    pub groups: Option<Groups>,
    /// The model, fitted on all interactions.
    pub model: Fitted,
    /// Popularity within the learner's group: for learners without history.
    pub fallback: GroupPopularity,
    /// Courses similar by content: for courses without history.
    pub content: Neighbours,
    /// The settings used (the chosen ones when tuned).
    pub params: Params,
    /// Settings tried while tuning, with their validation NDCG@10.
    pub trials: Vec<Trial>,
    /// Fit time in seconds.
    pub train_seconds: f64,
    /// Every step from one course taken straight to the next, most common first (learning
    /// paths; counted once here, so a window never waits for a pass over every learner).
    pub steps: Vec<crate::recommendations::sequence::paths::Transition>,
}

/// Where learner groups come from.
#[derive(Debug, Clone)]
pub enum GroupSource {
    /// A learner attribute column of `users` (e.g. `occupation`).
    Attribute(String),
    /// A label per learner id (e.g. segment labels, in both languages).
    Labels(ahash::AHashMap<String, Text>),
}

impl Interactions {
    /// Groups from a label per learner id; learners without a label have no group.
    pub fn groups_from_labels(&self, labels: &ahash::AHashMap<String, Text>) -> Groups {
        Groups::from_labels(self.users.iter().map(|u| labels.get(u)))
    }
}

/// Fits `kind` on all of `interactions` (built with `params.strengths`); with `tune_seed`,
/// the settings are first chosen on a validation holdout (20%) of the data.
pub fn train(
    interactions: Arc<Interactions>,
    kind: ModelKind,
    params: &Params,
    groups: &GroupSource,
    tune_seed: Option<u64>,
    cache: Option<&std::path::Path>,
    progress: &Progress,
) -> crate::error::Result<Trained> {
    if interactions.catalog.is_empty() {
        return Err(crate::error::Error::input(
            "未找到课程（需要课程表或事件表）",
            "no courses found (needs courses or events)",
        ));
    }
    let groups = match groups {
        GroupSource::Attribute(name) => interactions.groups_by(name),
        GroupSource::Labels(labels) => Some(interactions.groups_from_labels(labels)),
    };
    progress.set(0.05);
    let (params, trials) = match tune_seed {
        Some(seed) => {
            progress.set_stage(crate::lang::Text::pair(
                format!("{}：调参", kind.spec().label.zh),
                format!("{}: tuning", kind.spec().label.en),
            ));
            let held = holdout(&interactions.matrix, 0.2, seed);
            tune(
                kind,
                params,
                &held.train,
                interactions.context(groups.as_ref()),
                10,
                seed,
                &progress.part(0.05, 0.6),
            )?
        }
        None => (*params, Vec::new()),
    };
    progress.set_stage(crate::lang::Text::pair(
        format!("{}：训练", kind.spec().label.zh),
        format!("{}: training", kind.spec().label.en),
    ));
    let started = Instant::now();
    let model = Fitted::fit_cached(
        kind,
        &params,
        &interactions.matrix,
        interactions.context(groups.as_ref()),
        cache,
        &progress.part(0.65, 0.3),
    )?;
    let train_seconds = started.elapsed().as_secs_f64();
    let content = content_neighbours(&interactions.catalog, params.content_neighbours, progress)?;
    let fallback = fallback(&interactions.matrix, groups.as_ref(), &params);
    let steps = crate::recommendations::sequence::paths::all_steps(&interactions);
    progress.set(1.0);
    Ok(Trained {
        interactions,
        groups,
        model,
        fallback,
        content,
        params,
        trials,
        train_seconds,
        steps,
    })
}

/// The seed of the held-out split the window and the command line evaluate on; tuning uses the
/// next one.
pub const SEED: u64 = 42;

/// Share of each learner's courses held out for evaluation.
pub const HOLDOUT: f64 = 0.2;

/// List length the comparison evaluates (NDCG@10 and the like).
pub const EVALUATION_K: usize = 10;

/// Learners a comparison of models is run on at most; above this, on a seeded sample of
/// them. The comparison ranks models, and user-kNN's neighbour search grows with the square
/// of the learners (at a million learners it ran for many minutes before any result showed).
pub const COMPARE_LEARNERS: usize = 50_000;

/// The interactions (and groups) of a seeded sample of `n` learners, for a comparison.
struct Sample {
    matrix: Csr,
    last_ms: Vec<i64>,
    groups: Option<Groups>,
}

impl Sample {
    /// `n` learners of `it` drawn with `seed` (kept in their order).
    fn of(it: &Interactions, groups: Option<&Groups>, n: usize, seed: u64) -> Sample {
        use rand::SeedableRng;
        use rand::seq::index::sample;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let mut rows = sample(&mut rng, it.matrix.n_rows(), n).into_vec();
        rows.sort_unstable();
        let last_ms = rows
            .iter()
            .flat_map(|&r| &it.last_ms[it.matrix.indptr[r]..it.matrix.indptr[r + 1]])
            .copied()
            .collect();
        let groups = groups.map(|g| Groups {
            of_user: rows
                .iter()
                .map(|&r| g.of_user.get(r).copied().flatten())
                .collect(),
            names: g.names.clone(),
        });
        Sample {
            matrix: it.matrix.select_rows(&rows),
            last_ms,
            groups,
        }
    }

    /// What models are fitted with on the sample.
    fn context<'a>(&'a self, it: &'a Interactions) -> Context<'a> {
        Context {
            catalog: &it.catalog,
            groups: self.groups.as_ref(),
            order: it.ordered.then_some(Order {
                matrix: &self.matrix,
                times: &self.last_ms,
            }),
        }
    }
}

/// What to train, and whether to compare every model.
#[derive(Debug, Clone)]
pub struct RecsSettings {
    /// The model serving the lists.
    pub kind: ModelKind,
    /// Settings of every model.
    pub params: Params,
    /// Where learner groups come from.
    pub groups: GroupSource,
    /// Choose the settings on a validation split first.
    pub tune: bool,
    /// Also fit and evaluate the registered models of a family: `Taste` on a random held-out
    /// share of each learner's courses, `Sequence` (with popularity and EASE as baselines) on
    /// each learner's latest course.
    pub compare: Option<Family>,
    /// The split's seed (tuning uses `seed + 1`).
    pub seed: u64,
    /// A folder where trained networks are saved and found again (`None`: always train).
    pub cache: Option<std::path::PathBuf>,
    /// Learners the comparison runs on at most (a seeded sample above it; see
    /// [`COMPARE_LEARNERS`]).
    pub compare_learners: usize,
    /// The dataset's interactions, shared with other users of the same dataset.
    pub shared: SharedInteractions,
}

/// A trained model and, when asked, the comparison of every model.
#[derive(Debug, Clone)]
pub struct RecsResult {
    /// The model serving the lists.
    pub trained: Trained,
    /// The compared models on a held-out split, and which family they were.
    pub evaluation: Option<(Family, Evaluation)>,
}

/// The models a comparison of `family` fits: the family's, and for the sequence family
/// popularity and EASE as the baselines to beat.
pub fn compared(family: Family) -> Vec<ModelKind> {
    let mut kinds: Vec<ModelKind> = match family {
        Family::Taste => Vec::new(),
        Family::Sequence => vec![ModelKind::POP, ModelKind::EASE],
    };
    kinds.extend(
        ModelKind::ALL
            .iter()
            .copied()
            .filter(|k| k.spec().family == family),
    );
    kinds
}

/// Trains the chosen model on all of `ds` and, with `compare`, evaluates a family of models:
/// the taste models on a held-out split ([`HOLDOUT`] of each learner's courses, seeded), the
/// sequence models on each learner's latest course.
pub fn train_and_compare(
    ds: &Dataset,
    settings: &RecsSettings,
    progress: &Progress,
) -> crate::error::Result<RecsResult> {
    let span = if settings.compare.is_some() { 0.4 } else { 1.0 };
    progress.set_stage(crate::lang::Text::new("学习记录", "interactions"));
    let trained = train(
        settings.shared.get(ds, &settings.params.strengths),
        settings.kind,
        &settings.params,
        &settings.groups,
        settings.tune.then_some(settings.seed + 1),
        settings.cache.as_deref(),
        &progress.part(0.0, span),
    )?;
    let evaluation = match settings.compare {
        Some(family) => {
            let it = &trained.interactions;
            let learners = it.matrix.n_rows();
            let sample = (learners > settings.compare_learners).then(|| {
                Sample::of(
                    it,
                    trained.groups.as_ref(),
                    settings.compare_learners,
                    settings.seed,
                )
            });
            let (matrix, last_ms, context) = match &sample {
                Some(s) => (&s.matrix, &s.last_ms, s.context(it)),
                None => (&it.matrix, &it.last_ms, it.context(trained.groups.as_ref())),
            };
            let split = match family {
                Family::Taste => holdout(matrix, HOLDOUT, settings.seed),
                Family::Sequence => leave_last(matrix, last_ms, 1),
            };
            let mut evaluation = compare(
                &compared(family),
                &settings.params,
                &split,
                context,
                EVALUATION_K,
                None,
                &progress.part(span, 1.0 - span),
            )?;
            evaluation.sampled_from = sample.is_some().then_some(learners);
            Some((family, evaluation))
        }
        None => None,
    };
    Ok(RecsResult {
        trained,
        evaluation,
    })
}

impl Trained {
    /// Learner `u`'s courses in the order the sequence models read them (oldest first), with
    /// each one's strength.
    pub fn sequence_of(&self, u: usize) -> Vec<(u32, f32)> {
        let it = &self.interactions;
        if u >= it.matrix.n_rows() {
            return Vec::new();
        }
        let order = super::recommender::Order {
            matrix: &it.matrix,
            times: &it.last_ms,
        };
        super::sequence::ordered_row(&it.matrix, u, order)
    }

    /// The next `k` courses for learner `u` if they now also took `extra` (in that order),
    /// without retraining: `None` when the model does not read the order of courses. Courses
    /// they own or just took are left out; the reason names the latest course taken.
    pub fn next_after(&self, u: usize, extra: &[u32], k: usize) -> Option<Vec<Recommendation>> {
        let it = &self.interactions;
        let strength = self.params.strengths.complete;
        let mut history = self.sequence_of(u);
        history.extend(extra.iter().map(|&i| (i, strength)));
        let mut scores = vec![0f32; it.catalog.len()];
        if !self.model.score_history(&history, &mut scores) {
            return None;
        }
        let mut skip: Vec<u32> = it.owned.get(u).cloned().unwrap_or_default();
        skip.extend_from_slice(extra);
        skip.sort_unstable();
        skip.dedup();
        let reason = match extra.last() {
            Some(&last) => Reason::Recent(vec![last]),
            None => Reason::Popular,
        };
        Some(
            top_k(&scores, &skip, k)
                .into_iter()
                .map(|(item, score)| Recommendation {
                    item,
                    score,
                    reason: reason.clone(),
                })
                .collect(),
        )
    }

    /// The `top` learners a course would reach by its content alone (as if it had no
    /// history), with the past courses that made each match.
    pub fn reach_of_new_course(&self, course: u32, top: usize) -> Vec<super::content::Reached> {
        super::content::reach_of_new_course(&self.interactions.matrix, &self.content, course, top)
    }

    /// The top `k` courses for a new learner of `group` (`None`: no group), with the reason:
    /// what the cold-start fallback of every model serves.
    pub fn for_new_learner(&self, group: Option<u32>, k: usize) -> Vec<Recommendation> {
        let mut scores = vec![0f32; self.interactions.catalog.len()];
        self.fallback.score_group(group, &mut scores);
        let reason = match group {
            Some(g) if self.fallback.serves(g) => {
                Reason::Group(self.fallback.names()[g as usize].clone())
            }
            _ => Reason::Popular,
        };
        top_k(&scores, &[], k)
            .into_iter()
            .map(|(item, score)| Recommendation {
                item,
                score,
                reason: reason.clone(),
            })
            .collect()
    }
}
