//! Describing segments as personas: size, value, the features that set each apart, keywords,
//! and a bilingual label.

use super::cluster::Segmentation;
use crate::lang::Text;
use crate::profile::Profiles;
use crate::text;
use serde::Serialize;
use std::collections::BTreeMap;

/// A feature that sets a segment apart.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Distinction {
    /// Feature name.
    pub feature: String,
    /// Segment mean of the raw feature.
    pub mean: f64,
    /// (segment mean − population mean) / population standard deviation.
    pub z: f64,
}

/// One segment described for people. Written to JSON with its label as `label` (English)
/// and `label_zh` (Chinese).
#[derive(Debug, Clone)]
pub struct SegmentSummary {
    /// Segment number.
    pub id: usize,
    /// Learners in it.
    pub size: usize,
    /// Share of all learners.
    pub share: f64,
    /// Share of all revenue.
    pub revenue_share: f64,
    /// Label, e.g. "高价值·编程学员" / "High-value Programming learners".
    pub label: Text,
    /// The features that most set it apart (largest |z| first).
    pub distinctions: Vec<Distinction>,
    /// The words that most set its learners' comments apart from other segments' (log-odds
    /// with an informative Dirichlet prior; see [`text::distinctive_keywords`]).
    pub keywords: Vec<String>,
    /// Segment means of every raw feature (the centroid in readable units).
    pub centroid: BTreeMap<String, f64>,
    /// Fewer than [`crate::privacy::MIN_GROUP`] learners: label, revenue, distinctions,
    /// keywords and centroid are withheld, so no description points at a handful of people.
    pub suppressed: bool,
}

impl Serialize for SegmentSummary {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Written<'a> {
            id: usize,
            size: usize,
            share: f64,
            revenue_share: f64,
            label: &'a str,
            label_zh: &'a str,
            distinctions: &'a [Distinction],
            keywords: &'a [String],
            centroid: &'a BTreeMap<String, f64>,
            suppressed: bool,
        }
        Written {
            id: self.id,
            size: self.size,
            share: self.share,
            revenue_share: self.revenue_share,
            label: &self.label.en,
            label_zh: &self.label.zh,
            distinctions: &self.distinctions,
            keywords: &self.keywords,
            centroid: &self.centroid,
            suppressed: self.suppressed,
        }
        .serialize(serializer)
    }
}

impl<'de> serde::Deserialize<'de> for SegmentSummary {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        struct Written {
            id: usize,
            size: usize,
            share: f64,
            revenue_share: f64,
            label: String,
            label_zh: String,
            distinctions: Vec<Distinction>,
            keywords: Vec<String>,
            centroid: BTreeMap<String, f64>,
            suppressed: bool,
        }
        let w = Written::deserialize(deserializer)?;
        Ok(SegmentSummary {
            id: w.id,
            size: w.size,
            share: w.share,
            revenue_share: w.revenue_share,
            label: Text::pair(w.label_zh, w.label),
            distinctions: w.distinctions,
            keywords: w.keywords,
            centroid: w.centroid,
            suppressed: w.suppressed,
        })
    }
}

impl SegmentSummary {
    /// The summary as it may be shown: a segment under [`crate::privacy::MIN_GROUP`]
    /// learners keeps its id, size and share only.
    fn shown(self) -> SegmentSummary {
        if !crate::privacy::suppressed(self.size) {
            return self;
        }
        SegmentSummary {
            revenue_share: 0.0,
            label: Text::pair(
                format!("分群{}：不足10人，不作描述", self.id),
                format!("Segment {}: fewer than 10 learners, not described", self.id),
            ),
            distinctions: Vec::new(),
            keywords: Vec::new(),
            centroid: BTreeMap::new(),
            suppressed: true,
            ..self
        }
    }
}

/// English names of the usual course categories.
fn category_en(zh: &str) -> &str {
    match zh {
        "编程" => "Programming",
        "职场" => "Career",
        "考试" => "Exam",
        "外语" => "Language",
        "理财" => "Finance",
        "亲子" => "Parenting",
        "兴趣" => "Hobby",
        other => other,
    }
}

/// How many distinguishing features each summary lists.
pub const DISTINCTIONS: usize = 6;

/// Describes every segment.
pub fn describe(profiles: &Profiles, seg: &Segmentation) -> Vec<SegmentSummary> {
    let features = &profiles.table.features;
    let n = profiles.len().max(1);
    let monetary: Vec<f64> = profiles.table.rfm_values.iter().map(|v| v[2]).collect();
    let total_revenue: f64 = monetary.iter().sum();
    // Population mean and standard deviation of each feature, as standardised in the profile.
    let stats = &profiles.scale;
    let population_means: Vec<f64> = stats.iter().map(|s| s.0).collect();
    let mut sorted_revenue: Vec<f64> = Vec::new();
    let summaries: Vec<(usize, Vec<usize>)> = (0..seg.k)
        .map(|c| {
            (
                c,
                (0..seg.labels.len())
                    .filter(|&i| seg.labels[i] == c)
                    .collect(),
            )
        })
        .collect();
    for (_, members) in &summaries {
        sorted_revenue
            .push(members.iter().map(|&i| monetary[i]).sum::<f64>() / members.len().max(1) as f64);
    }
    let mut ranked = sorted_revenue.clone();
    ranked.sort_by(|a, b| b.total_cmp(a));
    let word_counts: Vec<_> = summaries
        .iter()
        .map(|(_, members)| {
            text::word_counts(
                members
                    .iter()
                    .flat_map(|&i| profiles.table.comments[i].iter()),
            )
        })
        .collect();
    let mut keywords = text::distinctive_keywords(&word_counts, 8).into_iter();
    let mut summaries: Vec<SegmentSummary> = summaries
        .into_iter()
        .map(|(c, members)| {
            let size = members.len();
            let means: Vec<f64> = features
                .iter()
                .map(|f| members.iter().map(|&i| f.values[i]).sum::<f64>() / size.max(1) as f64)
                .collect();
            let mut distinctions: Vec<Distinction> = features
                .iter()
                .zip(&means)
                .zip(stats)
                .filter(|(_, (_, sd))| *sd > 0.0)
                .map(|((f, &mean), &(pm, sd))| Distinction {
                    feature: f.name.clone(),
                    mean,
                    z: (mean - pm) / sd,
                })
                .collect();
            distinctions.sort_by(|a, b| b.z.abs().total_cmp(&a.z.abs()));
            distinctions.truncate(DISTINCTIONS);
            let revenue: f64 = members.iter().map(|&i| monetary[i]).sum();
            let rank = ranked
                .iter()
                .position(|r| *r == sorted_revenue[c])
                .unwrap_or(0);
            let (tier, tier_zh) = if rank == 0 || rank * 3 < seg.k {
                ("High-value", "高价值")
            } else if rank * 3 < seg.k * 2 {
                ("Mid-value", "中价值")
            } else {
                ("Low-value", "低价值")
            };
            let interest = features
                .iter()
                .zip(&means)
                .zip(stats)
                .filter(|((f, _), _)| f.name.starts_with("interest:"))
                .max_by(|((_, a), (pa, _)), ((_, b), (pb, _))| (*a - pa).total_cmp(&(*b - pb)))
                .map(|((f, _), _)| f.name.trim_start_matches("interest:").to_string())
                .unwrap_or_default();
            // A segment set apart first by what it pays is named for that, not for a topic.
            let price_driven = distinctions
                .first()
                .is_some_and(|d| match d.feature.as_str() {
                    "cheap_share" => d.z > 0.0,
                    "paid_vs_list" | "log_mean_list_price" => d.z < 0.0,
                    _ => false,
                });
            // A segment whose learners were hardly ever active is named for that.
            let active_days = |m: &[f64]| {
                features
                    .iter()
                    .position(|f| f.name == "log_active_days")
                    .map_or(1.0, |j| m[j])
            };
            let inactive = active_days(&means) < 0.25 * active_days(&population_means);
            let (topic, topic_zh) = if inactive {
                ("inactive".to_string(), "未激活".to_string())
            } else if price_driven {
                ("price-sensitive".to_string(), "价格敏感".to_string())
            } else {
                (category_en(&interest).to_string(), interest.clone())
            };
            SegmentSummary {
                id: c,
                size,
                share: size as f64 / n as f64,
                revenue_share: if total_revenue > 0.0 {
                    revenue / total_revenue
                } else {
                    0.0
                },
                label: Text::pair(
                    format!("{tier_zh}·{topic_zh}学员"),
                    format!("{tier} {topic} learners"),
                ),
                distinctions,
                keywords: keywords.next().unwrap_or_default(),
                centroid: features
                    .iter()
                    .zip(&means)
                    .map(|(f, m)| (f.name.clone(), *m))
                    .collect(),
                suppressed: false,
            }
            .shown()
        })
        .collect();
    distinct_labels(&mut summaries);
    summaries
}

/// Segments that would share a label are told apart by what sets each apart most (its
/// strongest distinguishing feature), so no two segments ever merge in a legend.
fn distinct_labels(summaries: &mut [SegmentSummary]) {
    let groups = |summaries: &[SegmentSummary]| -> Vec<Vec<usize>> {
        let mut groups: Vec<Vec<usize>> = Vec::new();
        for j in 0..summaries.len() {
            match groups
                .iter_mut()
                .find(|g| summaries[g[0]].label == summaries[j].label)
            {
                Some(g) => g.push(j),
                None => groups.push(vec![j]),
            }
        }
        groups.retain(|g| g.len() > 1);
        groups
    };
    for twins in groups(summaries) {
        for (n, &j) in twins.iter().enumerate() {
            let s = &mut summaries[j];
            let mark = s
                .distinctions
                .iter()
                .find(|d| !d.feature.starts_with("interest:"))
                .map_or_else(
                    || Text::same(format!("#{}", n + 1)),
                    |d| {
                        let sign = if d.z > 0.0 { "+" } else { "−" };
                        let name = crate::profile::feature_label(&d.feature);
                        Text::pair(format!("{sign}{}", name.zh), format!("{sign}{}", name.en))
                    },
                );
            s.label = Text::pair(
                format!("{}（{}）", s.label.zh, mark.zh),
                format!("{} ({})", s.label.en, mark.en),
            );
        }
    }
    // Twins whose strongest distinction is the same feature still clash: number them.
    for twins in groups(summaries) {
        for (n, &j) in twins.iter().enumerate() {
            let s = &mut summaries[j];
            s.label = Text::pair(
                format!("{} #{}", s.label.zh, n + 1),
                format!("{} #{}", s.label.en, n + 1),
            );
        }
    }
}

/// A plain summary for segments of a matrix without profiles (e.g. a features file): size,
/// share and the centroid under the given column names.
pub fn plain_summaries(seg: &Segmentation, names: &[String]) -> Vec<SegmentSummary> {
    let n = seg.labels.len().max(1);
    (0..seg.k)
        .map(|c| {
            SegmentSummary {
                id: c,
                size: seg.sizes[c],
                share: seg.sizes[c] as f64 / n as f64,
                revenue_share: 0.0,
                label: Text::pair(format!("分群 {c}"), format!("Segment {c}")),
                distinctions: Vec::new(),
                keywords: Vec::new(),
                centroid: names
                    .iter()
                    .cloned()
                    .zip(seg.centroids.row(c).iter().copied())
                    .collect(),
                suppressed: false,
            }
            .shown()
        })
        .collect()
}

/// Writes `user_id,segment` (ids pseudonymised with `salt` when given).
pub fn write_members(
    path: &std::path::Path,
    ids: &[String],
    labels: &[usize],
    salt: Option<&str>,
) -> std::io::Result<()> {
    let mut w = crate::safe_csv::SafeCsv::create(path)?;
    w.write_record(["user_id", "segment"])?;
    for (id, l) in ids.iter().zip(labels) {
        let id = crate::privacy::written_id(id, salt);
        w.write_record([id, l.to_string()])?;
    }
    w.flush()
}

/// Writes each learner's probability per segment: `user_id,segment,p_0,…,p_{k-1}` (`segment`
/// is the hard k-means segment, the `p_` columns the soft membership).
pub fn write_membership(
    path: &std::path::Path,
    ids: &[String],
    labels: &[usize],
    membership: &super::Membership,
    salt: Option<&str>,
) -> std::io::Result<()> {
    let mut w = crate::safe_csv::SafeCsv::create(path)?;
    let k = membership.probabilities.ncols();
    let mut header = vec!["user_id".to_string(), "segment".to_string()];
    header.extend((0..k).map(|c| format!("p_{c}")));
    w.write_record(&header)?;
    for ((id, l), p) in ids.iter().zip(labels).zip(membership.probabilities.rows()) {
        let id = crate::privacy::written_id(id, salt);
        let mut row = vec![id, l.to_string()];
        row.extend(p.iter().map(|v| format!("{v:.4}")));
        w.write_record(&row)?;
    }
    w.flush()
}

/// Writes one row per segment; a segment of fewer than [`crate::privacy::MIN_GROUP`] learners
/// keeps only its id and the word `suppressed`.
pub fn write_summaries(
    path: &std::path::Path,
    summaries: &[SegmentSummary],
) -> std::io::Result<()> {
    let mut w = crate::safe_csv::SafeCsv::create(path)?;
    w.write_record([
        "segment",
        "size",
        "share",
        "revenue_share",
        "label",
        "label_zh",
        "keywords",
    ])?;
    for s in summaries {
        if s.suppressed {
            w.write_record([s.id.to_string().as_str(), "suppressed", "", "", "", "", ""])?;
            continue;
        }
        w.write_record([
            s.id.to_string(),
            s.size.to_string(),
            format!("{:.4}", s.share),
            format!("{:.4}", s.revenue_share),
            s.label.en.to_string(),
            s.label.zh.to_string(),
            s.keywords.join(";"),
        ])?;
    }
    w.flush()
}

/// Gives the segments in `names` (by number, 0-based) those names, in both languages; a name
/// another segment already goes by gets its number added, so names stay unique.
pub fn rename(summaries: &mut [SegmentSummary], names: &BTreeMap<usize, String>) {
    for (&id, name) in names {
        if id >= summaries.len() {
            continue;
        }
        let taken = summaries
            .iter()
            .any(|s| s.id != id && (s.label.zh == name.as_str() || s.label.en == name.as_str()));
        let name = if taken {
            format!("{name} #{}", id + 1)
        } else {
            name.clone()
        };
        summaries[id].label = Text::same(name);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(id: usize, label: &str, feature: &str, z: f64) -> SegmentSummary {
        SegmentSummary {
            id,
            size: 100,
            share: 0.1,
            revenue_share: 0.1,
            label: Text::pair(format!("{label}·zh"), label),
            distinctions: vec![
                Distinction {
                    feature: "interest:职场".into(),
                    mean: 0.5,
                    z: 2.0,
                },
                Distinction {
                    feature: feature.into(),
                    mean: 1.0,
                    z,
                },
            ],
            keywords: Vec::new(),
            centroid: BTreeMap::new(),
            suppressed: false,
        }
    }

    #[test]
    fn segments_never_share_a_label() {
        let mut s = vec![
            summary(0, "High-value Career learners", "occupation=管理者", 1.5),
            summary(1, "High-value Career learners", "log_frequency", -0.8),
            summary(2, "Mid-value Exam learners", "age", -1.0),
        ];
        distinct_labels(&mut s);
        assert_eq!(
            s[0].label.en,
            "High-value Career learners (+Occupation = 管理者)"
        );
        assert_eq!(
            s[1].label.en,
            "High-value Career learners (−Enrolments and purchases (log))"
        );
        assert_eq!(
            s[1].label.zh,
            "High-value Career learners·zh（−购课次数（对数））"
        );
        assert_eq!(s[2].label.en, "Mid-value Exam learners");
        assert_ne!(s[0].label.zh, s[1].label.zh);
    }

    #[test]
    fn twins_with_the_same_distinction_are_numbered() {
        let mut s = vec![
            summary(0, "Low-value Hobby learners", "age", 1.5),
            summary(1, "Low-value Hobby learners", "age", 1.2),
        ];
        distinct_labels(&mut s);
        assert_eq!(s[0].label.en, "Low-value Hobby learners (+Age) #1");
        assert_eq!(s[1].label.en, "Low-value Hobby learners (+Age) #2");
    }
}
