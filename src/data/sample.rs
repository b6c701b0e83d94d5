//! The sample-data generator: a realistic online-course business with hidden personas, a
//! planted click model and experiments with known lifts. It writes the five contract files
//! and a `truth/` folder so tests can check that analyses recover what was planted.
//!
//! It is built not to flatter the models. Each learner lives one timeline in which browsing,
//! study and campaign impressions interleave: an impression is clicked under a logistic model
//! that reads the learner's history *up to that moment* (share of activity in the course's
//! category, whether they saw the course, recent activity, ownership), and a click is
//! followed by a view, a conversion by a purchase, so a model that reads later events sees
//! the answer. Courses come in series (入门 → 进阶 → 高级) that learners tend to take in
//! order; reviews are built from a wide vocabulary with negations, mixed and neutral texts;
//! some learners never come back after signing up, and some share a family account with an
//! identical history.
//!
//! Every learner has its own random stream derived from the seed and its index, so output is
//! the same for a seed whatever the thread count.

use super::cells::{MS_PER_DAY, days_from_civil, format_timestamp};
use rand::distributions::WeightedIndex;
use rand::prelude::*;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, LogNormal, Normal, Poisson};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

/// Settings of the generator.
#[derive(Debug, Clone, Copy)]
pub struct SampleConfig {
    /// Number of learners.
    pub users: usize,
    /// Random seed; the same seed gives the same files.
    pub seed: u64,
}

impl Default for SampleConfig {
    fn default() -> Self {
        SampleConfig {
            users: 3000,
            seed: 42,
        }
    }
}

/// Row counts of what was written.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SampleSummary {
    /// Learners.
    pub users: usize,
    /// Courses.
    pub courses: usize,
    /// Event rows.
    pub events: usize,
    /// Impression rows.
    pub impressions: usize,
    /// Experiment assignment rows.
    pub experiments: usize,
}

/// Course categories with their topics; a title is a topic plus a format.
const CATEGORIES: &[(&str, &[&str])] = &[
    (
        "编程",
        &[
            "Python数据分析",
            "Java后端开发",
            "前端React",
            "Go语言",
            "机器学习",
            "SQL数据库",
            "算法与数据结构",
            "Rust系统编程",
        ],
    ),
    (
        "职场",
        &[
            "高效沟通",
            "PPT设计",
            "Excel数据处理",
            "项目管理",
            "职场写作",
            "领导力",
            "求职面试",
            "时间管理",
        ],
    ),
    (
        "考试",
        &[
            "考研英语",
            "公务员考试",
            "教师资格证",
            "CPA会计",
            "法考",
            "考研数学",
            "雅思备考",
            "PMP认证",
        ],
    ),
    (
        "外语",
        &[
            "英语口语",
            "日语入门",
            "商务英语",
            "韩语零基础",
            "法语发音",
            "英语语法",
            "英文写作",
            "西班牙语",
        ],
    ),
    (
        "理财",
        &[
            "基金定投",
            "股票入门",
            "家庭理财",
            "保险规划",
            "财务自由",
            "个人税务",
            "债券投资",
            "记账习惯",
        ],
    ),
    (
        "亲子",
        &[
            "儿童阅读",
            "亲子沟通",
            "幼儿英语",
            "小学数学思维",
            "青春期教育",
            "家庭教育",
            "儿童编程",
            "绘本共读",
        ],
    ),
    (
        "兴趣",
        &[
            "摄影技巧",
            "手机摄影",
            "吉他弹唱",
            "国画入门",
            "烘焙甜点",
            "瑜伽健身",
            "书法练习",
            "咖啡品鉴",
        ],
    ),
];

const FORMATS: &[&str] = &["实战", "精讲", "训练营", "30天速成", "私房课"];
const LEVELS: &[&str] = &["入门", "进阶", "高级"];
const PRICES: &[f64] = &[
    0.0, 9.9, 19.9, 49.0, 99.0, 199.0, 299.0, 499.0, 999.0, 1999.0,
];
const INSTRUCTORS: &[&str] = &[
    "王磊", "李娜", "张伟", "刘洋", "陈静", "杨帆", "赵敏", "黄涛", "周婷", "吴昊", "徐晨", "孙悦",
];
const CITIES: &[&str] = &[
    "北京", "上海", "广州", "深圳", "杭州", "成都", "武汉", "南京", "西安", "重庆", "长沙", "郑州",
];
const CHANNELS: &[&str] = &["抖音", "微信", "小红书", "B站", "搜索", "朋友推荐"];
const DEVICES: &[&str] = &["Android", "iOS", "PC"];
const PLACEMENTS: &[&str] = &["课程详情页", "首页推荐", "搜索结果", "消息推送"];

/// What learners praise in a review.
const PRAISE: &[&str] = &[
    "老师讲解清晰",
    "案例贴近工作",
    "内容很系统",
    "节奏刚刚好",
    "练习题设计得用心",
    "答疑很及时",
    "干货满满",
    "学完马上能用上",
    "思路讲得很透",
    "课件做得很精美",
    "比线下班还划算",
    "讲得深入浅出",
];
/// What learners complain about.
const COMPLAINTS: &[&str] = &[
    "声音有点小",
    "更新太慢了",
    "例子有些过时",
    "讲得太快跟不上",
    "内容偏基础",
    "价格有点高",
    "字幕错误挺多",
    "答疑没人回",
    "中间广告太多",
    "视频经常卡顿",
    "有点照本宣科",
    "作业批改太慢",
];
/// Complaints phrased with a negation (the words alone sound positive).
const NEGATED: &[&str] = &[
    "讲得不太清楚",
    "没什么干货",
    "不值这个价",
    "并不实用",
    "算不上系统",
    "没有想象中好",
    "不怎么推荐",
    "一点都不专业",
];
/// Closings of a happy review.
const HAPPY_END: &[&str] = &[
    "，推荐！",
    "，五星好评",
    "，收获很大",
    "，已经推荐给同事",
    "。",
    "，值得反复看",
];
/// Closings of an unhappy review.
const UNHAPPY_END: &[&str] = &[
    "，很失望",
    "，不推荐",
    "，申请退款了",
    "，浪费时间",
    "。",
    "，差评",
];
/// Neutral reviews.
const NEUTRAL: &[&str] = &[
    "还行吧",
    "中规中矩",
    "和介绍的差不多",
    "一般般，看需求",
    "有好有坏",
    "凑合能用",
    "还没学完，先打个分",
];
/// English reviews, for learners who write in English.
const ENGLISH: &[(&str, u32)] = &[
    ("Great course, very practical", 5),
    ("Clear explanations and useful exercises", 4),
    ("It is okay, nothing special", 3),
    ("Too basic, waste of money", 2),
    ("Not worth the price at all", 1),
];

/// A review for a rating: praise and complaints from a wide vocabulary, negations, mixed
/// and neutral texts, a few in English; the words never decide the sentiment alone.
fn review(rating: u32, rng: &mut ChaCha8Rng) -> String {
    let any = |rng: &mut ChaCha8Rng, list: &[&str]| list[rng.gen_range(0..list.len())].to_string();
    if rng.gen_bool(0.05) {
        let near: Vec<&str> = ENGLISH
            .iter()
            .filter(|(_, r)| r.abs_diff(rating) <= 1)
            .map(|(t, _)| *t)
            .collect();
        return any(rng, &near);
    }
    match rating {
        5 => format!(
            "{}，{}{}",
            any(rng, PRAISE),
            any(rng, PRAISE),
            any(rng, HAPPY_END)
        ),
        4 => match rng.gen_bool(0.35) {
            true => format!("{}，就是{}", any(rng, PRAISE), any(rng, COMPLAINTS)),
            false => format!("{}{}", any(rng, PRAISE), any(rng, HAPPY_END)),
        },
        3 => match rng.gen_range(0..3) {
            0 => format!("{}，但是{}", any(rng, PRAISE), any(rng, COMPLAINTS)),
            1 => format!("{}，不过{}", any(rng, COMPLAINTS), any(rng, PRAISE)),
            _ => any(rng, NEUTRAL),
        },
        2 => match rng.gen_bool(0.5) {
            true => format!(
                "{}，{}{}",
                any(rng, NEGATED),
                any(rng, COMPLAINTS),
                any(rng, UNHAPPY_END)
            ),
            false => format!("{}{}", any(rng, COMPLAINTS), any(rng, UNHAPPY_END)),
        },
        _ => format!(
            "{}，{}{}",
            any(rng, COMPLAINTS),
            any(rng, NEGATED),
            any(rng, UNHAPPY_END)
        ),
    }
}

/// A hidden persona: who the learner is and how they behave.
struct Persona {
    key: &'static str,
    share: f64,
    age: (f64, f64),
    female: f64,
    occupations: &'static [(&'static str, f64)],
    education: &'static [(&'static str, f64)],
    /// Weight per category, in `CATEGORIES` order.
    taste: [f64; 7],
    /// Price (yuan) at which the purchase probability halves.
    price_ref: f64,
    /// Mean number of sessions over the year.
    sessions: f64,
    /// Mean rating given.
    rating: f64,
    /// Purchase probability for a free-feeling price.
    buy: f64,
    /// How strongly browsing favours cheap courses (exponent on price / price_ref).
    browse_cheap: f64,
}

const PERSONAS: &[Persona] = &[
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

struct Course {
    id: String,
    title: String,
    category: usize,
    /// Topic number (over all categories): the series a course belongs to.
    topic: usize,
    /// Position in its topic's series (入门 0 → 进阶 1 → 高级 2); `None` for a stand-alone
    /// course (训练营, 实战, …).
    step: Option<usize>,
    tags: String,
    price: f64,
    instructor: &'static str,
    level: &'static str,
    duration_min: u32,
    published_ms: i64,
    quality: f64,
}

/// One experiment of the planted truth.
#[derive(Debug, Clone, Serialize)]
pub struct PlantedExperiment {
    /// Experiment name.
    pub name: String,
    /// The control variant.
    pub control: String,
    /// (variant, true conversion rate).
    pub variants: Vec<(String, f64)>,
}

fn planted_experiments() -> Vec<PlantedExperiment> {
    let exp = |name: &str, variants: &[(&str, f64)]| PlantedExperiment {
        name: name.to_string(),
        control: "control".to_string(),
        variants: variants.iter().map(|(v, r)| (v.to_string(), *r)).collect(),
    };
    vec![
        exp("checkout_button", &[("control", 0.10), ("treatment", 0.13)]),
        exp("aa_check", &[("control", 0.08), ("control_b", 0.08)]),
        exp(
            "pricing_page",
            &[("control", 0.06), ("discount", 0.075), ("bundle", 0.06)],
        ),
    ]
}

/// The planted click model: a logistic model on what the exported files show, including
/// the learner's history *before* the impression (their share of past activity in the
/// course's category, whether they viewed this course before, whether they were active in
/// the last 14 days). A model that reads the learner's later events sees the answer; one
/// that reads only the past can approach this model and no more. Feature names are those of
/// `truth/ctr_model.json`; the probability of every impression is in
/// `truth/impressions.csv`.
pub struct ClickModel;

/// What the planted click model reads of a learner's past at an impression.
#[derive(Debug, Clone, Copy, Default)]
pub struct PastActivity {
    /// Share of the learner's past events in the course's category (0 without history).
    pub category_share: f64,
    /// The learner viewed or clicked this course before.
    pub seen_course: bool,
    /// The learner had an event in the 14 days before.
    pub active_14d: bool,
    /// The learner already owns the course.
    pub owns_course: bool,
}

impl ClickModel {
    /// Intercept of the logit.
    pub const INTERCEPT: f64 = -2.9;
    /// Main effects, learner×course interactions and history terms, by feature name.
    pub const COEFFICIENTS: &'static [(&'static str, f64)] = &[
        ("placement=首页推荐", 0.5),
        ("placement=搜索结果", 0.9),
        ("placement=消息推送", -0.4),
        ("device=iOS", 0.2),
        ("device=PC", -0.15),
        ("evening(19-23h)", 0.35),
        ("log1p(price)", -0.15),
        ("occupation=程序员×category=编程", 0.8),
        ("occupation=学生×category=考试", 0.7),
        ("occupation=家长×category=亲子", 0.8),
        ("occupation=白领×category=职场", 0.5),
        ("age>=45×category=兴趣", 0.5),
        ("past:category_share", 2.0),
        ("past:seen_course", 0.9),
        ("past:active_14d", 0.5),
        ("past:owns_course", -1.2),
    ];

    fn coef(name: &str) -> f64 {
        Self::COEFFICIENTS
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(0.0, |(_, c)| *c)
    }

    /// The click probability of one impression.
    #[allow(clippy::too_many_arguments)]
    pub fn probability(
        placement: &str,
        device: &str,
        hour: u32,
        price: f64,
        occupation: &str,
        age: f64,
        category: &str,
        past: PastActivity,
    ) -> f64 {
        let mut z = Self::INTERCEPT
            + Self::coef(&format!("placement={placement}"))
            + Self::coef(&format!("device={device}"))
            + Self::coef("log1p(price)") * price.ln_1p();
        if (19..=23).contains(&hour) {
            z += Self::coef("evening(19-23h)");
        }
        z += Self::coef(&format!("occupation={occupation}×category={category}"));
        if age >= 45.0 && category == "兴趣" {
            z += Self::coef("age>=45×category=兴趣");
        }
        z += Self::coef("past:category_share") * past.category_share;
        let flag = |on: bool, name: &str| if on { Self::coef(name) } else { 0.0 };
        z += flag(past.seen_course, "past:seen_course")
            + flag(past.active_14d, "past:active_14d")
            + flag(past.owns_course, "past:owns_course");
        1.0 / (1.0 + (-z).exp())
    }
}

/// The start of the sample year, 2024-12-01.
/// Relative activity by hour of day: quiet at night, busiest in the evening.
const HOUR_WEIGHTS: [f64; 24] = [
    0.3, 0.15, 0.08, 0.05, 0.05, 0.1, 0.3, 0.7, 1.0, 1.0, 0.9, 0.9, 1.1, 1.0, 0.9, 0.9, 0.9, 1.0,
    1.2, 1.6, 1.9, 2.0, 1.6, 0.8,
];

/// A random moment between `from` and `to` (ms) whose hour of day follows [`HOUR_WEIGHTS`].
fn moment(rng: &mut ChaCha8Rng, from: i64, to: i64) -> i64 {
    let hours = WeightedIndex::new(HOUR_WEIGHTS).expect("positive weights");
    let first_day = from.div_euclid(MS_PER_DAY);
    let last_day = (to - 1).div_euclid(MS_PER_DAY);
    let day = rng.gen_range(first_day..=last_day);
    let t = day * MS_PER_DAY + hours.sample(rng) as i64 * 3_600_000 + rng.gen_range(0..3_600_000);
    t.clamp(from, to - 1)
}

fn year_start_ms() -> i64 {
    days_from_civil(2024, 12, 1) * MS_PER_DAY
}

const YEAR_MS: i64 = 365 * MS_PER_DAY;

fn pick<T: Copy>(rng: &mut impl Rng, items: &[(T, f64)]) -> T {
    let w = WeightedIndex::new(items.iter().map(|(_, w)| *w)).expect("positive weights");
    items[w.sample(rng)].0
}

/// The catalogue: every topic is a series 入门 → 进阶 (→ 高级 for most) that learners tend to
/// take in order, and half the topics also have a stand-alone course (训练营, 实战, …).
fn make_courses(rng: &mut ChaCha8Rng) -> Vec<Course> {
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

struct User {
    id: String,
    persona: usize,
    gender: &'static str,
    age: f64,
    city: &'static str,
    education: &'static str,
    occupation: &'static str,
    channel: &'static str,
    device: &'static str,
    signup_ms: i64,
    spend: f64,
    /// Signed up and never came back: no events, no impressions.
    dormant: bool,
    /// Whose random stream drives this learner's timeline: their own index, or for one
    /// learner in a hundred (a shared family account) the previous learner's, so the two
    /// histories are identical.
    stream: usize,
}

fn make_user(i: usize, rng: &mut ChaCha8Rng) -> User {
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

/// Rows of one learner, already formatted as CSV lines.
#[derive(Default)]
struct UserRows {
    events: String,
    n_events: usize,
    impressions: String,
    /// The planted click probability of each impression, in the same order.
    truth: String,
    n_impressions: usize,
    experiments: String,
    n_experiments: usize,
}

fn user_rng(seed: u64, stream: u64, i: usize) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng.set_word_pos((i as u128) << 20);
    ChaCha8Rng::seed_from_u64(rng.next_u64())
}

/// What the catalogue looks like to the timeline: courses by category and by series.
struct Catalogue<'a> {
    courses: &'a [Course],
    by_cat: Vec<Vec<usize>>,
    /// `series[topic][step]` = course index.
    series: Vec<Vec<Option<usize>>>,
}

impl Catalogue<'_> {
    fn new(courses: &[Course]) -> Catalogue<'_> {
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
struct Timeline<'a> {
    user: &'a User,
    rows: &'a mut UserRows,
    by_category: [f64; 7],
    total: f64,
    seen: Vec<usize>,
    owned: Vec<usize>,
    done: Vec<usize>,
    last_ms: Option<i64>,
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
        let prob = ClickModel::probability(
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
fn user_timeline(u: &User, cat: &Catalogue, rng: &mut ChaCha8Rng, rows: &mut UserRows) {
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

fn civil_month(ms: i64) -> i64 {
    super::cells::civil_from_days(ms.div_euclid(MS_PER_DAY)).1
}

fn user_experiments(
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

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Generates a dataset into `out` (created if needed) and returns its row counts.
pub fn generate(out: &Path, config: SampleConfig) -> std::io::Result<SampleSummary> {
    std::fs::create_dir_all(out.join("truth"))?;
    let mut rng = user_rng(config.seed, 0, 0);
    let courses = make_courses(&mut rng);
    let catalogue = Catalogue::new(&courses);
    let exps = planted_experiments();
    let mut users: Vec<User> = (0..config.users)
        .into_par_iter()
        .map(|i| make_user(i, &mut user_rng(config.seed, 1, i)))
        .collect();
    // One learner in a hundred shares a family account with the one before: the same
    // person, the same history, another id.
    for i in 1..users.len() {
        if user_rng(config.seed, 5, i).gen_bool(0.01) {
            let id = users[i].id.clone();
            let source = &users[i - 1];
            users[i] = User { id, ..*source };
        }
    }

    let file = |name: &str| -> std::io::Result<std::io::BufWriter<std::fs::File>> {
        Ok(std::io::BufWriter::with_capacity(
            1 << 20,
            std::fs::File::create(out.join(name))?,
        ))
    };
    let mut w = file("courses.csv")?;
    writeln!(
        w,
        "course_id,title,category,tags,price,instructor,level,duration_min,published_at"
    )?;
    for c in &courses {
        writeln!(
            w,
            "{},{},{},{},{},{},{},{},{}",
            c.id,
            csv_field(&c.title),
            CATEGORIES[c.category].0,
            csv_field(&c.tags),
            c.price,
            c.instructor,
            c.level,
            c.duration_min,
            &format_timestamp(c.published_ms)[..10]
        )?;
    }
    w.flush()?;

    let mut w = file("users.csv")?;
    let mut truth = file("truth/personas.csv")?;
    writeln!(
        w,
        "user_id,signup_date,gender,age,city,education,occupation,channel,device,phone"
    )?;
    writeln!(truth, "user_id,persona,never_active")?;
    for (i, u) in users.iter().enumerate() {
        writeln!(
            w,
            "{},{},{},{},{},{},{},{},{},1{}{:09}",
            u.id,
            &format_timestamp(u.signup_ms)[..10],
            u.gender,
            u.age,
            u.city,
            u.education,
            u.occupation,
            u.channel,
            u.device,
            3 + i % 7,
            (i as u64 * 7919 + config.seed) % 1_000_000_000
        )?;
        writeln!(
            truth,
            "{},{},{}",
            u.id,
            PERSONAS[u.persona].key,
            u8::from(u.dormant)
        )?;
    }
    w.flush()?;
    truth.flush()?;

    let mut events = file("events.csv")?;
    let mut impressions = file("impressions.csv")?;
    let mut impression_truth = file("truth/impressions.csv")?;
    writeln!(impression_truth, "p_click")?;
    let mut experiments = file("experiments.csv")?;
    writeln!(
        events,
        "user_id,course_id,event,ts,amount,rating,watch_sec,text"
    )?;
    writeln!(
        impressions,
        "user_id,course_id,ts,clicked,converted,channel,placement,campaign"
    )?;
    writeln!(
        experiments,
        "experiment,variant,user_id,converted,revenue,pre_revenue,ts"
    )?;
    let mut summary = SampleSummary {
        users: users.len(),
        courses: courses.len(),
        ..SampleSummary::default()
    };
    for chunk in users.chunks(4096).collect::<Vec<_>>().iter() {
        let rows: Vec<UserRows> = chunk
            .par_iter()
            .map(|u| {
                let i = u.id[1..].parse::<usize>().unwrap_or(1) - 1;
                let mut rows = UserRows::default();
                user_timeline(
                    u,
                    &catalogue,
                    &mut user_rng(config.seed, 2, u.stream),
                    &mut rows,
                );
                user_experiments(u, &exps, &mut user_rng(config.seed, 4, i), &mut rows);
                rows
            })
            .collect();
        for r in rows {
            events.write_all(r.events.as_bytes())?;
            impressions.write_all(r.impressions.as_bytes())?;
            impression_truth.write_all(r.truth.as_bytes())?;
            experiments.write_all(r.experiments.as_bytes())?;
            summary.events += r.n_events;
            summary.impressions += r.n_impressions;
            summary.experiments += r.n_experiments;
        }
    }
    events.flush()?;
    impressions.flush()?;
    impression_truth.flush()?;
    experiments.flush()?;

    write_truth(out, &exps)?;
    Ok(summary)
}

fn write_truth(out: &Path, exps: &[PlantedExperiment]) -> std::io::Result<()> {
    let coefficients: BTreeMap<&str, f64> = ClickModel::COEFFICIENTS.iter().copied().collect();
    let model = serde_json::json!({
        "kind": "logistic",
        "target": "clicked",
        "intercept": ClickModel::INTERCEPT,
        "coefficients": coefficients,
        "features": {
            "placement=…, device=…": "1 when the impression's placement / the learner's device has that value (baselines: 课程详情页, Android)",
            "evening(19-23h)": "1 when the impression's hour of day (ts) is 19..23",
            "log1p(price)": "ln(1 + course price)",
            "occupation=…×category=…": "1 when the learner's occupation and the course's category both match",
            "age>=45×category=兴趣": "1 when the learner is 45 or older and the course is in 兴趣",
            "past:category_share": "the learner's share of their events before the impression that concern the course's category (0 without history)",
            "past:seen_course": "1 when the learner viewed or clicked this course before the impression",
            "past:active_14d": "1 when the learner had an event in the 14 days before the impression",
            "past:owns_course": "1 when the learner already owns the course (enrolled, refunds excepted)"
        },
        "probabilities": "truth/impressions.csv holds the planted click probability of every impression, in the order of impressions.csv",
        "after_a_click": "a view of the course follows within minutes; a conversion adds its purchase and enrolment",
        "converted": "given a click on a course the learner does not own, converted with probability 0.3 · fit · affordable (fit = 0.6 + 0.4 · taste/0.7, affordable = 1 / (1 + (price / persona price)²))"
    });
    let experiments: Vec<serde_json::Value> = exps
        .iter()
        .map(|e| {
            serde_json::json!({
                "experiment": e.name,
                "control": e.control,
                "variants": e.variants.iter().map(|(v, r)| serde_json::json!({"variant": v, "rate": r})).collect::<Vec<_>>(),
            })
        })
        .collect();
    let personas: Vec<serde_json::Value> = PERSONAS
        .iter()
        .map(|p| serde_json::json!({"persona": p.key, "share": p.share, "taste": CATEGORIES.iter().map(|c| c.0).zip(p.taste).collect::<BTreeMap<_, _>>()}))
        .collect();
    let pretty =
        |v: &serde_json::Value| serde_json::to_string_pretty(v).map_err(std::io::Error::other);
    std::fs::write(out.join("truth/ctr_model.json"), pretty(&model)? + "\n")?;
    std::fs::write(
        out.join("truth/experiments.json"),
        pretty(&serde_json::json!({ "experiments": experiments }))? + "\n",
    )?;
    std::fs::write(
        out.join("truth/personas.json"),
        pretty(&serde_json::json!({ "personas": personas }))? + "\n",
    )
}
