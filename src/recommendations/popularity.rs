//! Popularity, overall and within learner groups: the baselines every model must beat and the
//! cold-start fallback of all of them.

use super::interactions::Groups;
use super::params::Params;
use super::reason::Reason;
use super::recommender::{Family, FitInput, ModelSpec, Recommender};
use crate::jobs::Progress;
use crate::lang::Text;
use crate::math::Csr;

/// Learners per course.
#[derive(Debug, Clone)]
pub struct Popularity(pub Vec<f32>);

impl Recommender for Popularity {
    fn score(&self, _: &Csr, _: usize, out: &mut [f32]) {
        out.copy_from_slice(&self.0);
    }

    fn zero_is_no_signal(&self) -> bool {
        false
    }
}

impl Recommender for GroupPopularity {
    fn score(&self, _: &Csr, u: usize, out: &mut [f32]) {
        self.score_group(self.group_of(u), out);
    }

    fn reasons(&self, _: &Csr, u: usize, items: &[u32], _: &[u32]) -> Vec<Reason> {
        let reason = match self.group_of(u) {
            Some(group) => Reason::Group(self.names()[group as usize].clone()),
            None => Reason::Popular,
        };
        vec![reason; items.len()]
    }

    fn zero_is_no_signal(&self) -> bool {
        false
    }
}

/// Most-taken courses overall.
pub const POP: ModelSpec = ModelSpec {
    name: "pop",
    family: Family::Taste,
    load: None,
    label: Text::new("全站热门", "Popularity"),
    about: Text::new(
        "学员最多的课程。所有模型都应超过的基线。",
        "The courses most learners took. The baseline every model must beat.",
    ),
    knobs: &[],
    fit: |input: &FitInput<'_>, _: &Progress| Ok(Box::new(Popularity(popularity(input.train)))),
    settings: |_: &Params| serde_json::json!({}),
    grid: |_: &Params| Vec::new(),
};

/// Most-taken courses within the learner's segment or group.
pub const SEGPOP: ModelSpec = ModelSpec {
    name: "segpop",
    family: Family::Taste,
    load: None,
    label: Text::new("群体热门", "Popular in group"),
    about: Text::new(
        "学员所在分群（或职业）中最热门的课程；不足 20 人的分组使用全站热门。",
        "The courses most taken within the learner's segment (or occupation); groups under 20 learners use overall popularity.",
    ),
    knobs: &[],
    fit: |input: &FitInput<'_>, _: &Progress| {
        Ok(Box::new(GroupPopularity::fit(
            input.train,
            input.groups.unwrap_or(&Groups::default()),
            input.params.min_group,
        )))
    },
    settings: |p: &Params| serde_json::json!({"min_group": p.min_group}),
    grid: |_: &Params| Vec::new(),
};

/// Popularity within groups, falling back to global popularity.
#[derive(Debug, Clone)]
pub struct GroupPopularity {
    global: Vec<f32>,
    by_group: Vec<Option<Vec<f32>>>,
    groups: Groups,
}

impl GroupPopularity {
    pub(crate) fn fit(train: &Csr, groups: &Groups, min_group: usize) -> GroupPopularity {
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
    pub fn names(&self) -> &[Text] {
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
