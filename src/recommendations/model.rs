//! The recommenders behind one interface: fit on a training matrix, score a learner, explain
//! an item, and recommend a top-k list that never repeats a course the learner owns.

use super::als::AlsParams;
use super::interactions::{Catalog, Groups, Strengths};
pub use super::popularity::{GroupPopularity, popularity};
use super::registry::{FitInput, ModelKind, Recommender};
use crate::jobs::Progress;
use crate::lang::Text;
use crate::math::{Csr, top_k};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

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
    Group(Text),
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
            Reason::Group(g) => format!("{}学员都在学", g.zh),
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
            Reason::Group(g) => format!("{} learners like this", g.en),
            Reason::Popular => "popular with all learners".to_string(),
        }
    }

    /// Both languages, as written to CSV.
    pub fn bilingual(&self, catalog: &Catalog) -> String {
        format!("{} / {}", self.zh(catalog), self.en(catalog))
    }
}

/// A fitted recommender and which model it is.
#[derive(Debug, Clone)]
pub struct Fitted {
    kind: ModelKind,
    model: Arc<dyn Recommender>,
}

impl Fitted {
    /// Fits `kind` on `train` (learners × courses). `groups` serves `segpop` (without it,
    /// `segpop` is global popularity). The settings are checked first.
    pub fn fit(
        kind: ModelKind,
        params: &Params,
        train: &Csr,
        catalog: &Catalog,
        groups: Option<&Groups>,
        progress: &Progress,
    ) -> crate::error::Result<Fitted> {
        params.check()?;
        let input = FitInput {
            params,
            train,
            catalog,
            groups,
        };
        Ok(Fitted {
            kind,
            model: Arc::from((kind.spec().fit)(&input, progress)?),
        })
    }

    /// Which model this is.
    pub fn kind(&self) -> ModelKind {
        self.kind
    }

    /// Scores of every course for learner `u` (higher is better).
    pub fn score(&self, train: &Csr, u: usize, out: &mut [f32]) {
        self.model.score(train, u, out);
    }

    /// Why each of `items` is recommended to learner `u`, whose owned courses are `owned`
    /// (sorted).
    pub fn reasons(&self, train: &Csr, u: usize, items: &[u32], owned: &[u32]) -> Vec<Reason> {
        self.model.reasons(train, u, items, owned)
    }
}

/// Reasons from per-course contributions (`parts[i]` for `items[i]`, largest first): the
/// learner's past courses that contributed most, split into those taken (in `owned`, sorted)
/// and those only seen; a course nothing contributed to is "popular".
pub fn history_reasons(parts: Vec<Vec<(u32, f32)>>, items: &[u32], owned: &[u32]) -> Vec<Reason> {
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

/// How many past courses a reason names.
const CITED: usize = 2;

/// The past courses a reason names: the largest contributions (sorted, largest first), never
/// the recommended course `j` itself.
pub fn cited(parts: Vec<(u32, f32)>, j: u32) -> Vec<u32> {
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
        let no_signal = model.model.zero_is_no_signal();
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
