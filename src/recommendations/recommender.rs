//! The interface every recommender implements ([`Recommender`]) and what registers it
//! ([`ModelSpec`]): its name, labels, settings, tuning grid and how to fit it.

use super::interactions::{Catalog, Groups};
use super::params::Params;
use super::reason::Reason;
use crate::jobs::Progress;
use crate::lang::Text;
use crate::math::Csr;

/// A fitted recommender: scores every course for a learner and says why.
pub trait Recommender: std::fmt::Debug + Send + Sync {
    /// Scores of every course for learner `u` (higher is better), written into `out` (one
    /// place per course).
    fn score(&self, train: &Csr, u: usize, out: &mut [f32]);

    /// Why each of `items` is recommended to learner `u`, whose owned courses are `owned`
    /// (sorted). [`super::model::history_reasons`] turns per-course contributions into reasons.
    fn reasons(&self, train: &Csr, u: usize, items: &[u32], owned: &[u32]) -> Vec<Reason> {
        let _ = (train, u, owned);
        vec![Reason::Popular; items.len()]
    }

    /// Scores of every course after `history` (courses with their strength, oldest first), for
    /// a learner whose history is not in the training data or has just changed ("what if
    /// they now finish X"). Models that read the order of courses implement it and return
    /// true; the others return false and leave `out` alone.
    fn score_history(&self, history: &[(u32, f32)], out: &mut [f32]) -> bool {
        let _ = (history, out);
        false
    }

    /// Saves the fitted model to `path`; false when the model is not saved (quick to fit).
    fn save(&self, path: &std::path::Path) -> crate::error::Result<bool> {
        let _ = path;
        Ok(false)
    }

    /// Whether a score of zero or below means the model knows nothing about the course (those
    /// places are then filled by the cold-start fallback). Popularity models rank every course
    /// and say no.
    fn zero_is_no_signal(&self) -> bool {
        true
    }
}

/// When each learner met each course: a time per entry of `matrix` (aligned with its
/// `indices`), so a model can order any training matrix drawn from it.
#[derive(Debug, Clone, Copy)]
pub struct Order<'a> {
    /// Every known learner × course pair.
    pub matrix: &'a Csr,
    /// The time of each pair (ms, or any increasing number), aligned with `matrix.indices`.
    pub times: &'a [i64],
}

impl Order<'_> {
    /// When learner `u` last met course `item`, if the pair is known.
    pub fn time(&self, u: usize, item: u32) -> Option<i64> {
        let (items, _) = self.matrix.row(u);
        let at = items.binary_search(&item).ok()?;
        Some(self.times[self.matrix.indptr[u] + at])
    }
}

/// What is known beside the training matrix: the courses, learner groups and the order of
/// events.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The courses.
    pub catalog: &'a Catalog,
    /// Learner groups (segments or an attribute), for group popularity.
    pub groups: Option<&'a Groups>,
    /// When each pair happened; `None` when the input has no times (sequence models then
    /// refuse).
    pub order: Option<Order<'a>>,
}

impl<'a> Context<'a> {
    /// Courses and groups, with no order of events.
    pub fn new(catalog: &'a Catalog, groups: Option<&'a Groups>) -> Context<'a> {
        Context {
            catalog,
            groups,
            order: None,
        }
    }
}

/// What a model is fitted on.
#[derive(Debug, Clone, Copy)]
pub struct FitInput<'a> {
    /// Settings of every model (each reads its own).
    pub params: &'a Params,
    /// Learners × courses interaction strengths.
    pub train: &'a Csr,
    /// The courses.
    pub catalog: &'a Catalog,
    /// Learner groups (segments or an attribute), for group popularity.
    pub groups: Option<&'a Groups>,
    /// When each pair happened, if known.
    pub order: Option<Order<'a>>,
}

impl<'a> FitInput<'a> {
    /// The input of a fit on `train` with `params`, in `context`.
    pub fn new(params: &'a Params, train: &'a Csr, context: Context<'a>) -> FitInput<'a> {
        FitInput {
            params,
            train,
            catalog: context.catalog,
            groups: context.groups,
            order: context.order,
        }
    }
}

/// A setting of a model, shown as a control in the window.
#[derive(Debug, Clone)]
pub struct Knob {
    /// Its label.
    pub label: Text,
    /// Smallest value offered.
    pub min: f64,
    /// Largest value offered.
    pub max: f64,
    /// Whether it takes whole numbers only.
    pub whole: bool,
    /// Reads it from the settings.
    pub get: fn(&Params) -> f64,
    /// Writes it into the settings.
    pub set: fn(&mut Params, f64),
}

/// Loads a saved model for an input.
pub type LoadFn = fn(&std::path::Path, &FitInput<'_>) -> crate::error::Result<Box<dyn Recommender>>;

/// What a recommender reads from the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Family {
    /// Which courses a learner took (and how strongly), not their order.
    Taste,
    /// The order of a learner's courses: it predicts the next one (needs event times; compared
    /// with the latest course of each learner held out).
    Sequence,
}

/// One registered recommender.
#[derive(Debug)]
pub struct ModelSpec {
    /// The name on the command line, in JSON and in saved settings.
    pub name: &'static str,
    /// What it reads from the data.
    pub family: Family,
    /// Its name in the window.
    pub label: Text,
    /// What it does, for tooltips.
    pub about: Text,
    /// Its settings.
    pub knobs: &'static [Knob],
    /// Fits it.
    pub fit: fn(&FitInput<'_>, &Progress) -> crate::error::Result<Box<dyn Recommender>>,
    /// The settings that matter, as JSON (for reports).
    pub settings: fn(&Params) -> serde_json::Value,
    /// The settings tried when tuning (empty when it has none).
    pub grid: fn(&Params) -> Vec<Params>,
    /// Loads a model saved by [`Recommender::save`] for this input (`None`: the model is
    /// quick to fit and never saved).
    pub load: Option<LoadFn>,
}
