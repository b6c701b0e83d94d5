//! The A/B read-out of one experiment: per-variant rates and lifts against the control,
//! sample-ratio mismatch, Holm adjustment, revenue (Welch), CUPED and the sequential view.

use super::arms::{Arm, arms, column, experiment_names};
use super::error::AbError;

use super::sequential::{SequentialPoint, timeline};
use super::stats::{
    chi_square_gof, finite, holm, mean, mean_var, prob_beta_greater, relative_ci, t_crit,
    two_proportion_p, wald_ci, welch,
};
use crate::lang::Text;
use polars::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// Settings of a read-out.
#[derive(Debug, Clone)]
pub struct AbOptions {
    /// Which experiment (default: the only one, or the first by name).
    pub experiment: Option<String>,
    /// The control variant (default: one named `control`, else the first by name).
    pub control: Option<String>,
    /// Significance level.
    pub alpha: f64,
    /// Planned traffic shares per variant name for the SRM check (default: equal).
    pub split: Option<BTreeMap<String, f64>>,
    /// Prior scale τ of the mSPRT normal mixture, in absolute conversion-rate units (default:
    /// 10% of the pooled conversion rate).
    pub tau: Option<f64>,
}

impl Default for AbOptions {
    fn default() -> Self {
        AbOptions {
            experiment: None,
            control: None,
            alpha: 0.05,
            split: None,
            tau: None,
        }
    }
}

impl AbOptions {
    /// Checks the settings: α strictly between 0 and 1, planned shares finite and positive.
    pub fn check(&self) -> Result<(), AbError> {
        if !(self.alpha.is_finite() && self.alpha > 0.0 && self.alpha < 1.0) {
            return Err(AbError::Setting(Text::pair(
                format!("alpha {}：显著性水平必须严格介于 0 和 1 之间", self.alpha),
                format!(
                    "alpha {}: the significance level must be strictly between 0 and 1",
                    self.alpha
                ),
            )));
        }
        for (name, share) in self.split.iter().flatten() {
            if !(share.is_finite() && *share > 0.0) {
                return Err(AbError::Setting(Text::pair(
                    format!("split {name}={share}：计划占比必须是正数"),
                    format!("split {name}={share}: a planned share must be a positive number"),
                )));
            }
        }
        if let Some(tau) = self.tau.filter(|t| !(t.is_finite() && *t > 0.0)) {
            return Err(AbError::Setting(Text::pair(
                format!("tau {tau}：混合尺度必须是正数"),
                format!("tau {tau}: the mixture scale must be a positive number"),
            )));
        }
        Ok(())
    }
}

/// One variant's result. Fields that cannot be computed are `null` in JSON, never NaN.
#[derive(Debug, Clone, Default, Serialize)]
pub struct VariantResult {
    /// Variant name.
    pub name: String,
    /// Users assigned.
    pub users: u64,
    /// Users who converted.
    pub conversions: u64,
    /// Conversion rate.
    pub rate: Option<f64>,
    /// Wald CI of the conversion rate.
    pub rate_ci: Option<[f64; 2]>,
    /// Mean revenue per user (missing revenue counts as 0).
    pub revenue_mean: Option<f64>,
    /// `rate − control rate`.
    pub abs_lift: Option<f64>,
    /// Unpooled Wald CI of `abs_lift`.
    pub abs_ci: Option<[f64; 2]>,
    /// `rate / control rate − 1`.
    pub rel_lift: Option<f64>,
    /// Delta-method CI of `rel_lift`.
    pub rel_ci: Option<[f64; 2]>,
    /// Two-sided p-value of the pooled two-proportion z-test against the control.
    pub p_value: Option<f64>,
    /// Holm-adjusted `p_value` over all variants against the control.
    pub p_value_holm: Option<f64>,
    /// P(rate > control rate) under Beta(1+x, 1+n−x) posteriors, exact.
    pub chance_to_beat_control: Option<f64>,
    /// P(this variant has the highest rate), over all variants, under the same posteriors
    /// (numerical integration; see [`crate::experiments::p_best`]).
    pub p_best: Option<f64>,
    /// The traffic share Thompson sampling would give this variant now: at least
    /// [`crate::experiments::MIN_SHARE`], the rest in proportion to `p_best`.
    pub thompson_share: Option<f64>,
    /// Posterior Beta parameters (α, β) of the rate.
    pub posterior: [f64; 2],
    /// `revenue_mean − control revenue_mean`.
    pub revenue_diff: Option<f64>,
    /// Welch CI of `revenue_diff`.
    pub revenue_ci: Option<[f64; 2]>,
    /// Welch t-test p-value of revenue against the control.
    pub revenue_p_value: Option<f64>,
    /// Always-valid p-value at the end of the data (mSPRT), when timestamps are present.
    pub always_valid_p: Option<f64>,
}

/// CUPED on revenue, with `pre_revenue` as the covariate.
#[derive(Debug, Clone, Serialize)]
pub struct Cuped {
    /// θ = cov(revenue, pre_revenue) / var(pre_revenue), pooled over all users.
    pub theta: f64,
    /// 1 − var(adjusted) / var(revenue): the share of variance removed.
    pub variance_reduction: f64,
    /// Per variant: adjusted mean, difference to control with CI and Welch p-value.
    pub variants: Vec<CupedVariant>,
}

/// One variant under CUPED.
#[derive(Debug, Clone, Serialize)]
pub struct CupedVariant {
    /// Variant name.
    pub name: String,
    /// Adjusted mean revenue.
    pub adjusted_mean: Option<f64>,
    /// Adjusted difference to the control.
    pub diff: Option<f64>,
    /// Welch CI of `diff`.
    pub ci: Option<[f64; 2]>,
    /// Welch p-value of `diff`.
    pub p_value: Option<f64>,
}

/// The read-out of one experiment.
#[derive(Debug, Clone, Serialize)]
pub struct Readout {
    /// Experiment name.
    pub experiment: String,
    /// The control variant.
    pub control: String,
    /// Significance level used for CIs.
    pub alpha: f64,
    /// Chi-square goodness-of-fit p-value of the assignment counts against the planned split.
    pub srm_p: Option<f64>,
    /// `srm_p < 0.001`: the split is broken and the read-out is not to be trusted.
    pub srm_warning: bool,
    /// The control first, then the other variants by name.
    pub variants: Vec<VariantResult>,
    /// CUPED, when `pre_revenue` is present.
    pub cuped: Option<Cuped>,
    /// Cumulative daily results with fixed-horizon and always-valid intervals, when `ts` is
    /// present.
    pub timeline: Vec<SequentialPoint>,
    /// The experiment's own outcomes replayed under an equal split and under Thompson
    /// sampling (20 batches, mean of 20 seeded runs), when it has two variants or more.
    pub bandit_replay: Option<super::bandit::Replay>,
    /// Problems with the input, for people.
    pub warnings: Vec<Warning>,
    /// All experiments in the table.
    pub experiments: Vec<String>,
}

/// Batches, runs and seed of the bandit replay.
const REPLAY_BATCHES: usize = 20;
const REPLAY_RUNS: u64 = 20;
const REPLAY_SEED: u64 = 42;

/// The threshold below which a sample-ratio mismatch is flagged.
pub const SRM_THRESHOLD: f64 = 0.001;

/// Something the reader of a read-out must know, in both languages.
#[derive(Debug, Clone, PartialEq)]
pub enum Warning {
    /// The experiment has one variant: nothing to compare.
    OneVariant {
        /// The experiment.
        experiment: String,
    },
    /// A variant has no rows.
    NoUsers {
        /// The variant.
        variant: String,
    },
    /// A variant converted all or none of its users, so the z-test and intervals are undefined.
    AllOrNone {
        /// The variant.
        variant: String,
        /// All converted (else none).
        all: bool,
    },
    /// A variant of the planned split has no users at all.
    PlannedWithoutUsers {
        /// The variant.
        variant: String,
    },
    /// The planned split gives no share for some variants, so the ratio is not checked.
    SplitIncomplete,
    /// The assignment counts are unlikely under the planned split.
    SampleRatioMismatch {
        /// Users per variant.
        observed: Vec<f64>,
        /// The χ² p-value.
        p: f64,
    },
}

impl Warning {
    /// The warning in both languages.
    pub fn text(&self) -> Text {
        Text::pair(self.zh(), self.to_string())
    }

    fn zh(&self) -> String {
        match self {
            Warning::OneVariant { experiment } => {
                format!("实验 `{experiment}` 只有一个版本，无从比较")
            }
            Warning::NoUsers { variant } => format!("版本 `{variant}` 没有用户"),
            Warning::AllOrNone { variant, all } => format!(
                "版本 `{variant}` 的用户{}转化：z 检验和置信区间无定义",
                if *all { "全部" } else { "都没有" }
            ),
            Warning::PlannedWithoutUsers { variant } => {
                format!("计划中的版本 `{variant}` 没有用户")
            }
            Warning::SplitIncomplete => "计划分流未给出部分版本的比例，未检查样本比例".into(),
            Warning::SampleRatioMismatch { observed, p } => format!(
                "样本比例失衡：各版本人数 {observed:?} 在计划分流下不太可能出现（p = {p:.2e}），结果不可信"
            ),
        }
    }

    /// Whether this is the sample-ratio mismatch (shown as its own banner).
    pub fn is_sample_ratio_mismatch(&self) -> bool {
        matches!(self, Warning::SampleRatioMismatch { .. })
    }
}

impl std::fmt::Display for Warning {
    /// The warning in English.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Warning::OneVariant { experiment } => write!(
                f,
                "experiment `{experiment}` has only one variant; nothing to compare"
            ),
            Warning::NoUsers { variant } => write!(f, "variant `{variant}` has no users"),
            Warning::AllOrNone { variant, all } => write!(
                f,
                "variant `{variant}` converted {} of its users: z-test and CIs are not defined",
                if *all { "all" } else { "none" }
            ),
            Warning::PlannedWithoutUsers { variant } => {
                write!(f, "the planned variant `{variant}` has no users")
            }
            Warning::SplitIncomplete => {
                f.write_str("the planned split names no share for some variants; SRM not checked")
            }
            Warning::SampleRatioMismatch { observed, p } => write!(
                f,
                "sample-ratio mismatch: assignment counts {observed:?} are unlikely under the planned split (p = {p:.2e}); the read-out is not to be trusted"
            ),
        }
    }
}

impl Serialize for Warning {
    /// Written as its English text, as read-outs have always been.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Reads out one experiment from a loaded experiments table.
pub fn readout(df: &DataFrame, opts: &AbOptions) -> Result<Readout, AbError> {
    opts.check()?;
    let experiments = experiment_names(df);
    let experiment = match &opts.experiment {
        Some(name) if experiments.contains(name) => name.clone(),
        Some(name) => {
            return Err(AbError::UnknownExperiment {
                name: name.clone(),
                known: experiments.join(", "),
            });
        }
        None => experiments.first().cloned().ok_or(AbError::Empty)?,
    };
    let mut arms = arms(df, &experiment)?;
    let names: Vec<String> = arms.iter().map(|a| a.name.clone()).collect();
    let control_idx = match &opts.control {
        Some(c) => names
            .iter()
            .position(|n| n == c)
            .ok_or_else(|| AbError::UnknownControl {
                name: c.clone(),
                experiment: experiment.clone(),
                known: names.join(", "),
            })?,
        None => names
            .iter()
            .position(|n| n.eq_ignore_ascii_case("control"))
            .unwrap_or(0),
    };
    let control = arms.remove(control_idx);
    arms.insert(0, control);
    let has_revenue = column(df, "revenue").is_some();
    let mut warnings = Vec::new();
    if arms.len() < 2 {
        warnings.push(Warning::OneVariant {
            experiment: experiment.to_string(),
        });
    }

    let counts: Vec<(f64, f64)> = arms
        .iter()
        .map(|a| {
            let n = a.converted.len() as f64;
            let x = a.converted.iter().filter(|c| **c).count() as f64;
            (n, x)
        })
        .collect();
    let (n0, x0) = counts[0];
    let p0 = x0 / n0;
    let rev0 = mean_var(&arms[0].revenue);
    let mut variants: Vec<VariantResult> = arms
        .iter()
        .zip(&counts)
        .enumerate()
        .map(|(i, (arm, &(n, x)))| {
            let p = x / n;
            let mut v = VariantResult {
                name: arm.name.clone(),
                users: n as u64,
                conversions: x as u64,
                rate: finite(p),
                rate_ci: rate_ci(p, n, opts.alpha),
                revenue_mean: if has_revenue {
                    mean(&arm.revenue)
                } else {
                    None
                },
                posterior: [1.0 + x, 1.0 + n - x],
                ..VariantResult::default()
            };
            if i > 0 {
                v.abs_lift = finite(p - p0);
                v.abs_ci = wald_ci(p0, n0, p, n, opts.alpha);
                v.rel_lift = finite(p / p0 - 1.0);
                v.rel_ci = relative_ci(p0, n0, p, n, opts.alpha);
                v.p_value = two_proportion_p(x0, n0, x, n);
                v.chance_to_beat_control =
                    prob_beta_greater(1.0 + x0, 1.0 + n0 - x0, 1.0 + x, 1.0 + n - x);
                if has_revenue
                    && let (Some((m0, v0)), Some((m1, v1))) = (rev0, mean_var(&arm.revenue))
                {
                    v.revenue_diff = finite(m1 - m0);
                    if let Some((_, df, p)) = welch(m0, v0, n0, m1, v1, n) {
                        v.revenue_p_value = Some(p);
                        v.revenue_ci = welch_ci(m1 - m0, v0 / n0 + v1 / n, df, opts.alpha);
                    }
                }
            }
            v
        })
        .collect();
    let counted: Vec<(u64, u64)> = variants.iter().map(|v| (v.users, v.conversions)).collect();
    let bandit_replay = (counted.len() >= 2).then(|| {
        let best = super::bandit::p_best(&counted);
        let shares = super::bandit::thompson_split(&best, super::bandit::MIN_SHARE);
        for ((v, p), s) in variants.iter_mut().zip(best).zip(shares) {
            v.p_best = Some(p);
            v.thompson_share = Some(s);
        }
        super::bandit::replay(&counted, REPLAY_BATCHES, REPLAY_RUNS, REPLAY_SEED)
    });
    let raw: Vec<f64> = variants[1..].iter().filter_map(|v| v.p_value).collect();
    if raw.len() == variants.len() - 1 && !raw.is_empty() {
        for (v, adj) in variants[1..].iter_mut().zip(holm(&raw)) {
            v.p_value_holm = Some(adj);
        }
    }
    for v in &variants {
        if v.users == 0 {
            warnings.push(Warning::NoUsers {
                variant: v.name.clone(),
            });
        } else if v.conversions == 0 || v.conversions == v.users {
            warnings.push(Warning::AllOrNone {
                variant: v.name.clone(),
                all: v.conversions == v.users,
            });
        }
    }

    let mut observed: Vec<f64> = counts.iter().map(|c| c.0).collect();
    let mut shares: Vec<f64> = match &opts.split {
        Some(split) => arms
            .iter()
            .map(|a| split.get(&a.name).copied().unwrap_or(0.0))
            .collect(),
        None => vec![1.0; arms.len()],
    };
    // A planned variant with no users at all is the plainest sample-ratio mismatch.
    if let Some(split) = &opts.split {
        for (name, share) in split {
            if !arms.iter().any(|a| &a.name == name) {
                warnings.push(Warning::PlannedWithoutUsers {
                    variant: name.clone(),
                });
                observed.push(0.0);
                shares.push(*share);
            }
        }
    }
    let srm_p = if shares.iter().all(|s| *s > 0.0) {
        chi_square_gof(&observed, &shares)
    } else {
        warnings.push(Warning::SplitIncomplete);
        None
    };
    let srm_warning = srm_p.is_some_and(|p| p < SRM_THRESHOLD);
    if srm_warning {
        warnings.push(Warning::SampleRatioMismatch {
            observed: observed.clone(),
            p: srm_p.unwrap_or(0.0),
        });
    }

    let cuped = cuped(&arms, opts.alpha);
    let pooled_rate = counts.iter().map(|c| c.1).sum::<f64>() / observed.iter().sum::<f64>();
    let tau = opts.tau.unwrap_or((0.1 * pooled_rate).max(1e-3));
    let timeline = timeline(&arms, opts.alpha, tau);
    for v in variants.iter_mut().skip(1) {
        v.always_valid_p = timeline
            .iter()
            .rev()
            .find(|p| p.variant == v.name)
            .and_then(|p| p.always_valid_p);
    }
    Ok(Readout {
        experiment,
        control: variants[0].name.clone(),
        alpha: opts.alpha,
        srm_p,
        srm_warning,
        variants,
        cuped,
        timeline,
        bandit_replay,
        warnings,
        experiments,
    })
}

fn rate_ci(p: f64, n: f64, alpha: f64) -> Option<[f64; 2]> {
    let h = super::stats::z_crit(alpha) * (p * (1.0 - p) / n).sqrt();
    Some([finite(p - h)?, finite(p + h)?])
}

/// CI of a difference of means with variance `var` and Welch degrees of freedom `df`.
fn welch_ci(diff: f64, var: f64, df: f64, alpha: f64) -> Option<[f64; 2]> {
    let h = t_crit(alpha, df)? * var.sqrt();
    Some([finite(diff - h)?, finite(diff + h)?])
}

fn cuped(arms: &[Arm], alpha: f64) -> Option<Cuped> {
    let pairs: Vec<(f64, f64)> = arms
        .iter()
        .flat_map(|a| {
            a.revenue
                .iter()
                .zip(&a.pre)
                .filter_map(|(y, x)| x.map(|x| (*y, x)))
        })
        .collect();
    if pairs.len() < 3 || arms.len() < 2 {
        return None;
    }
    let n = pairs.len() as f64;
    let my = pairs.iter().map(|p| p.0).sum::<f64>() / n;
    let mx = pairs.iter().map(|p| p.1).sum::<f64>() / n;
    let cov = pairs.iter().map(|(y, x)| (y - my) * (x - mx)).sum::<f64>() / (n - 1.0);
    let var_x = pairs.iter().map(|(_, x)| (x - mx).powi(2)).sum::<f64>() / (n - 1.0);
    let var_y = pairs.iter().map(|(y, _)| (y - my).powi(2)).sum::<f64>() / (n - 1.0);
    let theta = finite(cov / var_x)?;
    let adjusted: Vec<Vec<f64>> = arms
        .iter()
        .map(|a| {
            a.revenue
                .iter()
                .zip(&a.pre)
                .filter_map(|(y, x)| x.map(|x| y - theta * (x - mx)))
                .collect()
        })
        .collect();
    let var_adj = mean_var(&adjusted.concat())?.1;
    let base = mean_var(&adjusted[0]);
    let variants = arms
        .iter()
        .zip(&adjusted)
        .enumerate()
        .map(|(i, (arm, adj))| {
            let mv = mean_var(adj);
            let test = match (i, base, mv) {
                (1.., Some((m0, v0)), Some((m1, v1))) => {
                    let (n0, n1) = (adjusted[0].len() as f64, adj.len() as f64);
                    welch(m0, v0, n0, m1, v1, n1).and_then(|(_, df, p)| {
                        let ci = welch_ci(m1 - m0, v0 / n0 + v1 / n1, df, alpha)?;
                        Some((m1 - m0, ci, p))
                    })
                }
                _ => None,
            };
            CupedVariant {
                name: arm.name.clone(),
                adjusted_mean: mv.map(|m| m.0),
                diff: test.map(|t| t.0),
                ci: test.map(|t| t.1),
                p_value: test.map(|t| t.2),
            }
        })
        .collect();
    Some(Cuped {
        theta,
        variance_reduction: finite(1.0 - var_adj / var_y)?,
        variants,
    })
}

/// The posterior density of every variant's conversion rate, sampled on a common grid
/// around the posteriors' mass: `(variant, [(rate, density)])`.
pub fn posterior_curves(readout: &Readout, points: usize) -> Vec<(String, Vec<[f64; 2]>)> {
    use statrs::distribution::{Beta, Continuous};
    let dists: Vec<(String, Beta)> = readout
        .variants
        .iter()
        .filter_map(|v| {
            Some((
                v.name.clone(),
                Beta::new(v.posterior[0], v.posterior[1]).ok()?,
            ))
        })
        .collect();
    let spread = |d: &Beta| {
        use statrs::statistics::Distribution;
        (d.mean().unwrap_or(0.5), d.std_dev().unwrap_or(0.1))
    };
    let lo = dists
        .iter()
        .map(|(_, d)| {
            let (m, s) = spread(d);
            m - 5.0 * s
        })
        .fold(1.0, f64::min)
        .max(0.0);
    let hi = dists
        .iter()
        .map(|(_, d)| {
            let (m, s) = spread(d);
            m + 5.0 * s
        })
        .fold(0.0, f64::max)
        .min(1.0);
    let steps = points.max(2) - 1;
    dists
        .into_iter()
        .map(|(name, d)| {
            let curve = (0..=steps)
                .map(|i| {
                    let x = lo + (hi - lo) * i as f64 / steps as f64;
                    [x, d.pdf(x)]
                })
                .filter(|p| p[1].is_finite())
                .collect();
            (name, curve)
        })
        .collect()
}

/// The read-out as CSV: one row per variant with every statistic.
pub fn readout_csv(readout: &Readout) -> String {
    let mut w = crate::safe_csv::SafeCsv::from_writer(Vec::new());
    let cell = |v: Option<f64>| v.map_or(String::new(), |v| v.to_string());
    let lo = |v: Option<[f64; 2]>| cell(v.map(|c| c[0]));
    let hi = |v: Option<[f64; 2]>| cell(v.map(|c| c[1]));
    let _ = w.write_record([
        "experiment",
        "variant",
        "users",
        "conversions",
        "rate",
        "abs_lift",
        "abs_ci_lo",
        "abs_ci_hi",
        "rel_lift",
        "rel_ci_lo",
        "rel_ci_hi",
        "p_value",
        "p_value_holm",
        "chance_to_beat_control",
        "p_best",
        "thompson_share",
        "revenue_mean",
        "revenue_diff",
        "revenue_p_value",
        "srm_p",
    ]);
    for v in &readout.variants {
        let _ = w.write_record([
            readout.experiment.clone(),
            v.name.clone(),
            v.users.to_string(),
            v.conversions.to_string(),
            cell(v.rate),
            cell(v.abs_lift),
            lo(v.abs_ci),
            hi(v.abs_ci),
            cell(v.rel_lift),
            lo(v.rel_ci),
            hi(v.rel_ci),
            cell(v.p_value),
            cell(v.p_value_holm),
            cell(v.chance_to_beat_control),
            cell(v.p_best),
            cell(v.thompson_share),
            cell(v.revenue_mean),
            cell(v.revenue_diff),
            cell(v.revenue_p_value),
            cell(readout.srm_p),
        ]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
