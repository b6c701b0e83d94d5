//! Training and evaluating click models on a dataset: encode, split by time or at random,
//! fit logistic regression and a factorization machine, keep the better one, and fit the
//! conversion-given-click and spend models used for targeting.

use super::encode::{Context, Design, Encoder, Target, encode_impressions};
use super::fm::{self, Fm, FmParams};
use super::history::{Histories, Kind, Past};
use super::linear::{Linear, r_squared};
use super::logistic::{self, Lbfgs, Logistic};
use super::metrics::{CalibrationBin, Curve, Decile, auc, calibration, gains, log_loss, roc_pr};
use crate::data::columns::ms_col;
use crate::data::{Dataset, TableKind};
use crate::jobs::Progress;
use crate::math::Csr;
use crate::profile::learner_table;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
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
}

impl Default for CtrConfig {
    fn default() -> Self {
        CtrConfig {
            target: Target::Clicked,
            split: SplitRule::TimeFrom(None),
            c: None,
            with_fm: true,
            fm: FmParams::default(),
        }
    }
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

/// Training and test rows of a design.
fn split_rows(d: &Design, rule: SplitRule, cut: Option<i64>) -> (Vec<usize>, Vec<usize>) {
    let n = d.y.len();
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
            let (test, train): (Vec<usize>, Vec<usize>) = (0..n).partition(|&r| d.ms[r] >= cut);
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
    progress.set_stage(crate::lang::Text::new("学员画像", "learner profiles"));
    let learners = learner_table(ds, &progress.part(0.0, 0.1))?;
    progress.set_stage(crate::lang::Text::new("学员历史", "learner histories"));
    let mut encoder = Encoder::fit(ds, &learners);
    let histories = Histories::from_dataset(ds, &encoder.learner_index, &encoder.course_index);
    progress.set_stage(crate::lang::Text::new("编码曝光", "encoding impressions"));
    let cut = match config.split {
        SplitRule::TimeFrom(from) => time_cut(ds, from),
        SplitRule::Holdout { .. } => None,
    };
    let mut design = encode_impressions(ds, &mut encoder, &histories, config.target, cut);
    if design.y.is_empty() {
        return Err(crate::error::Error::input(
            "没有曝光能对应到已知的学员和课程",
            "no impression matches a known learner and course",
        ));
    }
    let positives = design.y.iter().filter(|&&y| y > 0.5).count();
    if positives == 0 || positives == design.y.len() {
        let (what_zh, what) = match config.target {
            Target::Clicked => ("被点击", "clicked"),
            Target::Converted => ("带来转化", "converted"),
        };
        return Err(crate::error::Error::input(
            format!(
                "{} 次曝光{}{what_zh}：模型需要两种结果才能学习",
                design.y.len(),
                if positives == 0 {
                    "都没有"
                } else {
                    "全部"
                },
            ),
            format!(
                "{} of the {} impressions were {what}: a model needs both outcomes to learn from",
                if positives == 0 { "none" } else { "all" },
                design.y.len()
            ),
        ));
    }
    let (train_rows, test_rows) = split_rows(&design, config.split, cut);
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
    })
}

/// Fits the spend model: what a learner pays for a course, from their history *before* the
/// purchase (so the amount predicted is never among its own features) and the course. With
/// a cut, fitted on purchases before it and scored (R²) on those after; without, scored on
/// the learners whose id hashes into a held-out fifth.
fn fit_spend(enc: &Encoder, histories: &Histories, cut: Option<i64>) -> Option<Linear> {
    let mut train = (Vec::new(), Vec::new());
    let mut test = (Vec::new(), Vec::new());
    for l in 0..enc.learner_ids.len() as u32 {
        let held_out =
            cut.is_none() && super::encode::fnv1a(&enc.learner_ids[l as usize]).is_multiple_of(5);
        let mut past = Past::default();
        for e in histories.of(l) {
            if e.kind == Kind::Purchase && e.amount > 0.0 && e.course != u32::MAX {
                let row = enc.row(l, e.course, &Context::default(), &past, e.ms);
                let later = cut.is_some_and(|c| e.ms >= c);
                let side = if held_out || later {
                    &mut test
                } else {
                    &mut train
                };
                side.0.push(row);
                side.1.push(f64::from(e.amount));
            }
            past.add(e, &enc.facts);
        }
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
            if e.kind == Kind::Purchase
                && cut.is_none_or(|c| e.ms < c)
                && let Some(cap) = caps.get_mut(e.course as usize)
            {
                *cap = Some(cap.unwrap_or(0.0).max(f64::from(e.amount)));
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
    } = prepared;
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
        let fm = fm::fit(
            &x,
            &design.y,
            &order,
            &lr,
            config.fm,
            &progress.part(0.55, 0.3),
        )?;
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
    progress.set_stage(crate::lang::Text::new("转化与消费", "conversion and spend"));
    let conversion = if config.target == Target::Clicked {
        conversion_model(&design, &x, &train_rows, c, progress)?
    } else {
        None
    };
    drop(x);
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

/// At most `max` of `rows`, evenly spread (all of them when there are no more).
fn spread(rows: &[usize], max: usize) -> Vec<usize> {
    if rows.len() <= max {
        return rows.to_vec();
    }
    (0..max).map(|i| rows[i * rows.len() / max]).collect()
}

/// The `C` with the lowest log loss on the latest 10% of the training rows (`order` is the
/// training rows in time order), fitting on the rest.
/// The C of [`C_GRID`] with the lowest validation log loss, and the model it fitted (a warm
/// start for the final fit). The grid is walked upwards, each fit starting from the last.
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
    let fit_rows = &spread(fit_rows, C_SEARCH_ROWS);
    let valid_rows = &spread(valid_rows, C_SEARCH_ROWS / 4);
    let yv: Vec<f32> = valid_rows.iter().map(|&r| y[r]).collect();
    let mut best = (f64::INFINITY, 1.0, None);
    let mut previous: Option<Logistic> = None;
    let span = 1.0 / C_GRID.len() as f32;
    for (n, &c) in C_GRID.iter().enumerate() {
        let part = progress.part(n as f32 * span, span);
        let m = logistic::fit_rows(
            x,
            fit_rows,
            y,
            c,
            Lbfgs::default(),
            previous.as_ref(),
            &part,
        )?;
        let loss = log_loss(&m.predict_rows(x, valid_rows), &yv);
        if loss < best.0 {
            best = (loss, c, Some(m.clone()));
        }
        previous = Some(m);
    }
    Ok((best.1, best.2))
}

/// P(converted | clicked) on the clicked training rows (`None` when no click converted).
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
    if clicked.iter().all(|&r| design.converted[r] == 0.0) {
        return Ok(None);
    }
    logistic::fit_rows(
        x,
        &clicked,
        &design.converted,
        c,
        Lbfgs::default(),
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
