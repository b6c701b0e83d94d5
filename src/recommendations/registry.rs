//! Every recommender, registered once. A model is a [`ModelSpec`]: its name, its labels in
//! both languages, the settings it exposes, its tuning grid and how to fit it into a
//! [`Recommender`](super::recommender::Recommender). The command line's `--model`/`--models`, the window's model selector and
//! settings, the comparison table and the evaluation grid all read this list.
//!
//! Adding a recommender is one new file (a type implementing `Recommender` and a
//! `ModelSpec` constant) plus one line in [`ModelKind::ALL`].

use super::recommender::ModelSpec;
use crate::choice::Choice;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

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
    /// What most often follows the learner's latest course.
    pub const MARKOV: ModelKind = ModelKind(&super::sequence::markov::MARKOV);
    /// A recurrent network over the learner's recent courses.
    pub const GRU: ModelKind = ModelKind(&super::sequence::neural::GRU);
    /// A convolutional network over the learner's latest courses.
    pub const CASER: ModelKind = ModelKind(&super::sequence::neural::CASER);
    /// Both networks fused, trained with an auxiliary task.
    pub const FUSION: ModelKind = ModelKind(&super::sequence::neural::FUSION);
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
        ModelKind::MARKOV,
        ModelKind::GRU,
        ModelKind::CASER,
        ModelKind::FUSION,
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
