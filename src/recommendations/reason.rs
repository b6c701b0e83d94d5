//! Why a course is recommended, in both languages, and how reasons are drawn from what
//! contributed to a score.

use super::interactions::Catalog;
use crate::lang::Text;
use crate::math::Csr;
use serde::Serialize;

/// Why a course is recommended.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Reason {
    /// The learner's past courses that contributed most (never the recommended course
    /// itself): those they took (enrolled in, bought or completed) and those they only
    /// viewed, clicked, rated or commented on.
    History {
        /// Courses taken.
        took: Vec<u32>,
        /// Courses only seen.
        seen: Vec<u32>,
    },
    /// Courses like these by content.
    Similar(Vec<u32>),
    /// Learners who took this course often took the recommended one next.
    After(u32),
    /// The learner's recent courses that point to it most (from a sequence model).
    Recent(Vec<u32>),
    /// Popular in the learner's group.
    Group(Text),
    /// Popular overall.
    Popular,
}

fn titles(catalog: &Catalog, items: &[u32], open: &str, close: &str, sep: &str) -> String {
    items
        .iter()
        .map(|&i| format!("{open}{}{close}", catalog.title(i as usize)))
        .collect::<Vec<_>>()
        .join(sep)
}

impl Reason {
    /// The reason in both languages, with the courses' titles.
    pub fn text(&self, catalog: &Catalog) -> Text {
        Text::pair(self.zh(catalog), self.en(catalog))
    }

    fn zh(&self, catalog: &Catalog) -> String {
        let t = |items: &[u32]| titles(catalog, items, "《", "》", "、");
        match self {
            Reason::History { took, seen } => match (took.is_empty(), seen.is_empty()) {
                (false, true) => format!("因为你学习了{}", t(took)),
                (true, _) => format!("因为你看过{}", t(seen)),
                (false, false) => format!("因为你学习了{}，看过{}", t(took), t(seen)),
            },
            Reason::Similar(items) => format!("与{}相似", titles(catalog, items, "《", "》", "、")),
            Reason::After(item) => format!("学完{}的学员接着常学这门课", t(&[*item])),
            Reason::Recent(items) => format!("因为你最近学了{}", t(items)),
            Reason::Group(g) => format!("{}学员都在学", g.zh),
            Reason::Popular => "热门课程".to_string(),
        }
    }

    fn en(&self, catalog: &Catalog) -> String {
        let t = |items: &[u32]| titles(catalog, items, "", "", ", ");
        match self {
            Reason::History { took, seen } => match (took.is_empty(), seen.is_empty()) {
                (false, true) => format!("because you took {}", t(took)),
                (true, _) => format!("because you viewed {}", t(seen)),
                (false, false) => format!("because you took {} and viewed {}", t(took), t(seen)),
            },
            Reason::Similar(items) => {
                format!("similar to {}", titles(catalog, items, "", "", ", "))
            }
            Reason::After(item) => {
                format!("learners who took {} often take this next", t(&[*item]))
            }
            Reason::Recent(items) => format!("because you recently took {}", t(items)),
            Reason::Group(g) => format!("{} learners like this", g.en),
            Reason::Popular => "popular with all learners".to_string(),
        }
    }

    /// Both languages, as written to CSV.
    pub fn bilingual(&self, catalog: &Catalog) -> String {
        let text = self.text(catalog);
        format!("{} / {}", text.zh, text.en)
    }
}

/// Reasons from per-course contributions (`parts[i]` for `items[i]`, largest first): the
/// learner's past courses that contributed most, split into those taken (in `owned`, sorted)
/// and those only seen; a course nothing contributed to is "popular".
pub fn history_reasons(parts: Vec<Vec<(u32, f32)>>, items: &[u32], owned: &[u32]) -> Vec<Reason> {
    parts
        .into_iter()
        .zip(items)
        .map(|(p, &j)| {
            let (took, seen): (Vec<u32>, Vec<u32>) = cited(p, j)
                .into_iter()
                .partition(|i| owned.binary_search(i).is_ok());
            match took.is_empty() && seen.is_empty() {
                true => Reason::Popular,
                false => Reason::History { took, seen },
            }
        })
        .collect()
}

/// How many past courses a reason names.
const CITED: usize = 2;

/// The past courses a reason names: the largest contributions (sorted, largest first), never
/// the recommended course `j` itself.
pub fn cited(parts: Vec<(u32, f32)>, j: u32) -> Vec<u32> {
    parts
        .into_iter()
        .filter(|p| p.0 != j)
        .take(CITED)
        .map(|p| p.0)
        .collect()
}

/// Reasons of an item-to-item model (item-kNN, EASE): for each of `items`, the courses of
/// learner `u`'s history that `contributions(history, weights, item)` says counted most.
pub fn item_history_reasons(
    train: &Csr,
    u: usize,
    items: &[u32],
    owned: &[u32],
    contributions: impl Fn(&[u32], &[f32], u32) -> Vec<(u32, f32)>,
) -> Vec<Reason> {
    let (mine, ws) = train.row(u);
    let parts = items.iter().map(|&j| contributions(mine, ws, j)).collect();
    history_reasons(parts, items, owned)
}
