//! The Segments capability's one call: cluster the learners' profiles, then describe each
//! segment as a persona. What the Segments tab and `segment --data` call.

use super::cluster::{SegmentConfig, SegmentError, Segmentation, align_to, segment};
use super::compare::{COMPARED_FEATURES, Comparison, compare};
use super::describe::{SegmentSummary, describe};
use super::membership::{Membership, membership};
use crate::jobs::Progress;
use crate::profile::Profiles;

/// A segmentation of learners with a description (persona) of each segment. Serialized
/// whole into project files, so a reopened project shows the same segments without
/// clustering again.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct SegmentResult {
    /// The clustering.
    pub seg: Segmentation,
    /// One description per segment.
    pub summaries: Vec<SegmentSummary>,
    /// Every segment side by side on the [`COMPARED_FEATURES`] features that differ most
    /// (computed with the segments, so no face recomputes it).
    pub comparison: Comparison,
    /// Each learner's probability per segment (a Gaussian mixture); `None` when the mixture
    /// cannot be fitted (e.g. a segment too small for a covariance), which leaves the hard
    /// segments as they are.
    pub membership: Option<Membership>,
}

/// Segments the learners of `profiles` and describes each segment: what the Segments tab and
/// `segment --data` show.
pub fn segment_learners(
    profiles: &Profiles,
    config: &SegmentConfig,
    progress: &Progress,
) -> Result<SegmentResult, SegmentError> {
    segment_learners_like(profiles, config, None, progress)
}

/// [`segment_learners`], numbering the segments like those of an earlier run whose centres
/// are `previous` (see [`align_to`]), so a re-run keeps each segment's colour and place.
pub fn segment_learners_like(
    profiles: &Profiles,
    config: &SegmentConfig,
    previous: Option<&ndarray::Array2<f64>>,
    progress: &Progress,
) -> Result<SegmentResult, SegmentError> {
    let matrix = profiles.matrix();
    let mut seg = segment(matrix.view(), config, &progress.part(0.0, 0.85))?;
    if let Some(previous) = previous {
        align_to(&mut seg, previous);
    }
    let summaries = describe(profiles, &seg);
    let comparison = compare(profiles, &seg, COMPARED_FEATURES);
    let membership = match membership(matrix.view(), &seg, &progress.part(0.85, 0.15)) {
        Ok(m) => Some(m),
        Err(SegmentError::Cancelled) => return Err(SegmentError::Cancelled),
        Err(_) => None,
    };
    Ok(SegmentResult {
        seg,
        summaries,
        comparison,
        membership,
    })
}
