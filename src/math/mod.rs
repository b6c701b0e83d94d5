//! General numerics shared by every analysis: sparse matrices and top-k selection, dense
//! symmetric inverses, principal components and summary statistics. Nothing here knows about learners or courses.

pub mod linalg;
pub mod moments;
pub mod pca;
pub mod sparse;

pub use linalg::spd_inverse;
pub use moments::mean_sd;
pub use pca::{Pca, PcaParams};
pub use sparse::{Csr, top_k};
