//! What real exports do to a tool that trusted its own sample: a stray byte, personal data
//! under an innocent header, formulas in titles, learners who never came back, identical
//! learners, and the command line's loose ends. Each test failed before its fix.

mod common;

use common::{assert_ok, csv_rows, edited_sample, file_report, json, run, sample_dir};
use persona_lab::data::columns::str_col;
use persona_lab::data::encoding::encode_gb18030;
use persona_lab::data::{Encoding, Mapping, TableKind, load_table};
use persona_lab::jobs::Progress;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

fn users(path: &Path) -> persona_lab::data::Table {
    load_table(
        path,
        TableKind::Users,
        &Mapping::default(),
        &Progress::default(),
    )
    .unwrap()
}

fn cities(t: &persona_lab::data::Table) -> Vec<String> {
    str_col(&t.df, "city")
        .unwrap()
        .iter()
        .map(|c| c.unwrap_or_default().to_string())
        .collect()
}

#[test]
fn one_bad_byte_in_a_utf8_file_rejects_its_row_and_garbles_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("users.csv");
    let mut bytes = b"user_id,city,occupation\n".to_vec();
    for i in 0..40 {
        bytes.extend(format!("u{i},上海,程序员\n").as_bytes());
    }
    bytes.extend(b"u_bad,\xE4\xB8\n");
    bytes.extend("u_after,北京,家长\n".as_bytes());
    std::fs::write(&path, &bytes).unwrap();
    let t = users(&path);
    assert_eq!(t.report.encoding, Encoding::Utf8);
    assert!(t.report.encoding_confidence > 0.95);
    assert_eq!((t.report.accepted, t.report.rejected), (41, 1));
    let bad = &t.report.rejects[0];
    assert_eq!((bad.line, bad.key().as_str()), (42, "bad_encoding:city"));
    let cities = cities(&t);
    assert!(cities[..40].iter().all(|c| c == "上海"), "{cities:?}");
    assert_eq!(cities[40], "北京");
}

#[test]
fn a_gbk_file_decodes_and_an_invalid_gbk_row_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("users.csv");
    let mut bytes = encode_gb18030("user_id,city\n");
    for i in 0..30 {
        bytes.extend(encode_gb18030(&format!("u{i},广州\n")));
    }
    // A lead byte with no valid trail byte: not GBK text.
    bytes.extend(b"u_bad,\x81\x20x\n");
    std::fs::write(&path, &bytes).unwrap();
    let t = users(&path);
    assert_eq!(t.report.encoding, Encoding::Gb18030);
    assert_eq!((t.report.accepted, t.report.rejected), (30, 1));
    assert_eq!(t.report.rejects[0].key(), "bad_encoding:city");
    assert!(cities(&t).iter().all(|c| c == "广州"));
    assert!(!cities(&t).iter().any(|c| c.contains('\u{FFFD}')));
}

fn has_phone_or_email(text: &str) -> bool {
    text.contains("13912345678") || text.contains("139-1234-5678") || text.contains("@example.com")
}

#[test]
fn personal_data_under_innocent_headers_reaches_no_output() {
    // A `contact` column of phone numbers, a rejected row holding one, and comments with a
    // phone number and an e-mail address written into them.
    let data = edited_sample(|name, text| match name {
        "users.csv" => text
            .lines()
            .enumerate()
            .map(|(i, l)| match i {
                0 => format!("{l},contact"),
                // Age 300: rejected, with the phone number in the row.
                1 => {
                    let mut fields: Vec<&str> = l.split(',').collect();
                    fields[3] = "300";
                    format!("{},13912345678", fields.join(","))
                }
                _ => format!("{l},139{:08}", i),
            })
            .collect::<Vec<_>>()
            .join("\n"),
        "events.csv" => text.replace(
            "老师讲解清晰",
            "老师讲解清晰，有问题加我微信 teacher_wang88 或打139-1234-5678，邮箱 me@example.com",
        ),
        _ => text,
    });
    let d = data.path().to_str().unwrap();
    let rejects = tempfile::tempdir().unwrap();
    let o = run(&[
        "validate",
        "--data",
        d,
        "--rejects",
        rejects.path().to_str().unwrap(),
        "--json",
    ]);
    assert_ok(&o);
    let v = json(&o);
    let users = file_report(&v, "users");
    assert!(
        users["pii_columns"]
            .as_array()
            .unwrap()
            .contains(&"contact".into()),
        "{users}"
    );
    assert!(
        users["rejected"].as_u64().unwrap() >= 1,
        "the age-300 row is rejected"
    );
    let rejected = std::fs::read_to_string(rejects.path().join("users.rejects.csv")).unwrap();
    assert!(rejected.contains("out_of_range"), "{rejected}");
    assert!(!has_phone_or_email(&rejected), "{rejected}");
    assert!(!String::from_utf8_lossy(&o.stdout).contains("13912345678"));

    let out = tempfile::tempdir().unwrap();
    let summaries = out.path().join("summaries.csv");
    let o = run(&[
        "segment",
        "--data",
        d,
        "--out",
        out.path().join("seg.csv").to_str().unwrap(),
        "--summaries",
        summaries.to_str().unwrap(),
        "--json",
    ]);
    assert_ok(&o);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(!has_phone_or_email(&stdout) && !stdout.contains("teacher_wang88"));
    let text = std::fs::read_to_string(&summaries).unwrap();
    assert!(!has_phone_or_email(&text) && !text.contains("teacher_wang88"));

    let ds =
        persona_lab::data::load_dataset(data.path(), &Mapping::default(), &Progress::default())
            .unwrap();
    let comments: Vec<String> = str_col(ds.frame(TableKind::Events).unwrap(), "text")
        .unwrap()
        .iter()
        .flatten()
        .filter(|t| t.contains("有问题加我微信"))
        .map(str::to_string)
        .collect();
    assert!(!comments.is_empty());
    for c in &comments {
        assert!(
            !has_phone_or_email(c) && !c.contains("teacher_wang88") && c.contains("***"),
            "{c}"
        );
    }
}

#[test]
fn formulas_in_titles_and_ids_are_neutralised_in_every_export() {
    let formula = "=HYPERLINK(\"\"http://evil.example\"\",\"\"点我\"\")";
    let data = edited_sample(|name, text| match name {
        "courses.csv" => text
            .lines()
            .map(|l| match l.split_once(',') {
                Some((id, rest)) if id != "course_id" => {
                    let (_, after) = rest.split_once(',').unwrap();
                    format!("{id},\"{formula}\",{after}")
                }
                _ => l.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n"),
        "users.csv" | "events.csv" | "impressions.csv" => text.replace("u000002,", "@u2,"),
        _ => text,
    });
    let d = data.path().to_str().unwrap();
    let out = tempfile::tempdir().unwrap();
    let file = |n: &str| -> PathBuf { out.path().join(n) };
    for args in [
        vec!["recommend", "--data", d, "--model", "itemknn", "--out"],
        vec!["segment", "--data", d, "--k", "6", "--out"],
        vec!["profile", "--data", d, "--out"],
        vec![
            "target", "--data", d, "--course", "c0001", "--budget", "3000", "--no-fm", "--out",
        ],
    ] {
        let path = file(&format!("{}.csv", args[0]));
        let mut full = args.clone();
        full.push(path.to_str().unwrap());
        assert_ok(&run(&full));
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            !text.contains("\n=") && !text.contains(",=") && !text.contains("\n@"),
            "{}",
            args[0]
        );
        assert!(
            text.contains("'@u2"),
            "{}: the id is written, neutralised",
            args[0]
        );
        if args[0] == "recommend" {
            assert!(text.contains(",\"'=HYPERLINK("), "titles are neutralised");
        }
    }
}

#[test]
fn learners_without_events_and_identical_learners_are_scored_truly() {
    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("profiles.csv");
    assert_ok(&run(&[
        "profile",
        "--data",
        sample_dir().to_str().unwrap(),
        "--out",
        path.to_str().unwrap(),
    ]));
    let profiles: HashMap<String, HashMap<String, String>> = csv_rows(&path)
        .into_iter()
        .map(|r| (r["user_id"].clone(), r))
        .collect();
    let never_active: Vec<String> = csv_rows(&sample_dir().join("truth/personas.csv"))
        .into_iter()
        .filter(|r| r["never_active"] == "1")
        .map(|r| r["user_id"].clone())
        .collect();
    assert!(never_active.len() > 50);
    for u in &never_active {
        // Days since sign-up: at most the length of the sample year, never days since 1970.
        let recency: f64 = profiles[u]["recency_days"].parse().unwrap();
        assert!((0.0..=366.0).contains(&recency), "{u}: recency {recency}");
    }
    // Equal recency, frequency and monetary values get equal scores (a third of the
    // learners never paid: they all share one M score).
    let mut by_values: HashMap<(String, String, String), (String, String, String)> = HashMap::new();
    for p in profiles.values() {
        let values = (
            p["recency_days"].clone(),
            p["frequency"].clone(),
            p["monetary"].clone(),
        );
        let scores = (
            p["r_score"].clone(),
            p["f_score"].clone(),
            p["m_score"].clone(),
        );
        let first = by_values.entry(values.clone()).or_insert(scores.clone());
        assert_eq!(*first, scores, "learners with RFM values {values:?}");
    }
    let unpaid: Vec<&String> = profiles
        .values()
        .filter(|p| p["monetary"] == "0.00")
        .map(|p| &p["m_score"])
        .collect();
    assert!(unpaid.len() > 300 && unpaid.iter().all(|m| *m == unpaid[0]));
    // Learners whose histories are identical (shared accounts) get identical RFM scores.
    let mut histories: HashMap<String, Vec<String>> = HashMap::new();
    for e in csv_rows(&sample_dir().join("events.csv")) {
        let line = [&e["course_id"], &e["event"], &e["ts"], &e["amount"]]
            .map(|s| s.as_str())
            .join(",");
        histories
            .entry(e["user_id"].clone())
            .or_default()
            .push(line);
    }
    let mut by_history: HashMap<Vec<String>, Vec<String>> = HashMap::new();
    for (u, h) in histories {
        by_history.entry(h).or_default().push(u);
    }
    let twins: Vec<Vec<String>> = by_history.into_values().filter(|g| g.len() > 1).collect();
    assert!(
        twins.len() >= 10,
        "{} groups of identical learners",
        twins.len()
    );
    let scores = |u: &str| {
        let p = &profiles[u];
        (
            p["r_score"].clone(),
            p["f_score"].clone(),
            p["m_score"].clone(),
        )
    };
    for group in &twins {
        assert!(
            group.iter().all(|u| scores(u) == scores(&group[0])),
            "{group:?}"
        );
    }
}

#[test]
fn command_line_loose_ends_are_tied() {
    let sample = sample_dir();
    let data = sample.to_str().unwrap();
    let out = tempfile::tempdir().unwrap();

    // abtest --out writes the read-out.
    let readout = out.path().join("readout.csv");
    assert_ok(&run(&[
        "abtest",
        "--experiments",
        sample.join("experiments.csv").to_str().unwrap(),
        "--out",
        readout.to_str().unwrap(),
    ]));
    let text = std::fs::read_to_string(&readout).unwrap();
    assert!(text.starts_with("experiment,variant,users"), "{text}");
    assert_eq!(text.lines().count(), 3);

    // profile's own output clusters as it is (its text columns are left out).
    let profiles = out.path().join("profiles.csv");
    assert_ok(&run(&[
        "profile",
        "--data",
        data,
        "--out",
        profiles.to_str().unwrap(),
    ]));
    let o = run(&[
        "segment",
        "--features",
        profiles.to_str().unwrap(),
        "--scale",
        "--k",
        "5",
        "--out",
        out.path().join("s.csv").to_str().unwrap(),
        "--json",
    ]);
    assert_ok(&o);
    let v = json(&o);
    assert_eq!(v["k"], 5);
    let skipped = v["skipped_columns"].as_array().unwrap();
    assert!(skipped.contains(&"rfm_segment".into()) && skipped.contains(&"city".into()));

    // Segments under 10 learners keep only their size in JSON.
    let o = run(&[
        "segment",
        "--features",
        profiles.to_str().unwrap(),
        "--scale",
        "--k",
        "150",
        "--out",
        out.path().join("s.csv").to_str().unwrap(),
        "--json",
    ]);
    assert_ok(&o);
    let v = json(&o);
    let small: Vec<&serde_json::Value> = v["segments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["size"].as_u64().unwrap() < 10)
        .collect();
    for s in &small {
        assert_eq!(s["suppressed"], true);
        assert!(s["centroid"].as_object().unwrap().is_empty());
        assert!(s["keywords"].as_array().unwrap().is_empty());
    }
    assert!(
        !small.is_empty(),
        "k = 150 leaves some segments under 10 learners"
    );

    // A power error is a sentence, and with --json an error is JSON too.
    let o = run(&["power", "--baseline", "1.5", "--mde", "0.1", "--json"]);
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!stderr.contains("Some("), "{stderr}");
    let v = json(&o);
    assert_eq!(v["error"]["exit_code"], 2);
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("baseline 1.5")
    );
}
