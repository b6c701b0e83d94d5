//! The learning funnel: view → click → enroll → purchase → complete.

use super::summary::course_info;
use crate::data::{Dataset, TableKind};
use crate::error::Error;
use crate::jobs::Progress;
use ahash::AHashMap;
use serde::Serialize;

/// The funnel's stages, in order (event names of the data contract).
pub const STAGES: [&str; 5] = ["view", "click", "enroll", "purchase", "complete"];

/// What the funnel is split by.
#[derive(Debug, Clone, PartialEq)]
pub enum FunnelBy {
    /// One funnel over all courses: how far each learner got on any course.
    All,
    /// One funnel per course.
    Course,
    /// One funnel per course category.
    Category,
    /// One funnel per learner group (e.g. segment), given as learner → group name; learners
    /// in no group are left out.
    Group(AHashMap<String, String>),
}

/// One funnel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FunnelGroup {
    /// The course id, category or group name (`all` for [`FunnelBy::All`]).
    pub key: String,
    /// What to show for it: the course title, else the key.
    pub name: String,
    /// Learners who got at least as far as each stage of [`STAGES`]: a learner's furthest
    /// stage counts for it and every stage before it, so the counts never rise.
    pub reached: [usize; 5],
}

impl FunnelGroup {
    /// Share of the previous stage's learners who reached `stage` (1 for the first stage);
    /// `None` when the previous stage has none.
    pub fn step_rate(&self, stage: usize) -> Option<f64> {
        match stage {
            0 => Some(1.0),
            s => (self.reached[s - 1] > 0)
                .then(|| self.reached[s] as f64 / self.reached[s - 1] as f64),
        }
    }

    /// The learners at `stage`, with the share of the previous stage after the first:
    /// `1247 (67%)`. What every face writes in a funnel's table.
    pub fn stage_text(&self, stage: usize) -> String {
        match (stage, self.step_rate(stage)) {
            (0, _) | (_, None) => self.reached[stage].to_string(),
            (_, Some(r)) => format!("{} ({:.0}%)", self.reached[stage], 100.0 * r),
        }
    }
}

/// Funnels, largest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Funnel {
    /// The stages, as named in the data.
    pub stages: [&'static str; 5],
    /// One funnel per group, by learners at the first stage (then key).
    pub groups: Vec<FunnelGroup>,
}

/// The funnel of `ds` split `by`. Events other than the five stages (rate, comment, share,
/// refund) do not count.
pub fn funnel(ds: &Dataset, by: &FunnelBy, progress: &Progress) -> Result<Funnel, Error> {
    let ev = ds
        .frame(TableKind::Events)
        .ok_or_else(|| Error::input("漏斗分析需要 events.csv", "the funnel needs events.csv"))?;
    let (user, course, kind) = super::event_columns(ev)?;
    let courses = course_info(ds);
    let mut furthest: AHashMap<(&str, &str), usize> = AHashMap::new();
    let n = ev.height();
    for i in 0..n {
        if i % 65_536 == 0 {
            progress.check()?;
            progress.set(i as f32 / n.max(1) as f32);
        }
        let (Some(u), Some(k)) = (user.get(i), kind.get(i)) else {
            continue;
        };
        let Some(stage) = STAGES.iter().position(|s| *s == k) else {
            continue;
        };
        let c = course.get(i).unwrap_or("");
        let group: &str = match by {
            FunnelBy::All => "all",
            FunnelBy::Course if c.is_empty() => continue,
            FunnelBy::Course => c,
            FunnelBy::Category => courses
                .get(c)
                .map(|(_, cat)| cat.as_str())
                .filter(|cat| !cat.is_empty())
                .unwrap_or("—"),
            FunnelBy::Group(groups) => match groups.get(u) {
                Some(g) => g.as_str(),
                None => continue,
            },
        };
        let slot = furthest.entry((group, u)).or_insert(stage);
        *slot = (*slot).max(stage);
    }
    let mut reached: AHashMap<&str, [usize; 5]> = AHashMap::new();
    for ((group, _), stage) in furthest {
        let counts = reached.entry(group).or_default();
        for c in counts.iter_mut().take(stage + 1) {
            *c += 1;
        }
    }
    let mut groups: Vec<FunnelGroup> = reached
        .into_iter()
        .map(|(key, reached)| FunnelGroup {
            name: match by {
                FunnelBy::Course => courses
                    .get(key)
                    .map_or_else(|| key.to_string(), |(t, _)| t.clone()),
                _ => key.to_string(),
            },
            key: key.to_string(),
            reached,
        })
        .collect();
    groups.sort_by(|a, b| b.reached[0].cmp(&a.reached[0]).then(a.key.cmp(&b.key)));
    progress.set(1.0);
    Ok(Funnel {
        stages: STAGES,
        groups,
    })
}
