//! Segmentation: k-means, hierarchical (Ward) clustering on k-means micro-centroids, choosing
//! k by silhouette, and describing segments as personas.

pub mod cluster;
pub mod compare;
pub mod describe;
pub mod hierarchical;
pub mod kmeans;
pub mod membership;
pub mod quality;
pub mod run;
pub mod traits;

pub use cluster::{Method, SegmentConfig, SegmentError, Segmentation, align_to, segment};
pub use compare::{COMPARED_FEATURES, Comparison, compare};
pub use describe::{
    SegmentSummary, describe, plain_summaries, rename, write_members, write_membership,
    write_summaries,
};
pub use kmeans::{KMeansConfig, KMeansFit, kmeans};
pub use membership::{Membership, Mixture, membership};
pub use quality::{adjusted_rand_index, choose_k, silhouette};
pub use run::{SegmentResult, segment_learners, segment_learners_like};
