//! Uplift: whom a treatment changes, not who would convert anyway. Each learner's effect is
//! estimated from a randomised experiment and checked by the Qini curve (as scikit-uplift
//! computes it) on held-out experiment users.

mod qini;
mod run;

pub use qini::{QiniPoint, qini_coefficient, qini_curve};
pub use run::{
    Assigned, C_GRID, GroupEffect, LearnerUplift, UpliftConfig, UpliftResult, UpliftTargeting,
    estimate_uplift, write_uplift,
};
