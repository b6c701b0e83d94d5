//! The planted truth: the click model, the experiments' lifts, and the `truth/` folder.

use super::*;

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

pub(super) fn planted_experiments() -> Vec<PlantedExperiment> {
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

/// The experiment whose effect differs between learners (`truth/uplift.csv`).
pub(super) const UPLIFT_EXPERIMENT: &str = "coupon_offer";

/// A learner's planted conversion probability without and with the coupon: students gain
/// most (+15 pp), learners of 45 and over gain (+8 pp), programmers and managers, who buy
/// anyway, are put off (−5 pp: a coupon cheapens the course), everyone else gains a little
/// (+2 pp). Learners who never came back convert rarely either way.
pub(super) fn planted_uplift(u: &User) -> (f64, f64) {
    let sure_thing = matches!(u.occupation, "程序员" | "管理者");
    let p0 = if u.dormant {
        0.02
    } else if sure_thing {
        0.14
    } else {
        0.08
    };
    let effect = if u.dormant {
        0.0
    } else if u.occupation == "学生" {
        0.15
    } else if sure_thing {
        -0.05
    } else if u.age >= 45.0 {
        0.08
    } else {
        0.02
    };
    (p0, (p0 + effect).clamp(0.005, 0.95))
}

/// The planted click model: a logistic model on what the exported files show, including
/// the learner's history *before* the impression (their share of past activity in the
/// course's category, whether they viewed this course before, whether they were active in
/// the last 14 days). A model that reads the learner's later events sees the answer; one
/// that reads only the past can approach this model and no more. Feature names are those of
/// `truth/ctr_model.json`; the probability of every impression is in
/// `truth/impressions.csv`.
pub struct PlantedClickModel;

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

impl PlantedClickModel {
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

pub(super) fn write_truth(out: &Path, exps: &[PlantedExperiment]) -> std::io::Result<()> {
    let coefficients: BTreeMap<&str, f64> =
        PlantedClickModel::COEFFICIENTS.iter().copied().collect();
    let model = serde_json::json!({
        "kind": "logistic",
        "target": "clicked",
        "intercept": PlantedClickModel::INTERCEPT,
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
    let uplift = serde_json::json!({
        "experiment": UPLIFT_EXPERIMENT,
        "control": "control",
        "treatment": "coupon",
        "assignment": "each learner in control or coupon with probability 1/2",
        "p_control": "0.02 for learners who never came back, 0.14 for programmers and managers, else 0.08",
        "effect": "never came back 0; 学生 +0.15; 程序员 and 管理者 −0.05; age 45 and over +0.08; everyone else +0.02",
        "learners": "truth/uplift.csv: user_id,p_control,p_treatment for every learner",
    });
    std::fs::write(out.join("truth/uplift.json"), pretty(&uplift)? + "\n")?;
    std::fs::write(
        out.join("truth/experiments.json"),
        pretty(&serde_json::json!({ "experiments": experiments }))? + "\n",
    )?;
    std::fs::write(
        out.join("truth/personas.json"),
        pretty(&serde_json::json!({ "personas": personas }))? + "\n",
    )
}

/// `truth/series.csv`: every planted series step to the next (`from_course,to_course`, e.g.
/// 入门 → 进阶). A learner who owns `from_course` is drawn to `to_course` in a browsing
/// session with probability 0.6 / (1 + (price / (2 · persona price))²), before any other
/// course of their taste.
pub(super) fn write_series(
    out: &Path,
    catalogue: &super::simulation::Catalogue<'_>,
) -> std::io::Result<()> {
    let mut text = String::from("from_course,to_course,series_step\n");
    for steps in &catalogue.series {
        for (k, pair) in steps.windows(2).enumerate() {
            if let [Some(from), Some(to)] = *pair {
                text.push_str(&format!(
                    "{},{},{}\n",
                    catalogue.courses[from].id,
                    catalogue.courses[to].id,
                    k + 1
                ));
            }
        }
    }
    std::fs::write(out.join("truth/series.csv"), text)
}
