//! Learner histories as of any moment: every learner's events in time order, and the running
//! summary ([`Past`]) that campaign features are read from. A feature of an impression may
//! only use events before the moment it is computed for, so a model never sees the clicks,
//! views and purchases that the impression itself caused.

use crate::data::cells::MS_PER_DAY;
use crate::data::columns::{each_row, f64_col, map_text, ms_col};
use crate::data::{Dataset, TableKind};
use crate::profile::features::CHEAP_PRICE;
use ahash::AHashMap;
use rayon::prelude::*;

/// What kind of event, compactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Kind {
    /// Viewed a course page or a lesson.
    View,
    /// Clicked a course.
    Click,
    /// Enrolled.
    Enroll,
    /// Bought.
    Purchase,
    /// Completed.
    Complete,
    /// Refunded a purchase.
    Refund,
    /// Rated, commented or shared.
    Other,
    /// The seconds watched on a purchase's or refund's row, which holds its amount: kept as
    /// an event of their own, right after it, so every event is 16 bytes.
    Watched,
}

impl Kind {
    /// Every kind, by its number.
    const ALL: [Kind; 8] = [
        Kind::View,
        Kind::Click,
        Kind::Enroll,
        Kind::Purchase,
        Kind::Complete,
        Kind::Refund,
        Kind::Other,
        Kind::Watched,
    ];

    /// Whether the event moves money (its value is an amount, not seconds watched).
    fn is_money(self) -> bool {
        matches!(self, Kind::Purchase | Kind::Refund)
    }

    fn of(event: &str) -> Kind {
        match event {
            "view" => Kind::View,
            "click" => Kind::Click,
            "enroll" => Kind::Enroll,
            "purchase" => Kind::Purchase,
            "complete" => Kind::Complete,
            "refund" => Kind::Refund,
            _ => Kind::Other,
        }
    }
}

/// One event of a learner, in 16 bytes (a million learners have some thirty million).
#[derive(Debug, Clone, Copy)]
pub struct Event {
    /// Time, ms since the epoch.
    pub ms: i64,
    /// Course index (the low [`COURSE_BITS`] bits, all ones when unknown) and kind (the
    /// high bits).
    code: u32,
    /// Amount paid for a purchase or a refund; seconds watched for any other kind.
    value: f32,
}

/// Bits of [`Event::code`] holding the course: catalogues of up to 268 million courses.
const COURSE_BITS: u32 = 28;
/// The course part of an event of an unknown course.
const NO_COURSE: u32 = (1 << COURSE_BITS) - 1;

impl Event {
    /// An event of `course` (`u32::MAX` when unknown) with its amount (a purchase or a
    /// refund) or seconds watched (any other kind).
    pub fn new(ms: i64, course: u32, kind: Kind, value: f32) -> Event {
        Event {
            ms,
            code: course.min(NO_COURSE) | (kind as u32) << COURSE_BITS,
            value,
        }
    }

    /// Course index in the catalogue, `u32::MAX` when unknown.
    pub fn course(&self) -> u32 {
        match self.code & NO_COURSE {
            NO_COURSE => u32::MAX,
            c => c,
        }
    }

    /// What happened.
    pub fn kind(&self) -> Kind {
        Kind::ALL[(self.code >> COURSE_BITS) as usize]
    }

    /// Amount paid (purchases, refunds; 0 for other kinds).
    pub fn amount(&self) -> f32 {
        if self.kind().is_money() {
            self.value
        } else {
            0.0
        }
    }

    /// Seconds watched (0 for purchases and refunds, whose seconds follow as
    /// [`Kind::Watched`]).
    pub fn watch(&self) -> f32 {
        if self.kind().is_money() {
            0.0
        } else {
            self.value
        }
    }
}

/// What is known of each course for learner summaries.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct CourseFacts {
    /// Category index of each course.
    pub category: Vec<Option<u32>>,
    /// List price of each course.
    pub price: Vec<Option<f64>>,
    /// Number of categories.
    pub n_categories: usize,
}

/// Every learner's events, in time order.
#[derive(Debug, Clone, Default)]
pub struct Histories {
    /// `events[start[l]..start[l + 1]]` are learner `l`'s.
    start: Vec<usize>,
    events: Vec<Event>,
}

impl Histories {
    /// Reads the events of the learners and courses the indexes know; rows without a time
    /// or of an unknown learner are left out.
    pub fn from_dataset(
        ds: &Dataset,
        learners: &AHashMap<String, u32>,
        courses: &AHashMap<String, u32>,
    ) -> Histories {
        let n = learners.len();
        let Some(ev) = ds.frame(TableKind::Events) else {
            return Histories {
                start: vec![0; n + 1],
                events: Vec::new(),
            };
        };
        let ts = ms_col(ev, "ts");
        let amount = f64_col(ev, "amount");
        let watch = f64_col(ev, "watch_sec");
        // Each row's learner (u32::MAX: left out: unknown, or no time), course and kind,
        // looked up once per distinct value of a coded column.
        let mut learner_of = map_text(
            ev,
            "user_id",
            |u| learners.get(u).copied().unwrap_or(u32::MAX),
            u32::MAX,
        );
        for (l, t) in learner_of
            .iter_mut()
            .zip(each_row(ts.as_ref().map(|c| c.iter())))
        {
            if t.is_none() {
                *l = u32::MAX;
            }
        }
        let course_of = map_text(
            ev,
            "course_id",
            |c| courses.get(c).copied().unwrap_or(u32::MAX),
            u32::MAX,
        );
        let kind_of = map_text(ev, "event", Kind::of, Kind::Other);
        // A purchase or refund with seconds watched is two events: its amount, then the
        // seconds (Kind::Watched).
        let events_of = |kind: Kind, watch: Option<f64>| {
            1 + usize::from(kind.is_money() && watch.is_some_and(|w| w != 0.0))
        };
        // A counting sort by learner keeps the table's order within each learner, then each
        // learner's events are put in time order (stable: ties keep the table's order).
        let mut start = vec![0usize; n + 1];
        for ((&l, &kind), watch) in learner_of
            .iter()
            .zip(&kind_of)
            .zip(each_row(watch.as_ref().map(|c| c.iter())))
        {
            if l != u32::MAX {
                start[l as usize + 1] += events_of(kind, watch);
            }
        }
        for l in 0..n {
            start[l + 1] += start[l];
        }
        let mut next = start.clone();
        let mut events = vec![Event::new(0, u32::MAX, Kind::Other, 0.0); start[n]];
        let ms = each_row(ts.as_ref().map(|c| c.iter()));
        let amounts = each_row(amount.as_ref().map(|c| c.iter()));
        let watched = each_row(watch.as_ref().map(|c| c.iter()));
        for ((((&l, &course), &kind), (ms, amount)), watch) in learner_of
            .iter()
            .zip(&course_of)
            .zip(&kind_of)
            .zip(ms.zip(amounts))
            .zip(watched)
        {
            if l == u32::MAX {
                continue;
            }
            let slot = &mut next[l as usize];
            let ms = ms.unwrap_or(0);
            let watched = watch.unwrap_or(0.0) as f32;
            if kind.is_money() {
                events[*slot] = Event::new(ms, course, kind, amount.unwrap_or(0.0) as f32);
                if events_of(kind, watch) == 2 {
                    events[*slot + 1] = Event::new(ms, course, Kind::Watched, watched);
                }
            } else {
                events[*slot] = Event::new(ms, course, kind, watched);
            }
            *slot += events_of(kind, watch);
        }
        drop(learner_of);
        let mut rest: &mut [Event] = &mut events;
        let mut slices = Vec::with_capacity(n);
        for l in 0..n {
            let (mine, others) = rest.split_at_mut(start[l + 1] - start[l]);
            slices.push(mine);
            rest = others;
        }
        slices
            .into_par_iter()
            .for_each(|mine| mine.sort_by_key(|e| e.ms));
        Histories { start, events }
    }

    /// Just after the latest event (the moment "now" is for learners described by all
    /// their events).
    pub fn end_ms(&self) -> i64 {
        self.events.iter().map(|e| e.ms).max().map_or(0, |m| m + 1)
    }

    /// Learner `l`'s events, in time order.
    pub fn of(&self, l: u32) -> &[Event] {
        let l = l as usize;
        match (self.start.get(l), self.start.get(l + 1)) {
            (Some(&a), Some(&b)) => &self.events[a..b],
            _ => &[],
        }
    }
}

/// A learner's history summed up to some moment. Fed events in time order with
/// [`Past::add`]; read with the accessors.
#[derive(Debug, Clone, Default)]
pub struct Past {
    /// Events so far.
    pub events: f64,
    /// Purchases plus enrolments.
    pub frequency: f64,
    /// Money paid minus refunds.
    pub monetary: f64,
    enrolls: f64,
    completes: f64,
    watch_sec: f64,
    paid_ratio_sum: f64,
    paid_ratio_n: f64,
    purchases: f64,
    cheap: f64,
    list_price_sum: f64,
    list_price_n: f64,
    /// Distinct days with an event.
    pub active_days: f64,
    last_day: Option<i64>,
    /// Time of the latest event.
    pub last_ms: Option<i64>,
    by_category: Vec<f64>,
    /// Courses viewed or clicked (sorted).
    seen: Vec<u32>,
    /// Courses enrolled in, bought or completed and not refunded (sorted).
    owned: Vec<u32>,
}

fn insert_sorted(v: &mut Vec<u32>, x: u32) {
    if let Err(at) = v.binary_search(&x) {
        v.insert(at, x);
    }
}

impl Past {
    /// Adds one event (events must come in time order).
    pub fn add(&mut self, e: &Event, facts: &CourseFacts) {
        if e.kind() == Kind::Watched {
            // The seconds of the purchase or refund just added: not an event of its own.
            self.watch_sec += f64::from(e.watch());
            return;
        }
        if self.by_category.len() < facts.n_categories {
            self.by_category.resize(facts.n_categories, 0.0);
        }
        self.events += 1.0;
        let day = e.ms.div_euclid(MS_PER_DAY);
        if self.last_day != Some(day) {
            self.active_days += 1.0;
            self.last_day = Some(day);
        }
        self.last_ms = Some(e.ms);
        self.watch_sec += f64::from(e.watch());
        let known = (e.course() as usize) < facts.category.len();
        let (cat, price) = if known {
            (
                facts.category[e.course() as usize],
                facts.price[e.course() as usize],
            )
        } else {
            (None, None)
        };
        if let Some(c) = cat {
            self.by_category[c as usize] += 1.0;
        }
        if let Some(p) = price {
            self.list_price_sum += p;
            self.list_price_n += 1.0;
        }
        let paid = f64::from(e.amount());
        match e.kind() {
            Kind::View | Kind::Click if known => insert_sorted(&mut self.seen, e.course()),
            Kind::Purchase => {
                self.frequency += 1.0;
                self.purchases += 1.0;
                self.monetary += paid;
                if let Some(list) = price.filter(|p| *p > 0.0)
                    && paid > 0.0
                {
                    self.paid_ratio_sum += paid / list;
                    self.paid_ratio_n += 1.0;
                }
                if price.is_some_and(|p| p <= CHEAP_PRICE) {
                    self.cheap += 1.0;
                }
                if known {
                    insert_sorted(&mut self.owned, e.course());
                }
            }
            Kind::Enroll | Kind::Complete => {
                if e.kind() == Kind::Enroll {
                    self.frequency += 1.0;
                    self.enrolls += 1.0;
                } else {
                    self.completes += 1.0;
                }
                if known {
                    insert_sorted(&mut self.owned, e.course());
                }
            }
            Kind::Refund => {
                self.monetary -= paid;
                if let Ok(at) = self.owned.binary_search(&e.course()) {
                    self.owned.remove(at);
                }
            }
            _ => {}
        }
    }

    /// Days from the latest event to `ms` (`None` without history).
    pub fn days_since_last(&self, ms: i64) -> Option<f64> {
        self.last_ms
            .map(|l| ((ms - l) as f64 / MS_PER_DAY as f64).max(0.0))
    }

    /// Share of the events so far in category `c`.
    pub fn category_share(&self, c: u32) -> f64 {
        match self.by_category.get(c as usize) {
            Some(n) if self.events > 0.0 => n / self.events,
            _ => 0.0,
        }
    }

    /// Whether the learner viewed or clicked course `course` so far.
    pub fn seen(&self, course: u32) -> bool {
        self.seen.binary_search(&course).is_ok()
    }

    /// Whether the learner owns course `course` so far.
    pub fn owns(&self, course: u32) -> bool {
        self.owned.binary_search(&course).is_ok()
    }

    /// Mean paid / list price over purchases (1 without purchases).
    pub fn paid_vs_list(&self) -> f64 {
        ratio(self.paid_ratio_sum, self.paid_ratio_n, 1.0)
    }

    /// Share of purchases at or under [`CHEAP_PRICE`].
    pub fn cheap_share(&self) -> f64 {
        ratio(self.cheap, self.purchases, 0.0)
    }

    /// Mean list price of the courses touched.
    pub fn mean_list_price(&self) -> f64 {
        ratio(self.list_price_sum, self.list_price_n, 0.0)
    }

    /// Completions per enrolment (at most 1).
    pub fn completion_rate(&self) -> f64 {
        ratio(self.completes, self.enrolls, 0.0).min(1.0)
    }

    /// Watch time in hours.
    pub fn watch_hours(&self) -> f64 {
        self.watch_sec / 3600.0
    }
}

fn ratio(num: f64, den: f64, empty: f64) -> f64 {
    if den > 0.0 { num / den } else { empty }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_is_sixteen_bytes_and_reads_back_as_made() {
        assert_eq!(std::mem::size_of::<Event>(), 16);
        let e = Event::new(-5, 7, Kind::Refund, 12.5);
        assert_eq!(
            (e.ms, e.course(), e.kind(), e.amount(), e.watch()),
            (-5, 7, Kind::Refund, 12.5, 0.0)
        );
        let e = Event::new(9, u32::MAX, Kind::Watched, 30.0);
        assert_eq!(
            (e.course(), e.kind(), e.amount(), e.watch()),
            (u32::MAX, Kind::Watched, 0.0, 30.0)
        );
    }

    #[test]
    fn past_counts_only_what_it_was_fed_and_refunds_undo_ownership() {
        let facts = CourseFacts {
            category: vec![Some(0), Some(1)],
            price: vec![Some(99.0), Some(20.0)],
            n_categories: 2,
        };
        let ev = Event::new;
        let mut p = Past::default();
        p.add(&ev(0, 0, Kind::View, 0.0), &facts);
        p.add(&ev(1000, 1, Kind::Purchase, 20.0), &facts);
        assert!(p.seen(0) && !p.seen(1));
        assert!(p.owns(1));
        assert_eq!(p.category_share(1), 0.5);
        assert_eq!(p.cheap_share(), 1.0);
        p.add(&ev(MS_PER_DAY, 1, Kind::Refund, 20.0), &facts);
        assert!(!p.owns(1));
        assert_eq!(p.monetary, 0.0);
        assert_eq!(p.active_days, 2.0);
        assert_eq!(p.days_since_last(3 * MS_PER_DAY), Some(2.0));
    }
}
