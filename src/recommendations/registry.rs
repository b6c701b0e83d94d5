//! Every recommender, registered once. A model is a [`ModelSpec`]: its name, its labels in
//! both languages, the settings it exposes, its tuning grid and how to fit it into a
//! [`Recommender`]. The command line's `--model`/`--models`, the window's model selector and
//! settings, the comparison table and the evaluation grid all read this list.
//!
//! Adding a recommender is one new file (a type implementing [`Recommender`] and a
//! `ModelSpec` constant) plus one line in [`ModelKind::ALL`].

use super::interactions::{Catalog, Groups};
use super::model::{Params, Reason};
use crate::choice::Choice;
use crate::jobs::Progress;
use crate::lang::Text;
use crate::math::Csr;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

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

    /// Whether a score of zero or below means the model knows nothing about the course (those
    /// places are then filled by the cold-start fallback). Popularity models rank every course
    /// and say no.
    fn zero_is_no_signal(&self) -> bool {
        true
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

/// One registered recommender.
#[derive(Debug)]
pub struct ModelSpec {
    /// The name on the command line, in JSON and in saved settings.
    pub name: &'static str,
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
}

/// A recommender, by its registration.
#[derive(Clone, Copy)]
pub struct ModelKind(pub &'static ModelSpec);

impl ModelKind {
    /// Its registration.
    pub fn spec(self) -> &'static ModelSpec {
        self.0
    }

    /// Most-taken courses overall.
    pub const POP: ModelKind = ModelKind(&super::popularity::POP);
    /// Most-taken courses within the learner's segment or group.
    pub const SEGPOP: ModelKind = ModelKind(&super::popularity::SEGPOP);
    /// Courses similar (by who took them) to the learner's courses.
    pub const ITEMKNN: ModelKind = ModelKind(&super::knn::ITEMKNN);
    /// Courses taken by similar learners.
    pub const USERKNN: ModelKind = ModelKind(&super::knn::USERKNN);
    /// Matrix factorisation for implicit feedback.
    pub const ALS: ModelKind = ModelKind(&super::als::ALS);
    /// Closed-form item-item autoencoder.
    pub const EASE: ModelKind = ModelKind(&super::ease::EASE);
    /// Courses similar by category, tags and title.
    pub const CONTENT: ModelKind = ModelKind(&super::content::CONTENT);
}

impl Choice for ModelKind {
    /// The registry: every model, in display order.
    const ALL: &'static [ModelKind] = &[
        ModelKind::POP,
        ModelKind::SEGPOP,
        ModelKind::ITEMKNN,
        ModelKind::USERKNN,
        ModelKind::ALS,
        ModelKind::EASE,
        ModelKind::CONTENT,
    ];

    fn name(self) -> &'static str {
        self.0.name
    }
}

impl PartialEq for ModelKind {
    fn eq(&self, other: &Self) -> bool {
        self.0.name == other.0.name
    }
}

impl Eq for ModelKind {}

impl std::hash::Hash for ModelKind {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.name.hash(state);
    }
}

impl std::fmt::Debug for ModelKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.name)
    }
}

impl Serialize for ModelKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.name)
    }
}

impl<'de> Deserialize<'de> for ModelKind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        ModelKind::parse(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown model `{name}`")))
    }
}
