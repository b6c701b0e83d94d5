//! Neighbourhood models: item-kNN and user-kNN on cosine similarity with shrinkage
//! (`a·b / (|a||b| + shrink)`), computed sparsely and in parallel.

use super::params::{NEIGHBOURS, Params, typed};
use super::reason::{Reason, history_reasons, item_history_reasons};
use super::recommender::{Family, FitInput, Knob, ModelSpec, Recommender};
use crate::jobs::{Cancelled, Progress};
use crate::lang::Text;
use crate::math::Csr;
use rayon::prelude::*;

/// Each item's `k` most similar items (never itself), best first.
#[derive(Debug, Clone, Default)]
pub struct Neighbours {
    /// `lists[i]` = `(j, similarity)` pairs.
    pub lists: Vec<Vec<(u32, f32)>>,
}

/// Keeps the `k` largest positive entries of a dense accumulator row, then clears the touched
/// cells.
fn keep_best(acc: &mut [f32], touched: &mut Vec<u32>, k: usize, own: u32) -> Vec<(u32, f32)> {
    let mut best: Vec<(u32, f32)> = touched
        .iter()
        .filter(|&&j| j != own && acc[j as usize] > 0.0)
        .map(|&j| (j, acc[j as usize]))
        .collect();
    for &j in touched.iter() {
        acc[j as usize] = 0.0;
    }
    touched.clear();
    let better = |a: &(u32, f32), b: &(u32, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
    if best.len() > k && k > 0 {
        best.select_nth_unstable_by(k - 1, better);
        best.truncate(k);
    }
    best.sort_unstable_by(better);
    // The list was gathered from every candidate: keep only the room its k entries need.
    best.shrink_to_fit();
    best
}

/// Cosine similarity between the rows of `rows` (via their co-occurrence in the columns of
/// `rows`, given its transpose `cols`), keeping each row's `k` nearest rows.
pub fn cosine_neighbours(
    rows: &Csr,
    cols: &Csr,
    k: usize,
    shrink: f32,
    progress: &Progress,
) -> Result<Neighbours, Cancelled> {
    let n = rows.n_rows();
    let norms = rows.row_norms();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let lists = (0..n)
        .into_par_iter()
        .map_init(
            || (vec![0f32; n], Vec::<u32>::new()),
            |(acc, touched), i| {
                if done
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
                    .is_multiple_of(256)
                {
                    progress.check()?;
                    progress.set(done.load(std::sync::atomic::Ordering::Relaxed) as f32 / n as f32);
                }
                let (cs, ws) = rows.row(i);
                for (&c, &w) in cs.iter().zip(ws) {
                    let (others, ows) = cols.row(c as usize);
                    for (&j, &ow) in others.iter().zip(ows) {
                        if acc[j as usize] == 0.0 {
                            touched.push(j);
                        }
                        acc[j as usize] += w * ow;
                    }
                }
                for &j in touched.iter() {
                    let den = norms[i] * norms[j as usize] + shrink;
                    acc[j as usize] = if den > 0.0 {
                        acc[j as usize] / den
                    } else {
                        0.0
                    };
                }
                Ok(keep_best(acc, touched, k, i as u32))
            },
        )
        .collect::<Result<Vec<_>, Cancelled>>()?;
    Ok(Neighbours { lists })
}

impl Neighbours {
    /// Item-kNN scores of one learner: `Σ_i r_ui · sim(i, j)` over the learner's items `i`
    /// that have `j` among their neighbours.
    pub fn score(&self, items: &[u32], weights: &[f32], out: &mut [f32]) {
        out.fill(0.0);
        for (&i, &r) in items.iter().zip(weights) {
            for &(j, s) in &self.lists[i as usize] {
                out[j as usize] += r * s;
            }
        }
    }

    /// How much each of the learner's items adds to item `j`'s score, largest first.
    pub fn contributions(&self, items: &[u32], weights: &[f32], j: u32) -> Vec<(u32, f32)> {
        let mut c: Vec<(u32, f32)> = items
            .iter()
            .zip(weights)
            .filter_map(|(&i, &r)| {
                self.lists[i as usize]
                    .iter()
                    .find(|(n, _)| *n == j)
                    .map(|&(_, s)| (i, r * s))
            })
            .collect();
        c.sort_by(|a, b| b.1.total_cmp(&a.1));
        c
    }
}

/// User-kNN: a learner's `k` most similar learners vote for their items. Every learner's
/// neighbours are found once, when fitting (the same sparse cosine search as item-kNN), so
/// scoring and explaining a list cost one pass over the neighbours.
#[derive(Debug, Clone)]
pub struct UserKnn {
    /// Neighbourhood size.
    pub k: usize,
    /// Shrinkage added to the cosine denominator.
    pub shrink: f32,
    neighbours: Neighbours,
}

impl UserKnn {
    /// Finds every learner's neighbours on the training matrix (learners × courses).
    pub fn fit(
        train: &Csr,
        k: usize,
        shrink: f32,
        progress: &Progress,
    ) -> Result<UserKnn, Cancelled> {
        let items_users = train.transpose();
        Ok(UserKnn {
            k,
            shrink,
            neighbours: cosine_neighbours(train, &items_users, k, shrink, progress)?,
        })
    }

    /// The learner's neighbours `(v, similarity)`, best first.
    pub fn neighbours(&self, u: usize) -> &[(u32, f32)] {
        &self.neighbours.lists[u]
    }

    /// Scores of one learner: `Σ_v sim(u, v) · r_vj` over the neighbours `v`.
    pub fn score(&self, train: &Csr, u: usize, out: &mut [f32]) {
        out.fill(0.0);
        for &(v, s) in self.neighbours(u) {
            let (items, ws) = train.row(v as usize);
            for (&j, &w) in items.iter().zip(ws) {
                out[j as usize] += s * w;
            }
        }
    }

    /// How much each of the learner's items adds to each target's score through the
    /// neighbours who share it and took the target (the similarity `Σᵢ rᵤᵢ rᵥᵢ / den` split
    /// over the shared items `i`), largest first. The parts of a target sum to its score.
    pub fn contributions_many(
        &self,
        train: &Csr,
        u: usize,
        targets: &[u32],
    ) -> Vec<Vec<(u32, f32)>> {
        let (mine, my_w) = train.row(u);
        let norm = |r: usize| train.row(r).1.iter().map(|w| w * w).sum::<f32>().sqrt();
        let own_norm = norm(u);
        let mut parts: Vec<Vec<(u32, f32)>> = targets
            .iter()
            .map(|_| mine.iter().map(|&i| (i, 0.0)).collect())
            .collect();
        for &(v, _) in self.neighbours(u) {
            let (theirs, their_w) = train.row(v as usize);
            let den = own_norm * norm(v as usize) + self.shrink;
            if den <= 0.0 {
                continue;
            }
            for (c, &j) in parts.iter_mut().zip(targets) {
                let Ok(at) = theirs.binary_search(&j) else {
                    continue;
                };
                for (slot, (&i, &w)) in c.iter_mut().zip(mine.iter().zip(my_w)) {
                    if let Ok(p) = theirs.binary_search(&i) {
                        slot.1 += w * their_w[p] / den * their_w[at];
                    }
                }
            }
        }
        for c in &mut parts {
            c.retain(|(_, s)| *s > 0.0);
            c.sort_by(|a, b| b.1.total_cmp(&a.1));
        }
        parts
    }
}

impl Recommender for Neighbours {
    fn score(&self, train: &Csr, u: usize, out: &mut [f32]) {
        let (items, ws) = train.row(u);
        Neighbours::score(self, items, ws, out);
    }

    fn reasons(&self, train: &Csr, u: usize, items: &[u32], owned: &[u32]) -> Vec<Reason> {
        item_history_reasons(train, u, items, owned, |mine, ws, j| {
            self.contributions(mine, ws, j)
        })
    }
}

impl Recommender for UserKnn {
    fn score(&self, train: &Csr, u: usize, out: &mut [f32]) {
        UserKnn::score(self, train, u, out);
    }

    fn reasons(&self, train: &Csr, u: usize, items: &[u32], owned: &[u32]) -> Vec<Reason> {
        history_reasons(self.contributions_many(train, u, items), items, owned)
    }
}

/// Shrinkage of the cosine denominator, as a window control.
pub(crate) const SHRINK: Knob = Knob {
    label: Text::new("收缩系数", "Shrinkage"),
    min: 0.0,
    max: 500.0,
    whole: false,
    get: |p| f64::from(p.shrink),
    set: |p, v| p.shrink = v as f32,
};

/// Neighbourhood sizes and shrinkages tried when tuning.
fn knn_grid(base: &Params, sizes: &[usize], set: fn(&mut Params, usize)) -> Vec<Params> {
    let mut out = Vec::new();
    for &n in sizes {
        for shrink in [0.0, 10.0, 50.0] {
            let mut p = *base;
            p.shrink = shrink;
            set(&mut p, n);
            out.push(p);
        }
    }
    out
}

/// Courses similar (by who took them) to the learner's courses.
pub const ITEMKNN: ModelSpec = ModelSpec {
    name: "itemknn",
    family: Family::Taste,
    load: None,
    label: Text::new("物品协同过滤", "Item-kNN"),
    about: Text::new(
        "与该学员已学课程被同一批学员学习的课程（带收缩的余弦相似度）。",
        "Courses taken by the same learners as the learner's own courses (cosine similarity with shrinkage).",
    ),
    knobs: &[
        Knob {
            label: NEIGHBOURS,
            min: 1.0,
            max: 500.0,
            whole: true,
            get: |p| p.item_neighbours as f64,
            set: |p, v| p.item_neighbours = v as usize,
        },
        SHRINK,
    ],
    fit: |input: &FitInput<'_>, progress: &Progress| {
        let p = input.params;
        let items = input.train.transpose();
        let n = cosine_neighbours(&items, input.train, p.item_neighbours, p.shrink, progress)?;
        Ok(Box::new(n))
    },
    settings: |p: &Params| serde_json::json!({"neighbours": p.item_neighbours, "shrink": typed(p.shrink)}),
    grid: |base: &Params| knn_grid(base, &[10, 20, 50, 100], |p, n| p.item_neighbours = n),
};

/// Courses taken by similar learners.
pub const USERKNN: ModelSpec = ModelSpec {
    name: "userknn",
    family: Family::Taste,
    load: None,
    label: Text::new("用户协同过滤", "User-kNN"),
    about: Text::new(
        "与该学员最相似的学员学过的课程。",
        "Courses taken by the learners most similar to this one.",
    ),
    knobs: &[
        Knob {
            label: NEIGHBOURS,
            min: 1.0,
            max: 1000.0,
            whole: true,
            get: |p| p.user_neighbours as f64,
            set: |p, v| p.user_neighbours = v as usize,
        },
        SHRINK,
    ],
    fit: |input: &FitInput<'_>, progress: &Progress| {
        let p = input.params;
        Ok(Box::new(UserKnn::fit(
            input.train,
            p.user_neighbours,
            p.shrink,
            progress,
        )?))
    },
    settings: |p: &Params| serde_json::json!({"neighbours": p.user_neighbours, "shrink": typed(p.shrink)}),
    grid: |base: &Params| knn_grid(base, &[20, 50, 100, 200], |p, n| p.user_neighbours = n),
};
