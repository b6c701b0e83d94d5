//! Segmentation: k-means, hierarchical (Ward) clustering on k-means micro-centroids, choosing
//! k, and describing segments.

pub mod kmeans;
pub mod quality;

pub use kmeans::{KMeansConfig, KMeansFit, kmeans};
pub use quality::{adjusted_rand_index, choose_k, silhouette};
