//! Clustering profiles: k-means or hierarchical, a given k or one chosen by silhouette.

use super::hierarchical::{Merge, cut, ward};
use super::kmeans::{KMeansConfig, cluster_means, kmeans, kmeans_from, sizes, sq_dist};
use super::quality::{KScore, SILHOUETTE_SAMPLE, choose_k, sample_rows, silhouette};
use crate::jobs::{Cancelled, Progress};
use ndarray::{Array2, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

/// Clustering method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Method {
    /// K-Means.
    #[default]
    Kmeans,
    /// Ward hierarchical clustering (on k-means micro-centroids of a sample for large inputs),
    /// the cut consolidated by a few k-means iterations over all rows from its centres.
    Hierarchical,
}

impl crate::choice::Choice for Method {
    const ALL: &'static [Method] = &[Method::Kmeans, Method::Hierarchical];

    fn name(self) -> &'static str {
        match self {
            Method::Kmeans => "kmeans",
            Method::Hierarchical => "hierarchical",
        }
    }
}

/// Settings of a segmentation.
#[derive(Debug, Clone)]
pub struct SegmentConfig {
    /// Method.
    pub method: Method,
    /// Number of segments; `None` chooses it by silhouette over `k_range`.
    pub k: Option<usize>,
    /// Candidates when choosing k.
    pub k_range: std::ops::RangeInclusive<usize>,
    /// Random seed.
    pub seed: u64,
}

impl Default for SegmentConfig {
    fn default() -> Self {
        SegmentConfig {
            method: Method::Kmeans,
            k: None,
            k_range: 2..=10,
            seed: 42,
        }
    }
}

impl SegmentConfig {
    /// Whether these settings can segment `rows` rows: k from 1 to the rows, or (k chosen
    /// automatically) at least 3 rows and candidates from 2 upwards.
    pub fn check(&self, rows: usize) -> Result<(), SegmentError> {
        let too_few = |wanted: String| SegmentError::TooFewRows { rows, wanted };
        match self.k {
            Some(k) if k == 0 || k > rows => Err(too_few(format!("{k} segments"))),
            Some(_) => Ok(()),
            None if rows < 3 => Err(too_few(
                "segments chosen automatically (3 or more needed)".into(),
            )),
            None if *self.k_range.start() < 2 || self.k_range.is_empty() => {
                Err(SegmentError::Invalid(format!(
                    "candidates for k must run from 2 upwards, not {}..={}",
                    self.k_range.start(),
                    self.k_range.end()
                )))
            }
            None => Ok(()),
        }
    }
}

/// Rows above which segmentation runs fewer k-means restarts.
pub const LARGE: usize = 200_000;

/// K-Means restarts for `n` rows: 10 as scikit-learn's classic default, 3 beyond [`LARGE`]
/// rows, where one greedy k-means++ start already lands close to the best (scikit-learn's
/// current default runs a single start).
pub fn restarts(n: usize) -> usize {
    if n > LARGE { 3 } else { 10 }
}

/// Micro-centroids the hierarchical method builds its tree on.
pub const MICRO_CLUSTERS: usize = 400;
/// Rows the micro-centroids are fitted on (a sample above this).
pub const MICRO_SAMPLE: usize = 50_000;
/// Lloyd iterations of the micro-clustering.
pub const MICRO_ITERATIONS: usize = 25;
/// Lloyd iterations that consolidate a hierarchical cut.
pub const CONSOLIDATION_ITERATIONS: usize = 10;

/// A segmentation of the rows of a matrix.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Segmentation {
    /// Method used.
    pub method: Method,
    /// Number of segments.
    pub k: usize,
    /// Segment of each row.
    pub labels: Vec<usize>,
    /// Segment centres in the clustered space.
    pub centroids: Array2<f64>,
    /// Sum of squared distances of rows to their segment's centre.
    pub inertia: f64,
    /// Mean silhouette (on a sample of at most [`SILHOUETTE_SAMPLE`] rows).
    pub silhouette: Option<f64>,
    /// Rows per segment.
    pub sizes: Vec<usize>,
    /// Inertia and silhouette per candidate k, when k was chosen or scanned.
    pub k_scores: Vec<KScore>,
    /// The Ward tree over micro-centroids (hierarchical only).
    pub dendrogram: Vec<Merge>,
}

/// Why a segmentation could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SegmentError {
    /// Fewer rows than the segments asked for (or than choosing k needs).
    #[error("{rows} learners cannot form {wanted}; give a k from 1 to {rows}")]
    TooFewRows {
        /// Rows to cluster.
        rows: usize,
        /// What was asked, in words.
        wanted: String,
    },
    /// A value is not a finite number.
    #[error("the features hold a value that is not a finite number (column {column})")]
    NotFinite {
        /// The 1-based column.
        column: usize,
    },
    /// The user cancelled.
    #[error("cancelled")]
    Cancelled,
    /// The input cannot be clustered (as reported by linfa's checks).
    #[error("{0}")]
    Invalid(String),
}

impl SegmentError {
    /// The message in both languages (`Display` is its English). What was asked for and
    /// the fitting library's reasons stay in English.
    pub fn text(&self) -> crate::lang::Text {
        let zh = match self {
            SegmentError::TooFewRows { rows, wanted } => {
                format!("{rows} 名学员不足以满足要求（{wanted}）；请给出 1 到 {rows} 之间的 k")
            }
            SegmentError::NotFinite { column } => {
                format!("特征中有一个值不是有限数（第 {column} 列）")
            }
            SegmentError::Cancelled => "已取消".to_string(),
            SegmentError::Invalid(m) => format!("无法分群：{m}"),
        };
        crate::lang::Text::pair(zh, self.to_string())
    }
}

impl crate::lang::Bilingual for SegmentError {
    fn text(&self) -> crate::lang::Text {
        SegmentError::text(self)
    }
}

impl From<Cancelled> for SegmentError {
    fn from(_: Cancelled) -> Self {
        SegmentError::Cancelled
    }
}

/// Segments the rows of `x`. A k above the number of rows, choosing k among fewer than
/// three rows, or a value that is not finite is an error, never a panic.
pub fn segment(
    x: ArrayView2<f64>,
    cfg: &SegmentConfig,
    progress: &Progress,
) -> Result<Segmentation, SegmentError> {
    let n = x.nrows();
    if let Some(((_, j), _)) = x.indexed_iter().find(|(_, v)| !v.is_finite()) {
        return Err(SegmentError::NotFinite { column: j + 1 });
    }
    cfg.check(n)?;
    let (k, k_scores) = match cfg.k {
        Some(k) => (k, Vec::new()),
        None => {
            progress.set_stage(crate::lang::Text::new("选择 k", "choosing k"));
            let range = *cfg.k_range.start()..=(*cfg.k_range.end()).min(n.saturating_sub(1)).max(2);
            choose_k(x, range, cfg.seed, &progress.part(0.0, 0.6))?
        }
    };
    let rest = progress.part(
        if cfg.k.is_some() { 0.0 } else { 0.6 },
        if cfg.k.is_some() { 0.9 } else { 0.3 },
    );
    progress.set_stage(crate::lang::Text::new("聚类", "clustering"));
    let (labels, dendrogram) = match cfg.method {
        Method::Kmeans => (
            kmeans(
                x,
                &KMeansConfig {
                    n_init: restarts(n),
                    ..KMeansConfig::new(k, cfg.seed)
                },
                &rest,
            )?
            .labels,
            Vec::new(),
        ),
        Method::Hierarchical => {
            // The tree only needs micro-centroids, so they are fitted on a sample of rows.
            let rows = sample_rows(n, MICRO_SAMPLE, cfg.seed);
            let sample = x.select(Axis(0), &rows);
            let m = MICRO_CLUSTERS.min(rows.len());
            let (weights, centres) = if m < rows.len() {
                // Rough micro-centroids are enough: consolidation refines the result.
                let c = KMeansConfig {
                    n_init: 1,
                    max_iter: MICRO_ITERATIONS,
                    ..KMeansConfig::new(m, cfg.seed)
                };
                let fit = kmeans(sample.view(), &c, &rest.part(0.0, 0.7))?;
                let w: Vec<f64> = sizes(&fit.labels, m)
                    .into_iter()
                    .map(|s| s as f64)
                    .collect();
                (w, fit.centroids)
            } else {
                (vec![1.0; rows.len()], sample)
            };
            progress.check()?;
            let points: Vec<Vec<f64>> = centres.outer_iter().map(|r| r.to_vec()).collect();
            let tree = ward(&points, &weights);
            let groups = cut(&tree, points.len(), k);
            // Consolidation (as FactoMineR's HCPC): Lloyd iterations over every row from the
            // cut's centres (weighted means of its micro-centroids).
            let k_cut = groups.iter().copied().max().map_or(1, |m| m + 1);
            let mut start = Array2::<f64>::zeros((k_cut, x.ncols()));
            let mut mass = vec![0.0; k_cut];
            for ((g, w), c) in groups.iter().zip(&weights).zip(centres.outer_iter()) {
                start.row_mut(*g).scaled_add(*w, &c);
                mass[*g] += w;
            }
            for (mut row, m) in start.outer_iter_mut().zip(&mass) {
                row /= m.max(f64::MIN_POSITIVE);
            }
            let consolidated = kmeans_from(
                x,
                start,
                &KMeansConfig {
                    max_iter: CONSOLIDATION_ITERATIONS,
                    ..KMeansConfig::new(k_cut, cfg.seed)
                },
                &rest.part(0.7, 0.3),
            )?;
            (consolidated.labels, tree)
        }
    };
    let k = labels.iter().copied().max().map_or(1, |m| m + 1);
    let centroids = cluster_means(x, &labels, k);
    let standard = x.as_standard_layout();
    let data = standard.as_slice().expect("standard layout");
    let centres = centroids.as_slice().expect("standard layout");
    let d = x.ncols();
    let inertia = labels
        .iter()
        .enumerate()
        .map(|(i, &l)| sq_dist(&data[i * d..(i + 1) * d], &centres[l * d..(l + 1) * d]))
        .sum();
    progress.set_stage(crate::lang::Text::new("轮廓系数", "silhouette"));
    let rows = sample_rows(n, SILHOUETTE_SAMPLE, cfg.seed);
    let sample = x.select(Axis(0), &rows);
    let sample_labels: Vec<usize> = rows.iter().map(|&r| labels[r]).collect();
    let silhouette = silhouette(sample.view(), &sample_labels);
    progress.set(1.0);
    Ok(Segmentation {
        method: cfg.method,
        k,
        sizes: sizes(&labels, k),
        labels,
        centroids,
        inertia,
        silhouette,
        k_scores,
        dendrogram,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_checked_against_the_rows() {
        let with = |k: Option<usize>, k_range| SegmentConfig {
            k,
            k_range,
            ..SegmentConfig::default()
        };
        assert!(with(Some(3), 2..=10).check(3).is_ok());
        assert!(matches!(
            with(Some(4), 2..=10).check(3),
            Err(SegmentError::TooFewRows { rows: 3, .. })
        ));
        assert!(with(Some(0), 2..=10).check(3).is_err());
        assert!(with(None, 2..=10).check(2).is_err());
        assert!(with(None, 1..=10).check(50).is_err());
        assert!(with(None, 2..=10).check(50).is_ok());
    }
}

/// Renumbers the segments of `seg` so that each keeps the number (and so the colour and place)
/// of the nearest segment of an earlier run, whose centres are `previous`: pairs are taken
/// closest first; segments without a counterpart take the numbers left over, in order. Does
/// nothing when the centres have other columns (other features).
pub fn align_to(seg: &mut Segmentation, previous: &Array2<f64>) {
    let k = seg.k;
    if previous.ncols() != seg.centroids.ncols() || k == 0 {
        return;
    }
    let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
    for new in 0..k {
        for old in 0..previous.nrows() {
            let d: f64 = seg
                .centroids
                .row(new)
                .iter()
                .zip(previous.row(old))
                .map(|(a, b)| (a - b).powi(2))
                .sum();
            pairs.push((d, new, old));
        }
    }
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut number: Vec<Option<usize>> = vec![None; k];
    let mut taken = vec![false; k.max(previous.nrows())];
    for (_, new, old) in pairs {
        if number[new].is_none() && old < k && !taken[old] {
            number[new] = Some(old);
            taken[old] = true;
        }
    }
    let mut free = (0..k).filter(|&i| !taken[i]);
    let number: Vec<usize> = number
        .into_iter()
        .map(|n| n.unwrap_or_else(|| free.next().expect("as many numbers as segments")))
        .collect();
    for l in seg.labels.iter_mut() {
        *l = number[*l];
    }
    let mut centroids = seg.centroids.clone();
    let mut sizes = seg.sizes.clone();
    for (new, &to) in number.iter().enumerate() {
        centroids.row_mut(to).assign(&seg.centroids.row(new));
        sizes[to] = seg.sizes[new];
    }
    seg.centroids = centroids;
    seg.sizes = sizes;
}

#[cfg(test)]
mod align_tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn segments_keep_the_number_of_their_nearest_predecessor() {
        let mut seg = Segmentation {
            method: Method::Kmeans,
            k: 3,
            labels: vec![0, 1, 2, 2],
            centroids: array![[5.0, 5.0], [0.0, 0.0], [9.0, 0.0]],
            inertia: 0.0,
            silhouette: None,
            sizes: vec![1, 1, 2],
            k_scores: Vec::new(),
            dendrogram: Vec::new(),
        };
        let previous = array![[0.1, 0.0], [8.9, 0.2], [5.0, 4.8]];
        align_to(&mut seg, &previous);
        assert_eq!(seg.labels, vec![2, 0, 1, 1]);
        assert_eq!(seg.sizes, vec![1, 2, 1]);
        assert_eq!(seg.centroids.row(0).to_vec(), vec![0.0, 0.0]);
        // Fewer segments before: the new one takes the number left over.
        let mut seg2 = seg.clone();
        align_to(&mut seg2, &array![[9.0, 0.0], [0.0, 0.0]]);
        assert_eq!(seg2.centroids.row(0).to_vec(), vec![9.0, 0.0]);
        assert_eq!(seg2.centroids.row(1).to_vec(), vec![0.0, 0.0]);
        assert_eq!(seg2.centroids.row(2).to_vec(), vec![5.0, 5.0]);
    }
}
