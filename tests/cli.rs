//! The command line: JSON shape, exit codes and messages naming file, line and column.

mod common;

use common::{assert_ok, file_report, fixture, json, run, sample_dir};

#[test]
fn validate_json_reports_every_file_and_exits_0_with_rejects() {
    let dir = fixture("contract");
    let out = run(&["validate", "--data", dir.to_str().unwrap(), "--json"]);
    assert_ok(&out);
    let v = json(&out);
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), 5);
    let events = files.iter().find(|f| f["table"] == "events").unwrap();
    for key in [
        "file",
        "rows_read",
        "accepted",
        "rejected",
        "orphans",
        "encoding",
        "pii_columns",
        "reasons",
    ] {
        assert!(events.get(key).is_some(), "missing key {key}");
    }
    assert_eq!(events["rows_read"], 11);
    assert_eq!(events["accepted"], 4);
    assert_eq!(events["rejected"], 7);
    assert_eq!(events["orphans"], 2);
    assert_eq!(events["encoding"], "UTF-8");
    assert_eq!(events["reasons"]["negative:amount"], 1);
    let users = files.iter().find(|f| f["table"] == "users").unwrap();
    assert_eq!(users["pii_columns"], serde_json::json!(["手机号"]));
}

#[test]
fn validate_text_names_file_line_and_column() {
    let dir = fixture("contract");
    let out = run(&["validate", "--data", dir.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("events.csv: line 4, column amount: amount `-5` is negative"),
        "{text}"
    );
}

#[test]
fn rejects_export_to_csv_with_line_and_reason() {
    let dir = fixture("contract");
    let out_dir = tempfile::tempdir().unwrap();
    let out = run(&[
        "validate",
        "--data",
        dir.to_str().unwrap(),
        "--rejects",
        out_dir.path().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let mut reader = csv::Reader::from_path(out_dir.path().join("events.rejects.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 7);
    assert_eq!(&rows[0][0], "3");
    assert_eq!(&rows[0][2], "unknown_event");
    assert_eq!(&rows[0][4], "u1,c1,buy,2025-01-02 10:00:00,,,,");
}

#[test]
fn a_missing_column_exits_2_naming_file_and_column() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("events.csv"),
        "user_id,course_id,event\nu1,c1,view\n",
    )
    .unwrap();
    let out = run(&["validate", "--data", dir.path().to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("events.csv") && err.contains("`ts`"), "{err}");
}

#[test]
fn an_unreadable_folder_and_a_bad_map_exit_2() {
    assert_eq!(
        run(&["validate", "--data", "/no/such/folder"])
            .status
            .code(),
        Some(2)
    );
    let dir = fixture("contract");
    let out = run(&[
        "validate",
        "--data",
        dir.to_str().unwrap(),
        "--map",
        "nonsense",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nonsense"));
}

#[test]
fn oulad_maps_from_the_command_line() {
    let dir = fixture("oulad");
    let out = run(&[
        "validate",
        "--data",
        dir.to_str().unwrap(),
        "--file",
        "users=studentInfo.csv",
        "--map",
        "user_id=id_student",
        "--json",
    ]);
    assert_ok(&out);
    let v = json(&out);
    let users = &v["files"][0];
    assert_eq!(users["table"], "users");
    assert_eq!(users["reasons"]["duplicate_id:user_id"], 15);
}

#[test]
fn sample_is_deterministic_and_validates_clean() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    for d in [&a, &b] {
        let out = run(&[
            "sample",
            "--out",
            d.path().to_str().unwrap(),
            "--users",
            "300",
            "--seed",
            "7",
        ]);
        assert_ok(&out);
    }
    for f in [
        "users.csv",
        "courses.csv",
        "events.csv",
        "impressions.csv",
        "experiments.csv",
        "truth/personas.csv",
        "truth/ctr_model.json",
        "truth/experiments.json",
    ] {
        let x = std::fs::read(a.path().join(f)).unwrap();
        assert_eq!(
            x,
            std::fs::read(b.path().join(f)).unwrap(),
            "{f} differs between runs"
        );
        assert!(!x.is_empty());
    }
    let out = run(&["validate", "--data", a.path().to_str().unwrap(), "--json"]);
    let v = json(&out);
    for f in v["files"].as_array().unwrap() {
        assert_eq!(f["rejected"], 0, "{}", f["file"]);
        assert_eq!(f["orphans"], 0, "{}", f["file"]);
    }
    let users = file_report(&v, "users");
    assert_eq!(users["accepted"], 300);
    assert_eq!(users["pii_columns"], serde_json::json!(["phone"]));
}

#[test]
fn segment_features_file_finds_planted_blobs_and_reports_bad_cells() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("features.csv");
    let mut text = String::from("id,x,y\n");
    for i in 0..90 {
        let (cx, cy) = [(0.0, 0.0), (10.0, 0.0), (0.0, 10.0)][i % 3];
        text.push_str(&format!(
            "p{i},{},{}\n",
            cx + (i % 7) as f64 * 0.1,
            cy + (i % 5) as f64 * 0.1
        ));
    }
    text.push_str("tiny,100,100\n");
    std::fs::write(&path, &text).unwrap();
    let out = dir.path().join("segments.csv");
    let summaries = dir.path().join("summaries.csv");
    let o = run(&[
        "segment",
        "--features",
        path.to_str().unwrap(),
        "--k",
        "4",
        "--out",
        out.to_str().unwrap(),
        "--summaries",
        summaries.to_str().unwrap(),
        "--pseudonymise",
        "salt",
        "--json",
    ]);
    assert_ok(&o);
    let v = json(&o);
    for key in ["k", "inertia", "silhouette", "sizes", "segments"] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    let mut sizes: Vec<u64> = v["sizes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_u64().unwrap())
        .collect();
    sizes.sort();
    assert_eq!(sizes, vec![1, 30, 30, 30]);
    let seg = std::fs::read_to_string(&out).unwrap();
    assert!(!seg.contains("p0,"), "ids are pseudonymised");
    let sum = std::fs::read_to_string(&summaries).unwrap();
    assert!(sum.contains("suppressed"), "{sum}");

    std::fs::write(&path, "id,x\na,1\nb,oops\n").unwrap();
    let o = run(&[
        "segment",
        "--features",
        path.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("line 3, column x"));
}

#[test]
fn profile_writes_one_row_per_learner_with_rfm_segments() {
    let dir = sample_dir();
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("profiles.csv");
    let o = run(&[
        "profile",
        "--data",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--json",
    ]);
    assert_ok(&o);
    let v = json(&o);
    let mut reader = csv::Reader::from_path(&out).unwrap();
    let header = reader.headers().unwrap().clone();
    assert_eq!(header.iter().filter(|h| *h == "recency_days").count(), 1);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len() as u64, v["learners"].as_u64().unwrap());
    assert!(rows.iter().all(|r| r.len() == header.len()));
    assert!(
        !header.iter().any(|h| h == "phone"),
        "personal data is never exported"
    );
}

#[test]
fn clv_writes_every_buyer_and_refuses_bad_settings() {
    let dir = fixture("clv");
    let tmp = tempfile::tempdir().unwrap();
    let out_path = tmp.path().join("clv.csv");
    let out = run(&[
        "clv",
        "--data",
        dir.to_str().unwrap(),
        "--until",
        "1997-09-30",
        "--out",
        out_path.to_str().unwrap(),
        "--json",
    ]);
    assert_ok(&out);
    let v = json(&out);
    assert_eq!(v["model"], "bg_nbd");
    assert_eq!(v["unit"], "week");
    assert_eq!(v["learners"], 2357);
    assert_eq!(v["until"], "1997-09-30");
    assert_eq!(v["holdout"]["days"], 90);
    for key in ["r", "alpha", "a", "b"] {
        assert!(v["params"][key].as_f64().unwrap() > 0.0, "{key}");
    }
    let text = std::fs::read_to_string(&out_path).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "user_id,frequency,recency_weeks,t_weeks,p_alive,expected_purchases,expected_spend,clv"
    );
    assert_eq!(lines.count(), 2357);
    for (args, says) in [
        (vec!["--horizon-days", "0"], "horizon-days"),
        (vec!["--discount-monthly", "1.5"], "discount-monthly"),
        (vec!["--until", "soon"], "--until"),
        (vec!["--until", "1990-01-01"], "at least 30 buyers"),
    ] {
        let mut all = vec!["clv", "--data", dir.to_str().unwrap()];
        all.extend(args);
        all.extend(["--out", out_path.to_str().unwrap()]);
        let out = run(&all);
        assert_eq!(out.status.code(), Some(2), "{all:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{all:?}: {err}");
    }
}

#[test]
fn target_can_rank_by_revenue_plus_lifetime_value() {
    let dir = sample_dir();
    let tmp = tempfile::tempdir().unwrap();
    let lists: Vec<Vec<String>> = ["revenue", "value"]
        .iter()
        .map(|objective| {
            let out_path = tmp.path().join(format!("{objective}.csv"));
            let out = run(&[
                "target",
                "--data",
                dir.to_str().unwrap(),
                "--course",
                "c0012",
                "--budget",
                "100",
                "--objective",
                objective,
                "--out",
                out_path.to_str().unwrap(),
                "--json",
            ]);
            assert_ok(&out);
            assert_eq!(json(&out)["objective"], *objective);
            std::fs::read_to_string(&out_path)
                .unwrap()
                .lines()
                .skip(1)
                .map(|l| l.split(',').nth(1).unwrap().to_string())
                .collect()
        })
        .collect();
    // Learners' future value changes who is contacted.
    assert_ne!(lists[0], lists[1]);
}
