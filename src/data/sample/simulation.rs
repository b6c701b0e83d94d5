//! The catalogue and each learner's year: sessions, impressions, purchases and experiments,
//! in time order, each reading the history built so far.

use super::*;

/// The start of the sample year, 2024-12-01.
/// Relative activity by hour of day: quiet at night, busiest in the evening.
pub(super) const HOUR_WEIGHTS: [f64; 24] = [
    0.3, 0.15, 0.08, 0.05, 0.05, 0.1, 0.3, 0.7, 1.0, 1.0, 0.9, 0.9, 1.1, 1.0, 0.9, 0.9, 0.9, 1.0,
    1.2, 1.6, 1.9, 2.0, 1.6, 0.8,
];

/// A random moment between `from` and `to` (ms) whose hour of day follows [`HOUR_WEIGHTS`].
pub(super) fn moment(rng: &mut ChaCha8Rng, from: i64, to: i64) -> i64 {
    let hours = WeightedIndex::new(HOUR_WEIGHTS).expect("positive weights");
    let first_day = from.div_euclid(MS_PER_DAY);
    let last_day = (to - 1).div_euclid(MS_PER_DAY);
    let day = rng.gen_range(first_day..=last_day);
    let t = day * MS_PER_DAY + hours.sample(rng) as i64 * 3_600_000 + rng.gen_range(0..3_600_000);
    t.clamp(from, to - 1)
}

pub(super) fn year_start_ms() -> i64 {
    days_from_civil(2024, 12, 1) * MS_PER_DAY
}

pub(super) const YEAR_MS: i64 = 365 * MS_PER_DAY;

pub(super) fn pick<T: Copy>(rng: &mut impl Rng, items: &[(T, f64)]) -> T {
    let w = WeightedIndex::new(items.iter().map(|(_, w)| *w)).expect("positive weights");
    items[w.sample(rng)].0
}

/// The catalogue: every topic is a series 入门 → 进阶 (→ 高级 for most) that learners tend to
/// take in order, and half the topics also have a stand-alone course (训练营, 实战, …).
pub(super) fn make_courses(rng: &mut ChaCha8Rng) -> Vec<Course> {
    let mut courses = Vec::new();
    let mut topic_no = 0;
    for (c, (_, topics)) in CATEGORIES.iter().enumerate() {
        for topic in topics.iter() {
            let steps = if rng.gen_bool(0.7) { 3 } else { 2 };
            let mut offers: Vec<(Option<usize>, &str)> =
                (0..steps).map(|k| (Some(k), LEVELS[k])).collect();
            if rng.gen_bool(0.5) {
                let format = FORMATS[rng.gen_range(0..FORMATS.len())];
                offers.push((None, format));
            }
            for (step, name) in offers {
                let level = match step {
                    Some(k) => LEVELS[k],
                    None => LEVELS[rng.gen_range(0..LEVELS.len())],
                };
                let price_idx = match level {
                    "入门" => rng.gen_range(0..6),
                    "进阶" => rng.gen_range(3..8),
                    _ => rng.gen_range(5..10),
                };
                courses.push(Course {
                    id: String::new(),
                    title: format!("{topic}{name}"),
                    category: c,
                    topic: topic_no,
                    step,
                    tags: match step {
                        Some(_) => format!("{topic};{level}"),
                        None => format!("{topic};{level};{name}"),
                    },
                    price: PRICES[price_idx],
                    instructor: INSTRUCTORS[rng.gen_range(0..INSTRUCTORS.len())],
                    level,
                    duration_min: rng.gen_range(6..=60) * 10,
                    published_ms: year_start_ms() - rng.gen_range(0..400) * MS_PER_DAY,
                    quality: Normal::new(0.0, 1.0).expect("valid").sample(rng),
                });
            }
            topic_no += 1;
        }
    }
    courses.shuffle(rng);
    for (i, c) in courses.iter_mut().enumerate() {
        c.id = format!("c{:04}", i + 1);
    }
    courses
}

/// Rows of one learner, already formatted as CSV lines.
#[derive(Default)]
pub(super) struct UserRows {
    pub(super) events: String,
    pub(super) n_events: usize,
    pub(super) impressions: String,
    /// The planted click probability of each impression, in the same order.
    pub(super) truth: String,
    pub(super) n_impressions: usize,
    pub(super) experiments: String,
    pub(super) n_experiments: usize,
}

pub(super) fn user_rng(seed: u64, stream: u64, i: usize) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng.set_word_pos((i as u128) << 20);
    ChaCha8Rng::seed_from_u64(rng.next_u64())
}

/// What the catalogue looks like to the timeline: courses by category and by series.
pub(super) struct Catalogue<'a> {
    pub(super) courses: &'a [Course],
    pub(super) by_cat: Vec<Vec<usize>>,
    /// `series[topic][step]` = course index.
    pub(super) series: Vec<Vec<Option<usize>>>,
}

impl Catalogue<'_> {
    pub(super) fn new(courses: &[Course]) -> Catalogue<'_> {
        let mut by_cat: Vec<Vec<usize>> = vec![Vec::new(); CATEGORIES.len()];
        let topics = courses.iter().map(|c| c.topic + 1).max().unwrap_or(0);
        let mut series = vec![vec![None; LEVELS.len()]; topics];
        for (i, c) in courses.iter().enumerate() {
            by_cat[c.category].push(i);
            if let Some(k) = c.step {
                series[c.topic][k] = Some(i);
            }
        }
        Catalogue {
            courses,
            by_cat,
            series,
        }
    }

    /// The next course in the series of course `ci`, if any.
    fn next_step(&self, ci: usize) -> Option<usize> {
        let c = &self.courses[ci];
        self.series[c.topic].get(c.step? + 1).copied().flatten()
    }
}

/// One learner's state as their timeline unfolds: what the planted models read of the past.
pub(super) struct Timeline<'a> {
    pub(super) user: &'a User,
    pub(super) rows: &'a mut UserRows,
    pub(super) by_category: [f64; 7],
    pub(super) total: f64,
    pub(super) seen: Vec<usize>,
    pub(super) owned: Vec<usize>,
    pub(super) done: Vec<usize>,
    pub(super) last_ms: Option<i64>,
}

impl Timeline<'_> {
    /// Writes one event and updates the learner's history.
    fn event(&mut self, c: &Course, ci: usize, event: &str, ts: i64, extra: [&str; 4]) {
        let _ = writeln!(
            self.rows.events,
            "{},{},{event},{},{},{},{},{}",
            self.user.id,
            c.id,
            format_timestamp(ts),
            extra[0],
            extra[1],
            extra[2],
            csv_field(extra[3])
        );
        self.rows.n_events += 1;
        self.by_category[c.category] += 1.0;
        self.total += 1.0;
        self.last_ms = Some(self.last_ms.map_or(ts, |l| l.max(ts)));
        if matches!(event, "view" | "click") && !self.seen.contains(&ci) {
            self.seen.push(ci);
        }
    }

    fn past(&self, ci: usize, c: &Course, ts: i64) -> PastActivity {
        PastActivity {
            category_share: if self.total > 0.0 {
                self.by_category[c.category] / self.total
            } else {
                0.0
            },
            seen_course: self.seen.contains(&ci),
            active_14d: self.last_ms.is_some_and(|l| ts - l <= 14 * MS_PER_DAY),
            owns_course: self.owned.contains(&ci),
        }
    }

    /// A purchase (when the course costs something) and the enrolment; a few purchases are
    /// refunded and the learner does not enrol.
    fn buy(
        &mut self,
        c: &Course,
        ci: usize,
        next: &mut impl FnMut(&mut ChaCha8Rng) -> i64,
        rng: &mut ChaCha8Rng,
    ) {
        if c.price > 0.0 {
            let paid = if self.user.persona == 5 {
                c.price * rng.gen_range(0.5..0.9)
            } else {
                c.price
            };
            let paid = format!("{paid:.2}");
            self.event(c, ci, "purchase", next(rng), [&paid, "", "", ""]);
            if rng.gen_bool(0.03) {
                self.event(c, ci, "refund", next(rng), [&paid, "", "", ""]);
                return;
            }
        }
        self.event(c, ci, "enroll", next(rng), ["", "", "", ""]);
        self.owned.push(ci);
    }

    /// A study session on an owned course: watching, maybe completing, rating and reviewing.
    fn study(&mut self, cat: &Catalogue, t: i64, rng: &mut ChaCha8Rng) {
        let p = &PERSONAS[self.user.persona];
        let ci = self.owned[rng.gen_range(0..self.owned.len())];
        let c = &cat.courses[ci];
        let mut ts = t;
        let mut next = |rng: &mut ChaCha8Rng| {
            ts += rng.gen_range(20_000..600_000);
            ts
        };
        let watch = rng
            .gen_range(60..(c.duration_min * 60).max(120))
            .to_string();
        self.event(c, ci, "view", next(rng), ["", "", &watch, ""]);
        let complete_p = (0.25 + 0.1 * c.quality).clamp(0.02, 0.6);
        if self.done.contains(&ci) || !rng.gen_bool(complete_p) {
            return;
        }
        self.done.push(ci);
        self.event(c, ci, "complete", next(rng), ["", "", "", ""]);
        if !rng.gen_bool(0.5) {
            return;
        }
        let mean = p.rating + 0.5 * c.quality;
        let rating = Normal::new(mean, 0.7)
            .expect("valid")
            .sample(rng)
            .round()
            .clamp(1.0, 5.0) as u32;
        let text = review(rating, rng);
        self.event(c, ci, "rate", next(rng), ["", &rating.to_string(), "", ""]);
        self.event(c, ci, "comment", next(rng), ["", "", "", &text]);
        if rating >= 5 && rng.gen_bool(0.3) {
            self.event(c, ci, "share", next(rng), ["", "", "", ""]);
        }
    }

    /// A browsing session: the next course of a series the learner follows, or a course of
    /// a category they like; viewed, maybe clicked, maybe bought.
    fn browse(&mut self, cat: &Catalogue, t: i64, rng: &mut ChaCha8Rng) {
        let p = &PERSONAS[self.user.persona];
        let next_steps: Vec<usize> = self
            .owned
            .iter()
            .filter_map(|&ci| cat.next_step(ci))
            .filter(|ci| !self.owned.contains(ci))
            .collect();
        let follow = next_steps
            .get(rng.gen_range(0..next_steps.len().max(1)))
            .copied();
        // The next step of a series draws a learner back, less so when it is beyond their
        // budget.
        let draw = follow.map_or(0.0, |ci| {
            0.6 / (1.0 + (cat.courses[ci].price / (2.0 * p.price_ref)).powi(2))
        });
        let (ci, in_series) = if let Some(ci) = follow.filter(|_| rng.gen_bool(draw)) {
            (ci, true)
        } else {
            let taste: Vec<(usize, f64)> = p.taste.iter().copied().enumerate().collect();
            let pool = &cat.by_cat[pick(rng, &taste)];
            // Good courses draw more views; price-sensitive learners browse cheap ones.
            let weights: Vec<(usize, f64)> = pool
                .iter()
                .enumerate()
                .map(|(rank, &ci)| {
                    let c = &cat.courses[ci];
                    let cheapness = (1.0 + c.price / (2.0 * p.price_ref)).powf(-p.browse_cheap);
                    let first_step = if c.step.is_some_and(|k| k > 0) {
                        0.4
                    } else {
                        1.0
                    };
                    (
                        ci,
                        (0.8 * c.quality).exp() / (1.0 + rank as f64 * 0.15)
                            * cheapness
                            * first_step,
                    )
                })
                .collect();
            (pick(rng, &weights), false)
        };
        let c = &cat.courses[ci];
        let mut ts = t;
        let mut next = |rng: &mut ChaCha8Rng| {
            ts += rng.gen_range(20_000..600_000);
            ts
        };
        let watch = rng.gen_range(10..300).to_string();
        self.event(c, ci, "view", next(rng), ["", "", &watch, ""]);
        if self.owned.contains(&ci) || !rng.gen_bool(0.55) {
            return;
        }
        self.event(c, ci, "click", next(rng), ["", "", "", ""]);
        let affordable = 1.0 / (1.0 + (c.price / p.price_ref).powi(2));
        let fit = 0.6 + 0.4 * p.taste[c.category] / 0.7;
        let series = if in_series { 1.5 } else { 1.0 };
        let buy = p.buy * affordable * fit * series * (1.0 + 0.2 * c.quality);
        if rng.gen_bool(buy.clamp(0.0, 0.95)) {
            self.buy(c, ci, &mut next, rng);
        }
    }

    /// An impression: clicked under the planted model given the learner's past; a click
    /// leads to a view of the course, a conversion to its purchase.
    fn impression(&mut self, cat: &Catalogue, t: i64, rng: &mut ChaCha8Rng) {
        let u = self.user;
        let p = &PERSONAS[u.persona];
        // Impressions never interleave with a session's events.
        let ts = self.last_ms.map_or(t, |l| t.max(l + 60_000));
        let ci = rng.gen_range(0..cat.courses.len());
        let c = &cat.courses[ci];
        let placement = PLACEMENTS[rng.gen_range(0..PLACEMENTS.len())];
        let hour = (ts.rem_euclid(MS_PER_DAY) / 3_600_000) as u32;
        let category = CATEGORIES[c.category].0;
        let past = self.past(ci, c, ts);
        let prob = PlantedClickModel::probability(
            placement,
            u.device,
            hour,
            c.price,
            u.occupation,
            u.age,
            category,
            past,
        );
        let clicked = rng.gen_bool(prob);
        let affordable = 1.0 / (1.0 + (c.price / p.price_ref).powi(2));
        let fit = 0.6 + 0.4 * p.taste[c.category] / 0.7;
        let converted =
            clicked && !past.owns_course && rng.gen_bool((0.3 * affordable * fit).clamp(0.0, 0.9));
        let campaign = format!("{}月推广", civil_month(ts));
        let _ = writeln!(
            self.rows.impressions,
            "{},{},{},{},{},{},{placement},{campaign}",
            u.id,
            c.id,
            format_timestamp(ts),
            u8::from(clicked),
            u8::from(converted),
            u.channel
        );
        let _ = writeln!(self.rows.truth, "{prob:.6}");
        self.rows.n_impressions += 1;
        let mut at = ts;
        let mut next = |rng: &mut ChaCha8Rng| {
            at += rng.gen_range(30_000..300_000);
            at
        };
        if clicked {
            let watch = rng.gen_range(10..300).to_string();
            self.event(c, ci, "view", next(rng), ["", "", &watch, ""]);
        }
        if converted {
            self.buy(c, ci, &mut next, rng);
        }
    }
}

/// One learner's year: study and browsing sessions and campaign impressions, in time order,
/// each reading the history the learner has built so far.
pub(super) fn user_timeline(u: &User, cat: &Catalogue, rng: &mut ChaCha8Rng, rows: &mut UserRows) {
    if u.dormant {
        return;
    }
    let p = &PERSONAS[u.persona];
    let end = year_start_ms() + YEAR_MS;
    let sessions = Poisson::new(p.sessions).expect("valid").sample(rng) as usize + 1;
    let shown = Poisson::new(4.0 + p.sessions * 0.6)
        .expect("valid")
        .sample(rng) as usize;
    // (time, is an impression)
    let mut moments: Vec<(i64, bool)> = Vec::with_capacity(sessions + shown);
    for k in 0..sessions + shown {
        moments.push((moment(rng, u.signup_ms, end), k >= sessions));
    }
    moments.sort_unstable();
    let mut line = Timeline {
        user: u,
        rows,
        by_category: [0.0; 7],
        total: 0.0,
        seen: Vec::new(),
        owned: Vec::new(),
        done: Vec::new(),
        last_ms: None,
    };
    for (t, is_impression) in moments {
        if is_impression {
            line.impression(cat, t, rng);
        } else if !line.owned.is_empty() && rng.gen_bool(0.45) {
            line.study(cat, t.max(line.last_ms.unwrap_or(t)), rng);
        } else {
            line.browse(cat, t.max(line.last_ms.unwrap_or(t)), rng);
        }
    }
}

pub(super) fn civil_month(ms: i64) -> i64 {
    crate::data::cells::civil_from_days(ms.div_euclid(MS_PER_DAY)).1
}

/// The learner's row of the coupon experiment, whose effect differs between learners
/// ([`planted_uplift`]); drawn from its own random stream so the other experiments' rows do
/// not change.
pub(super) fn user_uplift_experiment(u: &User, rng: &mut ChaCha8Rng, rows: &mut UserRows) {
    let start = days_from_civil(2025, 11, 1) * MS_PER_DAY;
    let (p0, p1) = planted_uplift(u);
    let coupon = rng.gen_bool(0.5);
    let converted = rng.gen_bool(if coupon { p1 } else { p0 });
    let habit = u.spend * rng.gen_range(0.1..0.5);
    let pre = habit * rng.gen_range(0.8..1.2);
    let paid = if converted {
        u.spend * rng.gen_range(0.6..1.4) * if coupon { 0.8 } else { 1.0 }
    } else {
        0.0
    };
    let revenue = habit * rng.gen_range(0.8..1.2) + paid;
    let ts = moment(rng, start, start + 28 * MS_PER_DAY);
    let _ = writeln!(
        rows.experiments,
        "{UPLIFT_EXPERIMENT},{},{},{},{revenue:.2},{pre:.2},{}",
        if coupon { "coupon" } else { "control" },
        u.id,
        u8::from(converted),
        format_timestamp(ts)
    );
    rows.n_experiments += 1;
}

pub(super) fn user_experiments(
    u: &User,
    exps: &[PlantedExperiment],
    rng: &mut ChaCha8Rng,
    rows: &mut UserRows,
) {
    let start = days_from_civil(2025, 11, 1) * MS_PER_DAY;
    for e in exps {
        let (variant, rate) = &e.variants[rng.gen_range(0..e.variants.len())];
        let converted = rng.gen_bool(*rate);
        // Spending habits carry over: revenue during the test follows pre-test revenue (what
        // CUPED exploits), plus the purchase when the learner converts.
        let habit = u.spend * rng.gen_range(0.1..0.5);
        let pre = habit * rng.gen_range(0.8..1.2);
        let revenue = habit * rng.gen_range(0.8..1.2)
            + if converted {
                u.spend * rng.gen_range(0.6..1.4)
            } else {
                0.0
            };
        let ts = moment(rng, start, start + 28 * MS_PER_DAY);
        let _ = writeln!(
            rows.experiments,
            "{},{variant},{},{},{revenue:.2},{pre:.2},{}",
            e.name,
            u.id,
            u8::from(converted),
            format_timestamp(ts)
        );
        rows.n_experiments += 1;
    }
}
