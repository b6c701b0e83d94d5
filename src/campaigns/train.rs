//! Training and evaluating click models on a dataset: encode, split by time or at random,
//! fit logistic regression and a factorization machine, keep the better one, and fit the
//! conversion-given-click and spend models used for targeting.

use super::encode::{
    Context, Design, Encoder, Shown, Target, encode_impressions, shown_impressions,
};
use super::fm::{self, Fm, FmParams};
use super::history::{Histories, Kind, Past};
use super::linear::{Linear, r_squared};
use super::logistic::{self, Lbfgs, Logistic};
use super::metrics::{CalibrationBin, Curve, Decile, auc, calibration, gains, log_loss, roc_pr};
use crate::data::columns::ms_col;
use crate::data::{Dataset, TableKind};
use crate::jobs::Progress;
use crate::math::Csr;
use crate::profile::features::learner_attributes;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;
use std::time::Instant;

/// How impressions are split into training and test rows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SplitRule {
    /// Test = impressions at or after this time (ms); `None` = the last 20% of the time range.
    TimeFrom(Option<i64>),
    /// Test = a seeded random share of the impressions.
    Holdout {
        /// Share held out.
        fraction: f64,
        /// Seed.
        seed: u64,
    },
}

/// Training settings.
#[derive(Debug, Clone, Copy)]
pub struct CtrConfig {
    /// What to predict.
    pub target: Target,
    /// The split.
    pub split: SplitRule,
    /// Inverse L2 strength of the logistic regression (scikit-learn's `C`); `None` chooses it
    /// from [`C_GRID`] by log loss on the latest 10% of the training rows (fitted on at most
    /// [`C_SEARCH_ROWS`] of the others, evenly spread).
    pub c: Option<f64>,
    /// Also fit a factorization machine.
    pub with_fm: bool,
    /// Its settings.
    pub fm: FmParams,
    /// Most training impressions encoded: above it the models learn from a sample (see
    /// [`Subsample`]).
    pub max_train_rows: usize,
    /// Most test impressions encoded: above it the models are scored on a uniform sample.
    pub max_test_rows: usize,
}

impl Default for CtrConfig {
    fn default() -> Self {
        CtrConfig {
            target: Target::Clicked,
            split: SplitRule::TimeFrom(None),
            c: None,
            with_fm: true,
            fm: FmParams::default(),
            max_train_rows: MAX_TRAIN_ROWS,
            max_test_rows: MAX_TEST_ROWS,
        }
    }
}

/// Training impressions encoded at most, by default: a million rows of a few dozen features
/// take under half a gigabyte and give the models all they can learn from a course
/// catalogue's few hundred thousand weights (at a million learners the test AUC was 0.76352
/// learning from one million of the 8.8M training rows, 0.76359 from two million).
pub const MAX_TRAIN_ROWS: usize = 1_000_000;

/// Test impressions scored at most, by default (the AUC of a million rows is known to about
/// ±0.001).
pub const MAX_TEST_ROWS: usize = 1_000_000;

/// How impressions beyond [`CtrConfig::max_train_rows`] and [`CtrConfig::max_test_rows`] were
/// sampled before encoding. Training keeps every positive (or, when positives alone would
/// fill more than half the rows, a uniform share of them) and a uniform share of the
/// negatives; the models fitted on that sample have their intercept moved by
/// ln(negative rate / positive rate), which turns the sample's odds back into the full
/// data's exactly for a logistic model (He et al., *Practical lessons from predicting clicks
/// on ads at Facebook*, 2014). Test rows are a uniform share, so AUC, log loss and
/// calibration estimate those of all test impressions. Which rows are kept is a fixed hash of
/// their row number: the same on every run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, serde::Deserialize)]
pub struct Subsample {
    /// Training impressions before sampling.
    pub train_impressions: usize,
    /// Test impressions before sampling.
    pub test_impressions: usize,
    /// Share of the training positives kept.
    pub positive_rate: f64,
    /// Share of the training negatives kept.
    pub negative_rate: f64,
    /// Share of the test impressions kept.
    pub test_rate: f64,
}

impl Subsample {
    /// The rates that bring `positives + negatives` training rows and `test` test rows under
    /// the limits; `None` when everything fits.
    pub fn choose(
        positives: usize,
        negatives: usize,
        test: usize,
        max_train: usize,
        max_test: usize,
    ) -> Option<Subsample> {
        if positives + negatives <= max_train && test <= max_test {
            return None;
        }
        let rate = |want: f64, have: usize| {
            if have == 0 {
                1.0
            } else {
                (want / have as f64).clamp(0.0, 1.0)
            }
        };
        let (positive_rate, negative_rate) = if positives + negatives <= max_train {
            (1.0, 1.0)
        } else {
            let positive_rate = rate(max_train as f64 / 2.0, positives);
            let kept = positives as f64 * positive_rate;
            (positive_rate, rate(max_train as f64 - kept, negatives))
        };
        Some(Subsample {
            train_impressions: positives + negatives,
            test_impressions: test,
            positive_rate,
            negative_rate,
            test_rate: rate(max_test as f64, test),
        })
    }

    /// What a model fitted on the sample adds to its intercept to predict the full data's
    /// probabilities: logit p = logit p′ + ln(negative rate / positive rate).
    pub fn intercept_shift(&self) -> f64 {
        (self.negative_rate / self.positive_rate).ln()
    }

    /// Whether impression `s` stays (`test`: it is a test row).
    fn keeps(&self, s: &Shown, test: bool, target: Target) -> bool {
        let rate = match (test, s.positive(target)) {
            (true, _) => self.test_rate,
            (false, true) => self.positive_rate,
            (false, false) => self.negative_rate,
        };
        rate >= 1.0 || unit_hash(s.row as u64) < rate
    }

    /// One sentence saying what the models were fitted and scored on.
    pub fn note(&self) -> crate::lang::Text {
        let share = |r: f64| format!("{:.1}%", r * 100.0);
        let thousands = |n: usize| crate::look::thousands(n as i64);
        crate::lang::Text::pair(
            format!(
                "{} 条训练曝光中按比例抽样学习（正例保留 {}，负例保留 {}，截距已按抽样比例校正）；{} 条测试曝光中均匀抽取 {} 评估",
                thousands(self.train_impressions),
                share(self.positive_rate),
                share(self.negative_rate),
                thousands(self.test_impressions),
                share(self.test_rate)
            ),
            format!(
                "Learned from a sample of the {} training impressions ({} of positives, {} of negatives kept; intercepts corrected for the sampling) and scored on a uniform {} of the {} test impressions",
                thousands(self.train_impressions),
                share(self.positive_rate),
                share(self.negative_rate),
                share(self.test_rate),
                thousands(self.test_impressions)
            ),
        )
    }
}

/// A number in [0, 1) fixed by `x` (SplitMix64's finaliser).
fn unit_hash(x: u64) -> f64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

/// One model's held-out quality.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct ModelScore {
    /// `logistic` or `fm`.
    pub name: String,
    /// Test AUC.
    pub auc: Option<f64>,
    /// Test log loss.
    pub logloss: f64,
    /// Fit time.
    pub train_seconds: f64,
    /// Solver iterations (L-BFGS) or epochs (FM).
    pub iterations: usize,
}

/// A weight with its readable feature name.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Coefficient {
    /// Feature.
    pub feature: String,
    /// Logistic-regression weight.
    pub weight: f64,
}

/// The evaluation of a training run (the `ctr --json` contract plus curves).
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct CtrReport {
    /// Training rows.
    pub rows_train: usize,
    /// Test rows.
    pub rows_test: usize,
    /// The default model (better test AUC).
    pub model: String,
    /// Its test AUC.
    pub auc: Option<f64>,
    /// Its test log loss.
    pub logloss: f64,
    /// Positive rate in the test rows.
    pub base_rate: f64,
    /// Its calibration in 10 equal-count bins.
    pub calibration: Vec<CalibrationBin>,
    /// Every model trained.
    pub models: Vec<ModelScore>,
    /// The logistic regression's `C` (given or chosen).
    pub c: f64,
    /// What was predicted.
    pub target: Target,
    /// Where the time split fell (ISO date), if by time.
    pub test_from: Option<String>,
    /// ROC curve of the default model.
    pub roc: Curve,
    /// Precision-recall curve of the default model.
    pub pr: Curve,
    /// Lift and cumulative gains by decile.
    pub gains: Vec<Decile>,
    /// The largest logistic-regression weights.
    pub coefficients: Vec<Coefficient>,
    /// Hashed cross buckets (documented count).
    pub cross_buckets: u32,
    /// R² of the spend model on held-out purchases (after the cut of a time split; of
    /// held-out learners otherwise).
    pub spend_r2: Option<f64>,
    /// Impressions whose learner or course is unknown (not used).
    pub skipped: usize,
    /// How the impressions were sampled, when there were more than the limits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subsample: Option<Subsample>,
}

/// Which click model scores.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub enum ClickModel {
    /// Logistic regression.
    Logistic(Logistic),
    /// Factorization machine.
    Fm(Fm),
}

impl ClickModel {
    /// P(target) of one row.
    pub fn predict_row(&self, cols: &[u32], vals: &[f32]) -> f64 {
        match self {
            ClickModel::Logistic(m) => m.predict_row(cols, vals),
            ClickModel::Fm(m) => m.predict_row(cols, vals),
        }
    }
}

/// Everything targeting needs. Serialized without the histories, which are rebuilt from the
/// data (see [`crate::campaigns::run::restore`]).
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct CtrModels {
    /// What the click model predicts.
    pub target: Target,
    /// The encoder.
    pub encoder: Encoder,
    /// Every learner's events, for features as of any moment.
    #[serde(skip)]
    pub histories: Histories,
    /// The default click model.
    pub click: ClickModel,
    /// P(converted | clicked), when any click converted.
    pub conversion: Option<Logistic>,
    /// Amount paid per purchase, when purchases have amounts.
    pub spend: Option<Linear>,
    /// The most a predicted amount may be for each course: the highest amount it ever sold
    /// for (before the cut of a time split), else its list price.
    pub spend_cap: Vec<Option<f64>>,
}

impl CtrModels {
    /// A copy without the histories: what is saved ([`crate::campaigns::run::restore`]
    /// rebuilds them from the data).
    pub fn without_histories(&self) -> CtrModels {
        CtrModels {
            target: self.target,
            encoder: self.encoder.clone(),
            histories: Histories::default(),
            click: self.click.clone(),
            conversion: self.conversion.clone(),
            spend: self.spend.clone(),
            spend_cap: self.spend_cap.clone(),
        }
    }
}

/// Where a split by time falls: the given time, or 80% into the impressions' time range.
fn time_cut(ds: &Dataset, from: Option<i64>) -> Option<i64> {
    from.or_else(|| {
        let ts = ms_col(ds.frame(TableKind::Impressions)?, "ts")?;
        let (lo, hi) = (ts.iter().flatten().min()?, ts.iter().flatten().max()?);
        Some(lo + ((hi - lo) as f64 * 0.8) as i64)
    })
}

/// Training and test rows of the `shown` impressions (by their times for a split by time).
fn split_rows(shown: &[Shown], rule: SplitRule, cut: Option<i64>) -> (Vec<usize>, Vec<usize>) {
    let n = shown.len();
    match (rule, cut) {
        (SplitRule::Holdout { fraction, seed }, _) => {
            let mut order: Vec<usize> = (0..n).collect();
            order.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
            let n_test = (n as f64 * fraction).round() as usize;
            let mut test = order[..n_test].to_vec();
            let mut train = order[n_test..].to_vec();
            test.sort_unstable();
            train.sort_unstable();
            (train, test)
        }
        (SplitRule::TimeFrom(_), cut) => {
            let cut = cut.unwrap_or(i64::MAX);
            let (test, train): (Vec<usize>, Vec<usize>) = (0..n).partition(|&r| shown[r].ms >= cut);
            (train, test)
        }
    }
}

/// Impressions encoded point-in-time and split, ready to fit.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The encoder (history columns scaled on the training rows).
    pub encoder: Encoder,
    /// Every learner's events.
    pub histories: Histories,
    /// All encoded impressions.
    pub design: Design,
    /// Training rows of `design`.
    pub train_rows: Vec<usize>,
    /// Test rows of `design`.
    pub test_rows: Vec<usize>,
    /// Where a split by time falls.
    pub cut: Option<i64>,
    /// How the impressions were sampled, when there were more than the limits.
    pub subsample: Option<Subsample>,
}

/// Peak bytes per encoded impression while the models are fitted: encoding 3.0M impressions of
/// `sample --users 1000000` raised `ctr`'s peak by 2.5 GB.
const ENCODED_ROW_BYTES: u64 = 900;

/// Refuses to encode `rows` impressions when they would not fit in the memory that is free.
fn ensure_memory(rows: usize) -> crate::error::Result<()> {
    let Some((need, free)) = crate::memory::shortfall(rows as u64 * ENCODED_ROW_BYTES) else {
        return Ok(());
    };
    let (need, free) = (crate::memory::human(need), crate::memory::human(free));
    Err(crate::error::Error::input(
        format!(
            "编码 {rows} 次曝光约需 {need} 内存，而当前可用 {free}；请调低 --max-train-rows / --max-test-rows（抽样学习），或关闭其他程序"
        ),
        format!(
            "encoding {rows} impressions takes about {need} of memory and {free} is free; lower --max-train-rows / --max-test-rows (learn from a sample) or close other programs"
        ),
    ))
}

/// Encodes and splits the impressions of a dataset. Every row's learner history is taken as
/// of the impression, and for test rows of a time split as of the cut: no feature ever reads
/// an event at or after the moment it stands for.
pub fn prepare(
    ds: &Dataset,
    config: &CtrConfig,
    progress: &Progress,
) -> crate::error::Result<Prepared> {
    if ds.frame(TableKind::Impressions).is_none() {
        return Err(crate::error::Error::input(
            "没有可用来学习点击的曝光表（impressions.csv）",
            "no impressions table (impressions.csv) to learn clicks from",
        ));
    }
    progress.set_stage(crate::lang::Text::new("学员历史", "learner histories"));
    let mut encoder = Encoder::fit(ds, &learner_attributes(ds));
    let histories = Histories::from_dataset(ds, &encoder.learner_index, &encoder.course_index);
    progress.check()?;
    progress.set_stage(crate::lang::Text::new("编码曝光", "encoding impressions"));
    let cut = match config.split {
        SplitRule::TimeFrom(from) => time_cut(ds, from),
        SplitRule::Holdout { .. } => None,
    };
    let (shown, skipped) = shown_impressions(ds, &encoder);
    if shown.is_empty() {
        return Err(crate::error::Error::input(
            "没有曝光能对应到已知的学员和课程",
            "no impression matches a known learner and course",
        ));
    }
    let positives = shown.iter().filter(|s| s.positive(config.target)).count();
    if positives == 0 || positives == shown.len() {
        let (what_zh, what) = match config.target {
            Target::Clicked => ("被点击", "clicked"),
            Target::Converted => ("带来转化", "converted"),
        };
        return Err(crate::error::Error::input(
            format!(
                "{} 次曝光{}{what_zh}：模型需要两种结果才能学习",
                shown.len(),
                if positives == 0 {
                    "都没有"
                } else {
                    "全部"
                },
            ),
            format!(
                "{} of the {} impressions were {what}: a model needs both outcomes to learn from",
                if positives == 0 { "none" } else { "all" },
                shown.len()
            ),
        ));
    }
    let (train_rows, test_rows) = split_rows(&shown, config.split, cut);
    if train_rows.is_empty() || test_rows.is_empty() {
        return Err(crate::error::Error::input(
            format!(
                "划分后训练曝光 {} 条、测试曝光 {} 条；请换一个 --test-from 或 --holdout",
                train_rows.len(),
                test_rows.len()
            ),
            format!(
                "the split leaves {} training and {} test impressions; choose another --test-from or --holdout",
                train_rows.len(),
                test_rows.len()
            ),
        ));
    }
    let train_positives = train_rows
        .iter()
        .filter(|&&r| shown[r].positive(config.target))
        .count();
    let subsample = Subsample::choose(
        train_positives,
        train_rows.len() - train_positives,
        test_rows.len(),
        config.max_train_rows,
        config.max_test_rows,
    );
    ensure_memory(
        train_rows.len().min(config.max_train_rows) + test_rows.len().min(config.max_test_rows),
    )?;
    let (shown, train_rows, test_rows) = match &subsample {
        None => (shown, train_rows, test_rows),
        Some(sample) => {
            drop(train_rows);
            sampled(shown, test_rows, sample, config.target)
        }
    };
    let mut design = encode_impressions(
        ds,
        &mut encoder,
        &histories,
        &shown,
        config.target,
        cut,
        skipped,
    );
    drop(shown);
    progress.check()?;
    progress.set_stage(crate::lang::Text::new("标准化", "scaling"));
    encoder.fit_scale(&mut design.x, &train_rows);
    progress.set(0.2);
    Ok(Prepared {
        encoder,
        histories,
        design,
        train_rows,
        test_rows,
        cut,
        subsample,
    })
}

/// The impressions a subsample keeps, in their order, with their training and test rows
/// (the others are freed before encoding).
fn sampled(
    shown: Vec<Shown>,
    test_rows: Vec<usize>,
    sample: &Subsample,
    target: Target,
) -> (Vec<Shown>, Vec<usize>, Vec<usize>) {
    let mut is_test = vec![false; shown.len()];
    for r in test_rows {
        is_test[r] = true;
    }
    let (mut kept, mut train, mut test) = (Vec::new(), Vec::new(), Vec::new());
    for (s, &t) in shown.iter().zip(&is_test) {
        if sample.keeps(s, t, target) {
            if t { &mut test } else { &mut train }.push(kept.len());
            kept.push(*s);
        }
    }
    (kept, train, test)
}

/// One purchase for the spend model: its row, the amount paid, whether it is held out.
struct SpendRow {
    row: Vec<(u32, f32)>,
    amount: f64,
    held_out: bool,
}

/// Fits the spend model: what a learner pays for a course, from their history *before* the
/// purchase (so the amount predicted is never among its own features) and the course. With
/// a cut, fitted on purchases before it and scored (R²) on those after; without, scored on
/// the learners whose id hashes into a held-out fifth.
fn fit_spend(enc: &Encoder, histories: &Histories, cut: Option<i64>) -> Option<Linear> {
    // Each learner's purchases with their rows, in learner order (built in parallel).
    let purchases: Vec<SpendRow> = (0..enc.learner_ids.len() as u32)
        .into_par_iter()
        .flat_map_iter(|l| {
            let held_out = cut.is_none()
                && super::encode::fnv1a(&enc.learner_ids[l as usize]).is_multiple_of(5);
            let mut past = Past::default();
            let mut rows = Vec::new();
            for e in histories.of(l) {
                if e.kind() == Kind::Purchase && e.amount() > 0.0 && e.course() != u32::MAX {
                    let row = enc.row(l, e.course(), &Context::default(), &past, e.ms);
                    let later = cut.is_some_and(|c| e.ms >= c);
                    rows.push(SpendRow {
                        row,
                        amount: f64::from(e.amount()),
                        held_out: held_out || later,
                    });
                }
                past.add(e, &enc.facts);
            }
            rows
        })
        .collect();
    let mut train = (Vec::new(), Vec::new());
    let mut test = (Vec::new(), Vec::new());
    for p in purchases {
        let side = if p.held_out { &mut test } else { &mut train };
        side.0.push(p.row);
        side.1.push(p.amount);
    }
    if train.0.len() < 20 {
        return None;
    }
    let mut m = Linear::fit(&train.0, &train.1, enc.names.len());
    if test.0.len() >= 5 {
        let pred: Vec<f64> = test.0.iter().map(|r| m.predict(r)).collect();
        m.r2_test = r_squared(&pred, &test.1);
    }
    Some(m)
}

/// The most each course may be predicted to sell for: its highest amount paid before `cut`
/// (all purchases without one), else its list price.
fn spend_caps(enc: &Encoder, histories: &Histories, cut: Option<i64>) -> Vec<Option<f64>> {
    let mut caps: Vec<Option<f64>> = vec![None; enc.course_ids.len()];
    for l in 0..enc.learner_ids.len() as u32 {
        for e in histories.of(l) {
            if e.kind() == Kind::Purchase
                && cut.is_none_or(|c| e.ms < c)
                && let Some(cap) = caps.get_mut(e.course() as usize)
            {
                *cap = Some(cap.unwrap_or(0.0).max(f64::from(e.amount())));
            }
        }
    }
    caps.iter()
        .zip(&enc.facts.price)
        .map(|(paid, list)| paid.or(*list))
        .collect()
}

/// Trains and evaluates on a dataset with impressions (and users, courses, events).
pub fn train(
    ds: &Dataset,
    config: &CtrConfig,
    progress: &Progress,
) -> crate::error::Result<(CtrModels, CtrReport)> {
    let prepared = prepare(ds, config, progress)?;
    train_prepared(prepared, config, progress)
}

/// Fits and evaluates the models on impressions already [prepared](prepare).
pub fn train_prepared(
    prepared: Prepared,
    config: &CtrConfig,
    progress: &Progress,
) -> crate::error::Result<(CtrModels, CtrReport)> {
    let Prepared {
        encoder,
        histories,
        mut design,
        train_rows,
        test_rows,
        cut,
        subsample,
    } = prepared;
    // A model fitted on sampled rows predicts the full data's odds once its intercept moves.
    let shift = subsample.as_ref().map_or(0.0, Subsample::intercept_shift);
    // The models read the training and test rows in place: the matrix is held once, never
    // copied (at a million learners it is gigabytes).
    let x = std::mem::take(&mut design.x);
    let y_test: Vec<f32> = test_rows.iter().map(|&r| design.y[r]).collect();

    // Training rows in time order: the latest ones validate C and stop the FM early.
    let order: Vec<usize> = {
        let mut o = train_rows.clone();
        o.sort_by_key(|&r| (design.ms[r], r));
        o
    };
    let (c, warm) = match config.c {
        Some(c) => (c, None),
        None => {
            progress.set_stage(crate::lang::Text::new(
                "选择正则化",
                "choosing the regularisation",
            ));
            choose_c(&x, &design.y, &order, &progress.part(0.2, 0.15))?
        }
    };
    progress.set_stage(crate::lang::Text::new("逻辑回归", "logistic regression"));
    let started = Instant::now();
    let lr = logistic::fit_rows(
        &x,
        &train_rows,
        &design.y,
        c,
        Lbfgs::default(),
        warm.as_ref(),
        &progress.part(0.35, 0.2),
    )?;
    let lr_seconds = started.elapsed().as_secs_f64();
    let sampled_lr = lr;
    let mut lr = sampled_lr.clone();
    lr.intercept += shift;
    let p_lr = lr.predict_rows(&x, &test_rows);
    let mut models = vec![ModelScore {
        name: "logistic".into(),
        auc: auc(&p_lr, &y_test),
        logloss: log_loss(&p_lr, &y_test),
        train_seconds: lr_seconds,
        iterations: lr.iterations,
    }];
    let mut best = (ClickModel::Logistic(lr.clone()), p_lr);
    if config.with_fm {
        progress.set_stage(crate::lang::Text::new(
            "因子分解机",
            "factorization machine",
        ));
        let started = Instant::now();
        let mut fm = fm::fit(
            &x,
            &design.y,
            &order,
            &sampled_lr,
            config.fm,
            &progress.part(0.55, 0.3),
        )?;
        fm.intercept += shift;
        let fm_seconds = started.elapsed().as_secs_f64();
        let p_fm = fm.predict_rows(&x, &test_rows);
        let score = ModelScore {
            name: "fm".into(),
            auc: auc(&p_fm, &y_test),
            logloss: log_loss(&p_fm, &y_test),
            train_seconds: fm_seconds,
            iterations: fm.epochs,
        };
        if score.auc.unwrap_or(0.0) > models[0].auc.unwrap_or(0.0) {
            best = (ClickModel::Fm(fm), p_fm);
        }
        models.push(score);
    }
    progress.set_stage(crate::lang::Text::new("转化模型", "conversion model"));
    let conversion = if config.target == Target::Clicked {
        conversion_model(&design, &x, &train_rows, c, progress)?
    } else {
        None
    };
    drop(x);
    progress.set_stage(crate::lang::Text::new("消费模型", "spend model"));
    let spend = fit_spend(&encoder, &histories, cut);
    let spend_cap = spend_caps(&encoder, &histories, cut);
    let (click, p_best) = best;
    let name = match click {
        ClickModel::Logistic(_) => "logistic",
        ClickModel::Fm(_) => "fm",
    };
    let chosen = models
        .iter()
        .find(|m| m.name == name)
        .cloned()
        .expect("scored");
    let (roc, pr) = roc_pr(&p_best, &y_test, 200);
    let mut coefficients: Vec<Coefficient> = lr
        .weights
        .iter()
        .enumerate()
        .filter(|(_, w)| **w != 0.0)
        .map(|(j, &w)| Coefficient {
            feature: encoder.feature_name(j),
            weight: w,
        })
        .collect();
    coefficients.sort_by(|a, b| b.weight.abs().total_cmp(&a.weight.abs()));
    coefficients.truncate(25);
    let report = CtrReport {
        rows_train: train_rows.len(),
        rows_test: test_rows.len(),
        model: name.into(),
        auc: chosen.auc,
        logloss: chosen.logloss,
        base_rate: y_test.iter().map(|&v| f64::from(v)).sum::<f64>() / y_test.len() as f64,
        calibration: calibration(&p_best, &y_test, 10),
        models,
        c,
        target: config.target,
        test_from: cut.map(crate::data::cells::format_date),
        roc,
        pr,
        gains: gains(&p_best, &y_test),
        coefficients,
        cross_buckets: super::encode::CROSS_BUCKETS,
        spend_r2: spend.as_ref().and_then(|s| s.r2_test),
        skipped: design.skipped,
        subsample,
    };
    progress.set(1.0);
    Ok((
        CtrModels {
            target: config.target,
            encoder,
            histories,
            click,
            conversion,
            spend,
            spend_cap,
        },
        report,
    ))
}

/// The values of `C` tried when it is not given.
pub const C_GRID: [f64; 5] = [0.01, 0.03, 0.1, 0.3, 1.0];

/// Most training rows the choice of C fits on (an even spread of them, in time order).
pub const C_SEARCH_ROWS: usize = 400_000;

/// Gradient tolerance of the fits that choose C, ten times the final fit's. At a million
/// learners the choice then took 6 s instead of 19 s and the final fit, which starts from the
/// chosen one, 14 s instead of 10; it chose C = 0.01 instead of 0.03 (neighbouring values'
/// validation losses differ by about 5e-5) and the test AUC was 0.76353 either way.
const C_SEARCH_GTOL: f64 = 1e-3;

/// At most `max` of `rows`, evenly spread (all of them when there are no more).
fn spread(rows: &[usize], max: usize) -> Vec<usize> {
    if rows.len() <= max {
        return rows.to_vec();
    }
    (0..max).map(|i| rows[i * rows.len() / max]).collect()
}

/// The C of [`C_GRID`] with the lowest log loss on the latest 10% of the training rows
/// (`order` is the training rows in time order), fitting on the rest, and the model it
/// fitted (a warm start for the final fit). The grid is walked upwards, each fit starting
/// from the last, and stops once two values in a row did worse than the best so far: the
/// validation loss rises on both sides of its best C, and the weakly regularised fits left
/// are the slowest.
fn choose_c(
    x: &Csr,
    y: &[f32],
    order: &[usize],
    progress: &Progress,
) -> Result<(f64, Option<Logistic>), crate::jobs::Cancelled> {
    let cut = order.len() - order.len() / 10;
    let (fit_rows, valid_rows) = order.split_at(cut);
    if valid_rows.is_empty() {
        return Ok((1.0, None));
    }
    // On millions of impressions, an even spread of them chooses C as well as all of them.
    // Rows in matrix order: a pass over them reads memory in order (the time order jumps
    // between learners, and was five times slower at a million learners).
    let in_matrix_order = |mut rows: Vec<usize>| {
        rows.sort_unstable();
        rows
    };
    let fit_rows = &in_matrix_order(spread(fit_rows, C_SEARCH_ROWS));
    let valid_rows = &in_matrix_order(spread(valid_rows, C_SEARCH_ROWS / 4));
    let yv: Vec<f32> = valid_rows.iter().map(|&r| y[r]).collect();
    let mut best = (f64::INFINITY, 1.0, None);
    let mut previous: Option<Logistic> = None;
    let mut worse = 0;
    let span = 1.0 / C_GRID.len() as f32;
    for (n, &c) in C_GRID.iter().enumerate() {
        let part = progress.part(n as f32 * span, span);
        let m = logistic::fit_rows(
            x,
            fit_rows,
            y,
            c,
            Lbfgs {
                gtol: C_SEARCH_GTOL,
                ..Lbfgs::default()
            },
            previous.as_ref(),
            &part,
        )?;
        let loss = log_loss(&m.predict_rows(x, valid_rows), &yv);
        if loss < best.0 {
            best = (loss, c, Some(m.clone()));
            worse = 0;
        } else {
            worse += 1;
            if worse == 2 {
                break;
            }
        }
        previous = Some(m);
    }
    Ok((best.1, best.2))
}

/// Most clicked rows the conversion model is fitted on (an even spread of them).
pub const CONVERSION_ROWS: usize = 100_000;

/// L-BFGS iterations of the conversion model at most. At a million learners it had not met
/// the gradient tolerance after 500; on the 121,634 clicked test impressions its log-loss
/// was 0.42780 after 100 iterations, 0.42719 after 200, 0.42716 after 300 and 0.42717 after
/// 500 (AUC 0.6704, 0.6712, 0.6713, 0.6711), and 200 take 6.8 s instead of 16.2 s.
const CONVERSION_ITERATIONS: usize = 200;

/// P(converted | clicked) on the clicked training rows (at most [`CONVERSION_ROWS`]) (`None` when no click converted).
fn conversion_model(
    design: &Design,
    x: &Csr,
    train_rows: &[usize],
    c: f64,
    progress: &Progress,
) -> crate::error::Result<Option<Logistic>> {
    let clicked: Vec<usize> = train_rows
        .iter()
        .copied()
        .filter(|&r| design.clicked[r])
        .collect();
    let clicked = spread(&clicked, CONVERSION_ROWS);
    if clicked.iter().all(|&r| design.converted[r] == 0.0) {
        return Ok(None);
    }
    let opts = Lbfgs {
        max_iter: CONVERSION_ITERATIONS,
        ..Lbfgs::default()
    };
    logistic::fit_rows(
        x,
        &clicked,
        &design.converted,
        c,
        opts,
        None,
        &progress.part(0.9, 0.05),
    )
    .map(Some)
    .map_err(crate::error::Error::from)
}

/// Writes rows in svmlight format (label, then 1-based `column:value` pairs), which
/// scikit-learn's `load_svmlight_file` reads: the same design matrix for both fitters.
pub fn write_svmlight(path: &std::path::Path, x: &Csr, y: &[f32]) -> std::io::Result<()> {
    use std::io::Write;
    let mut w = std::io::BufWriter::new(std::fs::File::create(path)?);
    for (r, label) in y.iter().enumerate() {
        write!(w, "{}", u8::from(*label > 0.5))?;
        let (c, v) = x.row(r);
        for (j, val) in c.iter().zip(v) {
            write!(w, " {}:{}", j + 1, val)?;
        }
        writeln!(w)?;
    }
    w.flush()
}

/// A campaign model's name (`logistic`, `fm`) as people read it, in both languages.
pub fn model_label(name: &str) -> crate::lang::Text {
    match name {
        "fm" => crate::lang::Text::new("因子分解机", "Factorization machine"),
        "logistic" => crate::lang::Text::new("逻辑回归", "Logistic regression"),
        other => crate::lang::Text::same(other.to_string()),
    }
}
