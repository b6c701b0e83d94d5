//! A/B test read-outs: frequentist and Bayesian comparisons against a control, sample-ratio
//! mismatch, Holm adjustment, revenue with and without CUPED, sequential monitoring and
//! power, and bandit weights (probability of being best, Thompson-sampling split). Numbers agree with scipy/statsmodels (see `tests/experiments_oracle.rs`).

pub mod arms;
pub mod bandit;
pub mod error;
pub mod plan;
pub mod power;
pub mod readout;
pub mod sequential;
pub mod stats;
pub mod verdict;

pub use arms::experiment_names;
pub use bandit::{MIN_SHARE, Replay, p_best, replay, thompson_split};
pub use error::AbError;
pub use plan::{Plan, PlanSettings, plan};
pub use power::{PowerResult, mde_for_users, users_per_variant};
pub use readout::{
    AbOptions, Readout, VariantResult, Warning, posterior_curves, readout, readout_csv,
};
pub use verdict::{Decision, Verdict, verdict};
