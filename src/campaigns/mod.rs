//! Campaigns: click and conversion prediction on impressions (logistic regression and a
//! factorization machine on sparse, hashed features), their evaluation, a spend model, and
//! budgeted targeting.

pub mod encode;
pub mod fm;
pub mod history;
pub mod keys;
pub mod linear;
pub mod logistic;
pub mod metrics;
pub mod run;
pub mod target;
pub mod train;
pub mod uplift;

pub use encode::{CROSS_BUCKETS, Context, Encoder, Target};
pub use run::{CampaignModels, train_campaigns};
pub use target::{ListRequest, Objective, TargetReport, target, write_targets};
pub use train::{CtrConfig, CtrModels, CtrReport, SplitRule, model_label, train};
pub use uplift::{UpliftConfig, UpliftResult, estimate_uplift};
