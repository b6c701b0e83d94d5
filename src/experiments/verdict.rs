//! The decision a read-out supports, in plain words: ship a variant, do not ship, keep
//! running, or fix the split first. Continuous monitoring is the norm in the window, so the
//! decision reads the always-valid p-value (Bonferroni-adjusted over the variants) when the
//! data carry times; the fixed-horizon p is only valid for one look at a sample size planned
//! in advance.

use super::readout::Readout;
use crate::lang::Text;
use serde::Serialize;

/// What to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// A variant wins: roll it out.
    Ship,
    /// Every variant does worse than the control: keep the control.
    DontShip,
    /// No clear answer yet.
    KeepRunning,
    /// The split is broken (sample-ratio mismatch): no decision can be read.
    FixTheSplit,
}

/// A decision with its reason, in both languages.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// What to do.
    pub decision: Decision,
    /// The variant to ship, for [`Decision::Ship`].
    pub variant: Option<String>,
    /// Why, in plain words.
    pub reason: Text,
}

impl Serialize for Verdict {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Out<'a> {
            decision: Decision,
            variant: &'a Option<String>,
            reason: &'a str,
            reason_zh: &'a str,
        }
        Out {
            decision: self.decision,
            variant: &self.variant,
            reason: &self.reason.en,
            reason_zh: &self.reason.zh,
        }
        .serialize(s)
    }
}

fn pp(v: f64) -> String {
    format!("{:+.2} pp", v * 100.0)
}

/// The verdict of `r`.
pub fn verdict(r: &Readout) -> Verdict {
    let keep = |reason: Text| Verdict {
        decision: Decision::KeepRunning,
        variant: None,
        reason,
    };
    if r.srm_warning {
        return Verdict {
            decision: Decision::FixTheSplit,
            variant: None,
            reason: Text::pair(
                format!(
                    "各组人数与计划分流不符（SRM p = {:.2e}）：分流或埋点有问题，结果不可信。先修复再看效果。",
                    r.srm_p.unwrap_or(0.0)
                ),
                format!(
                    "The groups' sizes do not match the planned split (SRM p = {:.2e}): assignment or tracking is broken and no result can be trusted. Fix it before reading the effect.",
                    r.srm_p.unwrap_or(0.0)
                ),
            ),
        };
    }
    let sequential = r
        .variants
        .iter()
        .skip(1)
        .any(|v| v.always_valid_p.is_some());
    let comparisons = r.variants.len().saturating_sub(1).max(1) as f64;
    // The p-value a decision may rest on: always-valid when monitored over time (Bonferroni
    // over the variants compared with the control), else Holm-adjusted.
    let decisive = |v: &super::readout::VariantResult| {
        if sequential {
            v.always_valid_p.map(|p| (p * comparisons).min(1.0))
        } else {
            v.p_value_holm.or(v.p_value)
        }
    };
    let others: Vec<&super::readout::VariantResult> = r.variants.iter().skip(1).collect();
    if others.is_empty() {
        return keep(Text::new(
            "只有一个版本，无从比较。",
            "Only one variant: nothing to compare.",
        ));
    }
    let winners: Vec<&&super::readout::VariantResult> = others
        .iter()
        .filter(|v| v.abs_lift.is_some_and(|l| l > 0.0) && decisive(v).is_some_and(|p| p < r.alpha))
        .collect();
    if let Some(best) = winners.iter().max_by(|a, b| {
        a.abs_lift
            .unwrap_or(0.0)
            .total_cmp(&b.abs_lift.unwrap_or(0.0))
    }) {
        let lift = best.abs_lift.unwrap_or(0.0);
        let [lo, hi] = best.abs_ci.unwrap_or([lift, lift]);
        let p = decisive(best).unwrap_or(0.0);
        let (which, which_en) = match (sequential, comparisons > 1.0) {
            (true, true) => (
                format!("随时有效 p（按 {comparisons} 个版本校正）"),
                format!("always-valid p (Bonferroni over {comparisons} variants)"),
            ),
            (true, false) => ("随时有效 p".to_string(), "always-valid p".to_string()),
            (false, _) => (
                "p（Holm 校正）".to_string(),
                "p (Holm-adjusted)".to_string(),
            ),
        };
        return Verdict {
            decision: Decision::Ship,
            variant: Some(best.name.clone()),
            reason: Text::pair(
                format!(
                    "上线 {}：转化率比对照组高 {}（95% 区间 {} 到 {}），{which} = {p:.4} < {}。",
                    best.name,
                    pp(lift),
                    pp(lo),
                    pp(hi),
                    r.alpha
                ),
                format!(
                    "Ship {}: its conversion rate beats the control by {} (95% interval {} to {}), {which_en} = {p:.4} < {}.",
                    best.name,
                    pp(lift),
                    pp(lo),
                    pp(hi),
                    r.alpha
                ),
            ),
        };
    }
    let all_worse = others
        .iter()
        .all(|v| v.abs_lift.is_some_and(|l| l < 0.0) && decisive(v).is_some_and(|p| p < r.alpha));
    if all_worse {
        return Verdict {
            decision: Decision::DontShip,
            variant: None,
            reason: Text::new(
                "不要上线：每个版本的转化率都显著低于对照组，保留对照组。",
                "Don't ship: every variant converts significantly worse than the control; keep the control.",
            ),
        };
    }
    // Nothing decisive. Say why when the fixed-horizon test alone would have called it.
    let peeked = others.iter().find(|v| {
        sequential
            && v.p_value.is_some_and(|p| p < r.alpha)
            && v.always_valid_p.is_some_and(|p| p >= r.alpha)
    });
    match peeked {
        Some(v) => keep(Text::pair(
            format!(
                "继续运行：{} 的固定样本 p = {:.4} 看似显著，但随时有效 p = {:.4}。固定样本 p 只在预先定好样本量、只看一次时成立；每天查看结果时要用随时有效 p，它还不够小。",
                v.name,
                v.p_value.unwrap_or(0.0),
                v.always_valid_p.unwrap_or(1.0)
            ),
            format!(
                "Keep running: {}'s fixed-horizon p = {:.4} looks significant, but its always-valid p = {:.4}. The fixed-horizon p holds only for one look at a sample size planned in advance; when results are watched every day the always-valid p applies, and it is not small enough yet.",
                v.name,
                v.p_value.unwrap_or(0.0),
                v.always_valid_p.unwrap_or(1.0)
            ),
        )),
        None => keep(Text::pair(
            format!(
                "继续运行：各版本与对照组的差异还不显著（最小{} = {:.4}）。用样本量计算器估计还需多少用户。",
                if sequential { "随时有效 p" } else { " p" },
                others
                    .iter()
                    .filter_map(|v| decisive(v))
                    .fold(1.0, f64::min)
            ),
            format!(
                "Keep running: no variant differs clearly from the control yet (smallest {} = {:.4}). The power calculator tells how many more users it takes.",
                if sequential { "always-valid p" } else { "p" },
                others
                    .iter()
                    .filter_map(|v| decisive(v))
                    .fold(1.0, f64::min)
            ),
        )),
    }
}
