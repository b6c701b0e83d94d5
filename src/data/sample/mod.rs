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

mod personas;
mod simulation;
mod truth;
mod vocabulary;

pub use truth::{PastActivity, PlantedClickModel, PlantedExperiment};

use super::cells::{MS_PER_DAY, days_from_civil, format_timestamp};
use personas::*;
use rand::distributions::WeightedIndex;
use rand::prelude::*;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, LogNormal, Normal, Poisson};
use rayon::prelude::*;
use serde::Serialize;
use simulation::*;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;
use truth::*;
use vocabulary::*;

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
    let mut uplift_truth = file("truth/uplift.csv")?;
    writeln!(uplift_truth, "user_id,p_control,p_treatment")?;
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
        let (p0, p1) = planted_uplift(u);
        writeln!(uplift_truth, "{},{p0},{p1}", u.id)?;
    }
    w.flush()?;
    truth.flush()?;
    uplift_truth.flush()?;

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
                user_uplift_experiment(u, &mut user_rng(config.seed, 6, i), &mut rows);
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
    write_series(out, &catalogue)?;
    Ok(summary)
}
