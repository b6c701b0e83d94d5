//! General numerics shared by every analysis: sparse matrices and top-k selection, dense
//! symmetric inverses, and summary statistics. Nothing here knows about learners or courses.

pub mod linalg;
pub mod moments;
pub mod sparse;

pub use linalg::spd_inverse;
pub use moments::mean_sd;
pub use sparse::{Csr, top_k};
