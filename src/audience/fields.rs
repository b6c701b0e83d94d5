//! The fields a filter can name: every profile feature, RFM, P(alive) and value, segments
//! and attributes, one column per field over the profiles' learners.

use crate::lang::Text;
use crate::profile::Profiles;
use crate::segment::SegmentResult;
use crate::value::ValueResult;

/// One field's values, one per learner (profile row).
#[derive(Debug, Clone)]
pub enum Column {
    /// A number per learner (`None`: no value).
    Number(Vec<Option<f64>>),
    /// The names a learner's value goes by (e.g. a segment's number and its labels in both
    /// languages); `None`: no value.
    Text(Vec<Option<Vec<String>>>),
}

/// Fields beyond the profile features, with what they hold (shown as help).
pub const EXTRA_FIELDS: [(&str, &str); 10] = [
    (
        "p_alive",
        "chance the buyer is still active (0–1; buyers only)",
    ),
    ("clv", "expected value over the horizon, ¥ (buyers only)"),
    (
        "expected_purchases",
        "expected purchase days over the horizon (buyers only)",
    ),
    ("recency_days", "days since the last activity"),
    ("frequency", "active days"),
    ("monetary", "money paid less refunds, ¥"),
    ("days_inactive", "days since the last event"),
    (
        "sentiment",
        "mean sentiment of the learner's comments (0–1)",
    ),
    ("rfm_segment", "RFM segment, e.g. champions or 重要价值"),
    ("segment", "segment number or name (after segmenting)"),
];

/// The learners a filter runs over, with what is known about them.
pub struct LearnerFields<'a> {
    /// Profiles (their rows are the learners).
    pub profiles: &'a Profiles,
    /// Segments of the same profiles, if made.
    pub segments: Option<&'a SegmentResult>,
    /// Learner value, if estimated.
    pub value: Option<&'a ValueResult>,
}

impl LearnerFields<'_> {
    /// Number of learners.
    pub fn len(&self) -> usize {
        self.profiles.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every field name a filter can use: features first, then [`EXTRA_FIELDS`] and
    /// attributes.
    pub fn names(&self) -> Vec<String> {
        let t = &self.profiles.table;
        let mut names: Vec<String> = t.features.iter().map(|f| f.name.clone()).collect();
        for (n, _) in EXTRA_FIELDS {
            if !names.iter().any(|x| x == n) {
                names.push(n.to_string());
            }
        }
        names.extend(t.attributes.iter().map(|a| a.name.clone()));
        names
    }

    /// The values of field `name`; an error (in both languages) lists fields with a similar
    /// name.
    pub fn column(&self, name: &str) -> Result<Column, Text> {
        let t = &self.profiles.table;
        let n = self.len();
        if let Some(f) = t.features.iter().find(|f| f.name == name) {
            return Ok(Column::Number(f.values.iter().map(|v| Some(*v)).collect()));
        }
        let value_of =
            |get: fn(&crate::value::LearnerValue) -> Option<f64>| -> Result<Column, Text> {
                let v = self.value.ok_or_else(|| {
                    Text::pair(
                        format!("`{name}` 需要学员价值，但尚未估算（没有复购？）"),
                        format!("`{name}` needs learner value, which is not estimated (no repeat purchases?)"),
                    )
                })?;
                Ok(Column::Number(
                    t.user_ids.iter().map(|u| v.find(u).and_then(get)).collect(),
                ))
            };
        let number = |values: Vec<Option<f64>>| Ok(Column::Number(values));
        match name {
            "p_alive" => return value_of(|l| Some(l.p_alive)),
            "clv" => return value_of(|l| l.clv),
            "expected_purchases" => return value_of(|l| Some(l.expected_purchases)),
            "recency_days" => return number(t.rfm_values.iter().map(|r| Some(r[0])).collect()),
            "frequency" => return number(t.rfm_values.iter().map(|r| Some(r[1])).collect()),
            "monetary" => return number(t.rfm_values.iter().map(|r| Some(r[2])).collect()),
            "days_inactive" => return number(t.days_inactive.clone()),
            "sentiment" => return number(t.sentiment.clone()),
            "rfm_segment" => {
                return Ok(Column::Text(
                    t.rfm_segment
                        .iter()
                        .map(|s| {
                            let text = s.text();
                            Some(vec![s.name().to_string(), text.zh.into(), text.en.into()])
                        })
                        .collect(),
                ));
            }
            "segment" => {
                let s = self.segments.ok_or(Text::new(
                    "`segment` 需要分群：请先对学员分群",
                    "`segment` needs segments: segment the learners first",
                ))?;
                let names: Vec<Vec<String>> = s
                    .summaries
                    .iter()
                    .map(|m| {
                        vec![
                            (m.id + 1).to_string(),
                            format!("#{}", m.id + 1),
                            m.label.zh.to_string(),
                            m.label.en.to_string(),
                        ]
                    })
                    .collect();
                return Ok(Column::Text(
                    (0..n)
                        .map(|i| s.seg.labels.get(i).and_then(|&l| names.get(l).cloned()))
                        .collect(),
                ));
            }
            _ => {}
        }
        if let Some(a) = t.attributes.iter().find(|a| a.name == name) {
            return Ok(Column::Text(
                a.values().map(|v| v.map(|v| vec![v.to_string()])).collect(),
            ));
        }
        let names = self.names();
        let lower = name.to_lowercase();
        let near: Vec<&String> = names
            .iter()
            .filter(|c| {
                let c = c.to_lowercase();
                let (a, b) = (c.split_once(':'), lower.split_once(':'));
                c.contains(&lower)
                    || lower.contains(&c)
                    || a.zip(b).is_some_and(|(a, b)| a.0 == b.0 || a.1 == b.1)
            })
            .take(6)
            .collect();
        Err(match near.is_empty() {
            true => Text::pair(
                format!(
                    "未知字段 `{name}`；可用字段包括 p_alive、clv、recency_days、monetary、segment、interest:<类别> 以及各项属性"
                ),
                format!(
                    "unknown field `{name}`; fields include p_alive, clv, recency_days, monetary, segment, interest:<category>, and the attributes"
                ),
            ),
            false => {
                let near = near
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                Text::pair(
                    format!("未知字段 `{name}`；是不是指 {near}？"),
                    format!("unknown field `{name}`; did you mean {near}?"),
                )
            }
        })
    }
}
