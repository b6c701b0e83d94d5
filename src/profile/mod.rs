//! Learner profiles: per-learner features (RFM, engagement, interests, price sensitivity,
//! attributes, comment sentiment and keywords) standardised into one matrix, a 2-D PCA
//! embedding for plots, and a persona card per learner.

pub mod attribute;
pub mod features;
pub mod names;
pub mod rfm;
pub mod sentiment;
pub mod sql;

use crate::data::Dataset;
use crate::jobs::{Cancelled, Progress};
use crate::lang::Text;
use crate::math::Pca;
use crate::math::mean_sd;
use crate::text;
pub use attribute::Attribute;
pub use features::{Block, Feature, LearnerTable, learner_table};
use linfa::DatasetBase;
use linfa::traits::{Fit, Transformer};
pub use names::feature_label;
use ndarray::Array2;
pub use rfm::RfmSegment;
use serde::Serialize;

/// Profiles of all learners, ready for clustering and plotting.
#[derive(Debug, Clone)]
pub struct Profiles {
    /// The per-learner table.
    pub table: LearnerTable,
    /// Names of the [`Profiles::matrix`] columns.
    pub feature_names: Vec<String>,
    /// Column means and standard deviations used to standardise.
    pub scale: Vec<(f64, f64)>,
    /// First two principal components of the [`Profiles::matrix`] (learners × 2).
    pub embedding: Array2<f64>,
    /// Share of variance each of the two components explains.
    pub explained: [f64; 2],
}

/// Extra weight of each block in the clustering space. What learners study is the core of a
/// persona in a course business, so interests count 1.5× the other blocks.
pub fn block_weight(block: Block) -> f64 {
    match block {
        Block::Interests => 1.5,
        Block::Price | Block::Activity | Block::Attributes => 1.0,
    }
}

/// Standardised values are clipped to ±CLIP so a few extreme learners cannot claim clusters
/// of their own.
pub const CLIP: f64 = 3.0;

/// Standardises columns to zero mean and unit variance (constant columns become 0), clips
/// them to ±[`CLIP`], and weights each block by [`block_weight`] / √(its width), so a block of
/// many one-hot columns counts no more than one of a few behaviour columns.
pub fn standardise(features: &[Feature]) -> (Array2<f64>, Vec<(f64, f64)>) {
    let n = features.first().map_or(0, |f| f.values.len());
    let mut m = Array2::zeros((n, features.len()));
    let mut scale = Vec::with_capacity(features.len());
    for (j, f) in features.iter().enumerate() {
        let width = features.iter().filter(|g| g.block == f.block).count() as f64;
        let (mean, sd) = mean_sd(&f.values);
        let w = block_weight(f.block) / width.sqrt();
        for (i, v) in f.values.iter().enumerate() {
            m[[i, j]] = if sd > 0.0 {
                w * ((v - mean) / sd).clamp(-CLIP, CLIP)
            } else {
                0.0
            };
        }
        scale.push((mean, sd));
    }
    (m, scale)
}

/// The top `k` principal components of `x` (rows are observations): projections and the share
/// of variance each explains (zeros when `x` has fewer than `k` columns or is not finite).
pub fn pca(x: &Array2<f64>, k: usize) -> (Array2<f64>, Vec<f64>) {
    match Pca::params(k).fit(&DatasetBase::from(x.view())) {
        Ok(fitted) => (fitted.transform(x), fitted.explained),
        Err(_) => (Array2::zeros((x.nrows(), k)), vec![0.0; k]),
    }
}

/// Builds profiles from a dataset.
pub fn build_profiles(ds: &Dataset, progress: &Progress) -> Result<Profiles, Cancelled> {
    let table = learner_table(ds, &progress.part(0.0, 0.8))?;
    progress.set_stage(crate::lang::Text::new("标准化", "standardising"));
    let (matrix, scale) = standardise(&table.features);
    progress.check()?;
    progress.set_stage(crate::lang::Text::new("降维", "embedding"));
    let (embedding, explained) = pca(&matrix, 2);
    drop(matrix);
    progress.set(1.0);
    Ok(Profiles {
        feature_names: table.features.iter().map(|f| f.name.clone()).collect(),
        table,
        scale,
        embedding,
        explained: [
            explained.first().copied().unwrap_or(0.0),
            explained.get(1).copied().unwrap_or(0.0),
        ],
    })
}

/// The value tier of a learner by monetary quintile.
pub fn value_tier(m_score: u8) -> Text {
    match m_score {
        5 => Text::new("高价值", "High value"),
        3 | 4 => Text::new("中等价值", "Medium value"),
        _ => Text::new("低价值", "Low value"),
    }
}

/// What the persona card of one learner shows.
#[derive(Debug, Clone, Serialize)]
pub struct PersonaCard {
    /// Learner id.
    pub user_id: String,
    /// Attributes as given (gender, age, city, …).
    pub facts: Vec<(String, String)>,
    /// Top interests: (category, share).
    pub interests: Vec<(String, f64)>,
    /// RFM scores and segment.
    pub rfm: [u8; 3],
    /// RFM segment.
    pub rfm_segment: Text,
    /// Value tier.
    pub value_tier: Text,
    /// Days since the last activity (since sign-up for a learner without events), if known.
    pub days_inactive: Option<f64>,
    /// Inactive for more than [`features::CHURN_DAYS`].
    pub churn_risk: bool,
    /// Mean comment sentiment.
    pub sentiment: Option<f64>,
    /// Most frequent words in the learner's comments.
    pub keywords: Vec<String>,
}

impl Profiles {
    /// The standardised, block-weighted features (learners × features) segments are found
    /// in: [`standardise`] of the table's features, made when asked for rather than held
    /// beside them (0.4 GB at a million learners).
    pub fn matrix(&self) -> Array2<f64> {
        standardise(&self.table.features).0
    }

    /// Number of learners.
    pub fn len(&self) -> usize {
        self.table.user_ids.len()
    }

    /// Whether there are no learners.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The raw (unstandardised) value of a named feature for learner `i`.
    pub fn feature(&self, name: &str, i: usize) -> Option<f64> {
        self.table
            .features
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.values[i])
    }

    /// Learner `i`'s share of activity per category, largest first, zero shares left out.
    pub fn interests(&self, i: usize) -> Vec<(String, f64)> {
        let mut shares: Vec<(String, f64)> = self
            .table
            .categories
            .iter()
            .filter_map(|c| Some((c.clone(), self.feature(&format!("interest:{c}"), i)?)))
            .filter(|(_, s)| *s > 0.0)
            .collect();
        shares.sort_by(|a, b| b.1.total_cmp(&a.1));
        shares
    }

    /// The persona card of learner `i`.
    pub fn card(&self, i: usize) -> PersonaCard {
        let t = &self.table;
        let mut interests = self.interests(i);
        interests.truncate(3);
        let mut facts: Vec<(String, String)> = t
            .attributes
            .iter()
            .filter_map(|a| Some((a.name.clone(), a.get(i)?.to_string())))
            .collect();
        if let Some(age) = self.feature("age", i) {
            facts.insert(0, ("age".into(), format!("{age:.0}")));
        }
        PersonaCard {
            user_id: t.user_ids[i].clone(),
            facts,
            interests,
            rfm: t.rfm_scores[i],
            rfm_segment: t.rfm_segment[i].text(),
            value_tier: value_tier(t.rfm_scores[i][2]),
            days_inactive: t.days_inactive[i],
            churn_risk: t.churn_risk(i),
            sentiment: t.sentiment[i],
            keywords: text::keywords(&t.comments[i], 5),
        }
    }

    /// Features written to the profile export: all but one-hot attributes (written as the
    /// attributes themselves) and recency (already an RFM column).
    fn exported_features(&self) -> impl Iterator<Item = &Feature> {
        self.table.features.iter().filter(|f| {
            (f.block != Block::Attributes || f.name == "age") && f.name != "recency_days"
        })
    }

    /// The profile table for export: id, RFM, engagement, interests and attributes.
    pub fn to_csv(&self, path: &std::path::Path) -> std::io::Result<()> {
        let t = &self.table;
        let mut w = crate::safe_csv::SafeCsv::create(path)?;
        let mut header = vec![
            "user_id".to_string(),
            "recency_days".into(),
            "frequency".into(),
            "monetary".into(),
            "r_score".into(),
            "f_score".into(),
            "m_score".into(),
            "rfm_segment".into(),
            "rfm_segment_zh".into(),
            "churn_risk".into(),
            "sentiment".into(),
        ];
        header.extend(self.exported_features().map(|f| f.name.clone()));
        header.extend(t.attributes.iter().map(|a| a.name.clone()));
        w.write_record(&header)?;
        for i in 0..self.len() {
            let mut row = vec![
                t.user_ids[i].clone(),
                t.days_inactive[i].map_or(String::new(), |d| format!("{d:.0}")),
                format!("{}", t.rfm_values[i][1]),
                format!("{:.2}", t.rfm_values[i][2]),
                t.rfm_scores[i][0].to_string(),
                t.rfm_scores[i][1].to_string(),
                t.rfm_scores[i][2].to_string(),
                t.rfm_segment[i].name().to_string(),
                t.rfm_segment[i].text().zh.into_owned(),
                u8::from(t.churn_risk(i)).to_string(),
                t.sentiment[i].map_or(String::new(), |s| format!("{s:.3}")),
            ];
            row.extend(
                self.exported_features()
                    .map(|f| format!("{:.4}", f.values[i])),
            );
            row.extend(
                t.attributes
                    .iter()
                    .map(|a| a.get(i).unwrap_or_default().to_string()),
            );
            w.write_record(&row)?;
        }
        w.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pca_of_too_few_columns_is_zero() {
        let (proj, explained) = pca(&Array2::zeros((4, 1)), 2);
        assert_eq!(proj.dim(), (4, 2));
        assert_eq!(explained, vec![0.0, 0.0]);
    }
}
