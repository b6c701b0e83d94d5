//! Every segment side by side on the profile features: how far each segment's mean sits from
//! everyone's, in standard deviations, for the features that tell segments apart most.

use super::cluster::Segmentation;
use crate::profile::Profiles;
use serde::Serialize;

/// Features a comparison shows.
pub const COMPARED_FEATURES: usize = 12;

/// Segments × features, as standardised differences from all learners.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Comparison {
    /// Feature names (internal; faces show `profile::feature_label`), most telling first.
    pub features: Vec<String>,
    /// `z[f][s]`: (mean of segment s − mean of all) / standard deviation of all, for feature
    /// f; `None` for a segment too small to describe (see [`crate::privacy::MIN_GROUP`]).
    pub z: Vec<Vec<Option<f64>>>,
}

/// The `top` features whose segment means differ most (largest |z| in any segment), with
/// every segment's z on them.
pub fn compare(profiles: &Profiles, seg: &Segmentation, top: usize) -> Comparison {
    let features = &profiles.table.features;
    let mut sums = vec![vec![0.0f64; seg.k]; features.len()];
    let mut sizes = vec![0usize; seg.k];
    for (i, &l) in seg.labels.iter().enumerate() {
        if l >= seg.k {
            continue;
        }
        sizes[l] += 1;
        for (f, feature) in features.iter().enumerate() {
            sums[f][l] += feature.values[i];
        }
    }
    let mut rows: Vec<(usize, Vec<Option<f64>>)> = features
        .iter()
        .enumerate()
        .filter(|(f, _)| profiles.scale.get(*f).is_some_and(|s| s.1 > 0.0))
        .map(|(f, _)| {
            let (mean, sd) = profiles.scale[f];
            let z = (0..seg.k)
                .map(|s| {
                    (sizes[s] >= crate::privacy::MIN_GROUP)
                        .then(|| (sums[f][s] / sizes[s] as f64 - mean) / sd)
                })
                .collect();
            (f, z)
        })
        .collect();
    let spread = |z: &[Option<f64>]| z.iter().flatten().fold(0.0f64, |m, v| m.max(v.abs()));
    rows.sort_by(|a, b| spread(&b.1).total_cmp(&spread(&a.1)).then(a.0.cmp(&b.0)));
    rows.truncate(top);
    Comparison {
        features: rows
            .iter()
            .map(|(f, _)| features[*f].name.clone())
            .collect(),
        z: rows.into_iter().map(|(_, z)| z).collect(),
    }
}
