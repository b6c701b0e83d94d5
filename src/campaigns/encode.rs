//! Impressions as sparse feature rows: the learner's attributes (one-hot), the learner's
//! history *as of the impression* (recency, frequency, money, interests, whether they saw or
//! own this course: see [`super::history`]), the course (category, level, price), the
//! context (placement, channel, hour, weekday) and learner × course crosses through the
//! hashing trick.

use super::history::{CourseFacts, Histories, Past};
use super::keys::LearnerKeys;
use crate::data::cells::MS_PER_DAY;
use crate::data::columns::{bool_col, each_row, f64_col, map_text, ms_col, str_col};
use crate::data::{Dataset, TableKind};
use crate::math::Csr;
use crate::math::mean_sd;
use crate::profile::features::LearnerAttributes;
use ahash::AHashMap;
use rayon::prelude::*;

/// Hashed cross features go into this many buckets (2¹⁸): collisions stay rare for the few
/// thousand crosses a course business has, and the weight vector stays small.
pub const CROSS_BUCKETS: u32 = 1 << 18;

/// Hours of the day are binned into blocks of this many hours.
const HOUR_BIN: u32 = 4;

/// Attribute pairs crossed with the course category (learner side × course side).
const CATEGORY_CROSSES: &[&str] = &["occupation", "age_band", "city", "gender", "education"];

/// FNV-1a, so bucket numbers are the same on every machine and run.
pub(crate) fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// An age band for crosses: under 25, 25–34, 35–44, 45 and over.
pub fn age_band(age: f64) -> &'static str {
    match age {
        a if a < 25.0 => "<25",
        a if a < 35.0 => "25-34",
        a if a < 45.0 => "35-44",
        _ => ">=45",
    }
}

/// A price band: free, under 100, under 500, 500 and over.
pub fn price_band(price: f64) -> &'static str {
    match price {
        p if p <= 0.0 => "free",
        p if p < 100.0 => "<100",
        p if p < 500.0 => "100-499",
        _ => ">=500",
    }
}

/// Names of the time columns of a moment: its 4-hour block, weekday and, from 19 to 23 h,
/// evening.
fn time_names(ms: i64) -> Vec<String> {
    let hour = (ms.rem_euclid(MS_PER_DAY) / 3_600_000) as u32;
    // 1970-01-01 was a Thursday: weekday 0 = Monday.
    let weekday = (ms.div_euclid(MS_PER_DAY) + 3).rem_euclid(7);
    let bin = hour / HOUR_BIN * HOUR_BIN;
    let mut names = vec![
        format!("context:hour={bin:02}-{:02}", bin + HOUR_BIN - 1),
        format!("context:weekday={}", weekday + 1),
    ];
    if (19..=23).contains(&hour) {
        names.push("context:evening(19-23h)".into());
    }
    names
}

/// Where and when an impression is shown.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// Placement (e.g. 首页推荐).
    pub placement: Option<String>,
    /// Channel.
    pub channel: Option<String>,
    /// Time (ms since the epoch); `None` uses the training mix of hours and weekdays.
    pub ms: Option<i64>,
}

/// One learner's or one course's part of a row: `(column, value)` pairs.
type Part = Vec<(u32, f32)>;

/// Columns of the learner's history, read from a [`Past`] as of the row's moment.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
struct HistoryColumns {
    recency: u32,
    no_history: u32,
    active_14d: u32,
    tenure: u32,
    frequency: u32,
    monetary: u32,
    active_days: u32,
    events_per_day: u32,
    watch: u32,
    completion: u32,
    paid_vs_list: u32,
    cheap_share: u32,
    mean_list_price: u32,
    /// `interest:<category>` per category index.
    interests: Vec<u32>,
    category_share: u32,
    seen_course: u32,
    owns_course: u32,
}

/// A learner counts as price-sensitive for the price-band cross when at least this share of
/// their purchases so far were cheap.
const PRICE_SENSITIVE_SHARE: f64 = 0.5;

/// Turns learners, courses, contexts and learner histories into feature rows; fitted on a
/// dataset. Learner attributes (occupation, age, …) are static; everything a learner did is
/// read from their history as of the row's moment.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Encoder {
    /// Names of the named (non-hashed) columns, in column order.
    pub names: Vec<String>,
    index: AHashMap<String, u32>,
    /// Multiplier of each named column (1, or 1 / its training standard deviation for a
    /// history column: see [`Encoder::fit_scale`]).
    scale: Vec<f32>,
    /// Learner ids, by learner index.
    pub learner_ids: Vec<String>,
    /// Learner index by id.
    pub learner_index: AHashMap<String, u32>,
    /// Static attribute columns of each learner (one-hots 0/1, age standardised).
    learners: Vec<Part>,
    /// Cross keys of each learner (e.g. `occupation=学生`).
    learner_keys: LearnerKeys,
    /// Sign-up time of each learner.
    signup_ms: Vec<Option<i64>>,
    /// Course ids, by course index.
    pub course_ids: Vec<String>,
    /// Course index by id.
    pub course_index: AHashMap<String, u32>,
    courses: Vec<Part>,
    course_category: Vec<String>,
    course_price: Vec<f64>,
    /// Categories and list prices, for learner histories.
    pub facts: CourseFacts,
    history: HistoryColumns,
    /// Share of training impressions in each hour bin and weekday (for contexts without time).
    time_mix: Part,
    /// Placements seen in the impressions, by name, with how often each was used.
    pub placements: Vec<(String, usize)>,
    /// A readable name for each hashed bucket that was used.
    pub cross_names: AHashMap<u32, String>,
}

impl Encoder {
    /// Number of columns (named and hashed).
    pub fn n_features(&self) -> usize {
        self.names.len() + CROSS_BUCKETS as usize
    }

    /// A readable name for column `j`.
    pub fn feature_name(&self, j: usize) -> String {
        match self.names.get(j) {
            Some(n) => n.clone(),
            None => {
                let bucket = (j - self.names.len()) as u32;
                self.cross_names
                    .get(&bucket)
                    .cloned()
                    .unwrap_or_else(|| format!("cross#{bucket}"))
            }
        }
    }

    fn named(&mut self, name: String) -> u32 {
        let next = self.names.len() as u32;
        *self.index.entry(name.clone()).or_insert_with(|| {
            self.names.push(name);
            self.scale.push(1.0);
            next
        })
    }

    /// Index of a learner id.
    pub fn learner(&self, id: &str) -> Option<u32> {
        self.learner_index.get(id).copied()
    }

    /// Index of a course id.
    pub fn course(&self, id: &str) -> Option<u32> {
        self.course_index.get(id).copied()
    }

    /// Builds the static learner parts from the learners' attributes, the course parts from
    /// the courses table, and the history and context columns.
    pub fn fit(ds: &Dataset, learners: &LearnerAttributes) -> Encoder {
        let n = learners.user_ids.len();
        let mut e = Encoder {
            names: Vec::new(),
            index: AHashMap::new(),
            scale: Vec::new(),
            learner_ids: learners.user_ids.clone(),
            learner_index: learners
                .user_ids
                .iter()
                .enumerate()
                .map(|(i, u)| (u.clone(), i as u32))
                .collect(),
            learners: vec![Vec::new(); n],
            learner_keys: LearnerKeys::default(),
            signup_ms: vec![None; n],
            course_ids: Vec::new(),
            course_index: AHashMap::new(),
            courses: Vec::new(),
            course_category: Vec::new(),
            course_price: Vec::new(),
            facts: CourseFacts::default(),
            history: HistoryColumns::default(),
            time_mix: Vec::new(),
            placements: Vec::new(),
            cross_names: AHashMap::new(),
        };
        for f in learners.age.iter().chain(&learners.one_hots) {
            let col = e.named(format!("learner:{}", f.name));
            let one_hot = f.name.contains('=');
            let (mean, sd) = mean_sd(&f.values);
            for (part, &v) in e.learners.iter_mut().zip(&f.values) {
                let x = match (one_hot, sd > 0.0) {
                    (true, _) => v,
                    (false, true) => ((v - mean) / sd).clamp(-5.0, 5.0),
                    (false, false) => 0.0,
                };
                if x != 0.0 {
                    part.push((col, x as f32));
                }
            }
        }
        // Each attribute's keys are named once, by level.
        let crossed: Vec<(&crate::profile::Attribute, Vec<String>)> = learners
            .attributes
            .iter()
            .filter(|a| {
                ["occupation", "city", "gender", "education", "device"].contains(&a.name.as_str())
            })
            .map(|a| {
                (
                    a,
                    a.levels.iter().map(|v| format!("{}={v}", a.name)).collect(),
                )
            })
            .collect();
        e.learner_keys = LearnerKeys::build(n, |l, push| {
            for (a, keys) in &crossed {
                if let Some(level) = a.level(l) {
                    push(&keys[level]);
                }
            }
            if let Some(&age) = learners.age.as_ref().and_then(|age| age.values.get(l))
                && age > 0.0
            {
                push(&format!("age_band={}", age_band(age)));
            }
        });
        if let Some(users) = ds.frame(TableKind::Users)
            && let (Some(ids), Some(signup)) =
                (str_col(users, "user_id"), ms_col(users, "signup_date"))
        {
            for (id, s) in ids.iter().zip(signup.iter()) {
                if let (Some(l), Some(s)) = (id.and_then(|id| e.learner(id)), s) {
                    e.signup_ms[l as usize] = Some(s);
                }
            }
        }
        e.fit_courses(ds);
        e.fit_history_columns();
        if let Some(imp) = ds.frame(TableKind::Impressions) {
            for kind in ["placement", "channel"] {
                if let Some(col) = str_col(imp, kind) {
                    let mut counts: AHashMap<&str, usize> = AHashMap::new();
                    for v in col.iter().flatten() {
                        *counts.entry(v).or_default() += 1;
                    }
                    let mut seen: Vec<(&str, usize)> = counts.into_iter().collect();
                    seen.sort_unstable();
                    for (value, count) in seen {
                        e.named(format!("context:{kind}={value}"));
                        if kind == "placement" {
                            e.placements.push((value.to_string(), count));
                        }
                    }
                }
            }
            // Impressions per hour of the week, counted first; the columns are then named in
            // the order the hours first appear, as one pass over the impressions would.
            let mut hours: Vec<(i64, f64)> = Vec::new();
            let mut slot_of = [usize::MAX; 7 * 24];
            if let Some(ts) = ms_col(imp, "ts") {
                for t in ts.iter().flatten() {
                    let hour_of_week = t.div_euclid(3_600_000).rem_euclid(7 * 24) as usize;
                    let slot = &mut slot_of[hour_of_week];
                    if *slot == usize::MAX {
                        *slot = hours.len();
                        hours.push((t, 0.0));
                    }
                    hours[*slot].1 += 1.0;
                }
            }
            let n: f64 = hours.iter().map(|h| h.1).sum();
            let mut mix: AHashMap<u32, f64> = AHashMap::new();
            for (t, count) in hours {
                for (col, v) in e.time_part(t) {
                    *mix.entry(col).or_default() += f64::from(v) * count;
                }
            }
            let mut mix: Part = mix
                .into_iter()
                .map(|(c, v)| (c, (v / n.max(1.0)) as f32))
                .collect();
            mix.sort_unstable_by_key(|p| p.0);
            e.time_mix = mix;
        }
        e
    }

    fn fit_courses(&mut self, ds: &Dataset) {
        let Some(courses) = ds.frame(TableKind::Courses) else {
            return;
        };
        let ids = str_col(courses, "course_id");
        let cats = str_col(courses, "category");
        let levels = str_col(courses, "level");
        let prices = f64_col(courses, "price");
        let log_prices: Vec<f64> = (0..courses.height())
            .map(|r| {
                prices
                    .as_ref()
                    .and_then(|p| p.get(r))
                    .unwrap_or(0.0)
                    .ln_1p()
            })
            .collect();
        let (mean, sd) = mean_sd(&log_prices);
        let sd = sd.max(1e-9);
        let price_col = self.named("course:log1p(price)".into());
        let mut categories: Vec<String> = Vec::new();
        for (r, lp) in log_prices.iter().enumerate() {
            let Some(id) = ids.and_then(|c| c.get(r)) else {
                continue;
            };
            let mut part = vec![(price_col, ((lp - mean) / sd) as f32)];
            let cat = cats.and_then(|c| c.get(r)).unwrap_or("").to_string();
            let cat_index = (!cat.is_empty()).then(|| {
                categories
                    .iter()
                    .position(|c| *c == cat)
                    .unwrap_or_else(|| {
                        categories.push(cat.clone());
                        categories.len() - 1
                    }) as u32
            });
            if !cat.is_empty() {
                part.push((self.named(format!("course:category={cat}")), 1.0));
            }
            if let Some(level) = levels.and_then(|c| c.get(r)) {
                part.push((self.named(format!("course:level={level}")), 1.0));
            }
            let list = prices.as_ref().and_then(|p| p.get(r));
            let price = list.unwrap_or(0.0);
            part.push((
                self.named(format!("course:price={}", price_band(price))),
                1.0,
            ));
            part.sort_unstable_by_key(|p| p.0);
            self.course_index
                .insert(id.to_string(), self.course_ids.len() as u32);
            self.course_ids.push(id.to_string());
            self.courses.push(part);
            self.course_category.push(cat);
            self.course_price.push(price);
            self.facts.category.push(cat_index);
            self.facts.price.push(list);
        }
        self.facts.n_categories = categories.len();
        self.history.interests = categories
            .iter()
            .map(|c| self.named(format!("learner:interest:{c}")))
            .collect();
    }

    fn fit_history_columns(&mut self) {
        let interests = std::mem::take(&mut self.history.interests);
        let mut col = |name: &str| self.named(name.to_string());
        let h = HistoryColumns {
            recency: col("learner:log1p(days_since_last_event)"),
            no_history: col("learner:no_history"),
            active_14d: col("learner:active_last_14_days"),
            tenure: col("learner:log1p(days_since_signup)"),
            frequency: col("learner:log1p(enrolments_and_purchases)"),
            monetary: col("learner:log1p(money_paid)"),
            active_days: col("learner:log1p(active_days)"),
            events_per_day: col("learner:events_per_active_day"),
            watch: col("learner:log1p(watch_hours)"),
            completion: col("learner:completion_rate"),
            paid_vs_list: col("learner:paid_vs_list"),
            cheap_share: col("learner:cheap_share"),
            mean_list_price: col("learner:log1p(mean_list_price)"),
            interests,
            category_share: col("pair:share_of_past_activity_in_category"),
            seen_course: col("pair:viewed_or_clicked_before"),
            owns_course: col("pair:owns_course"),
        };
        self.history = h;
    }

    /// The history columns whose values are continuous (scaled by [`Encoder::fit_scale`]).
    fn continuous_history_columns(&self) -> Vec<u32> {
        let h = &self.history;
        let mut cols = vec![
            h.recency,
            h.tenure,
            h.frequency,
            h.monetary,
            h.active_days,
            h.events_per_day,
            h.watch,
            h.completion,
            h.paid_vs_list,
            h.cheap_share,
            h.mean_list_price,
            h.category_share,
        ];
        cols.extend(&h.interests);
        cols
    }

    /// Scales each continuous history column by 1 / its standard deviation over the training
    /// rows (zeros included; no centring, so rows stay sparse), in `x` and for every later
    /// row.
    pub fn fit_scale(&mut self, x: &mut Csr, train_rows: &[usize]) {
        let cols = self.continuous_history_columns();
        let n = train_rows.len().max(1) as f64;
        let mut sums: AHashMap<u32, (f64, f64)> = cols.iter().map(|&c| (c, (0.0, 0.0))).collect();
        for &r in train_rows {
            let (idx, vals) = x.row(r);
            for (j, v) in idx.iter().zip(vals) {
                if let Some(s) = sums.get_mut(j) {
                    s.0 += f64::from(*v);
                    s.1 += f64::from(*v) * f64::from(*v);
                }
            }
        }
        for (&c, &(sum, sq)) in &sums {
            let mean = sum / n;
            let sd = (sq / n - mean * mean).max(0.0).sqrt();
            self.scale[c as usize] = if sd > 1e-9 { (1.0 / sd) as f32 } else { 1.0 };
        }
        for (j, v) in x.indices.iter().zip(x.data.iter_mut()) {
            if let Some(s) = self.scale.get(*j as usize) {
                *v *= s;
            }
        }
    }

    /// The most used placement: the default context for targeting.
    pub fn default_placement(&self) -> Option<&str> {
        self.placements
            .iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
            .map(|p| p.0.as_str())
    }

    /// Hour-bin, evening and weekday columns of a time (registering them on first use).
    fn time_part(&mut self, ms: i64) -> Part {
        time_names(ms)
            .into_iter()
            .map(|n| (self.named(n), 1.0))
            .collect()
    }

    /// [`Encoder::time_part`] for a fitted encoder: columns it never saw are left out.
    fn time_part_known(&self, ms: i64) -> Part {
        time_names(ms)
            .into_iter()
            .filter_map(|n| self.index.get(&n).map(|&c| (c, 1.0)))
            .collect()
    }

    /// The cross keys of a learner–course pair in a context (before hashing).
    fn cross_keys(&self, learner: u32, course: u32, ctx: &Context, past: &Past) -> Vec<String> {
        let cat = &self.course_category[course as usize];
        let mut keys = Vec::new();
        for k in self.learner_keys.of(learner as usize) {
            let attr = k.split('=').next().unwrap_or("");
            if CATEGORY_CROSSES.contains(&attr) && !cat.is_empty() {
                keys.push(format!("{k}×category={cat}"));
            }
            if attr == "device"
                && let Some(p) = &ctx.placement
            {
                keys.push(format!("{k}×placement={p}"));
            }
        }
        let sensitivity = if past.cheap_share() >= PRICE_SENSITIVE_SHARE {
            "high"
        } else {
            "low"
        };
        keys.push(format!(
            "price={}×price_sensitivity={sensitivity}",
            price_band(self.course_price[course as usize])
        ));
        keys
    }

    /// The history part of a row: what `past` (the learner's events before `at_ms`) says,
    /// scaled.
    fn history_part(&self, learner: u32, course: u32, past: &Past, at_ms: i64) -> Part {
        let h = &self.history;
        let mut part: Part = Vec::with_capacity(20);
        let mut put = |col: u32, v: f64| {
            if v != 0.0 && v.is_finite() {
                part.push((col, v as f32 * self.scale[col as usize]));
            }
        };
        match past.days_since_last(at_ms) {
            Some(d) => {
                put(h.recency, d.ln_1p());
                put(h.active_14d, f64::from(u8::from(d <= 14.0)));
            }
            None => put(h.no_history, 1.0),
        }
        if let Some(s) = self.signup_ms[learner as usize] {
            put(
                h.tenure,
                ((at_ms - s) as f64 / MS_PER_DAY as f64).max(0.0).ln_1p(),
            );
        }
        put(h.frequency, past.frequency.ln_1p());
        put(h.monetary, past.monetary.max(0.0).ln_1p());
        put(h.active_days, past.active_days.ln_1p());
        put(
            h.events_per_day,
            if past.active_days > 0.0 {
                past.events / past.active_days
            } else {
                0.0
            },
        );
        put(h.watch, past.watch_hours().ln_1p());
        put(h.completion, past.completion_rate());
        put(h.paid_vs_list, past.paid_vs_list());
        put(h.cheap_share, past.cheap_share());
        put(h.mean_list_price, past.mean_list_price().ln_1p());
        for (c, &col) in h.interests.iter().enumerate() {
            put(col, past.category_share(c as u32));
        }
        if let Some(c) = self.facts.category.get(course as usize).copied().flatten() {
            put(h.category_share, past.category_share(c));
        }
        put(h.seen_course, f64::from(u8::from(past.seen(course))));
        put(h.owns_course, f64::from(u8::from(past.owns(course))));
        part
    }

    /// The feature row of one learner–course pair in a context, given the learner's history
    /// as of `at_ms` (`past` must hold only events before it): `(column, value)` sorted.
    pub fn row(
        &self,
        learner: u32,
        course: u32,
        ctx: &Context,
        past: &Past,
        at_ms: i64,
    ) -> Vec<(u32, f32)> {
        self.row_with_names(learner, course, ctx, past, at_ms, &mut None)
    }

    /// [`Encoder::row`], also recording in `names_out` a readable name for each hashed bucket.
    fn row_with_names(
        &self,
        learner: u32,
        course: u32,
        ctx: &Context,
        past: &Past,
        at_ms: i64,
        names_out: &mut Option<&mut AHashMap<u32, String>>,
    ) -> Vec<(u32, f32)> {
        let mut row: Vec<(u32, f32)> = Vec::with_capacity(64);
        row.extend_from_slice(&self.learners[learner as usize]);
        row.extend_from_slice(&self.courses[course as usize]);
        row.extend(self.history_part(learner, course, past, at_ms));
        for (kind, v) in [("placement", &ctx.placement), ("channel", &ctx.channel)] {
            if let Some(v) = v
                && let Some(&c) = self.index.get(&format!("context:{kind}={v}"))
            {
                row.push((c, 1.0));
            }
        }
        match ctx.ms {
            Some(ms) => row.extend(self.time_part_known(ms)),
            None => row.extend_from_slice(&self.time_mix),
        }
        let base = self.names.len() as u32;
        for key in self.cross_keys(learner, course, ctx, past) {
            let bucket = (fnv1a(&key) % u64::from(CROSS_BUCKETS)) as u32;
            if let Some(names) = names_out.as_mut() {
                names.entry(bucket).or_insert(key);
            }
            row.push((base + bucket, 1.0));
        }
        row.sort_unstable_by_key(|p| p.0);
        // Two crosses hashing to one bucket add up.
        row.dedup_by(|b, a| {
            if a.0 == b.0 {
                a.1 += b.1;
                true
            } else {
                false
            }
        });
        row
    }

    /// Every learner's history summed up to `at_ms` (events strictly before it; `None` = all
    /// events), in learner order.
    pub fn pasts_at(&self, histories: &Histories, at_ms: Option<i64>) -> Vec<Past> {
        (0..self.learner_ids.len() as u32)
            .into_par_iter()
            .map(|l| {
                let mut past = Past::default();
                for e in histories.of(l) {
                    if at_ms.is_some_and(|t| e.ms >= t) {
                        break;
                    }
                    past.add(e, &self.facts);
                }
                past
            })
            .collect()
    }
}

/// Impressions encoded as a design matrix with labels.
#[derive(Debug, Clone)]
pub struct Design {
    /// Feature rows.
    pub x: Csr,
    /// 1 for a click (or conversion), else 0.
    pub y: Vec<f32>,
    /// Impression time (ms), 0 when unknown.
    pub ms: Vec<i64>,
    /// Learner index of each row.
    pub learner: Vec<u32>,
    /// Course index of each row.
    pub course: Vec<u32>,
    /// Clicked (for conversion models trained on clicks).
    pub clicked: Vec<bool>,
    /// Converted, 1 or 0.
    pub converted: Vec<f32>,
    /// Rows of the impressions table that could not be encoded (unknown learner or course,
    /// or no time).
    pub skipped: usize,
}

/// What a model predicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    /// The impression was clicked.
    Clicked,
    /// The impression led to a purchase.
    Converted,
}

impl crate::choice::Choice for Target {
    const ALL: &'static [Target] = &[Target::Clicked, Target::Converted];

    fn name(self) -> &'static str {
        match self {
            Target::Clicked => "clicked",
            Target::Converted => "converted",
        }
    }
}

/// One impression of a known learner and course, with its outcomes.
#[derive(Debug, Clone, Copy)]
pub struct Shown {
    /// Learner index.
    pub learner: u32,
    /// Course index.
    pub course: u32,
    /// Time (ms).
    pub ms: i64,
    /// Row in the impressions table (four bytes: rows past the 4,294,967,295th, which would
    /// take hundreds of gigabytes to load, are counted as skipped).
    pub row: u32,
    /// Clicked.
    pub clicked: bool,
    /// Converted.
    pub converted: bool,
}

impl Shown {
    /// Whether the impression is a positive example of `target`.
    pub fn positive(&self, target: Target) -> bool {
        match target {
            Target::Clicked => self.clicked,
            Target::Converted => self.converted,
        }
    }
}

/// The impressions of a dataset whose learner, course and time are known, grouped by
/// learner in time order (ties in table order), and how many rows could not be used.
pub fn shown_impressions(ds: &Dataset, enc: &Encoder) -> (Vec<Shown>, usize) {
    let Some(imp) = ds.frame(TableKind::Impressions) else {
        return (Vec::new(), 0);
    };
    // Each row's learner and course, looked up once per distinct value of a coded column.
    let learner_of = map_text(
        imp,
        "user_id",
        |u| enc.learner(u).unwrap_or(u32::MAX),
        u32::MAX,
    );
    let course_of = map_text(
        imp,
        "course_id",
        |c| enc.course(c).unwrap_or(u32::MAX),
        u32::MAX,
    );
    let ts = ms_col(imp, "ts");
    let clicked = bool_col(imp, "clicked");
    let converted = bool_col(imp, "converted");
    let mut skipped = 0;
    let mut shown: Vec<Shown> = Vec::with_capacity(imp.height());
    let times = each_row(ts.as_ref().map(|c| c.iter()));
    for (r, ((&learner, &course), ms)) in learner_of.iter().zip(&course_of).zip(times).enumerate() {
        match (ms, u32::try_from(r)) {
            (Some(ms), Ok(row)) if learner != u32::MAX && course != u32::MAX => shown.push(Shown {
                learner,
                course,
                ms,
                row,
                clicked: clicked.and_then(|x| x.get(r)).unwrap_or(false),
                converted: converted.and_then(|x| x.get(r)).unwrap_or(false),
            }),
            _ => skipped += 1,
        }
    }
    // Rows are unique, so an unstable sort gives the same order without a stable sort's
    // buffer of half the impressions.
    shown.par_sort_unstable_by_key(|s| (s.learner, s.ms, s.row));
    (shown, skipped)
}

/// Impressions encoded per batch of learners (see [`encode_impressions`]).
const ENCODE_BATCH_ROWS: usize = 1 << 20;

/// Encodes impressions (from [`shown_impressions`], in its order) with the learner's history
/// *as of* the impression: events strictly before it, and for an impression at or after
/// `cut` (the test period of a time split) only events before the cut, as when a model
/// trained at the cut scores the weeks after it. Rows come in the order given; readable names
/// of the crosses used are recorded. `skipped` is carried into the design.
pub fn encode_impressions(
    ds: &Dataset,
    enc: &mut Encoder,
    histories: &Histories,
    shown: &[Shown],
    target: Target,
    cut: Option<i64>,
    skipped: usize,
) -> Design {
    let mut d = Design {
        x: Csr {
            n_cols: enc.n_features(),
            indptr: vec![0],
            indices: Vec::new(),
            data: Vec::new(),
        },
        y: Vec::new(),
        ms: Vec::new(),
        learner: Vec::new(),
        course: Vec::new(),
        clicked: Vec::new(),
        converted: Vec::new(),
        skipped,
    };
    let Some(imp) = ds.frame(TableKind::Impressions) else {
        return d;
    };
    let placement = str_col(imp, "placement");
    let channel = str_col(imp, "channel");
    let groups: Vec<&[Shown]> = shown.chunk_by(|a, b| a.learner == b.learner).collect();
    let mut names = std::mem::take(&mut enc.cross_names);
    let enc_ref: &Encoder = enc;
    d.x.indptr.reserve_exact(shown.len());
    // Learners are encoded in parallel, in blocks whose rows are appended in order, a batch
    // of learners at a time: only one batch's blocks exist beside the matrix, so memory stays
    // at the matrix's size (the first batch's entries per row size it, once).
    let mut batch_start = 0;
    while batch_start < groups.len() {
        let mut batch_end = batch_start;
        let mut batch_rows = 0;
        while batch_end < groups.len() && batch_rows < ENCODE_BATCH_ROWS {
            batch_rows += groups[batch_end].len();
            batch_end += 1;
        }
        let batch = &groups[batch_start..batch_end];
        batch_start = batch_end;
        let blocks: Vec<(Csr, AHashMap<u32, String>)> = batch
            .par_chunks(256)
            .map(|block| {
                let mut x = Csr {
                    n_cols: enc_ref.n_features(),
                    indptr: vec![0],
                    indices: Vec::new(),
                    data: Vec::new(),
                };
                let mut names = AHashMap::new();
                for group in block {
                    let events = histories.of(group[0].learner);
                    let mut past = Past::default();
                    let mut next = 0;
                    for s in group.iter() {
                        let as_of = cut.map_or(s.ms, |c| s.ms.min(c));
                        while next < events.len() && events[next].ms < as_of {
                            past.add(&events[next], &enc_ref.facts);
                            next += 1;
                        }
                        let ctx = Context {
                            placement: placement
                                .and_then(|p| p.get(s.row as usize))
                                .map(str::to_string),
                            channel: channel
                                .and_then(|c| c.get(s.row as usize))
                                .map(str::to_string),
                            ms: Some(s.ms),
                        };
                        let row = enc_ref.row_with_names(
                            s.learner,
                            s.course,
                            &ctx,
                            &past,
                            as_of,
                            &mut Some(&mut names),
                        );
                        x.indices.extend(row.iter().map(|p| p.0));
                        x.data.extend(row.iter().map(|p| p.1));
                        x.indptr.push(x.indices.len());
                    }
                }
                (x, names)
            })
            .collect();
        if d.x.indices.capacity() == 0 {
            let batch_nnz: usize = blocks.iter().map(|(x, _)| x.indices.len()).sum();
            let per_row = batch_nnz as f64 / batch_rows.max(1) as f64;
            let expected = (per_row * shown.len() as f64 * 1.02) as usize + 1024;
            d.x.indices.reserve_exact(expected);
            d.x.data.reserve_exact(expected);
        }
        for (x, block_names) in blocks {
            let offset = d.x.indices.len();
            d.x.indices.extend(x.indices);
            d.x.data.extend(x.data);
            d.x.indptr.extend(x.indptr[1..].iter().map(|p| p + offset));
            for (bucket, key) in block_names {
                names.entry(bucket).or_insert(key);
            }
        }
    }
    enc.cross_names = names;
    for s in shown {
        d.y.push(f32::from(u8::from(s.positive(target))));
        d.clicked.push(s.clicked);
        d.converted.push(f32::from(u8::from(s.converted)));
        d.ms.push(s.ms);
        d.learner.push(s.learner);
        d.course.push(s.course);
    }
    d
}
