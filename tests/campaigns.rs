//! Campaign models: the logistic regression matches scikit-learn, training on the sample
//! comes close to the planted click model without reading the future (later events do not
//! move the test AUC), targeting finds the planted affinities and beats random lists on what
//! learners actually did afterwards, predicted spend stays within what a course sold for,
//! and the CLI contract.

mod common;

use common::{assert_ok, csv_rows, fixture, run, sample_dir};
use persona_lab::audience::{Audience, Source};
use persona_lab::campaigns::logistic::{self, Lbfgs};
use persona_lab::campaigns::metrics::auc;
use persona_lab::campaigns::{CtrConfig, ListRequest, Objective, SplitRule, target, train};
use persona_lab::data::cells::parse_timestamp;
use persona_lab::data::{Mapping, load_dataset};
use persona_lab::jobs::Progress;
use persona_lab::math::Csr;
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

/// The planted click probability (`truth/impressions.csv`, in the order of
/// `impressions.csv`) and the label of every impression at or after `from`.
fn planted_probabilities(dir: &Path, from: &str) -> (Vec<f64>, Vec<f32>) {
    let truth = csv_rows(&dir.join("truth/impressions.csv"));
    let impressions = csv_rows(&dir.join("impressions.csv"));
    assert_eq!(truth.len(), impressions.len());
    let (mut p, mut y) = (Vec::new(), Vec::new());
    for (imp, t) in impressions.iter().zip(&truth) {
        if imp["ts"].as_str() < from {
            continue;
        }
        p.push(t["p_click"].parse::<f64>().unwrap());
        y.push(if imp["clicked"] == "1" { 1.0 } else { 0.0 });
    }
    (p, y)
}

/// The split date the campaign tests use.
const TEST_FROM: &str = "2025-09-19";

fn time_split() -> CtrConfig {
    CtrConfig {
        split: SplitRule::TimeFrom(Some(parse_timestamp(TEST_FROM, None).unwrap())),
        ..CtrConfig::default()
    }
}

#[test]
fn training_on_the_sample_comes_close_to_the_planted_model() {
    let dir = sample_dir();
    let (p, y) = planted_probabilities(&dir, TEST_FROM);
    let planted = auc(&p, &y).unwrap();
    let ds = load_dataset(&dir, &Mapping::default(), &Progress::default()).unwrap();
    let (_, report) = train(&ds, &time_split(), &Progress::default()).unwrap();
    assert_eq!(report.rows_test, y.len(), "the same test impressions");
    let ours = report.auc.unwrap();
    // The planted model reads each learner's history up to the impression; ours reads it up
    // to the cut (as a model trained at the cut must), so it can come close but not reach it.
    assert!(
        ours > planted - MAX_AUC_GAP && ours < planted + 0.005,
        "test AUC {ours:.4} vs the planted model's {planted:.4}"
    );
    assert_eq!(report.calibration.len(), 10);
    assert_eq!(report.gains.len(), 10);
    assert!(report.gains[0].lift > 1.5);
}

/// How far below the planted model's test AUC ours may stay (see the test above).
const MAX_AUC_GAP: f64 = 0.03;

/// Mean predicted probability over the rows of a report's calibration bins.
fn mean_predicted(report: &persona_lab::campaigns::CtrReport) -> f64 {
    let bins = &report.calibration;
    let n: usize = bins.iter().map(|b| b.n).sum();
    bins.iter().map(|b| b.predicted * b.n as f64).sum::<f64>() / n as f64
}

/// Above the row limits the models learn from every click and a share of the other
/// impressions (as at a million learners): ranking stays as good as learning from all, and
/// the intercept correction brings the predicted click rate back to the planted one (an
/// uncorrected model on this sample would predict more than twice the clicks).
#[test]
fn sampled_training_keeps_the_ranking_and_the_planted_click_rate() {
    let dir = sample_dir();
    let (p, _) = planted_probabilities(&dir, TEST_FROM);
    let planted_rate = p.iter().sum::<f64>() / p.len() as f64;
    let ds = load_dataset(&dir, &Mapping::default(), &Progress::default()).unwrap();
    let (_, full) = train(&ds, &time_split(), &Progress::default()).unwrap();
    assert!(full.subsample.is_none());
    let limited = CtrConfig {
        max_train_rows: 12_000,
        max_test_rows: 5_000,
        ..time_split()
    };
    let (_, sampled) = train(&ds, &limited, &Progress::default()).unwrap();
    let s = sampled.subsample.expect("sampled above the limits");
    assert_eq!(s.train_impressions, full.rows_train);
    assert_eq!(s.test_impressions, full.rows_test);
    assert_eq!(s.positive_rate, 1.0, "every click kept");
    assert!(s.negative_rate < 0.5, "{s:?}");
    let kept = sampled.rows_train as f64;
    assert!((kept / 12_000.0 - 1.0).abs() < 0.05, "{kept} training rows");
    assert!((sampled.rows_test as f64 / 5_000.0 - 1.0).abs() < 0.05);
    let (a_full, a_sampled) = (full.auc.unwrap(), sampled.auc.unwrap());
    assert!(
        a_sampled > a_full - 0.015,
        "AUC {a_sampled:.4} sampled vs {a_full:.4} on all rows"
    );
    let (rate_full, rate_sampled) = (mean_predicted(&full), mean_predicted(&sampled));
    assert!(
        (rate_sampled - planted_rate).abs() < (rate_full - planted_rate).abs() + 0.01,
        "predicted click rate {rate_sampled:.4} sampled, {rate_full:.4} on all rows, planted {planted_rate:.4}"
    );
    eprintln!(
        "AUC {a_sampled:.4} sampled vs {a_full:.4}; click rate {rate_sampled:.4} sampled, {rate_full:.4} all rows, planted {planted_rate:.4}; negatives kept {:.3}",
        s.negative_rate
    );
}

/// Appends, after every clicked impression in the test period, a purchase of that course
/// one hour later: events a leaky feature would read as "this learner bought it".
fn with_purchases_after_test_clicks(dir: &Path) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    for name in ["users.csv", "courses.csv", "impressions.csv"] {
        std::fs::copy(dir.join(name), out.path().join(name)).unwrap();
    }
    let mut events = std::fs::read_to_string(dir.join("events.csv")).unwrap();
    let prices: HashMap<String, String> = csv_rows(&dir.join("courses.csv"))
        .into_iter()
        .map(|c| (c["course_id"].clone(), c["price"].clone()))
        .collect();
    let mut added = 0;
    for imp in csv_rows(&dir.join("impressions.csv")) {
        if imp["ts"].as_str() < TEST_FROM || imp["clicked"] != "1" {
            continue;
        }
        let ms = parse_timestamp(&imp["ts"], None).unwrap() + 3_600_000;
        events.push_str(&format!(
            "{},{},purchase,{},{},,,\n",
            imp["user_id"],
            imp["course_id"],
            ms / 1000,
            prices[&imp["course_id"]]
        ));
        added += 1;
    }
    assert!(added > 100, "{added} purchases added");
    std::fs::write(out.path().join("events.csv"), events).unwrap();
    out
}

#[test]
fn purchases_after_test_clicks_do_not_move_the_test_auc() {
    let dir = sample_dir();
    let leaky = with_purchases_after_test_clicks(&dir);
    let config = CtrConfig {
        with_fm: false,
        c: Some(0.1),
        ..time_split()
    };
    let auc_of = |d: &Path| {
        let ds = load_dataset(d, &Mapping::default(), &Progress::default()).unwrap();
        train(&ds, &config, &Progress::default())
            .unwrap()
            .1
            .auc
            .unwrap()
    };
    let (clean, with_future) = (auc_of(&dir), auc_of(leaky.path()));
    assert!(
        (clean - with_future).abs() < 1e-9,
        "test AUC {clean:.6} without and {with_future:.6} with the later purchases"
    );
}

#[test]
fn targeting_finds_the_planted_affinity_and_beats_random_on_realised_purchases() {
    let dir = sample_dir();
    let ds = load_dataset(&dir, &Mapping::default(), &Progress::default()).unwrap();
    let config = time_split();
    let from = parse_timestamp(TEST_FROM, None).unwrap();
    let (models, _) = train(&ds, &config, &Progress::default()).unwrap();
    let courses = csv_rows(&dir.join("courses.csv"));
    let users: HashMap<String, HashMap<String, String>> = csv_rows(&dir.join("users.csv"))
        .into_iter()
        .map(|r| (r["user_id"].clone(), r))
        .collect();
    let coding: Vec<&str> = courses
        .iter()
        .filter(|c| c["category"] == "编程")
        .map(|c| c["course_id"].as_str())
        .collect();
    // Targeting a programming course picks programmers (the planted occupation × category
    // affinity and their history of programming).
    let t = target(&models, &ListRequest::new(coding[0], 100)).unwrap();
    assert_eq!(t.rows.len(), 100);
    let coders = t
        .rows
        .iter()
        .filter(|r| users[&r.user_id]["occupation"] == "程序员")
        .count();
    assert!(
        coders >= 70,
        "{coders} of 100 targeted learners are programmers"
    );
    // Within an audience of everyone but programmers, the list keeps to it.
    let others = Audience::new(
        "not programmers",
        Source::Filter("occupation != 程序员".into()),
        users
            .iter()
            .filter(|(_, u)| u["occupation"] != "程序员")
            .map(|(id, _)| id.clone())
            .collect(),
    );
    let within = target(
        &models,
        &ListRequest {
            within: Some(&others),
            ..ListRequest::new(coding[0], 100)
        },
    )
    .unwrap();
    assert_eq!(within.rows.len(), 100);
    assert!(within.eligible <= others.len());
    assert!(within.rows.iter().all(|r| others.contains(&r.user_id)));

    // Backtest on what learners actually did after the date, summed over every course:
    // the lists bring far more enrolments and purchases than random learners would.
    let (mut list, mut random, mut active) = (0.0, 0.0, 0.0);
    for c in &courses {
        let t = target(
            &models,
            &ListRequest {
                backtest_from: Some(from),
                ..ListRequest::new(&c["course_id"], 100)
            },
        )
        .unwrap();
        let b = t.backtest.unwrap();
        assert_eq!(b.from, TEST_FROM);
        list += b.list_conversions;
        random += b.random_conversions;
        active += b.active_conversions;
    }
    assert!(list > 2.0 * random, "lists {list}, random {random:.1}");
    assert!(list > active, "lists {list}, most active {active}");
}

#[test]
fn predicted_spend_never_exceeds_what_the_course_sold_for() {
    let dir = sample_dir();
    let ds = load_dataset(&dir, &Mapping::default(), &Progress::default()).unwrap();
    let (models, report) = train(&ds, &time_split(), &Progress::default()).unwrap();
    assert!(report.spend_r2.is_some(), "spend scored on later purchases");
    let mut highest: HashMap<String, f64> = HashMap::new();
    for e in csv_rows(&dir.join("events.csv")) {
        if e["event"] == "purchase" && e["ts"].as_str() < TEST_FROM {
            let paid: f64 = e["amount"].parse().unwrap();
            let h = highest.entry(e["course_id"].clone()).or_insert(0.0);
            *h = h.max(paid);
        }
    }
    for (course, cap) in highest.iter().take(40) {
        let t = target(
            &models,
            &ListRequest {
                objective: Objective::Revenue,
                ..ListRequest::new(course, 50)
            },
        )
        .unwrap();
        for r in &t.rows {
            assert!(
                r.expected_revenue <= r.p_convert * cap + 1e-9,
                "{course}: ¥{:.2} expected from P(convert) {:.4} with ¥{cap} the highest price paid",
                r.expected_revenue,
                r.p_convert
            );
        }
    }
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
    for key in [
        "expected_conversions",
        "random_conversions",
        "active_conversions",
        "eligible",
    ] {
        assert!(v.get(key).is_some(), "{key} missing");
    }
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
    let o = run(&[
        "target",
        "--data",
        data,
        "--course",
        "c0001",
        "--budget",
        "50",
        "--no-fm",
        "--evaluate-from",
        TEST_FROM,
        "--out",
        out.to_str().unwrap(),
        "--json",
    ]);
    assert_ok(&o);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    for key in [
        "from",
        "list_conversions",
        "random_conversions",
        "active_conversions",
        "list_revenue",
        "eligible_converters",
    ] {
        assert!(v["backtest"].get(key).is_some(), "backtest {key} missing");
    }
    let o = run(&["ctr", "--data", fixture("oulad").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
}

/// The Campaigns tab offers the courses the models can target: those of courses.csv, in its
/// order and with its titles, each of which gives a list. A course seen only in events (which
/// the models know nothing about) is not offered.
#[test]
fn the_campaign_catalogue_is_the_courses_table_and_every_course_in_it_can_be_targeted() {
    let dir = tempfile::tempdir().unwrap();
    for file in ["users.csv", "courses.csv", "impressions.csv"] {
        std::fs::copy(sample_dir().join(file), dir.path().join(file)).unwrap();
    }
    // The sample's events, and one more on a course outside courses.csv.
    let mut reader = csv::Reader::from_path(sample_dir().join("events.csv")).unwrap();
    let header = reader.headers().unwrap().clone();
    let mut writer = csv::Writer::from_path(dir.path().join("events.csv")).unwrap();
    writer.write_record(&header).unwrap();
    let mut last = csv::StringRecord::new();
    for record in reader.records() {
        last = record.unwrap();
        writer.write_record(&last).unwrap();
    }
    let course = header.iter().position(|h| h == "course_id").unwrap();
    let orphan: Vec<&str> = last
        .iter()
        .enumerate()
        .map(|(i, v)| if i == course { "c_not_in_the_table" } else { v })
        .collect();
    writer.write_record(&orphan).unwrap();
    writer.flush().unwrap();

    let ds = load_dataset(dir.path(), &Mapping::default(), &Progress::default()).unwrap();
    let config = CtrConfig {
        with_fm: false,
        ..time_split()
    };
    let models =
        persona_lab::campaigns::train_campaigns(&ds, &config, &Progress::default()).unwrap();
    let courses = csv_rows(&dir.path().join("courses.csv"));
    let ids: Vec<&str> = courses.iter().map(|c| c["course_id"].as_str()).collect();
    assert_eq!(models.catalog.ids, ids);
    for (i, c) in courses.iter().enumerate() {
        assert!(c["title"].starts_with(models.catalog.title(i).trim_end_matches('…')));
        let list = target(&models.models, &ListRequest::new(&c["course_id"], 5)).unwrap();
        assert_eq!(list.rows.len(), 5, "{}", c["course_id"]);
    }
    assert!(target(&models.models, &ListRequest::new("c_not_in_the_table", 5)).is_err());
}

/// Every learner's seconds watched and money paid, and how many events they have, summed
/// straight from an events file.
fn sums_from_csv(path: &Path) -> HashMap<String, (f64, f64, f64)> {
    let mut sums: HashMap<String, (f64, f64, f64)> = HashMap::new();
    for row in csv_rows(path) {
        let number = |c: &str| row[c].parse::<f64>().unwrap_or(0.0);
        let s = sums.entry(row["user_id"].clone()).or_default();
        s.0 += number("watch_sec");
        s.1 += match row["event"].as_str() {
            "purchase" => number("amount"),
            "refund" => -number("amount"),
            _ => 0.0,
        };
        s.2 += 1.0;
    }
    sums
}

#[test]
fn purchases_with_seconds_watched_keep_both() {
    // Real exports may put a learning session's seconds on the row of the purchase it ended
    // in: every third purchase here gets 600 s.
    let dir = common::edited_sample(|name, text| {
        if name != "events.csv" {
            return text;
        }
        let mut purchases = 0;
        text.lines()
            .map(|line| {
                let mut fields: Vec<String> = line.split(',').map(str::to_string).collect();
                if fields.len() == 8 && fields[2] == "purchase" {
                    purchases += 1;
                    if purchases % 3 == 0 {
                        fields[6] = "600".into();
                    }
                }
                fields.join(",") + "\n"
            })
            .collect()
    });
    let ds = load_dataset(dir.path(), &Mapping::default(), &Progress::default()).unwrap();
    let learners = persona_lab::profile::features::learner_attributes(&ds);
    let encoder = persona_lab::campaigns::Encoder::fit(&ds, &learners);
    let histories = persona_lab::campaigns::history::Histories::from_dataset(
        &ds,
        &encoder.learner_index,
        &encoder.course_index,
    );
    let pasts = encoder.pasts_at(&histories, None);
    let expected = sums_from_csv(&dir.path().join("events.csv"));
    let mut with_both = 0;
    for (id, past) in encoder.learner_ids.iter().zip(&pasts) {
        let (watch, paid, events) = expected.get(id).copied().unwrap_or_default();
        assert!(
            (past.watch_hours() * 3600.0 - watch).abs() < 1e-3,
            "{id}: watch"
        );
        assert!((past.monetary - paid).abs() < 1e-3, "{id}: money");
        assert_eq!(past.events, events, "{id}: events");
        with_both += usize::from(watch >= 600.0 && paid > 0.0);
    }
    assert!(with_both > 100, "{with_both} learners with both");
}
