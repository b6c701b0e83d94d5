//! Impressions as sparse feature rows: the learner's profile (attributes one-hot, behaviour
//! standardised), the course (category, level, price), the context (placement, channel, hour,
//! weekday) and learner × course crosses through the hashing trick.

use crate::data::cells::MS_PER_DAY;
use crate::data::columns::{bool_col, f64_col, ms_col, str_col};
use crate::data::{Dataset, TableKind};
use crate::profile::{LearnerTable, mean_sd};
use crate::recommend::sparse::Csr;
use ahash::AHashMap;

/// Hashed cross features go into this many buckets (2¹⁸): collisions stay rare for the few
/// thousand crosses a course business has, and the weight vector stays small.
pub const CROSS_BUCKETS: u32 = 1 << 18;

/// Hours of the day are binned into blocks of this many hours.
const HOUR_BIN: u32 = 4;

/// Attribute pairs crossed with the course category (learner side × course side).
const CATEGORY_CROSSES: &[&str] = &[
    "occupation",
    "age_band",
    "city",
    "gender",
    "education",
    "rfm",
];

/// FNV-1a, so bucket numbers are the same on every machine and run.
fn fnv1a(text: &str) -> u64 {
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

/// Turns learners, courses and contexts into feature rows; fitted on a dataset.
#[derive(Debug, Clone)]
pub struct Encoder {
    /// Names of the named (non-hashed) columns, in column order.
    pub names: Vec<String>,
    index: AHashMap<String, u32>,
    /// Learner ids, by learner index.
    pub learner_ids: Vec<String>,
    learner_index: AHashMap<String, u32>,
    learners: Vec<Part>,
    /// Cross keys of each learner (e.g. `occupation=学生`).
    learner_keys: Vec<Vec<String>>,
    /// Price-sensitive learners: cheap-course share over half a standard deviation above the
    /// mean (for the price band × price sensitivity cross).
    price_sensitive: Vec<bool>,
    /// Course ids, by course index.
    pub course_ids: Vec<String>,
    course_index: AHashMap<String, u32>,
    courses: Vec<Part>,
    course_category: Vec<String>,
    course_price: Vec<f64>,
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

    /// Builds the learner and course parts from the learner table and the courses table.
    /// One-hot attributes keep 0/1; behaviour columns are standardised.
    pub fn fit(ds: &Dataset, learners: &LearnerTable) -> Encoder {
        let mut e = Encoder {
            names: Vec::new(),
            index: AHashMap::new(),
            learner_ids: learners.user_ids.clone(),
            learner_index: learners
                .user_ids
                .iter()
                .enumerate()
                .map(|(i, u)| (u.clone(), i as u32))
                .collect(),
            learners: vec![Vec::new(); learners.user_ids.len()],
            learner_keys: vec![Vec::new(); learners.user_ids.len()],
            price_sensitive: Vec::new(),
            course_ids: Vec::new(),
            course_index: AHashMap::new(),
            courses: Vec::new(),
            course_category: Vec::new(),
            course_price: Vec::new(),
            time_mix: Vec::new(),
            placements: Vec::new(),
            cross_names: AHashMap::new(),
        };
        for f in &learners.features {
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
        let cheap = e.index.get("learner:cheap_share").copied();
        e.price_sensitive = e
            .learners
            .iter()
            .map(|part| {
                cheap
                    .and_then(|c| part.iter().find(|p| p.0 == c))
                    .is_some_and(|p| p.1 > 0.5)
            })
            .collect();
        for (name, values) in &learners.attributes {
            if !["occupation", "city", "gender", "education", "device"].contains(&name.as_str()) {
                continue;
            }
            for (keys, v) in e.learner_keys.iter_mut().zip(values) {
                if let Some(v) = v {
                    keys.push(format!("{name}={v}"));
                }
            }
        }
        if let Some(age) = learners.features.iter().find(|f| f.name == "age") {
            for (keys, &a) in e.learner_keys.iter_mut().zip(&age.values) {
                if a > 0.0 {
                    keys.push(format!("age_band={}", age_band(a)));
                }
            }
        }
        for (keys, seg) in e.learner_keys.iter_mut().zip(&learners.rfm_segment) {
            keys.push(format!("rfm={}", seg.name()));
        }
        if let Some(courses) = ds.frame(TableKind::Courses) {
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
            let price_col = e.named("course:log1p(price)".into());
            for (r, lp) in log_prices.iter().enumerate() {
                let Some(id) = ids.and_then(|c| c.get(r)) else {
                    continue;
                };
                let mut part = vec![(price_col, ((lp - mean) / sd) as f32)];
                let cat = cats.and_then(|c| c.get(r)).unwrap_or("").to_string();
                if !cat.is_empty() {
                    part.push((e.named(format!("course:category={cat}")), 1.0));
                }
                if let Some(level) = levels.and_then(|c| c.get(r)) {
                    part.push((e.named(format!("course:level={level}")), 1.0));
                }
                let price = prices.as_ref().and_then(|p| p.get(r)).unwrap_or(0.0);
                part.push((e.named(format!("course:price={}", price_band(price))), 1.0));
                part.sort_unstable_by_key(|p| p.0);
                e.course_index
                    .insert(id.to_string(), e.course_ids.len() as u32);
                e.course_ids.push(id.to_string());
                e.courses.push(part);
                e.course_category.push(cat);
                e.course_price.push(price);
            }
        }
        if let Some(imp) = ds.frame(TableKind::Impressions) {
            for kind in ["placement", "channel"] {
                if let Some(col) = str_col(imp, kind) {
                    let mut seen: Vec<&str> = col.iter().flatten().collect();
                    seen.sort_unstable();
                    for run in seen.chunk_by(|a, b| a == b) {
                        e.named(format!("context:{kind}={}", run[0]));
                        if kind == "placement" {
                            e.placements.push((run[0].to_string(), run.len()));
                        }
                    }
                }
            }
            let mut mix: AHashMap<u32, f64> = AHashMap::new();
            let mut n = 0.0f64;
            if let Some(ts) = ms_col(imp, "ts") {
                for t in ts.iter().flatten() {
                    for (col, v) in e.time_part(t) {
                        *mix.entry(col).or_default() += f64::from(v);
                    }
                    n += 1.0;
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
    fn cross_keys(&self, learner: u32, course: u32, ctx: &Context) -> Vec<String> {
        let cat = &self.course_category[course as usize];
        let mut keys = Vec::new();
        for k in &self.learner_keys[learner as usize] {
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
        let sensitivity = if self.price_sensitive[learner as usize] {
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

    /// The feature row of one impression: `(column, value)` sorted by column.
    pub fn row(&self, learner: u32, course: u32, ctx: &Context) -> Vec<(u32, f32)> {
        self.row_with_names(learner, course, ctx, &mut None)
    }

    /// [`Encoder::row`], also recording in `names_out` a readable name for each hashed bucket.
    fn row_with_names(
        &self,
        learner: u32,
        course: u32,
        ctx: &Context,
        names_out: &mut Option<&mut AHashMap<u32, String>>,
    ) -> Vec<(u32, f32)> {
        let mut row: Vec<(u32, f32)> = Vec::with_capacity(48);
        row.extend_from_slice(&self.learners[learner as usize]);
        row.extend_from_slice(&self.courses[course as usize]);
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
        for key in self.cross_keys(learner, course, ctx) {
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
    /// Rows of the impressions table that could not be encoded (unknown learner or course).
    pub skipped: usize,
}

/// What a model predicts.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    /// The impression was clicked.
    Clicked,
    /// The impression led to a purchase.
    Converted,
}

/// Encodes every impression of the dataset (also fixing readable names of the crosses used).
pub fn encode_impressions(ds: &Dataset, enc: &mut Encoder, target: Target) -> Design {
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
        skipped: 0,
    };
    let Some(imp) = ds.frame(TableKind::Impressions) else {
        return d;
    };
    let uid = str_col(imp, "user_id");
    let cid = str_col(imp, "course_id");
    let placement = str_col(imp, "placement");
    let channel = str_col(imp, "channel");
    let ts = ms_col(imp, "ts");
    let clicked = bool_col(imp, "clicked");
    let converted = bool_col(imp, "converted");
    let mut names = std::mem::take(&mut enc.cross_names);
    for r in 0..imp.height() {
        let (Some(l), Some(c)) = (
            uid.and_then(|x| x.get(r)).and_then(|u| enc.learner(u)),
            cid.and_then(|x| x.get(r)).and_then(|c| enc.course(c)),
        ) else {
            d.skipped += 1;
            continue;
        };
        let ctx = Context {
            placement: placement.and_then(|x| x.get(r)).map(str::to_string),
            channel: channel.and_then(|x| x.get(r)).map(str::to_string),
            ms: ts.as_ref().and_then(|x| x.get(r)),
        };
        let row = enc.row_with_names(l, c, &ctx, &mut Some(&mut names));
        d.x.indices.extend(row.iter().map(|p| p.0));
        d.x.data.extend(row.iter().map(|p| p.1));
        d.x.indptr.push(d.x.indices.len());
        let click = clicked.and_then(|x| x.get(r)).unwrap_or(false);
        let conv = converted.and_then(|x| x.get(r)).unwrap_or(false);
        d.y.push(f32::from(u8::from(match target {
            Target::Clicked => click,
            Target::Converted => conv,
        })));
        d.clicked.push(click);
        d.converted.push(f32::from(u8::from(conv)));
        d.ms.push(ctx.ms.unwrap_or(0));
        d.learner.push(l);
        d.course.push(c);
    }
    enc.cross_names = names;
    d
}
