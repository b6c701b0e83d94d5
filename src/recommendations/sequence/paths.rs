//! Learning paths: the most common steps from one course straight to the next among the
//! courses learners took (enrolled in, bought or completed), in the order they started them
//! (each pair's first event).

use super::Sequences;
use crate::recommendations::interactions::Interactions;
use crate::recommendations::recommender::Order;
use serde::Serialize;
use std::collections::HashMap;

/// A step from one course straight to another, with the learners who made it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Transition {
    /// The course taken first (index).
    pub from: u32,
    /// The course taken next (index).
    pub to: u32,
    /// Learners who took `to` right after `from`.
    pub learners: usize,
}

/// The `top` most common steps between consecutive courses taken, largest first (ties by
/// course index); with `category`, only steps whose two courses are both in it.
pub fn common_paths(it: &Interactions, category: Option<&str>, top: usize) -> Vec<Transition> {
    steps_within(&all_steps(it), it, category, top)
}

/// Every step between consecutive courses taken, with its learners, largest first (ties by
/// course index): one pass over every learner, done once ([`steps_within`] then picks any
/// category's steps from it at once).
pub fn all_steps(it: &Interactions) -> Vec<Transition> {
    let order = Order {
        matrix: &it.matrix,
        times: &it.first_ms,
    };
    let sequences = Sequences::build(&it.matrix, order);
    let mut counts: HashMap<(u32, u32), usize> = HashMap::new();
    for (u, items) in sequences.items.iter().enumerate() {
        let owned = &it.owned[u];
        let taken: Vec<u32> = items
            .iter()
            .copied()
            .filter(|i| owned.binary_search(i).is_ok())
            .collect();
        for pair in taken.windows(2) {
            *counts.entry((pair[0], pair[1])).or_default() += 1;
        }
    }
    let mut out: Vec<Transition> = counts
        .into_iter()
        .map(|((from, to), learners)| Transition { from, to, learners })
        .collect();
    out.sort_by(|a, b| {
        b.learners
            .cmp(&a.learners)
            .then(a.from.cmp(&b.from))
            .then(a.to.cmp(&b.to))
    });
    out
}

/// The first `top` of `steps` (from [`all_steps`]) whose two courses are both in `category`
/// (all of them without one).
pub fn steps_within(
    steps: &[Transition],
    it: &Interactions,
    category: Option<&str>,
    top: usize,
) -> Vec<Transition> {
    let in_category = |i: u32| {
        category.is_none_or(|c| {
            it.catalog
                .categories
                .get(i as usize)
                .is_some_and(|k| k == c)
        })
    };
    steps
        .iter()
        .filter(|t| in_category(t.from) && in_category(t.to))
        .take(top)
        .cloned()
        .collect()
}
