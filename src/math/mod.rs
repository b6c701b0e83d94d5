//! General numerics shared by every analysis: sparse matrices and top-k selection, dense
//! symmetric inverses, principal components, summary statistics, a simplex minimiser and the
//! special functions the value model needs. Nothing here knows about learners or courses.

pub mod linalg;
pub mod moments;
pub mod optimize;
pub mod pca;
pub mod sparse;
pub mod special;

pub use linalg::spd_inverse;
pub use moments::mean_sd;
pub use optimize::{Minimum, nelder_mead};
pub use pca::{Pca, PcaParams};
pub use sparse::{Csr, top_k};
pub use special::hyp2f1;
