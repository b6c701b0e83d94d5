//! First-order Markov chain over consecutive courses: after a learner's latest course `a`,
//! course `j` scores `count(a → j)` (how many times learners went from `a` straight to `j`)
//! plus `pop(j) / (max pop + 1)`, so popularity breaks ties and ranks everything the chain has
//! never seen follow `a`. The transparent baseline of the sequence models and their reason:
//! "learners who took X took this next".

use super::Sequences;
use crate::jobs::Progress;
use crate::lang::Text;
use crate::math::Csr;
use crate::recommendations::params::Params;
use crate::recommendations::reason::Reason;
use crate::recommendations::recommender::{Family, FitInput, ModelSpec, Recommender};

/// A fitted Markov chain.
#[derive(Debug, Clone)]
pub struct Markov {
    /// Course × next course transition counts.
    next: Csr,
    /// `pop(j) / (max pop + 1)` for every course.
    popularity: Vec<f32>,
    /// Each training learner's latest course.
    last: Vec<Option<u32>>,
}

impl Markov {
    /// Counts the transitions between consecutive courses of every sequence.
    pub fn fit(train: &Csr, sequences: &Sequences) -> Markov {
        let n = train.n_cols;
        let mut pairs = Vec::new();
        for s in &sequences.items {
            pairs.extend(s.windows(2).map(|w| (w[0], w[1], 1.0f32)));
        }
        let next = Csr::sum_entries(n, n, pairs);
        let mut counts = vec![0u32; n];
        for &i in &train.indices {
            counts[i as usize] += 1;
        }
        let top = counts.iter().copied().max().unwrap_or(0) as f32 + 1.0;
        Markov {
            next,
            popularity: counts.iter().map(|&c| c as f32 / top).collect(),
            last: sequences.items.iter().map(|s| s.last().copied()).collect(),
        }
    }

    fn score_after(&self, last: Option<u32>, out: &mut [f32]) {
        out.copy_from_slice(&self.popularity);
        if let Some(a) = last.filter(|&a| (a as usize) < self.next.n_rows()) {
            let (js, counts) = self.next.row(a as usize);
            for (&j, &c) in js.iter().zip(counts) {
                out[j as usize] = c + self.popularity[j as usize];
            }
        }
    }

    /// How many times learners went from `a` straight to `j`.
    pub fn transitions(&self, a: u32, j: u32) -> f32 {
        let (js, counts) = self.next.row(a as usize);
        js.binary_search(&j).map_or(0.0, |at| counts[at])
    }
}

impl Recommender for Markov {
    fn score(&self, _train: &Csr, u: usize, out: &mut [f32]) {
        self.score_after(self.last.get(u).copied().flatten(), out);
    }

    fn score_history(&self, history: &[(u32, f32)], out: &mut [f32]) -> bool {
        self.score_after(history.last().map(|h| h.0), out);
        true
    }

    fn reasons(&self, _train: &Csr, u: usize, items: &[u32], _owned: &[u32]) -> Vec<Reason> {
        let last = self.last.get(u).copied().flatten();
        items
            .iter()
            .map(|&j| match last {
                Some(a) if self.transitions(a, j) > 0.0 => Reason::After(a),
                _ => Reason::Popular,
            })
            .collect()
    }

    fn zero_is_no_signal(&self) -> bool {
        false
    }
}

/// The Markov chain's registration.
pub const MARKOV: ModelSpec = ModelSpec {
    name: "markov",
    family: Family::Sequence,
    load: None,
    label: Text::new("下一门课 (马尔可夫)", "Next course (Markov)"),
    about: Text::new(
        "一阶马尔可夫链：数学员从上一门课直接转到下一门课的次数，推荐学员最近一门课之后最常接着学的课程；其余按热门排序。需要学习时间。",
        "First-order Markov chain: counts how often learners went straight from one course to the next and recommends what most often follows the learner's latest course; popularity ranks the rest. Needs event times.",
    ),
    knobs: &[],
    fit: |input: &FitInput<'_>, _progress: &Progress| {
        let sequences = Sequences::of_input(input, "markov")?;
        Ok(Box::new(Markov::fit(input.train, &sequences)))
    },
    settings: |_: &Params| serde_json::json!({}),
    grid: |_: &Params| Vec::new(),
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_latest_course_picks_what_followed_it() {
        // Learners 0 and 1 went 0 → 1; learner 2 went 0 → 2 → 1; learner 3 has only 0.
        let seqs = Sequences {
            items: vec![vec![0, 1], vec![0, 1], vec![0, 2, 1], vec![0]],
            strengths: vec![vec![1.0; 2], vec![1.0; 2], vec![1.0; 3], vec![1.0]],
        };
        let train = Csr::from_entries(
            4,
            4,
            seqs.items
                .iter()
                .enumerate()
                .flat_map(|(u, s)| s.iter().map(move |&i| (u as u32, i, 1.0)))
                .collect(),
        );
        let m = Markov::fit(&train, &seqs);
        let mut out = vec![0.0; 4];
        m.score(&train, 3, &mut out);
        // 0 → 1 twice, 0 → 2 once; course 3 never taken.
        assert!(out[1] > out[2] && out[2] > out[3]);
        assert!((out[1] - (2.0 + 3.0 / 5.0)).abs() < 1e-6, "{out:?}");
        assert!(m.score_history(&[(2, 1.0)], &mut out));
        assert!(out[1] >= 1.0 && out[0] < 1.0);
        assert_eq!(
            m.reasons(&train, 3, &[1, 3], &[]),
            vec![Reason::After(0), Reason::Popular]
        );
    }
}
