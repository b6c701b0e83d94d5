//! Planning an experiment on an audience: a seeded hash splits its learners into control and
//! treatment (the same learner always lands in the same arm for the same experiment and
//! seed), and the power calculation is sized from the audience's own base rate.

use super::power::mde_for_users;
use crate::audience::Audience;
use crate::data::cells::MS_PER_DAY;
use crate::data::columns::{ms_col, str_col};
use crate::data::{Dataset, TableKind};
use crate::error::Error;
use crate::safe_csv::SafeCsv;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::path::Path;

/// Name of the control arm in a plan's assignment.
pub const CONTROL: &str = "control";
/// Name of the treatment arm.
pub const TREATMENT: &str = "treatment";

/// How to split an audience.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
#[serde(default)]
pub struct PlanSettings {
    /// The experiment's name (part of the hash, so two experiments split differently).
    pub experiment: String,
    /// Seed (part of the hash).
    pub seed: u64,
    /// Share of learners in treatment, in (0, 1).
    pub treatment_share: f64,
    /// Days before the last event over which the base rate is measured.
    pub base_days: i64,
    /// Significance level.
    pub alpha: f64,
    /// Power.
    pub power: f64,
}

impl Default for PlanSettings {
    fn default() -> Self {
        PlanSettings {
            experiment: "experiment".into(),
            seed: 1,
            treatment_share: 0.5,
            base_days: 30,
            alpha: 0.05,
            power: 0.8,
        }
    }
}

impl PlanSettings {
    /// Checks the settings; the message names the one that is wrong.
    pub fn check(&self) -> Result<(), Error> {
        if self.experiment.trim().is_empty() || self.experiment.contains([',', '\n', '"']) {
            return Err(Error::input(
                "实验：请给出不含逗号、引号或换行的名称",
                "experiment: give a name without commas, quotes or line breaks",
            ));
        }
        if !(self.treatment_share > 0.0 && self.treatment_share < 1.0) {
            return Err(Error::input(
                format!("处理组占比：{} 不在 0 和 1 之间", self.treatment_share),
                format!(
                    "treatment share: {} is not between 0 and 1",
                    self.treatment_share
                ),
            ));
        }
        if !(1..=3650).contains(&self.base_days) {
            return Err(Error::input(
                "基准天数：请给出 1 到 3650",
                "base days: give 1 to 3650",
            ));
        }
        let valid = self.alpha > 0.0 && self.alpha < 0.5 && self.power > 0.5 && self.power < 1.0;
        if !valid {
            return Err(Error::input(
                "alpha 须在 (0, 0.5) 内，power 须在 (0.5, 1) 内",
                "alpha must be in (0, 0.5) and power in (0.5, 1)",
            ));
        }
        Ok(())
    }
}

/// A planned experiment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    /// The settings it was made with.
    pub settings: PlanSettings,
    /// The audience's name.
    pub audience: String,
    /// Each learner and their arm, in the audience's order.
    #[serde(skip)]
    pub assignment: Vec<(String, &'static str)>,
    /// Learners in control.
    pub control: usize,
    /// Learners in treatment.
    pub treatment: usize,
    /// Share of the audience who bought in the `base_days` before the last event (`None`
    /// without events with times).
    pub base_rate: Option<f64>,
    /// Smallest relative lift on the base rate the split detects at the power asked
    /// (`None` when the base rate is 0 or unknown).
    pub mde: Option<f64>,
}

/// Treatment or control for `user_id`: SHA-256 of `seed:experiment:user_id`, its first 8
/// bytes as a uniform number in [0, 1), treatment below the share.
pub fn arm_of(user_id: &str, settings: &PlanSettings) -> &'static str {
    let digest =
        Sha256::digest(format!("{}:{}:{user_id}", settings.seed, settings.experiment).as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    let u = (u64::from_be_bytes(bytes) >> 11) as f64 / (1u64 << 53) as f64;
    if u < settings.treatment_share {
        TREATMENT
    } else {
        CONTROL
    }
}

/// Share of `audience` with a purchase in the `days` before (and on) the last event day of
/// `ds`.
pub fn base_rate(ds: &Dataset, audience: &Audience, days: i64) -> Option<f64> {
    let ev = ds.frame(TableKind::Events)?;
    let (user, kind, ts) = (
        str_col(ev, "user_id")?,
        str_col(ev, "event")?,
        ms_col(ev, "ts")?,
    );
    let last = ts.iter().flatten().max()?;
    let from = last - days * MS_PER_DAY;
    let mut bought = ahash::AHashSet::new();
    for ((u, k), t) in user.iter().zip(kind.iter()).zip(ts.iter()) {
        if let (Some(u), Some("purchase"), Some(t)) = (u, k, t)
            && t > from
            && audience.contains(u)
        {
            bought.insert(u);
        }
    }
    (!audience.is_empty()).then(|| bought.len() as f64 / audience.len() as f64)
}

/// Splits `audience` and sizes the test from its base rate in `ds`.
pub fn plan(ds: &Dataset, audience: &Audience, settings: &PlanSettings) -> Result<Plan, Error> {
    settings.check()?;
    if audience.len() < 2 {
        return Err(Error::input(
            format!(
                "受众 `{}` 只有 {} 名学员；实验至少需要 2 名",
                audience.name,
                audience.len()
            ),
            format!(
                "audience `{}` has {} learner(s); an experiment needs at least 2",
                audience.name,
                audience.len()
            ),
        ));
    }
    let assignment: Vec<(String, &'static str)> = audience
        .members()
        .iter()
        .map(|u| (u.clone(), arm_of(u, settings)))
        .collect();
    let treatment = assignment.iter().filter(|(_, a)| *a == TREATMENT).count();
    let control = assignment.len() - treatment;
    let base_rate = base_rate(ds, audience, settings.base_days);
    let mde = match base_rate {
        Some(p) if p > 0.0 && p < 1.0 && control > 0 && treatment > 0 => {
            let effective = 2.0 * (control * treatment) as f64 / (control + treatment) as f64;
            mde_for_users(p, effective, settings.alpha, settings.power)
        }
        _ => None,
    };
    Ok(Plan {
        settings: settings.clone(),
        audience: audience.name.clone(),
        assignment,
        control,
        treatment,
        base_rate,
        mde,
    })
}

impl Plan {
    /// Writes the assignment as `experiment,variant,user_id` (the start of an
    /// `experiments.csv`; `converted` is added when results come back). With `salt`, ids
    /// are pseudonymised.
    pub fn write_csv(&self, path: &Path, salt: Option<&str>) -> std::io::Result<()> {
        let mut w = SafeCsv::create(path)?;
        w.write_record(["experiment", "variant", "user_id"])?;
        for (u, arm) in &self.assignment {
            let id = crate::privacy::written_id(u, salt);
            w.write_record([self.settings.experiment.as_str(), arm, id.as_str()])?;
        }
        w.flush()
    }
}
