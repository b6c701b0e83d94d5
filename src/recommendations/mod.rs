//! Course recommendations: popularity (global and per group), item- and user-kNN, implicit
//! ALS, EASE and content similarity, with cold start, a reason for every item and offline
//! evaluation.

pub mod als;
pub mod content;
pub mod ease;
pub mod evaluate;
pub mod export;
pub mod interactions;
pub mod knn;
pub mod model;
pub mod params;
pub mod popularity;
pub mod reason;
pub mod recommender;
pub mod registry;
pub mod run;
pub mod sequence;

pub use evaluate::{Evaluation, Split, compare, holdout, leave_last};
pub use export::{read_segments, recommend_all, write_recommendations};
pub use interactions::{
    Catalog, Groups, Interactions, SharedInteractions, Strengths, from_dataset,
};
pub use model::{Fitted, Recommendation, fallback, recommend_for};
pub use params::{AlsParams, Params};
pub use reason::Reason;
pub use recommender::{Context, Family, FitInput, Knob, ModelSpec, Order, Recommender};
pub use registry::ModelKind;
pub use run::{GroupSource, RecsResult, RecsSettings, Trained, train, train_and_compare};
