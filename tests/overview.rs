//! The overview's counts against pandas (`scripts/reference/overview_reference.py`) on the
//! bundled sample and on the CDNOW purchase log (real customers, events only), and the HTML
//! report that carries them, opened in a real headless browser.

mod common;

use persona_lab::data::{Dataset, Mapping, TableKind, load_dataset, load_tables};
use persona_lab::jobs::Progress;
use persona_lab::overview::{FunnelBy, cohorts, funnel, overview};
use serde_json::Value;
use std::path::Path;

fn reference() -> Value {
    let text = std::fs::read_to_string("tests/fixtures/overview/reference.json").unwrap();
    serde_json::from_str(&text).unwrap()
}

fn sample() -> Dataset {
    load_dataset(
        &common::sample_dir(),
        &Mapping::default(),
        &Progress::default(),
    )
    .unwrap()
}

fn cdnow() -> Dataset {
    load_tables(
        Path::new("tests/fixtures/clv"),
        &Mapping::default(),
        &[TableKind::Events],
        &Progress::default(),
    )
    .unwrap()
}

fn money(ours: f64, theirs: &Value, what: &str) {
    let theirs = theirs.as_f64().unwrap();
    assert!(
        (ours - theirs).abs() < 1e-6,
        "{what}: ours {ours}, pandas {theirs}"
    );
}

fn same_as_pandas(ds: &Dataset, r: &Value) {
    let p = Progress::default();
    let o = overview(ds, &p).unwrap();
    assert_eq!(o.learners as u64, r["learners"].as_u64().unwrap());
    assert_eq!(
        o.active_learners as u64,
        r["active_learners"].as_u64().unwrap()
    );
    assert_eq!(o.buyers as u64, r["buyers"].as_u64().unwrap());
    assert_eq!(o.orders as u64, r["orders"].as_u64().unwrap());
    money(o.revenue, &r["revenue"], "revenue");
    let months = r["months"].as_array().unwrap();
    assert_eq!(o.months.len(), months.len());
    for (ours, theirs) in o.months.iter().zip(months) {
        assert_eq!(ours.month, theirs["month"].as_str().unwrap());
        for (n, key) in [
            (ours.active, "active"),
            (ours.new, "new"),
            (ours.returning, "returning"),
            (ours.orders, "orders"),
        ] {
            assert_eq!(
                n as u64,
                theirs[key].as_u64().unwrap(),
                "{} {key}",
                ours.month
            );
        }
        money(ours.revenue, &theirs["revenue"], &ours.month);
    }
    for (ours, theirs) in o.courses.iter().zip(r["courses"].as_array().unwrap()) {
        assert_eq!(ours.course_id, theirs["key"].as_str().unwrap());
        assert_eq!(ours.buyers as u64, theirs["buyers"].as_u64().unwrap());
        assert_eq!(ours.learners as u64, theirs["learners"].as_u64().unwrap());
        money(ours.revenue, &theirs["revenue"], &ours.course_id);
    }
    for (ours, theirs) in o.categories.iter().zip(r["categories"].as_array().unwrap()) {
        assert_eq!(ours.category, theirs["key"].as_str().unwrap());
        assert_eq!(ours.orders as u64, theirs["orders"].as_u64().unwrap());
        money(ours.revenue, &theirs["revenue"], &ours.category);
    }
    for (by, key) in [
        (FunnelBy::All, "funnel_all"),
        (FunnelBy::Category, "funnel_category"),
    ] {
        let f = funnel(ds, &by, &p).unwrap();
        let theirs = r[key].as_object().unwrap();
        assert_eq!(f.groups.len(), theirs.len(), "{key}");
        for g in &f.groups {
            let t: Vec<usize> = theirs[&g.key]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_u64().unwrap() as usize)
                .collect();
            assert_eq!(g.reached.to_vec(), t, "{key} {}", g.key);
        }
    }
    let c = cohorts(ds, &p).unwrap();
    let theirs = r["cohorts"].as_array().unwrap();
    assert_eq!(c.len(), theirs.len());
    for (ours, t) in c.iter().zip(theirs) {
        assert_eq!(ours.month, t["month"].as_str().unwrap());
        assert_eq!(ours.size as u64, t["size"].as_u64().unwrap());
        let rt: Vec<f64> = t["retention"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        assert_eq!(ours.retention.len(), rt.len(), "{}", ours.month);
        for (a, b) in ours.retention.iter().zip(&rt) {
            assert!((a - b).abs() < 1e-12, "{}: {a} vs {b}", ours.month);
        }
    }
}

#[test]
fn sample_overview_equals_pandas() {
    same_as_pandas(&sample(), &reference()["sample"]);
}

#[test]
fn cdnow_overview_equals_pandas() {
    same_as_pandas(&cdnow(), &reference()["cdnow"]);
}

#[test]
fn the_funnel_never_rises_and_splits_by_course_with_titles() {
    let f = funnel(&sample(), &FunnelBy::Course, &Progress::default()).unwrap();
    assert!(f.groups.len() > 100);
    for g in &f.groups {
        assert!(g.reached.windows(2).all(|w| w[0] >= w[1]), "{g:?}");
        assert_ne!(g.name, g.key, "a course of the sample has a title");
    }
}

/// `persona-lab report --lang en` on `data`, written to `out`: the page's text.
fn english_report(data: &Path, out: &Path) -> String {
    let run = common::run(&[
        "report",
        "--data",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--lang",
        "en",
    ]);
    common::assert_ok(&run);
    std::fs::read_to_string(out).unwrap()
}

/// A browser to open the report in: Chromium from the system packages. `.ci/run` installs it
/// and sets `PERSONA_LAB_REQUIRE_BROWSER`, so CI never skips this.
fn chromium() -> Option<&'static str> {
    let found = ["chromium", "chromium-browser"].into_iter().find(|b| {
        std::process::Command::new(b)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    if found.is_none() && std::env::var_os("PERSONA_LAB_REQUIRE_BROWSER").is_some() {
        panic!("PERSONA_LAB_REQUIRE_BROWSER is set but no chromium was found");
    }
    found
}

#[test]
fn the_report_is_one_self_contained_file_that_a_browser_renders() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.html");
    let data = common::sample_dir();
    let html = english_report(&data, &out);
    // Every part, and every experiment with a verdict.
    for part in [
        "Overview",
        "Funnel",
        "Cohort retention",
        "Segments side by side",
        "Recommendation quality",
        "Campaign model and targeting",
        "Target list",
        "Experiments",
    ] {
        assert!(html.contains(part), "{part} missing");
    }
    for experiment in [
        "aa_check",
        "checkout_button",
        "coupon_offer",
        "pricing_page",
    ] {
        assert!(
            html.contains(&format!("<h3>{experiment}</h3><div class=\"verdict")),
            "{experiment}"
        );
    }
    // Readable names, not internal keys.
    assert!(html.contains("Logistic regression") && !html.contains(">logistic<"));
    assert!(html.contains("Active days (log)") || html.contains("Days since last active"));
    // Nothing to fetch: no external resource, no script; no learner id.
    for fetch in ["src=", "href=", "<script", "url("] {
        assert!(!html.contains(fetch), "{fetch} in the report");
    }
    assert!(!html.contains("u000"), "a learner id in the report");
    let Some(browser) = chromium() else {
        eprintln!("no chromium: the browser half of this test did not run");
        return;
    };
    let url = format!("file://{}", out.display());
    let dom = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--dump-dom",
            &url,
        ])
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(
        dom.matches("<svg").count() >= 6,
        "charts in the rendered page"
    );
    assert!(dom.contains("pricing_page"));
    let png = dir.path().join("report.png");
    let shot = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--window-size=1280,2400",
            &format!("--screenshot={}", png.display()),
            &url,
        ])
        .output()
        .unwrap();
    assert!(shot.status.success());
    assert!(
        std::fs::metadata(&png).unwrap().len() > 50_000,
        "a rendered page, not a blank one"
    );
}

#[test]
fn a_one_variant_experiment_gets_its_own_verdict_in_the_report() {
    let data = common::edited_sample(|file, text| {
        if file != "experiments.csv" {
            return text;
        }
        let header = text.lines().next().unwrap().to_string();
        let columns: Vec<&str> = header.split(',').collect();
        let mut out = text;
        for user in ["u000001", "u000002", "u000003"] {
            let row: Vec<&str> = columns
                .iter()
                .map(|c| match *c {
                    "experiment" => "solo",
                    "variant" => "only",
                    "user_id" => user,
                    "converted" => "1",
                    _ => "",
                })
                .collect();
            out.push_str(&row.join(","));
            out.push('\n');
        }
        out
    });
    let out = data.path().join("report.html");
    let html = english_report(data.path(), &out);
    assert!(
        html.contains("<h3>solo</h3><div class=\"verdict keep_running\"")
            && html.contains("Only one variant"),
        "a one-variant test says there is nothing to compare"
    );
    assert!(
        html.contains("<h3>pricing_page</h3>"),
        "the others are read out"
    );
}
