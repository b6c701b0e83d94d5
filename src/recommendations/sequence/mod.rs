//! Next-course models over the order in which learners take courses: a first-order Markov
//! chain (the transparent baseline) and neural encoders of the recent sequence (a recurrent
//! one, a convolutional one, and their multi-task fusion).
//!
//! A learner's sequence is their training courses ordered by the time of each pair's latest
//! event, ties by course index: the order `evaluate::leave_last` holds out from.

pub mod markov;
pub mod neural;
pub mod paths;

use super::recommender::{FitInput, Order};
use crate::math::Csr;

/// Row `u` of `train` as (course, strength) steps, ordered by `order`'s times, ties by
/// course index (pairs without a time first).
pub fn ordered_row(train: &Csr, u: usize, order: Order<'_>) -> Vec<(u32, f32)> {
    let (items, ws) = train.row(u);
    let mut steps: Vec<(i64, u32, f32)> = items
        .iter()
        .zip(ws)
        .map(|(&i, &w)| (order.time(u, i).unwrap_or(i64::MIN), i, w))
        .collect();
    steps.sort_by_key(|s| (s.0, s.1));
    steps.into_iter().map(|s| (s.1, s.2)).collect()
}

/// Every learner's courses in order, with the strength of each (its strongest event).
#[derive(Debug, Clone, Default)]
pub struct Sequences {
    /// Courses of each learner, oldest first.
    pub items: Vec<Vec<u32>>,
    /// The strength of each of those courses.
    pub strengths: Vec<Vec<f32>>,
}

impl Sequences {
    /// The training matrix's rows ordered by `order`.
    pub fn build(train: &Csr, order: Order<'_>) -> Sequences {
        let mut out = Sequences::default();
        for u in 0..train.n_rows() {
            let steps = ordered_row(train, u, order);
            out.items.push(steps.iter().map(|s| s.0).collect());
            out.strengths.push(steps.iter().map(|s| s.1).collect());
        }
        out
    }

    /// The sequences of a model's input, or why there are none.
    pub fn of_input(input: &FitInput<'_>, model: &str) -> crate::error::Result<Sequences> {
        let order = input.order.ok_or_else(|| {
            crate::error::Error::input(
                format!(
                    "{model} 需要每位学员学习课程的先后顺序：请提供带时间的事件（--data），\
                     或在训练文件中加入 `ts` 列"
                ),
                format!(
                    "{model} needs the order of each learner's courses: give events with times \
                     (--data) or a `ts` column in the training file"
                ),
            )
        })?;
        Ok(Sequences::build(input.train, order))
    }
}
