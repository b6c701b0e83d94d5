//! Audiences and planned experiments: a filter picks exactly the learners the data says, an
//! audience flows into targeting and planning from the command line, and a plan's split and
//! base rate are what the raw tables give.

mod common;

use common::{assert_ok, csv_rows, json, run, sample_dir};
use persona_lab::audience::{Audience, LearnerFields, Source, parse};
use persona_lab::data::{Mapping, load_dataset};
use persona_lab::experiments::plan::{CONTROL, TREATMENT, arm_of};
use persona_lab::experiments::{PlanSettings, plan};
use persona_lab::jobs::Progress;
use persona_lab::profile::build_profiles;
use std::collections::{HashMap, HashSet};

/// Money paid less refunds per learner, summed from events.csv as written.
fn paid() -> HashMap<String, f64> {
    let mut paid = HashMap::new();
    for e in csv_rows(&sample_dir().join("events.csv")) {
        let sign = match e["event"].as_str() {
            "purchase" => 1.0,
            "refund" => -1.0,
            _ => continue,
        };
        *paid.entry(e["user_id"].clone()).or_insert(0.0) +=
            sign * e["amount"].parse::<f64>().unwrap_or(0.0);
    }
    paid
}

#[test]
fn a_filter_picks_the_learners_the_tables_say() {
    let ds = load_dataset(&sample_dir(), &Mapping::default(), &Progress::default()).unwrap();
    let profiles = build_profiles(&ds, &Progress::default()).unwrap();
    let fields = LearnerFields {
        profiles: &profiles,
        segments: None,
        value: None,
    };
    let filter = parse("occupation = 学生 且 monetary > 200").unwrap();
    let a = Audience::from_filter("students", &filter, &fields).unwrap();
    let paid = paid();
    let expected: HashSet<String> = csv_rows(&sample_dir().join("users.csv"))
        .into_iter()
        .filter(|u| {
            u["occupation"] == "学生" && paid.get(&u["user_id"]).is_some_and(|m| *m > 200.0)
        })
        .map(|u| u["user_id"].clone())
        .collect();
    assert!(expected.len() > 50);
    assert_eq!(
        a.members().iter().cloned().collect::<HashSet<_>>(),
        expected
    );
    let not =
        Audience::from_filter("others", &parse("occupation != 学生").unwrap(), &fields).unwrap();
    assert!(not.members().iter().all(|m| !a.contains(m)));
}

#[test]
fn a_bad_filter_names_its_column() {
    let e = parse("occupation = 学生 and monetary >")
        .unwrap_err()
        .to_string();
    assert!(e.contains("column 31"), "{e}");
    assert!(
        parse("occupation 学生")
            .unwrap_err()
            .to_string()
            .contains("column 1")
    );
    assert!(
        parse("a > 1 and  and b < 2")
            .unwrap_err()
            .to_string()
            .contains("missing")
    );
}

#[test]
fn a_plan_splits_stably_and_sizes_from_the_audiences_own_purchases() {
    let ds = load_dataset(&sample_dir(), &Mapping::default(), &Progress::default()).unwrap();
    let users: Vec<String> = csv_rows(&sample_dir().join("users.csv"))
        .into_iter()
        .map(|u| u["user_id"].clone())
        .collect();
    let everyone = Audience::new("everyone", Source::Lasso, users.clone());
    let settings = PlanSettings {
        experiment: "spring".into(),
        treatment_share: 0.3,
        ..PlanSettings::default()
    };
    let p = plan(&ds, &everyone, &settings).unwrap();
    assert_eq!(p.control + p.treatment, users.len());
    // 3,000 learners at 30%: the treatment count is within 4 standard deviations.
    let sd = (3000.0_f64 * 0.3 * 0.7).sqrt();
    assert!(
        (p.treatment as f64 - 900.0).abs() < 4.0 * sd,
        "{}",
        p.treatment
    );
    // The same learner, experiment and seed give the same arm; another experiment reshuffles.
    let again = plan(&ds, &everyone, &settings).unwrap();
    assert_eq!(p.assignment, again.assignment);
    let other = PlanSettings {
        experiment: "autumn".into(),
        ..settings.clone()
    };
    let moved = users
        .iter()
        .filter(|u| arm_of(u, &settings) != arm_of(u, &other))
        .count();
    assert!(moved > 600, "{moved} learners changed arm");
    assert!(
        p.assignment
            .iter()
            .all(|(_, a)| [CONTROL, TREATMENT].contains(a))
    );
    // Base rate: learners with a purchase in the 30 days up to the last event, from the raw
    // rows (timestamps compare as text in this ISO format).
    let events = csv_rows(&sample_dir().join("events.csv"));
    let last = events.iter().map(|e| e["ts"].clone()).max().unwrap();
    let from = persona_lab::data::cells::format_timestamp(
        persona_lab::data::cells::parse_timestamp(&last, None).unwrap()
            - 30 * persona_lab::data::cells::MS_PER_DAY,
    );
    let buyers: HashSet<&str> = events
        .iter()
        .filter(|e| e["event"] == "purchase" && e["ts"] > from)
        .map(|e| e["user_id"].as_str())
        .collect();
    let rate = buyers.len() as f64 / users.len() as f64;
    assert!(
        (p.base_rate.unwrap() - rate).abs() < 1e-12,
        "{:?} vs {rate}",
        p.base_rate
    );
    assert!(p.mde.unwrap() > 0.0 && p.mde.unwrap() < 0.5, "{:?}", p.mde);
}

#[test]
fn an_audience_flows_from_filter_to_target_list_and_plan_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = sample_dir();
    let data = data.to_str().unwrap();
    let audience = dir.path().join("students.csv");
    let out = run(&[
        "audience",
        "--data",
        data,
        "--where",
        "occupation = 学生",
        "--name",
        "students",
        "--out",
        audience.to_str().unwrap(),
        "--json",
    ]);
    assert_ok(&out);
    let learners = json(&out)["learners"].as_u64().unwrap();
    let members: HashSet<String> = csv_rows(&audience)
        .into_iter()
        .map(|r| r["user_id"].clone())
        .collect();
    assert_eq!(members.len() as u64, learners);
    let targets = dir.path().join("targets.csv");
    let out = run(&[
        "target",
        "--data",
        data,
        "--course",
        "c0012",
        "--budget",
        "40",
        "--audience",
        audience.to_str().unwrap(),
        "--out",
        targets.to_str().unwrap(),
    ]);
    assert_ok(&out);
    let rows = csv_rows(&targets);
    assert_eq!(rows.len(), 40);
    assert!(rows.iter().all(|r| members.contains(&r["user_id"])));
    let assignment = dir.path().join("plan.csv");
    let out = run(&[
        "plan",
        "--data",
        data,
        "--audience",
        targets.to_str().unwrap(),
        "--experiment",
        "c0012_push",
        "--out",
        assignment.to_str().unwrap(),
        "--json",
    ]);
    assert_ok(&out);
    let v = json(&out);
    assert_eq!(v["audience"], "targets");
    let rows = csv_rows(&assignment);
    assert_eq!(rows.len(), 40);
    assert_eq!(
        (v["control"].as_u64().unwrap() + v["treatment"].as_u64().unwrap()) as usize,
        rows.len()
    );
    assert!(rows.iter().all(|r| r["experiment"] == "c0012_push"));
    let bad = run(&[
        "audience",
        "--data",
        data,
        "--where",
        "monetry > 5",
        "--out",
        "/tmp/x.csv",
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("monetary"));
}
