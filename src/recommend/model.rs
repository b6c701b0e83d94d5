//! The recommenders behind one interface: fit on a training matrix, score a learner, explain
//! an item, and recommend a top-k list that never repeats a course the learner owns.

use super::als::{Als, AlsParams};
use super::content::content_neighbours;
use super::ease::Ease;
use super::interactions::{Catalog, Groups, Strengths};
use super::knn::{Neighbours, UserKnn, cosine_neighbours};
use crate::jobs::Progress;
use crate::math::{Csr, top_k};
use serde::{Deserialize, Serialize};

/// Which recommender.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ModelKind {
    /// Most-taken courses overall.
    Pop,
    /// Most-taken courses within the learner's segment or group.
    Segpop,
    /// Courses similar (by who took them) to the learner's courses.
    Itemknn,
    /// Courses taken by similar learners.
    Userknn,
    /// Matrix factorisation for implicit feedback.
    Als,
    /// Closed-form item-item autoencoder.
    Ease,
    /// Courses similar by category, tags and title.
    Content,
}

impl crate::choice::Choice for ModelKind {
    const ALL: &'static [ModelKind] = &[
        ModelKind::Pop,
        ModelKind::Segpop,
        ModelKind::Itemknn,
        ModelKind::Userknn,
        ModelKind::Als,
        ModelKind::Ease,
        ModelKind::Content,
    ];

    fn name(self) -> &'static str {
        match self {
            ModelKind::Pop => "pop",
            ModelKind::Segpop => "segpop",
            ModelKind::Itemknn => "itemknn",
            ModelKind::Userknn => "userknn",
            ModelKind::Als => "als",
            ModelKind::Ease => "ease",
            ModelKind::Content => "content",
        }
    }
}

/// Settings of every model (each uses its own).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Params {
    /// Item-kNN neighbourhood size.
    pub item_neighbours: usize,
    /// User-kNN neighbourhood size.
    pub user_neighbours: usize,
    /// Shrinkage in the cosine denominator of both kNN models.
    pub shrink: f32,
    /// ALS settings.
    pub als: AlsParams,
    /// EASE regularisation λ.
    pub lambda: f32,
    /// Content-similarity neighbourhood size.
    pub content_neighbours: usize,
    /// Groups smaller than this use global popularity.
    pub min_group: usize,
    /// How strongly each event counts.
    pub strengths: Strengths,
}

impl Params {
    /// Checks every setting is a usable number (finite, in range); the message names the
    /// setting and its range.
    pub fn check(&self) -> crate::error::Result<()> {
        let count = |name: &str, v: usize, max: usize| {
            if (1..=max).contains(&v) {
                Ok(())
            } else {
                Err(crate::error::Error::Input(format!(
                    "{name} {v}: must be from 1 to {max}"
                )))
            }
        };
        let number = |name: &str, v: f32, lo: f32, positive: bool| {
            if v.is_finite() && v >= lo && (!positive || v > 0.0) {
                Ok(())
            } else {
                Err(crate::error::Error::Input(format!(
                    "{name} {v}: must be a number {} {lo}",
                    if positive { "above" } else { "of at least" }
                )))
            }
        };
        count("neighbours", self.item_neighbours, 10_000)?;
        count("user neighbours", self.user_neighbours, 10_000)?;
        count("content neighbours", self.content_neighbours, 10_000)?;
        count("factors", self.als.factors, 1024)?;
        count("iterations", self.als.iterations.max(1), 1000)?;
        number("shrink", self.shrink, 0.0, false)?;
        number("reg", self.als.reg, 0.0, false)?;
        number("alpha", self.als.alpha, 0.0, false)?;
        number("lambda", self.lambda, 0.0, true)?;
        Ok(())
    }
}

impl Default for Params {
    fn default() -> Self {
        Params {
            item_neighbours: 20,
            user_neighbours: 50,
            shrink: 0.0,
            als: AlsParams::default(),
            lambda: 250.0,
            content_neighbours: 20,
            min_group: 20,
            strengths: Strengths::default(),
        }
    }
}

/// Why a course is recommended.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Reason {
    /// The learner's past courses that contributed most (never the recommended course
    /// itself): those they took (enrolled in, bought or completed) and those they only
    /// viewed, clicked, rated or commented on.
    History {
        /// Courses taken.
        took: Vec<u32>,
        /// Courses only seen.
        seen: Vec<u32>,
    },
    /// Courses like these by content.
    Similar(Vec<u32>),
    /// Popular in the learner's group.
    Group(String),
    /// Popular overall.
    Popular,
}

fn titles(catalog: &Catalog, items: &[u32], open: &str, close: &str, sep: &str) -> String {
    items
        .iter()
        .map(|&i| format!("{open}{}{close}", catalog.title(i as usize)))
        .collect::<Vec<_>>()
        .join(sep)
}

impl Reason {
    /// The reason in Chinese.
    pub fn zh(&self, catalog: &Catalog) -> String {
        let t = |items: &[u32]| titles(catalog, items, "《", "》", "、");
        match self {
            Reason::History { took, seen } => match (took.is_empty(), seen.is_empty()) {
                (false, true) => format!("因为你学习了{}", t(took)),
                (true, _) => format!("因为你看过{}", t(seen)),
                (false, false) => format!("因为你学习了{}，看过{}", t(took), t(seen)),
            },
            Reason::Similar(items) => format!("与{}相似", titles(catalog, items, "《", "》", "、")),
            Reason::Group(g) => format!("{g}学员都在学"),
            Reason::Popular => "热门课程".to_string(),
        }
    }

    /// The reason in English.
    pub fn en(&self, catalog: &Catalog) -> String {
        let t = |items: &[u32]| titles(catalog, items, "", "", ", ");
        match self {
            Reason::History { took, seen } => match (took.is_empty(), seen.is_empty()) {
                (false, true) => format!("because you took {}", t(took)),
                (true, _) => format!("because you viewed {}", t(seen)),
                (false, false) => format!("because you took {} and viewed {}", t(took), t(seen)),
            },
            Reason::Similar(items) => {
                format!("similar to {}", titles(catalog, items, "", "", ", "))
            }
            Reason::Group(g) => format!("{g} learners like this"),
            Reason::Popular => "popular with all learners".to_string(),
        }
    }

    /// Both languages, as written to CSV.
    pub fn bilingual(&self, catalog: &Catalog) -> String {
        format!("{} / {}", self.zh(catalog), self.en(catalog))
    }
}

/// Popularity within groups, falling back to global popularity.
#[derive(Debug, Clone)]
pub struct GroupPopularity {
    global: Vec<f32>,
    by_group: Vec<Option<Vec<f32>>>,
    groups: Groups,
}

impl GroupPopularity {
    fn fit(train: &Csr, groups: &Groups, min_group: usize) -> GroupPopularity {
        let global = popularity(train);
        let mut counts = vec![vec![0f32; train.n_cols]; groups.names.len()];
        let mut sizes = vec![0usize; groups.names.len()];
        for u in 0..train.n_rows() {
            let Some(Some(g)) = groups.of_user.get(u) else {
                continue;
            };
            if train.row_len(u) > 0 {
                sizes[*g as usize] += 1;
            }
            for &j in train.row(u).0 {
                counts[*g as usize][j as usize] += 1.0;
            }
        }
        let by_group = counts
            .into_iter()
            .zip(sizes)
            .map(|(c, n)| (n >= min_group).then_some(c))
            .collect();
        GroupPopularity {
            global,
            by_group,
            groups: groups.clone(),
        }
    }

    /// The group whose popularity serves learner `u`, if any.
    pub fn group_of(&self, u: usize) -> Option<u32> {
        let g = (*self.groups.of_user.get(u)?)?;
        self.by_group[g as usize].as_ref().map(|_| g)
    }

    /// Whether `group` has its own popularity (enough learners).
    pub fn serves(&self, group: u32) -> bool {
        self.by_group
            .get(group as usize)
            .is_some_and(Option::is_some)
    }

    /// Scores for a member of `group` (global popularity when `None` or too small).
    pub fn score_group(&self, group: Option<u32>, out: &mut [f32]) {
        let max = self.global.iter().copied().fold(1.0f32, f32::max);
        match group.and_then(|g| self.by_group[g as usize].as_ref()) {
            // Global popularity breaks ties within the group.
            Some(c) => {
                for ((o, c), g) in out.iter_mut().zip(c).zip(&self.global) {
                    *o = c + 0.5 * g / max;
                }
            }
            None => out.copy_from_slice(&self.global),
        }
    }

    /// The group names.
    pub fn names(&self) -> &[String] {
        &self.groups.names
    }
}

/// Number of learners per course.
pub fn popularity(train: &Csr) -> Vec<f32> {
    let mut c = vec![0f32; train.n_cols];
    for &j in &train.indices {
        c[j as usize] += 1.0;
    }
    c
}

/// A fitted recommender.
#[derive(Debug, Clone)]
pub enum Fitted {
    /// Learners per course.
    Pop(Vec<f32>),
    /// Popularity within groups.
    Segpop(GroupPopularity),
    /// Item-kNN neighbour lists.
    Itemknn(Neighbours),
    /// User-kNN.
    Userknn(UserKnn),
    /// ALS factors.
    Als(Als),
    /// EASE weights.
    Ease(Ease),
    /// Content neighbour lists.
    Content(Neighbours),
}

impl Fitted {
    /// Fits `kind` on `train` (learners × courses). `groups` serves `segpop` (without it,
    /// `segpop` is global popularity). Errors are messages for the user (a refused catalogue,
    /// or "cancelled").
    pub fn fit(
        kind: ModelKind,
        params: &Params,
        train: &Csr,
        catalog: &Catalog,
        groups: Option<&Groups>,
        progress: &Progress,
    ) -> crate::error::Result<Fitted> {
        params.check()?;
        Ok(match kind {
            ModelKind::Pop => Fitted::Pop(popularity(train)),
            ModelKind::Segpop => Fitted::Segpop(GroupPopularity::fit(
                train,
                groups.unwrap_or(&Groups::default()),
                params.min_group,
            )),
            ModelKind::Itemknn => {
                let items = train.transpose();
                Fitted::Itemknn(cosine_neighbours(
                    &items,
                    train,
                    params.item_neighbours,
                    params.shrink,
                    progress,
                )?)
            }
            ModelKind::Userknn => Fitted::Userknn(UserKnn::fit(
                train,
                params.user_neighbours,
                params.shrink,
                progress,
            )?),
            ModelKind::Als => Fitted::Als(Als::fit(train, params.als, progress)?),
            ModelKind::Ease => Fitted::Ease(Ease::fit(train, params.lambda, progress)?),
            ModelKind::Content => Fitted::Content(content_neighbours(
                catalog,
                params.content_neighbours,
                progress,
            )?),
        })
    }

    /// Which model this is.
    pub fn kind(&self) -> ModelKind {
        match self {
            Fitted::Pop(_) => ModelKind::Pop,
            Fitted::Segpop(_) => ModelKind::Segpop,
            Fitted::Itemknn(_) => ModelKind::Itemknn,
            Fitted::Userknn(_) => ModelKind::Userknn,
            Fitted::Als(_) => ModelKind::Als,
            Fitted::Ease(_) => ModelKind::Ease,
            Fitted::Content(_) => ModelKind::Content,
        }
    }

    /// Scores of every course for learner `u` (higher is better).
    pub fn score(&self, train: &Csr, u: usize, out: &mut [f32]) {
        let (items, ws) = train.row(u);
        match self {
            Fitted::Pop(c) => out.copy_from_slice(c),
            Fitted::Segpop(g) => g.score_group(g.group_of(u), out),
            Fitted::Itemknn(n) | Fitted::Content(n) => n.score(items, ws, out),
            Fitted::Userknn(m) => m.score(train, u, out),
            Fitted::Als(m) => m.score(u, out),
            Fitted::Ease(m) => m.score(items, ws, out),
        }
    }

    /// Why each of `items` is recommended to learner `u`, whose owned courses are `owned`
    /// (sorted). ALS factorises the learner's system once and user-kNN walks the neighbours
    /// once for all of them.
    pub fn reasons(&self, train: &Csr, u: usize, items: &[u32], owned: &[u32]) -> Vec<Reason> {
        let (mine, ws) = train.row(u);
        let parts: Vec<Vec<(u32, f32)>> = match self {
            Fitted::Pop(_) => return vec![Reason::Popular; items.len()],
            Fitted::Segpop(g) => {
                let reason = match g.group_of(u) {
                    Some(group) => Reason::Group(g.names()[group as usize].clone()),
                    None => Reason::Popular,
                };
                return vec![reason; items.len()];
            }
            Fitted::Content(n) => {
                return items
                    .iter()
                    .map(|&j| {
                        let best = cited(n.contributions(mine, ws, j), j);
                        match best.is_empty() {
                            true => Reason::Popular,
                            false => Reason::Similar(best),
                        }
                    })
                    .collect();
            }
            Fitted::Als(m) => m.contributions_many(train, u, items),
            Fitted::Userknn(m) => m.contributions_many(train, u, items),
            Fitted::Itemknn(n) => items
                .iter()
                .map(|&j| n.contributions(mine, ws, j))
                .collect(),
            Fitted::Ease(m) => items
                .iter()
                .map(|&j| m.contributions(mine, ws, j))
                .collect(),
        };
        parts
            .into_iter()
            .zip(items)
            .map(|(p, &j)| {
                let (took, seen): (Vec<u32>, Vec<u32>) = cited(p, j)
                    .into_iter()
                    .partition(|i| owned.binary_search(i).is_ok());
                match took.is_empty() && seen.is_empty() {
                    true => Reason::Popular,
                    false => Reason::History { took, seen },
                }
            })
            .collect()
    }
}

/// How many past courses a reason names.
const CITED: usize = 2;

/// The past courses a reason names: the largest contributions (sorted, largest first), never
/// the recommended course `j` itself.
fn cited(parts: Vec<(u32, f32)>, j: u32) -> Vec<u32> {
    parts
        .into_iter()
        .filter(|p| p.0 != j)
        .take(CITED)
        .map(|p| p.0)
        .collect()
}

/// One recommended course.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recommendation {
    /// Item index.
    pub item: u32,
    /// The model's score.
    pub score: f32,
    /// Why.
    pub reason: Reason,
}

/// The top `k` courses for learner `u`, never one in `owned` (sorted). A learner with no
/// history gets `fallback` (popularity in their group); places the model has no signal for
/// (score ≤ 0) are filled from `fallback` too.
pub fn recommend_for(
    model: &Fitted,
    fallback: &GroupPopularity,
    train: &Csr,
    owned: &[u32],
    u: usize,
    k: usize,
) -> Vec<Recommendation> {
    let k = k.min(train.n_cols);
    let mut scores = vec![0f32; train.n_cols];
    let cold = train.row_len(u) == 0;
    let mut recs: Vec<Recommendation> = Vec::new();
    if !cold {
        model.score(train, u, &mut scores);
        let no_signal = !matches!(model, Fitted::Pop(_) | Fitted::Segpop(_));
        let best: Vec<(u32, f32)> = top_k(&scores, owned, k)
            .into_iter()
            .filter(|&(_, s)| !no_signal || s > 0.0)
            .collect();
        let items: Vec<u32> = best.iter().map(|b| b.0).collect();
        recs = best
            .into_iter()
            .zip(model.reasons(train, u, &items, owned))
            .map(|((item, score), reason)| Recommendation {
                item,
                score,
                reason,
            })
            .collect();
    }
    if recs.len() < k {
        let group = fallback.group_of(u);
        fallback.score_group(group, &mut scores);
        let reason = match group {
            Some(g) => Reason::Group(fallback.names()[g as usize].clone()),
            None => Reason::Popular,
        };
        let mut skip: Vec<u32> = owned
            .iter()
            .copied()
            .chain(recs.iter().map(|r| r.item))
            .collect();
        skip.sort_unstable();
        let need = k - recs.len();
        recs.extend(
            top_k(&scores, &skip, need)
                .into_iter()
                .map(|(item, _)| Recommendation {
                    item,
                    score: 0.0,
                    reason: reason.clone(),
                }),
        );
    }
    recs
}

/// Popularity within groups, as the cold-start fallback of every model.
pub fn fallback(train: &Csr, groups: Option<&Groups>, params: &Params) -> GroupPopularity {
    GroupPopularity::fit(
        train,
        groups.unwrap_or(&Groups::default()),
        params.min_group,
    )
}
