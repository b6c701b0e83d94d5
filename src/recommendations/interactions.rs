//! Who interacted with which course, how strongly and when: the input of every recommender,
//! built from a dataset's events or from plain `user_id,course_id` files.

use crate::data::columns::{each_row, f64_col, ms_col, str_col};
use crate::data::{Dataset, TableKind};
use crate::lang::Text;
use crate::math::Csr;
use ahash::AHashMap;
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::{Arc, Mutex, Weak};

/// Titles are cut to this many characters for lists, reasons and exports (a title is a line,
/// not a document; a 60 KB title would otherwise be copied into every recommendation row).
pub const MAX_TITLE_CHARS: usize = 120;

/// How much each kind of event says about a learner's interest in a course. A learner–course
/// pair takes the largest weight among its events; a `rate` event weighs its rating.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Strengths {
    /// Looked at the course page or a lesson.
    pub view: f32,
    /// Clicked through.
    pub click: f32,
    /// Commented.
    pub comment: f32,
    /// Shared the course.
    pub share: f32,
    /// Enrolled.
    pub enroll: f32,
    /// Paid for it.
    pub purchase: f32,
    /// Finished it.
    pub complete: f32,
}

impl Default for Strengths {
    fn default() -> Self {
        Strengths {
            view: 1.0,
            click: 2.0,
            comment: 3.0,
            share: 3.0,
            enroll: 4.0,
            purchase: 5.0,
            complete: 5.0,
        }
    }
}

impl Strengths {
    /// Reads `event=weight` pairs separated by commas (e.g. `view=1,purchase=8`); events not
    /// named keep their default weight.
    pub fn parse(text: &str) -> crate::error::Result<Strengths> {
        let mut s = Strengths::default();
        for pair in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (event, weight) = pair.split_once('=').ok_or_else(|| {
                crate::error::Error::input(
                    format!("`{pair}`：应为 事件=权重"),
                    format!("`{pair}`: expected event=weight"),
                )
            })?;
            let w: f32 = weight
                .trim()
                .parse()
                .ok()
                .filter(|w: &f32| w.is_finite() && *w >= 0.0)
                .ok_or_else(|| {
                    crate::error::Error::input(
                        format!("`{pair}`：权重必须是 ≥ 0 的数"),
                        format!("`{pair}`: the weight must be a number ≥ 0"),
                    )
                })?;
            let slot = match event.trim() {
                "view" => &mut s.view,
                "click" => &mut s.click,
                "comment" => &mut s.comment,
                "share" => &mut s.share,
                "enroll" => &mut s.enroll,
                "purchase" => &mut s.purchase,
                "complete" => &mut s.complete,
                other => {
                    return Err(crate::error::Error::input(
                        format!(
                            "`{other}`：不是 view、click、comment、share、enroll、purchase、complete 之一"
                        ),
                        format!(
                            "`{other}`: not one of view, click, comment, share, enroll, purchase, complete"
                        ),
                    ));
                }
            };
            *slot = w;
        }
        Ok(s)
    }

    /// The weight of one event (`rating` is used for `rate`); `None` for events that carry no
    /// interest (`refund`, unknown names).
    pub fn weight(&self, event: &str, rating: Option<f64>) -> Option<f32> {
        Some(match event {
            "view" => self.view,
            "click" => self.click,
            "comment" => self.comment,
            "share" => self.share,
            "enroll" => self.enroll,
            "purchase" => self.purchase,
            "complete" => self.complete,
            "rate" => rating.unwrap_or(3.0) as f32,
            _ => return None,
        })
    }
}

/// What is known about the courses, by item index.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// Course ids.
    pub ids: Vec<String>,
    /// Titles (empty when unknown).
    pub titles: Vec<String>,
    /// Categories (empty when unknown).
    pub categories: Vec<String>,
    /// `;`-separated tags (empty when unknown).
    pub tags: Vec<String>,
    /// List prices.
    pub prices: Vec<Option<f64>>,
}

impl Catalog {
    /// The courses of the courses table, in its order (a repeated id keeps its first row),
    /// with their titles, categories, tags and list prices; and each id's index.
    pub fn of_courses(ds: &Dataset) -> (Catalog, AHashMap<String, u32>) {
        let mut catalog = Catalog::default();
        let mut index: AHashMap<String, u32> = AHashMap::new();
        let Some(courses) = ds.frame(TableKind::Courses) else {
            return (catalog, index);
        };
        let ids = str_col(courses, "course_id");
        let titles = str_col(courses, "title");
        let cats = str_col(courses, "category");
        let tags = str_col(courses, "tags");
        let prices = f64_col(courses, "price");
        for r in 0..courses.height() {
            let Some(id) = ids.and_then(|c| c.get(r)) else {
                continue;
            };
            if index.contains_key(id) {
                continue;
            }
            let i = catalog.push(id);
            index.insert(id.to_string(), i);
            let i = i as usize;
            let text = |c: Option<crate::data::columns::TextColumn>| {
                c.and_then(|c| c.get(r)).unwrap_or_default().to_string()
            };
            catalog.titles[i] = crate::data::cells::shortened(&text(titles), MAX_TITLE_CHARS);
            catalog.categories[i] = text(cats);
            catalog.tags[i] = text(tags);
            catalog.prices[i] = prices.as_ref().and_then(|p| p.get(r));
        }
        (catalog, index)
    }

    /// Number of courses.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether there are no courses.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The title, or the id when there is none.
    pub fn title(&self, item: usize) -> &str {
        match self.titles[item].as_str() {
            "" => &self.ids[item],
            t => t,
        }
    }

    fn push(&mut self, id: &str) -> u32 {
        self.ids.push(id.to_string());
        self.titles.push(String::new());
        self.categories.push(String::new());
        self.tags.push(String::new());
        self.prices.push(None);
        (self.ids.len() - 1) as u32
    }
}

/// Learner groups (segments or a demographic attribute) for popularity within a group.
#[derive(Debug, Clone, Default)]
pub struct Groups {
    /// Group of each learner (`None` when unknown).
    pub of_user: Vec<Option<u32>>,
    /// Group names, in both languages.
    pub names: Vec<Text>,
}

impl Groups {
    /// Groups from one label per learner.
    pub fn from_labels<'a>(labels: impl IntoIterator<Item = Option<&'a Text>>) -> Groups {
        let mut g = Groups::default();
        let mut index: AHashMap<&Text, u32> = AHashMap::new();
        for label in labels {
            let id = label.filter(|l| !l.en.is_empty()).map(|l| {
                *index.entry(l).or_insert_with(|| {
                    g.names.push(l.clone());
                    (g.names.len() - 1) as u32
                })
            });
            g.of_user.push(id);
        }
        g
    }
}

/// Interactions of learners with courses.
#[derive(Debug, Clone, Default)]
pub struct Interactions {
    /// Learner ids, by user index.
    pub users: Vec<String>,
    /// The courses, by item index.
    pub catalog: Catalog,
    /// Learners × courses, each pair's strongest event weight.
    pub matrix: Csr,
    /// Time (ms) of each pair's latest event, aligned with `matrix.indices` (0 when unknown).
    pub last_ms: Vec<i64>,
    /// Time (ms) of each pair's first event, aligned with `matrix.indices` (0 when unknown):
    /// the order in which courses were started, for learning paths.
    pub first_ms: Vec<i64>,
    /// Whether `last_ms` orders the pairs (false for pair files without a `ts` column).
    pub ordered: bool,
    /// Courses each learner bought, enrolled in or completed (sorted): never recommended.
    pub owned: Vec<Vec<u32>>,
    /// The learners' attribute columns from `users`, for demographic groups.
    pub attributes: Vec<crate::profile::Attribute>,
    /// User index of each learner id.
    user_index: AHashMap<String, u32>,
}

/// The attribute used for cold-start groups when no segments are given.
pub const DEFAULT_GROUP_ATTRIBUTE: &str = "occupation";

impl Interactions {
    /// The courses, these learners' groups and (when known) the order of their events: what
    /// models are fitted with.
    pub fn context<'a>(&'a self, groups: Option<&'a Groups>) -> super::recommender::Context<'a> {
        super::recommender::Context {
            catalog: &self.catalog,
            groups,
            order: self.ordered.then_some(super::recommender::Order {
                matrix: &self.matrix,
                times: &self.last_ms,
            }),
        }
    }

    /// The row of learner `id`.
    pub fn user(&self, id: &str) -> Option<usize> {
        self.user_index.get(id).map(|&u| u as usize)
    }

    /// Groups by one of the learners' attribute columns (`None` if there is no such column).
    pub fn groups_by(&self, attribute: &str) -> Option<Groups> {
        let a = self.attributes.iter().find(|a| a.name == attribute)?;
        let values: Vec<Option<Text>> = a.values().map(|v| v.map(Text::from)).collect();
        Some(Groups::from_labels(values.iter().map(Option::as_ref)))
    }
}

/// Attribute columns offered for cold-start groups.
const GROUP_ATTRIBUTES: &[&str] = &["occupation", "city", "education", "gender", "channel"];

/// The interactions of one dataset, built once for each strengths and shared by everything
/// that asks for the same while the first are still held: two jobs of the window's
/// recommender starting together hold one copy (0.55 GB at a million learners), not two.
#[derive(Debug, Clone, Default)]
pub struct SharedInteractions(Arc<Mutex<Vec<Held>>>);

/// Interactions someone holds, and the strengths they were built with.
type Held = (Strengths, Weak<Interactions>);

impl SharedInteractions {
    /// The interactions of `ds` with `strengths`: the held ones when any are, else built now.
    /// `ds` must be the dataset every earlier call was made with.
    pub fn get(&self, ds: &Dataset, strengths: &Strengths) -> Arc<Interactions> {
        let mut held = self.0.lock().unwrap_or_else(|e| e.into_inner());
        held.retain(|(_, it)| it.strong_count() > 0);
        if let Some(it) = held
            .iter()
            .find(|(s, _)| s == strengths)
            .and_then(|(_, it)| it.upgrade())
        {
            return it;
        }
        // Built under the lock: a second caller waits for these instead of building its own.
        let it = Arc::new(from_dataset(ds, strengths));
        held.push((*strengths, Arc::downgrade(&it)));
        it
    }
}

/// Builds the interactions of a dataset: every learner of `users` (or of `events` when there
/// is no users table) and every course of `courses` or `events`.
pub fn from_dataset(ds: &Dataset, strengths: &Strengths) -> Interactions {
    let mut it = Interactions::default();
    let mut user_index: AHashMap<String, u32> = AHashMap::new();
    if let Some(users) = ds.frame(TableKind::Users) {
        if let Some(ids) = str_col(users, "user_id") {
            for id in ids.iter().flatten() {
                user_index.entry(id.to_string()).or_insert_with(|| {
                    it.users.push(id.to_string());
                    (it.users.len() - 1) as u32
                });
            }
        }
        for &name in GROUP_ATTRIBUTES {
            if let Some(col) = str_col(users, name) {
                let all = col.len();
                it.attributes
                    .push(crate::profile::Attribute::of_column(name, col, all));
            }
        }
    }
    let (catalog, mut item_index) = Catalog::of_courses(ds);
    it.catalog = catalog;
    let users_known = !it.users.is_empty();
    // One entry per event; sorted by (learner, course) and merged below.
    let mut events: Vec<PairEvent> = Vec::new();
    if let Some(ev) = ds.frame(TableKind::Events) {
        let (Some(uid), Some(cid), Some(kind)) = (
            str_col(ev, "user_id"),
            str_col(ev, "course_id"),
            str_col(ev, "event"),
        ) else {
            it.user_index = user_index;
            return finish(it, events);
        };
        let ts = ms_col(ev, "ts");
        let rating = f64_col(ev, "rating");
        let times = each_row(ts.as_ref().map(|c| c.iter()));
        let ratings = each_row(rating.as_ref().map(|c| c.iter()));
        events.reserve(ev.height());
        for (((u, c), e), (t, r)) in uid
            .iter()
            .zip(cid.iter())
            .zip(kind.iter())
            .zip(times.zip(ratings))
        {
            let (Some(u), Some(c), Some(e)) = (u, c, e) else {
                continue;
            };
            let u = match user_index.get(u) {
                Some(&u) => u,
                None if users_known => continue,
                None => {
                    it.users.push(u.to_string());
                    user_index.insert(u.to_string(), (it.users.len() - 1) as u32);
                    (it.users.len() - 1) as u32
                }
            };
            let c = match item_index.get(c) {
                Some(&c) => c,
                None => {
                    let i = it.catalog.push(c);
                    item_index.insert(c.to_string(), i);
                    i
                }
            };
            let flags = match e {
                "enroll" | "complete" => KEPT,
                "purchase" => BOUGHT,
                "refund" => REFUNDED,
                _ => 0,
            };
            events.push(PairEvent {
                user: u,
                item: c,
                weight: strengths.weight(e, r).unwrap_or(0.0),
                ms: t.unwrap_or(0),
                flags,
            });
        }
    }
    it.user_index = user_index;
    finish(it, events)
}

/// Enrolled in or completed the course.
const KEPT: u8 = 1;
/// Paid for the course.
const BOUGHT: u8 = 2;
/// Got the money back.
const REFUNDED: u8 = 4;

/// One event of a learner on a course, as far as recommendations care.
struct PairEvent {
    user: u32,
    item: u32,
    weight: f32,
    ms: i64,
    flags: u8,
}

/// Merges the events of each learner–course pair: the largest weight, the latest time, and
/// ownership (enrolled or completed, or bought and not refunded). Pairs whose only events
/// carry no interest (refunds) are dropped.
fn finish(mut it: Interactions, mut events: Vec<PairEvent>) -> Interactions {
    events.sort_unstable_by_key(|e| (e.user, e.item));
    let (n_users, n_items) = (it.users.len(), it.catalog.len());
    let mut indptr = vec![0usize; n_users + 1];
    let mut indices = Vec::new();
    let mut data = Vec::new();
    it.last_ms.clear();
    it.first_ms.clear();
    it.ordered = true;
    it.owned = vec![Vec::new(); n_users];
    for pair in events.chunk_by(|a, b| (a.user, a.item) == (b.user, b.item)) {
        let (u, i) = (pair[0].user, pair[0].item);
        let flags = pair.iter().fold(0, |f, e| f | e.flags);
        if flags & KEPT != 0 || (flags & BOUGHT != 0 && flags & REFUNDED == 0) {
            it.owned[u as usize].push(i);
        }
        let weight = pair.iter().map(|e| e.weight).fold(0.0, f32::max);
        if weight <= 0.0 {
            continue;
        }
        indices.push(i);
        data.push(weight);
        it.last_ms
            .push(pair.iter().map(|e| e.ms).max().unwrap_or(0));
        it.first_ms
            .push(pair.iter().map(|e| e.ms).min().unwrap_or(0));
        indptr[u as usize + 1] += 1;
    }
    for r in 0..n_users {
        indptr[r + 1] += indptr[r];
    }
    it.matrix = Csr {
        n_cols: n_items,
        indptr,
        indices,
        data,
    };
    it
}

/// Learner, course, weight and (when given) time of one line of a pair file.
type PairEntry = (u32, u32, f32, Option<i64>);

/// A train/test pair read from two `user_id,course_id[,weight][,ts]` files over one shared
/// index. `ts` (in the training file) orders a learner's courses for the sequence models: any
/// increasing whole number, or a date or time as the data contract reads it.
pub fn from_pair_files(train: &Path, test: &Path) -> crate::error::Result<(Interactions, Csr)> {
    let mut it = Interactions::default();
    let mut users: AHashMap<String, u32> = AHashMap::new();
    let mut items: AHashMap<String, u32> = AHashMap::new();
    let mut read = |path: &Path| -> crate::error::Result<Vec<PairEntry>> {
        let mut rdr = csv::ReaderBuilder::new()
            .flexible(true)
            .from_path(path)
            .map_err(|e| {
                crate::error::Error::input(
                    format!("{}：无法读取：{e}", path.display()),
                    format!("{}: cannot be read: {e}", path.display()),
                )
            })?;
        let header = rdr
            .headers()
            .map_err(|e| {
                crate::error::Error::input(
                    format!("{}：第 1 行：{e}", path.display()),
                    format!("{}: line 1: {e}", path.display()),
                )
            })?
            .clone();
        let col = |name: &str| header.iter().position(|h| h.trim() == name);
        let (Some(ucol), Some(icol)) = (col("user_id"), col("course_id").or(col("item_id"))) else {
            return Err(crate::error::Error::input(
                format!(
                    "{}：第 1 行：需要 `user_id` 和 `course_id` 列",
                    path.display()
                ),
                format!(
                    "{}: line 1: needs columns `user_id` and `course_id`",
                    path.display()
                ),
            ));
        };
        let wcol = col("weight").or(col("rating"));
        let tcol = col("ts").or(col("timestamp"));
        let mut out = Vec::new();
        for (n, rec) in rdr.records().enumerate() {
            let line = n + 2;
            let rec = rec.map_err(|e| {
                crate::error::Error::input(
                    format!("{}：第 {line} 行：{e}", path.display()),
                    format!("{}: line {line}: {e}", path.display()),
                )
            })?;
            let field = |c: usize, name: &str| {
                rec.get(c).filter(|v| !v.trim().is_empty()).ok_or_else(|| {
                    crate::error::Error::input(
                        format!("{}：第 {line} 行：`{name}` 列为空", path.display()),
                        format!("{}: line {line}: column `{name}` is empty", path.display()),
                    )
                })
            };
            let u = field(ucol, "user_id")?.trim();
            let i = field(icol, "course_id")?.trim();
            let w = match wcol {
                Some(c) => field(c, "weight")?.trim().parse::<f32>().map_err(|_| {
                    crate::error::Error::input(
                        format!("{}：第 {line} 行：`weight` 列不是数字", path.display()),
                        format!(
                            "{}: line {line}: column `weight` is not a number",
                            path.display()
                        ),
                    )
                })?,
                None => 1.0,
            };
            let ts = match tcol {
                Some(c) => {
                    let v = field(c, "ts")?.trim();
                    Some(
                        v.parse::<i64>()
                            .ok()
                            .or_else(|| crate::data::cells::parse_timestamp(v, None).ok())
                            .ok_or_else(|| {
                                let v = crate::data::cells::shortened(v, 40);
                                crate::error::Error::input(
                                    format!(
                                        "{}：第 {line} 行：`ts` 列既不是整数也不是日期或时间：`{v}`",
                                        path.display()
                                    ),
                                    format!(
                                        "{}: line {line}: column `ts` is neither a whole number \
                                         nor a date or time: `{v}`",
                                        path.display()
                                    ),
                                )
                            })?,
                    )
                }
                None => None,
            };
            let u = *users.entry(u.to_string()).or_insert_with(|| {
                it.users.push(u.to_string());
                (it.users.len() - 1) as u32
            });
            let i = *items
                .entry(i.to_string())
                .or_insert_with(|| it.catalog.push(i));
            out.push((u, i, w, ts));
        }
        Ok(out)
    };
    let train_entries = read(train)?;
    let test_entries = read(test)?;
    let (nu, ni) = (it.users.len(), it.catalog.len());
    it.ordered = !train_entries.is_empty() && train_entries.iter().all(|e| e.3.is_some());
    let mut latest: AHashMap<(u32, u32), i64> = AHashMap::new();
    for &(u, i, _, ts) in &train_entries {
        let t = latest.entry((u, i)).or_insert(i64::MIN);
        *t = (*t).max(ts.unwrap_or(0));
    }
    let pairs =
        |entries: Vec<PairEntry>| entries.into_iter().map(|(u, i, w, _)| (u, i, w)).collect();
    it.matrix = Csr::from_entries(nu, ni, pairs(train_entries));
    it.last_ms = (0..nu)
        .flat_map(|u| {
            let latest = &latest;
            it.matrix
                .row(u)
                .0
                .iter()
                .map(move |&i| latest[&(u as u32, i)])
        })
        .collect();
    it.owned = vec![Vec::new(); nu];
    it.user_index = users;
    Ok((it, Csr::from_entries(nu, ni, pairs(test_entries))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strengths_parse_named_events_and_reject_others() {
        let s = Strengths::parse("purchase=8, view=0.5").unwrap();
        assert_eq!((s.purchase, s.view, s.click), (8.0, 0.5, 2.0));
        assert!(
            Strengths::parse("buy=3")
                .unwrap_err()
                .to_string()
                .contains("buy")
        );
        assert!(Strengths::parse("view=-1").is_err());
        assert!(Strengths::parse("view").is_err());
    }
}
