//! The warehouse path: `profile --emit-sql duckdb` run by a real engine (DuckDB's Python
//! package, `scripts/reference/duckdb_features.py`, reading the CSV files with its own reader)
//! gives the same features as Persona Lab to 1e-9, and `segment --features` on that table
//! finds the segments `segment --data` finds. `.ci/run` installs duckdb and sets
//! `PERSONA_LAB_REQUIRE_DUCKDB`, so CI never skips this.

mod common;

use persona_lab::data::{Mapping, TableKind, load_dataset, load_tables};
use persona_lab::jobs::Progress;
use persona_lab::profile::features::learner_table;
use std::collections::HashMap;
use std::path::Path;

/// The tables profiles are built from.
const TABLES: [TableKind; 3] = [TableKind::Users, TableKind::Courses, TableKind::Events];

/// Whether Python can import duckdb (required when `PERSONA_LAB_REQUIRE_DUCKDB` is set).
fn duckdb() -> bool {
    let found = std::process::Command::new("python3")
        .args(["-c", "import duckdb"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found && std::env::var_os("PERSONA_LAB_REQUIRE_DUCKDB").is_some() {
        panic!("PERSONA_LAB_REQUIRE_DUCKDB is set but python3 cannot import duckdb");
    }
    found
}

/// The emitted query for `data`, run in DuckDB; the result's path.
fn features_in_duckdb(data: &Path, dir: &Path) -> std::path::PathBuf {
    let emit = [
        "profile",
        "--data",
        data.to_str().unwrap(),
        "--emit-sql",
        "duckdb",
    ];
    emitted_sql_in_duckdb(&emit, data, dir, "features")
}

/// The query `emit` prints, run in DuckDB on the tables of `data`
/// (`scripts/reference/duckdb_features.py`); the result's path, `dir/NAME.csv`.
fn emitted_sql_in_duckdb(emit: &[&str], data: &Path, dir: &Path, name: &str) -> std::path::PathBuf {
    let sql = common::run(emit);
    common::assert_ok(&sql);
    let query = dir.join(format!("{name}.sql"));
    std::fs::write(&query, &sql.stdout).unwrap();
    let out = dir.join(format!("{name}.csv"));
    let run = std::process::Command::new("python3")
        .arg(common::root().join("scripts/reference/duckdb_features.py"))
        .args([data, &query, &out])
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    out
}

/// The dataset the features are compared on: the sample, or the folder in
/// `PERSONA_LAB_WAREHOUSE_DATA` (the million-learner check in the README's benchmarks).
fn compared_data() -> std::path::PathBuf {
    std::env::var_os("PERSONA_LAB_WAREHOUSE_DATA").map_or_else(common::sample_dir, Into::into)
}

#[test]
fn duckdb_computes_the_same_features_from_the_emitted_sql() {
    if duckdb() {
        same_features(&compared_data());
    } else {
        eprintln!("skipped: python3 cannot import duckdb");
    }
}

/// Real customers with events only (the CDNOW purchase log: no users, no courses, no
/// watch time): the learners come from the events and the missing tables and columns are
/// left out of the query.
#[test]
fn duckdb_computes_the_same_features_on_an_events_only_log() {
    if duckdb() {
        same_features(&common::fixture("clv"));
    } else {
        eprintln!("skipped: python3 cannot import duckdb");
    }
}

/// Runs the emitted query on `data` in DuckDB and compares every feature of every learner.
fn same_features(data: &Path) {
    let data = data.to_path_buf();
    let dir = tempfile::tempdir().unwrap();
    let out = features_in_duckdb(&data, dir.path());
    let ds = load_tables(&data, &Mapping::default(), &TABLES, &Progress::default()).unwrap();
    let ours = learner_table(&ds, &Progress::default()).unwrap();
    let at: HashMap<&str, usize> = ours
        .user_ids
        .iter()
        .enumerate()
        .map(|(i, u)| (u.as_str(), i))
        .collect();
    let mut reader = csv::Reader::from_path(&out).unwrap();
    let header = reader.headers().unwrap().clone();
    let names: Vec<&str> = header.iter().skip(1).collect();
    let ours_names: Vec<&str> = ours.features.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names, ours_names,
        "user_id and exactly the profile's features, in order"
    );
    let (mut rows, mut worst) = (0usize, (0.0f64, String::new()));
    for record in reader.records() {
        let record = record.unwrap();
        let i = at[&record[0]];
        rows += 1;
        for (f, cell) in ours.features.iter().zip(record.iter().skip(1)) {
            let gap = (cell.parse::<f64>().unwrap() - f.values[i]).abs();
            if gap > worst.0 {
                worst = (gap, format!("{} of {}", f.name, &record[0]));
            }
        }
    }
    assert_eq!(rows, ours.user_ids.len(), "one row per learner");
    eprintln!(
        "{rows} learners × {} features; largest difference {:e}",
        ours.features.len(),
        worst.0
    );
    assert!(
        worst.0 < 1e-9,
        "largest difference {:e} at {}",
        worst.0,
        worst.1
    );
}

#[test]
fn segments_from_the_warehouse_features_are_the_segments_of_the_data() {
    if !duckdb() {
        eprintln!("skipped: python3 cannot import duckdb");
        return;
    }
    let data = common::sample_dir();
    let dir = tempfile::tempdir().unwrap();
    let features = features_in_duckdb(&data, dir.path());
    // DuckDB returns learners in its own order; k-means starts depend on row order, so the
    // table is put in the order of the users file, as a warehouse query would ORDER BY.
    let ds = load_dataset(&data, &Mapping::default(), &Progress::default()).unwrap();
    let order = learner_table(&ds, &Progress::default()).unwrap().user_ids;
    let mut reader = csv::Reader::from_path(&features).unwrap();
    let header = reader.headers().unwrap().clone();
    let mut rows: HashMap<String, csv::StringRecord> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_string(), r)
        })
        .collect();
    let ordered = dir.path().join("ordered.csv");
    let mut w = csv::Writer::from_path(&ordered).unwrap();
    w.write_record(&header).unwrap();
    for id in &order {
        w.write_record(&rows.remove(id).unwrap()).unwrap();
    }
    w.flush().unwrap();
    let segment = |input: &[&str], out: &Path| {
        let mut args = vec![
            "segment",
            "--k",
            "5",
            "--json",
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(input);
        let run = common::run(&args);
        common::assert_ok(&run);
        common::json(&run)
    };
    let from_data = dir.path().join("from_data.csv");
    let from_sql = dir.path().join("from_sql.csv");
    segment(&["--data", data.to_str().unwrap()], &from_data);
    let told = segment(&["--features", ordered.to_str().unwrap()], &from_sql);
    assert_eq!(told["profile_features"], true);
    let members = |p: &Path| {
        common::csv_rows(p)
            .into_iter()
            .map(|r| (r["user_id"].clone(), r["segment"].clone()))
            .collect::<HashMap<_, _>>()
    };
    assert_eq!(members(&from_sql), members(&from_data));
}

/// Learner value from a database: `clv --emit-sql duckdb` run in DuckDB gives every buyer's
/// summary (lifetimes' calibration and holdout columns), and `clv --features` on that table
/// values every buyer as `clv --data` does on the events (whose numbers `tests/value.rs`
/// holds to `lifetimes`): the same model, holdout check and per-buyer values to 1e-9. On the
/// CDNOW purchase log, calibrated until 1997-09-30 with a 90-day holdout; on the folder in
/// `PERSONA_LAB_WAREHOUSE_DATA` (the million-learner check), up to its last day.
#[test]
fn duckdb_computes_the_buyer_summaries_and_clv_values_them_the_same() {
    if !duckdb() {
        eprintln!("skipped: python3 cannot import duckdb");
        return;
    }
    let (data, period): (std::path::PathBuf, &[&str]) =
        match std::env::var_os("PERSONA_LAB_WAREHOUSE_DATA") {
            Some(dir) => (dir.into(), &[]),
            None => (
                common::fixture("clv"),
                &["--until", "1997-09-30", "--horizon-days", "90"],
            ),
        };
    let dir = tempfile::tempdir().unwrap();
    let mut emit = vec!["clv", "--emit-sql", "duckdb"];
    emit.extend_from_slice(period);
    let summary = emitted_sql_in_duckdb(&emit, &data, dir.path(), "summary");
    let (from_sql, from_data) = (dir.path().join("sql.csv"), dir.path().join("data.csv"));
    let clv = |input: &[&str], out: &Path| {
        let mut args = vec!["clv", "--json", "--out", out.to_str().unwrap()];
        args.extend_from_slice(input);
        let run = common::run(&args);
        common::assert_ok(&run);
        common::json(&run)
    };
    let told = clv(&["--features", summary.to_str().unwrap()], &from_sql);
    let mut by_data = vec!["--data", data.to_str().unwrap()];
    by_data.extend_from_slice(period);
    let expected = clv(&by_data, &from_data);
    assert_eq!(told["from_summary"], true);
    assert_eq!(told["learners"], expected["learners"]);
    assert_eq!(told["until"], expected["until"]);
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs().max(1.0);
    for path in [
        "/params/r",
        "/params/alpha",
        "/params/a",
        "/params/b",
        "/spend/p",
        "/spend/q",
        "/spend/v",
        "/loglik",
        "/holdout/predicted_total",
        "/holdout/actual_total",
        "/holdout/days",
    ] {
        let (a, b) = (told.pointer(path), expected.pointer(path));
        let (a, b) = (a.and_then(|v| v.as_f64()), b.and_then(|v| v.as_f64()));
        assert!(
            a.zip(b).is_some_and(|(a, b)| close(a, b)),
            "{path}: {a:?} from the summary, {b:?} from the events"
        );
    }
    let rows = |p: &Path| {
        common::csv_rows(p)
            .into_iter()
            .map(|r| (r["user_id"].clone(), r))
            .collect::<HashMap<_, _>>()
    };
    let (ours, theirs) = (rows(&from_data), rows(&from_sql));
    assert_eq!(ours.len(), theirs.len(), "one row per buyer");
    let mut worst = 0.0f64;
    for (id, row) in &ours {
        let other = &theirs[id];
        for (column, cell) in row {
            let (a, b) = (cell.parse::<f64>(), other[column].parse::<f64>());
            if let (Ok(a), Ok(b)) = (a, b) {
                assert!(close(b, a), "{column} of {id}: {b} from the summary, {a}");
                worst = worst.max((a - b).abs() / a.abs().max(1.0));
            } else {
                assert_eq!(cell, &other[column], "{column} of {id}");
            }
        }
    }
    eprintln!(
        "{} buyers; largest relative difference {worst:e}",
        ours.len()
    );
}
