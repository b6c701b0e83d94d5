//! The Segments capability's one call: cluster the learners' profiles, then describe each
//! segment as a persona. What the Segments tab and `segment --data` call.

use super::cluster::{SegmentConfig, SegmentError, Segmentation, segment};
use super::describe::{SegmentSummary, describe};
use crate::jobs::Progress;
use crate::profile::Profiles;

/// A segmentation of learners with a description (persona) of each segment.
#[derive(Debug, Clone)]
pub struct SegmentResult {
    /// The clustering.
    pub seg: Segmentation,
    /// One description per segment.
    pub summaries: Vec<SegmentSummary>,
}

/// Segments the learners of `profiles` and describes each segment: what the Segments tab and
/// `segment --data` show.
pub fn segment_learners(
    profiles: &Profiles,
    config: &SegmentConfig,
    progress: &Progress,
) -> Result<SegmentResult, SegmentError> {
    let seg = segment(profiles.matrix.view(), config, progress)?;
    let summaries = describe(profiles, &seg);
    Ok(SegmentResult { seg, summaries })
}
