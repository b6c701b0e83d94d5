//! The hidden personas and the learners drawn from them.

use super::*;

/// A hidden persona: who the learner is and how they behave.
pub(super) struct Persona {
    pub(super) key: &'static str,
    pub(super) share: f64,
    pub(super) age: (f64, f64),
    pub(super) female: f64,
    pub(super) occupations: &'static [(&'static str, f64)],
    pub(super) education: &'static [(&'static str, f64)],
    /// Weight per category, in `CATEGORIES` order.
    pub(super) taste: [f64; 7],
    /// Price (yuan) at which the purchase probability halves.
    pub(super) price_ref: f64,
    /// Mean number of sessions over the year.
    pub(super) sessions: f64,
    /// Mean rating given.
    pub(super) rating: f64,
    /// Purchase probability for a free-feeling price.
    pub(super) buy: f64,
    /// How strongly browsing favours cheap courses (exponent on price / price_ref).
    pub(super) browse_cheap: f64,
}

pub(super) const PERSONAS: &[Persona] = &[
    Persona {
        key: "career_climber",
        share: 0.22,
        age: (31.0, 5.0),
        female: 0.5,
        occupations: &[("白领", 0.6), ("管理者", 0.4)],
        education: &[("本科", 0.6), ("硕士", 0.3), ("大专", 0.1)],
        taste: [0.05, 0.7, 0.03, 0.1, 0.1, 0.01, 0.01],
        price_ref: 600.0,
        sessions: 16.0,
        rating: 4.2,
        buy: 0.35,
        browse_cheap: 0.3,
    },
    Persona {
        key: "exam_taker",
        share: 0.2,
        age: (22.0, 2.5),
        female: 0.55,
        occupations: &[("学生", 0.9), ("白领", 0.1)],
        education: &[("本科", 0.7), ("大专", 0.2), ("硕士", 0.1)],
        taste: [0.02, 0.02, 0.78, 0.15, 0.01, 0.01, 0.01],
        price_ref: 250.0,
        sessions: 22.0,
        rating: 3.9,
        buy: 0.4,
        browse_cheap: 0.3,
    },
    Persona {
        key: "hobbyist",
        share: 0.16,
        age: (45.0, 10.0),
        female: 0.5,
        occupations: &[("退休", 0.5), ("自由职业", 0.3), ("教师", 0.2)],
        education: &[("大专", 0.4), ("本科", 0.4), ("高中", 0.2)],
        taste: [0.01, 0.02, 0.01, 0.04, 0.07, 0.05, 0.8],
        price_ref: 200.0,
        sessions: 10.0,
        rating: 4.4,
        buy: 0.3,
        browse_cheap: 0.3,
    },
    Persona {
        key: "parent",
        share: 0.16,
        age: (36.0, 4.0),
        female: 0.8,
        occupations: &[("家长", 0.7), ("教师", 0.15), ("白领", 0.15)],
        education: &[("本科", 0.6), ("大专", 0.3), ("硕士", 0.1)],
        taste: [0.01, 0.03, 0.01, 0.07, 0.03, 0.8, 0.05],
        price_ref: 300.0,
        sessions: 14.0,
        rating: 4.1,
        buy: 0.35,
        browse_cheap: 0.3,
    },
    Persona {
        key: "programmer",
        share: 0.14,
        age: (28.0, 4.0),
        female: 0.2,
        occupations: &[("程序员", 0.9), ("学生", 0.1)],
        education: &[("本科", 0.65), ("硕士", 0.3), ("大专", 0.05)],
        taste: [0.8, 0.08, 0.02, 0.07, 0.01, 0.01, 0.01],
        price_ref: 800.0,
        sessions: 26.0,
        rating: 3.8,
        buy: 0.4,
        browse_cheap: 0.3,
    },
    Persona {
        key: "bargain_hunter",
        share: 0.12,
        age: (33.0, 9.0),
        female: 0.6,
        occupations: &[("自由职业", 0.4), ("白领", 0.3), ("学生", 0.3)],
        education: &[("大专", 0.4), ("本科", 0.4), ("高中", 0.2)],
        taste: [0.14, 0.14, 0.14, 0.14, 0.16, 0.14, 0.14],
        price_ref: 25.0,
        sessions: 18.0,
        rating: 3.4,
        buy: 0.9,
        browse_cheap: 2.5,
    },
];

pub(super) struct User {
    pub(super) id: String,
    pub(super) persona: usize,
    pub(super) gender: &'static str,
    pub(super) age: f64,
    pub(super) city: &'static str,
    pub(super) education: &'static str,
    pub(super) occupation: &'static str,
    pub(super) channel: &'static str,
    pub(super) device: &'static str,
    pub(super) signup_ms: i64,
    pub(super) spend: f64,
    /// Signed up and never came back: no events, no impressions.
    pub(super) dormant: bool,
    /// Whose random stream drives this learner's timeline: their own index, or for one
    /// learner in a hundred (a shared family account) the previous learner's, so the two
    /// histories are identical.
    pub(super) stream: usize,
}

pub(super) fn make_user(i: usize, rng: &mut ChaCha8Rng) -> User {
    let shares: Vec<(usize, f64)> = PERSONAS
        .iter()
        .enumerate()
        .map(|(i, p)| (i, p.share))
        .collect();
    let persona = pick(rng, &shares);
    let p = &PERSONAS[persona];
    let age = Normal::new(p.age.0, p.age.1)
        .expect("valid")
        .sample(rng)
        .clamp(16.0, 75.0)
        .round();
    User {
        id: format!("u{:06}", i + 1),
        persona,
        gender: if rng.gen_bool(p.female) { "女" } else { "男" },
        age,
        city: CITIES[rng.gen_range(0..CITIES.len())],
        education: pick(rng, p.education),
        occupation: pick(rng, p.occupations),
        channel: CHANNELS[rng.gen_range(0..CHANNELS.len())],
        device: DEVICES[pick(rng, &[(0usize, 0.5), (1, 0.35), (2, 0.15)])],
        signup_ms: year_start_ms() + rng.gen_range(0..YEAR_MS * 3 / 4),
        spend: LogNormal::new(5.0, 0.6).expect("valid").sample(rng),
        dormant: rng.gen_bool(0.04),
        stream: i,
    }
}
