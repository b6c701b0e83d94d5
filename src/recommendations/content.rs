//! Content similarity between courses (category, tags and title words, TF-IDF cosine), for
//! courses nobody has taken yet.

use super::interactions::Catalog;
use super::knn::{Neighbours, cosine_neighbours};
use super::params::{NEIGHBOURS, Params};
use super::reason::{Reason, cited};
use super::recommender::{Family, FitInput, Knob, ModelSpec, Recommender};
use crate::jobs::{Cancelled, Progress};
use crate::lang::Text;
use crate::math::Csr;
use crate::text::tokens;
use ahash::AHashMap;

/// The words of a course: its category, each tag and the words of its title (Chinese
/// segmented), prefixed so a tag and a title word do not collide.
pub fn course_terms(catalog: &Catalog, item: usize) -> Vec<String> {
    let mut terms = Vec::new();
    if !catalog.categories[item].is_empty() {
        terms.push(format!("cat:{}", catalog.categories[item]));
    }
    for tag in catalog.tags[item]
        .split(';')
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        terms.push(format!("tag:{tag}"));
    }
    for w in tokens(&catalog.titles[item]) {
        terms.push(format!("word:{w}"));
    }
    terms.sort();
    terms.dedup();
    terms
}

/// Courses × terms, TF-IDF weighted (binary term frequency, `ln(n / df)` + 1).
pub fn term_matrix(catalog: &Catalog) -> Csr {
    let mut vocab: AHashMap<String, u32> = AHashMap::new();
    let docs: Vec<Vec<u32>> = (0..catalog.len())
        .map(|i| {
            course_terms(catalog, i)
                .into_iter()
                .map(|t| {
                    let next = vocab.len() as u32;
                    *vocab.entry(t).or_insert(next)
                })
                .collect()
        })
        .collect();
    let mut df = vec![0f32; vocab.len()];
    for d in &docs {
        for &t in d {
            df[t as usize] += 1.0;
        }
    }
    let n = catalog.len().max(1) as f32;
    let entries = docs
        .iter()
        .enumerate()
        .flat_map(|(i, d)| {
            let df = &df;
            d.iter()
                .map(move |&t| (i as u32, t, (n / df[t as usize]).ln() + 1.0))
        })
        .collect();
    Csr::from_entries(catalog.len(), vocab.len(), entries)
}

/// Each course's `k` most similar courses by content.
pub fn content_neighbours(
    catalog: &Catalog,
    k: usize,
    progress: &Progress,
) -> Result<Neighbours, Cancelled> {
    let terms = term_matrix(catalog);
    cosine_neighbours(&terms, &terms.transpose(), k, 0.0, progress)
}

/// A learner a new course would reach.
#[derive(Debug, Clone, PartialEq)]
pub struct Reached {
    /// User index.
    pub user: u32,
    /// Share of the learner's interest near the course.
    pub affinity: f32,
    /// The learner's courses most like it (at most two).
    pub because: Vec<u32>,
}

/// Learners a course with no history of its own would reach: each learner's affinity is
/// `Σ r_ui · content_sim(i, course) / Σ r_ui` over the courses they took. Best `top` first,
/// with the past courses that made each match.
pub fn reach_of_new_course(
    train: &Csr,
    content: &Neighbours,
    course: u32,
    top: usize,
) -> Vec<Reached> {
    let mut similar: Vec<(u32, f32)> = content
        .lists
        .iter()
        .enumerate()
        .filter_map(|(i, list)| {
            list.iter()
                .find(|(j, _)| *j == course)
                .map(|&(_, s)| (i as u32, s))
        })
        .collect();
    similar.sort_unstable_by_key(|s| s.0);
    let mut reach: Vec<Reached> = (0..train.n_rows())
        .filter_map(|u| {
            let (items, ws) = train.row(u);
            if items.binary_search(&course).is_ok() {
                return None;
            }
            let mut parts: Vec<(u32, f32)> = items
                .iter()
                .zip(ws)
                .filter_map(|(&i, &r)| {
                    similar
                        .binary_search_by_key(&i, |s| s.0)
                        .ok()
                        .map(|at| (i, r * similar[at].1))
                })
                .collect();
            // Share of the learner's interest that lies near the course, so a heavy learner
            // with a little of everything does not outrank a focused one.
            let total: f32 = ws.iter().sum();
            let score: f32 = parts.iter().map(|p| p.1).sum::<f32>() / total.max(f32::MIN_POSITIVE);
            (score > 0.0).then(|| {
                parts.sort_by(|a, b| b.1.total_cmp(&a.1));
                Reached {
                    user: u as u32,
                    affinity: score,
                    because: parts.iter().take(2).map(|p| p.0).collect(),
                }
            })
        })
        .collect();
    reach.sort_by(|a, b| b.affinity.total_cmp(&a.affinity).then(a.user.cmp(&b.user)));
    reach.truncate(top);
    reach
}

/// Each course's most similar courses by content.
#[derive(Debug, Clone)]
pub struct ContentModel(pub Neighbours);

impl Recommender for ContentModel {
    fn score(&self, train: &Csr, u: usize, out: &mut [f32]) {
        let (items, ws) = train.row(u);
        self.0.score(items, ws, out);
    }

    fn reasons(&self, train: &Csr, u: usize, items: &[u32], _: &[u32]) -> Vec<Reason> {
        let (mine, ws) = train.row(u);
        items
            .iter()
            .map(|&j| {
                let best = cited(self.0.contributions(mine, ws, j), j);
                match best.is_empty() {
                    true => Reason::Popular,
                    false => Reason::Similar(best),
                }
            })
            .collect()
    }
}

/// Courses similar by category, tags and title.
pub const CONTENT: ModelSpec = ModelSpec {
    name: "content",
    family: Family::Taste,
    load: None,
    label: Text::new("内容相似", "Content"),
    about: Text::new(
        "类别、标签和标题词语与该学员已学课程相近的课程。对尚无学员的新课程同样有效。",
        "Courses whose category, tags and title words resemble the learner's courses. Works for courses nobody has taken yet.",
    ),
    knobs: &[Knob {
        label: NEIGHBOURS,
        min: 1.0,
        max: 500.0,
        whole: true,
        get: |p| p.content_neighbours as f64,
        set: |p, v| p.content_neighbours = v as usize,
    }],
    fit: |input: &FitInput<'_>, progress: &Progress| {
        let n = content_neighbours(input.catalog, input.params.content_neighbours, progress)?;
        Ok(Box::new(ContentModel(n)))
    },
    settings: |p: &Params| serde_json::json!({"neighbours": p.content_neighbours}),
    grid: |base: &Params| {
        [10, 20, 50]
            .into_iter()
            .map(|n| Params {
                content_neighbours: n,
                ..*base
            })
            .collect()
    },
};

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        let mut c = Catalog::default();
        for (id, title, cat, tags) in [
            ("a", "Python数据分析实战", "编程", "Python;数据分析"),
            ("b", "Python爬虫入门", "编程", "Python;爬虫"),
            ("c", "绘本共读30天", "亲子", "绘本共读"),
        ] {
            c.ids.push(id.into());
            c.titles.push(title.into());
            c.categories.push(cat.into());
            c.tags.push(tags.into());
            c.prices.push(None);
        }
        c
    }

    #[test]
    fn courses_sharing_category_tags_and_words_are_neighbours() {
        let c = catalog();
        assert!(course_terms(&c, 0).contains(&"tag:Python".to_string()));
        let n = content_neighbours(&c, 5, &Progress::default()).expect("not cancelled");
        assert_eq!(n.lists[0].first().map(|p| p.0), Some(1));
        assert!(n.lists[2].is_empty(), "{:?}", n.lists[2]);
        // A learner who took `a` is reached by new course `b`; one who took `c` is not.
        let train = Csr::from_entries(2, 3, vec![(0, 0, 1.0), (1, 2, 1.0)]);
        let reach = reach_of_new_course(&train, &n, 1, 10);
        assert_eq!(reach.len(), 1);
        assert_eq!((reach[0].user, reach[0].because.clone()), (0, vec![0]));
    }
}
