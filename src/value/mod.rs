//! Learner value: whether a buyer is still active and what they will buy and spend, from
//! their purchase days (BG/NBD for purchases, Gamma-Gamma for spend, discounted lifetime
//! value). Definitions follow `lifetimes`, so its numbers can be compared one to one.

mod bg_nbd;
mod gamma_gamma;
mod purchases;
mod run;
mod summary;

pub use bg_nbd::{BgNbd, Rft};
pub use gamma_gamma::GammaGamma;
pub use purchases::{Buyer, DAYS_PER_WEEK, Purchases, summarise_purchases};
pub use run::{
    FrequencyGroup, GroupValue, Holdout, LearnerValue, PAliveGrid, ValueModel, ValueResult,
    ValueSettings, WEEKS_PER_MONTH, backtest_value, estimate_value, value_purchases,
};
pub use summary::{read_summary, summary_sql};
