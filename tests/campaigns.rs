//! Campaign models: the logistic regression matches scikit-learn, training on the sample
//! comes within 0.01 AUC of the planted click model, targeting finds the planted affinities,
//! and the CLI contract.

mod common;

use common::{assert_ok, fixture, run, sample_dir};
use persona_lab::ctr::logistic::{self, Lbfgs};
use persona_lab::ctr::metrics::auc;
use persona_lab::ctr::{CtrConfig, Objective, SplitRule, target, train};
use persona_lab::data::cells::parse_timestamp;
use persona_lab::data::{Mapping, load_dataset};
use persona_lab::jobs::Progress;
use persona_lab::recommend::sparse::Csr;
use persona_lab::recommend::{Strengths, from_dataset};
use std::collections::HashMap;
use std::path::Path;

#[test]
fn logistic_regression_matches_scikit_learn() {
    let dir = fixture("logreg");
    let reference: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("reference.json")).unwrap())
            .unwrap();
    let mut rdr = csv::Reader::from_path(dir.join("design.csv")).unwrap();
    let (mut y, mut entries) = (Vec::new(), Vec::new());
    let mut n_cols = 0;
    for (r, rec) in rdr.records().enumerate() {
        let rec = rec.unwrap();
        y.push(rec[0].parse::<f32>().unwrap());
        n_cols = rec.len() - 1;
        for j in 0..n_cols {
            let v: f32 = rec[j + 1].parse().unwrap();
            if v != 0.0 {
                entries.push((r as u32, j as u32, v));
            }
        }
    }
    let x = Csr::from_entries(y.len(), n_cols, entries);
    let c = reference["C"].as_f64().unwrap();
    let opts = Lbfgs {
        max_iter: 2000,
        gtol: 1e-10,
        ..Lbfgs::default()
    };
    let m = logistic::fit(&x, &y, c, opts, &Progress::default()).unwrap();
    let coef: Vec<f64> = reference["coef"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    for (j, (ours, theirs)) in m.weights.iter().zip(&coef).enumerate() {
        assert!((ours - theirs).abs() < 1e-3, "coef {j}: {ours} vs {theirs}");
    }
    let b = reference["intercept"].as_f64().unwrap();
    assert!((m.intercept - b).abs() < 1e-3, "{} vs {b}", m.intercept);
    let ours_auc = auc(&m.predict(&x), &y).unwrap();
    let theirs_auc = reference["auc"].as_f64().unwrap();
    assert!(
        (ours_auc - theirs_auc).abs() < 0.002,
        "{ours_auc} vs {theirs_auc}"
    );
}

/// Rows of a CSV as maps from header to value.
fn read_rows(path: &Path) -> Vec<HashMap<String, String>> {
    let mut rdr = csv::Reader::from_path(path).unwrap();
    let header = rdr.headers().unwrap().clone();
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            header
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// The planted click model of `truth/ctr_model.json`, applied to the raw files: the logit
/// and the label of every impression at or after `from`.
fn planted_logits(dir: &Path, from: &str) -> (Vec<f64>, Vec<f32>) {
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("truth/ctr_model.json")).unwrap())
            .unwrap();
    let users: HashMap<String, HashMap<String, String>> = read_rows(&dir.join("users.csv"))
        .into_iter()
        .map(|r| (r["user_id"].clone(), r))
        .collect();
    let courses: HashMap<String, HashMap<String, String>> = read_rows(&dir.join("courses.csv"))
        .into_iter()
        .map(|r| (r["course_id"].clone(), r))
        .collect();
    let coefficients = truth["coefficients"].as_object().unwrap();
    let (mut z, mut y) = (Vec::new(), Vec::new());
    for imp in read_rows(&dir.join("impressions.csv")) {
        if imp["ts"].as_str() < from {
            continue;
        }
        let u = &users[&imp["user_id"]];
        let c = &courses[&imp["course_id"]];
        let hour: u32 = imp["ts"][11..13].parse().unwrap();
        let price: f64 = c["price"].parse().unwrap();
        let age: f64 = u["age"].parse().unwrap();
        let mut logit = truth["intercept"].as_f64().unwrap();
        for (name, w) in coefficients {
            let w = w.as_f64().unwrap();
            let on = match name.as_str() {
                "log1p(price)" => price.ln_1p(),
                "evening(19-23h)" => f64::from(u8::from((19..=23).contains(&hour))),
                n if n.starts_with("placement=") => {
                    f64::from(u8::from(imp["placement"] == n[10..]))
                }
                n if n.starts_with("device=") => f64::from(u8::from(u["device"] == n[7..])),
                n => {
                    let (learner, course) = n.split_once('×').unwrap();
                    let category = course.strip_prefix("category=").unwrap();
                    let learner_on = match learner.strip_prefix("occupation=") {
                        Some(occ) => u["occupation"] == occ,
                        None => {
                            assert_eq!(learner, "age>=45");
                            age >= 45.0
                        }
                    };
                    f64::from(u8::from(learner_on && c["category"] == category))
                }
            };
            logit += w * on;
        }
        z.push(logit);
        y.push(if imp["clicked"] == "1" { 1.0 } else { 0.0 });
    }
    (z, y)
}

#[test]
fn training_on_the_sample_comes_within_001_auc_of_the_planted_model() {
    let dir = sample_dir();
    let from = "2025-09-19";
    let (z, y) = planted_logits(&dir, from);
    let planted = auc(&z, &y).unwrap();
    let ds = load_dataset(&dir, &Mapping::default(), &Progress::default()).unwrap();
    let config = CtrConfig {
        split: SplitRule::TimeFrom(Some(parse_timestamp(from, None).unwrap())),
        ..CtrConfig::default()
    };
    let (models, report) = train(&ds, &config, &Progress::default()).unwrap();
    assert_eq!(report.rows_test, y.len(), "the same test impressions");
    let ours = report.auc.unwrap();
    assert!(
        ours > planted - 0.01,
        "test AUC {ours:.4} vs the planted model's {planted:.4}"
    );
    assert_eq!(report.calibration.len(), 10);
    assert_eq!(report.gains.len(), 10);
    assert!(report.gains[0].lift > 1.5);

    // Targeting a programming course picks programmers (the planted +1.6 affinity) and
    // expects far more conversions than random learners.
    let interactions = from_dataset(&ds, &Strengths::default());
    let course = interactions
        .catalog
        .ids
        .iter()
        .zip(&interactions.catalog.categories)
        .find(|(_, c)| c.as_str() == "编程")
        .unwrap()
        .0
        .clone();
    let t = target(
        &models,
        &interactions,
        &course,
        100,
        Objective::Conversions,
        None,
    )
    .unwrap();
    assert_eq!(t.rows.len(), 100);
    assert!(t.expected_conversions > 2.0 * t.random_conversions, "{t:?}");
    let users: HashMap<String, HashMap<String, String>> = read_rows(&dir.join("users.csv"))
        .into_iter()
        .map(|r| (r["user_id"].clone(), r))
        .collect();
    let coders = t
        .rows
        .iter()
        .filter(|r| users[&r.user_id]["occupation"] == "程序员")
        .count();
    assert!(
        coders >= 70,
        "{coders} of 100 targeted learners are programmers"
    );
}

#[test]
fn cli_ctr_and_target_follow_the_contract() {
    let data = sample_dir();
    let data = data.to_str().unwrap();
    let o = run(&["ctr", "--data", data, "--no-fm", "--c", "0.1", "--json"]);
    assert_ok(&o);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    for key in [
        "rows_train",
        "rows_test",
        "model",
        "auc",
        "logloss",
        "base_rate",
        "calibration",
        "models",
    ] {
        assert!(v.get(key).is_some(), "{key} missing");
    }
    for key in ["bin", "predicted", "observed", "n"] {
        assert!(
            v["calibration"][0].get(key).is_some(),
            "calibration {key} missing"
        );
    }
    for key in ["name", "auc", "logloss", "train_seconds"] {
        assert!(v["models"][0].get(key).is_some(), "models {key} missing");
    }

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("targets.csv");
    let o = run(&[
        "target",
        "--data",
        data,
        "--course",
        "c0001",
        "--budget",
        "50",
        "--no-fm",
        "--out",
        out.to_str().unwrap(),
        "--pseudonymise",
        "s",
        "--json",
    ]);
    assert_ok(&o);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        v["expected_conversions"].as_f64().unwrap() > v["random_conversions"].as_f64().unwrap()
    );
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(text.lines().count(), 51);
    assert!(text.starts_with("rank,user_id,p_click,p_convert,expected_revenue"));
    assert!(!text.contains(",u0"), "ids are pseudonymised");

    let o = run(&[
        "target",
        "--data",
        data,
        "--course",
        "nope",
        "--budget",
        "5",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("course `nope`"));
    let o = run(&["ctr", "--data", fixture("oulad").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
}
