//! Neighbourhood models: item-kNN and user-kNN on cosine similarity with shrinkage
//! (`a·b / (|a||b| + shrink)`), computed sparsely and in parallel.

use super::sparse::Csr;
use crate::jobs::{Cancelled, Progress};
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

/// User-kNN: a learner's `k` most similar learners vote for their items.
#[derive(Debug, Clone)]
pub struct UserKnn {
    /// Neighbourhood size.
    pub k: usize,
    /// Shrinkage added to the cosine denominator.
    pub shrink: f32,
    items_users: Csr,
    norms: Vec<f32>,
}

impl UserKnn {
    /// Prepares the model on the training matrix (learners × courses).
    pub fn fit(train: &Csr, k: usize, shrink: f32) -> UserKnn {
        UserKnn {
            k,
            shrink,
            items_users: train.transpose(),
            norms: train.row_norms(),
        }
    }

    /// The learner's neighbours `(v, similarity)`, best first.
    pub fn neighbours(&self, train: &Csr, u: usize) -> Vec<(u32, f32)> {
        let mut acc: ahash::AHashMap<u32, f32> = ahash::AHashMap::new();
        let (items, ws) = train.row(u);
        for (&i, &w) in items.iter().zip(ws) {
            let (us, uws) = self.items_users.row(i as usize);
            for (&v, &vw) in us.iter().zip(uws) {
                if v as usize != u {
                    *acc.entry(v).or_default() += w * vw;
                }
            }
        }
        let mut sims: Vec<(u32, f32)> = acc
            .into_iter()
            .map(|(v, dot)| {
                let den = self.norms[u] * self.norms[v as usize] + self.shrink;
                (v, if den > 0.0 { dot / den } else { 0.0 })
            })
            .filter(|(_, s)| *s > 0.0)
            .collect();
        let better = |a: &(u32, f32), b: &(u32, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
        if sims.len() > self.k && self.k > 0 {
            sims.select_nth_unstable_by(self.k - 1, better);
            sims.truncate(self.k);
        }
        sims.sort_unstable_by(better);
        sims
    }

    /// Scores of one learner: `Σ_v sim(u, v) · r_vj` over the neighbours `v`.
    pub fn score(&self, train: &Csr, u: usize, out: &mut [f32]) {
        out.fill(0.0);
        for (v, s) in self.neighbours(train, u) {
            let (items, ws) = train.row(v as usize);
            for (&j, &w) in items.iter().zip(ws) {
                out[j as usize] += s * w;
            }
        }
    }

    /// How much each of the learner's items adds to item `j`'s score through the neighbours
    /// who share it and took `j`, largest first.
    pub fn contributions(&self, train: &Csr, u: usize, j: u32) -> Vec<(u32, f32)> {
        let (mine, my_w) = train.row(u);
        let mut c: Vec<(u32, f32)> = mine.iter().map(|&i| (i, 0.0)).collect();
        for (v, _) in self.neighbours(train, u) {
            let (theirs, their_w) = train.row(v as usize);
            let Ok(at) = theirs.binary_search(&j) else {
                continue;
            };
            let den = self.norms[u] * self.norms[v as usize] + self.shrink;
            for (slot, (&i, &w)) in c.iter_mut().zip(mine.iter().zip(my_w)) {
                if let Ok(p) = theirs.binary_search(&i) {
                    slot.1 += w * their_w[p] / den * their_w[at];
                }
            }
        }
        c.retain(|(_, s)| *s > 0.0);
        c.sort_by(|a, b| b.1.total_cmp(&a.1));
        c
    }
}
