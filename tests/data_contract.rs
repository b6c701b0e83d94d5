//! The input data contract on fixture files: every bad-input class with exact counts and line
//! numbers, encodings, mappings, and the OULAD excerpt.

mod common;

use common::fixture;
use persona_lab::data::{
    DataError, Dataset, Encoding, FileReport, Mapping, TableKind, load_dataset, load_table,
};
use persona_lab::jobs::Progress;
use std::path::Path;

fn load(dir: &Path, mapping: &Mapping) -> Dataset {
    load_dataset(dir, mapping, &Progress::default()).expect("dataset loads")
}

fn report(ds: &Dataset, kind: TableKind) -> &FileReport {
    &ds.table(kind).expect("table present").report
}

/// (line, reason key) of every rejected row.
fn rejects(r: &FileReport) -> Vec<(u64, String)> {
    r.rejects.iter().map(|x| (x.line, x.key())).collect()
}

/// The values of a text column.
fn strings(ds: &Dataset, kind: TableKind, column: &str) -> Vec<Option<String>> {
    let df = ds.frame(kind).expect("table present");
    let text = persona_lab::data::columns::str_col(df, column).expect("text column present");
    text.iter().map(|v| v.map(str::to_string)).collect()
}

fn assert_balanced(r: &FileReport, ds: &Dataset) {
    assert_eq!(r.accepted + r.rejected, r.rows_read, "{}", r.file);
    assert_eq!(ds.frame(r.table).unwrap().height() as u64, r.accepted);
}

#[test]
fn every_bad_row_class_is_rejected_with_its_line_and_reason() {
    let ds = load(&fixture("contract"), &Mapping::default());
    for r in ds.reports() {
        assert_balanced(r, &ds);
    }

    let users = report(&ds, TableKind::Users);
    assert_eq!((users.rows_read, users.accepted, users.rejected), (5, 3, 2));
    assert_eq!(
        rejects(users),
        vec![
            (4, "out_of_range:age".into()),
            (5, "duplicate_id:user_id".into())
        ]
    );
    assert!(
        users.rejects[1].message.contains("line 3"),
        "{}",
        users.rejects[1].message
    );
    assert_eq!(users.pii_columns, vec!["手机号"]);
    assert_eq!(
        users.rejects[0].raw, "u3,女,200,广州,***,music",
        "personal data is masked"
    );
    assert_eq!(users.extra_columns, vec!["hobby"]);
    let df = ds.frame(TableKind::Users).unwrap();
    assert!(
        !df.get_column_names().iter().any(|c| c.as_str() == "手机号"),
        "PII column must not be loaded"
    );

    let courses = report(&ds, TableKind::Courses);
    assert_eq!(
        rejects(courses),
        vec![
            (3, "negative:price".into()),
            (5, "duplicate_id:course_id".into())
        ]
    );
    assert_eq!(courses.accepted, 2);

    let events = report(&ds, TableKind::Events);
    assert_eq!(
        (events.rows_read, events.accepted, events.rejected),
        (11, 4, 7)
    );
    assert_eq!(
        rejects(events),
        vec![
            (3, "unknown_event:event".into()),
            (4, "negative:amount".into()),
            (5, "out_of_range:rating".into()),
            (6, "bad_timestamp:ts".into()),
            (7, "missing_value:user_id".into()),
            (10, "wrong_type:amount".into()),
            (11, "field_count".into()),
        ]
    );
    assert_eq!(events.orphans, 2);
    assert_eq!(events.orphans_by_column.get("user_id"), Some(&1));
    assert_eq!(events.orphans_by_column.get("course_id"), Some(&1));
    let text = strings(&ds, TableKind::Events, "text");
    assert!(text.contains(&Some("好课,值得\n推荐".to_string())));

    let impressions = report(&ds, TableKind::Impressions);
    assert_eq!(rejects(impressions), vec![(3, "not_binary:clicked".into())]);
    assert_eq!(impressions.orphans, 0);

    let experiments = report(&ds, TableKind::Experiments);
    assert_eq!(
        rejects(experiments),
        vec![(3, "not_binary:converted".into())]
    );
    // u3 was rejected from users (age 200), so its assignment is an orphan.
    assert_eq!(experiments.orphans, 1);
}

#[test]
fn crlf_line_endings_give_the_same_lines() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("contract/events.csv")).unwrap();
    std::fs::write(dir.path().join("events.csv"), text.replace('\n', "\r\n")).unwrap();
    let ds = load(dir.path(), &Mapping::default());
    let events = report(&ds, TableKind::Events);
    assert_eq!(rejects(events).len(), 7);
    assert_eq!(rejects(events)[5], (10, "wrong_type:amount".into()));
    assert_eq!(events.accepted, 4);
}

#[test]
fn gbk_and_bom_files_with_chinese_headers_load() {
    let ds = load(&fixture("gbk"), &Mapping::default());
    let users = report(&ds, TableKind::Users);
    assert_eq!(users.encoding, Encoding::Gb18030);
    assert_eq!((users.accepted, users.rejected), (2, 1));
    assert_eq!(rejects(users), vec![(4, "wrong_type:age".into())]);
    assert_eq!(
        users.columns.get("user_id").map(String::as_str),
        Some("用户ID")
    );
    let cities = strings(&ds, TableKind::Users, "city");
    assert_eq!(
        cities,
        vec![Some("北京".to_string()), Some("上海".to_string())]
    );
    assert_eq!(
        strings(&ds, TableKind::Users, "education")[1].as_deref(),
        Some("硕士")
    );

    let courses = report(&ds, TableKind::Courses);
    assert_eq!(courses.encoding, Encoding::Utf8Bom);
    assert_eq!(courses.accepted, 2);
    let titles = strings(&ds, TableKind::Courses, "title");
    assert_eq!(titles[0].as_deref(), Some("Python数据分析实战"));
}

#[test]
fn a_missing_required_column_names_file_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.csv");
    std::fs::write(&path, "user_id,course_id,ts\nu1,c1,2025-01-01\n").unwrap();
    let err = load_table(
        &path,
        TableKind::Events,
        &Mapping::default(),
        &Progress::default(),
    )
    .unwrap_err();
    match &err {
        DataError::MissingColumn { file, column, .. } => {
            assert!(file.ends_with("events.csv"));
            assert_eq!(column, "event");
        }
        other => panic!("unexpected {other:?}"),
    }
    let message = err.to_string();
    assert!(
        message.contains("events.csv") && message.contains("`event`"),
        "{message}"
    );
}

#[test]
fn empty_and_unreadable_files_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("users.csv");
    std::fs::write(&empty, "").unwrap();
    let err = load_table(
        &empty,
        TableKind::Users,
        &Mapping::default(),
        &Progress::default(),
    );
    assert!(matches!(err, Err(DataError::Empty { .. })), "{err:?}");
    let missing = dir.path().join("nope.csv");
    let err = load_table(
        &missing,
        TableKind::Users,
        &Mapping::default(),
        &Progress::default(),
    );
    assert!(matches!(err, Err(DataError::Unreadable { .. })), "{err:?}");
    let broken = dir.path().join("users.parquet");
    std::fs::write(&broken, "not parquet").unwrap();
    let err = load_table(
        &broken,
        TableKind::Users,
        &Mapping::default(),
        &Progress::default(),
    );
    assert!(matches!(err, Err(DataError::Unreadable { .. })), "{err:?}");
}

#[test]
fn parquet_loads_through_the_same_checks() {
    use polars::prelude::*;
    let dir = tempfile::tempdir().unwrap();
    let mut df = df!(
        "user_id" => ["u1", "u2", "u2"],
        "age" => [Some(30.0), Some(-3.0), None],
    )
    .unwrap();
    let file = std::fs::File::create(dir.path().join("users.parquet")).unwrap();
    ParquetWriter::new(file).finish(&mut df).unwrap();
    let ds = load(dir.path(), &Mapping::default());
    let users = report(&ds, TableKind::Users);
    assert_eq!(users.encoding, Encoding::Parquet);
    assert_eq!(
        rejects(users),
        vec![(3, "out_of_range:age".into())],
        "row 2 is rejected; row 3 then holds u2 for the first time"
    );
    assert_eq!(users.accepted, 2);
}

/// Parquet written by a warehouse types its columns: a `Date` sign-up day loads as that day
/// (not as the day number it is stored as, which would pass for Unix seconds in 1970).
#[test]
fn a_typed_parquet_date_loads_as_its_day() {
    use polars::prelude::*;
    let dir = tempfile::tempdir().unwrap();
    let days = Int32Chunked::new("signup_date".into(), [20090, 20151]) // 2025-01-02, 2025-03-04
        .into_series()
        .cast(&DataType::Date)
        .unwrap();
    let mut df = DataFrame::new(
        2,
        vec![
            Column::new("user_id".into(), ["u1", "u2"]),
            days.into_column(),
        ],
    )
    .unwrap();
    let file = std::fs::File::create(dir.path().join("users.parquet")).unwrap();
    ParquetWriter::new(file).finish(&mut df).unwrap();
    let ds = load(dir.path(), &Mapping::default());
    let users = ds.frame(TableKind::Users).unwrap();
    let signup = persona_lab::data::columns::ms_col(users, "signup_date").unwrap();
    let signup: Vec<Option<i64>> = signup.iter().collect();
    let day = 86_400_000;
    assert_eq!(signup, vec![Some(20090 * day), Some(20151 * day)]);
}

/// An analysis that reads only some columns gets exactly those, from the same accepted rows:
/// every column is still checked (a bad rating rejects its row even when ratings are not
/// kept), in CSV and in Parquet (where the unread columns are not read at all).
#[test]
fn a_projection_keeps_only_its_columns_and_the_same_rows() {
    use persona_lab::data::{load_columns, load_projected};
    let keep: &[&str] = &["user_id", "course_id", "event", "ts"];
    let dir = fixture("contract");
    let all = load(&dir, &Mapping::default());
    let some = load_projected(
        &dir,
        &Mapping::default(),
        &TableKind::ALL,
        &[(TableKind::Events, keep)],
        &Progress::default(),
    )
    .unwrap();
    let (a, s) = (
        report(&all, TableKind::Events),
        report(&some, TableKind::Events),
    );
    assert_eq!((a.rows_read, a.accepted), (s.rows_read, s.accepted));
    assert_eq!(rejects(a), rejects(s));
    let names = |ds: &Dataset| -> Vec<String> {
        let df = ds.frame(TableKind::Events).unwrap();
        df.get_column_names()
            .iter()
            .map(|n| n.to_string())
            .collect()
    };
    assert_eq!(names(&some), keep);
    assert!(names(&all).len() > keep.len());
    for column in keep {
        if *column != "ts" {
            assert_eq!(
                strings(&all, TableKind::Events, column),
                strings(&some, TableKind::Events, column)
            );
        }
    }
    assert_eq!(
        report(&all, TableKind::Users).accepted,
        report(&some, TableKind::Users).accepted
    );

    use polars::prelude::*;
    let tmp = tempfile::tempdir().unwrap();
    let mut df = df!(
        "user_id" => ["u1", "u2", "u3"],
        "course_id" => ["c1", "c1", "c2"],
        "event" => ["rate", "rate", "view"],
        "ts" => ["2025-01-01 10:00:00", "2025-01-02 10:00:00", "2025-01-03 10:00:00"],
        "rating" => [Some(4.0), Some(9.0), None],
        "text" => [Some("好课"), None, None],
    )
    .unwrap();
    let path = tmp.path().join("events.parquet");
    ParquetWriter::new(std::fs::File::create(&path).unwrap())
        .finish(&mut df)
        .unwrap();
    let t = load_columns(
        &path,
        TableKind::Events,
        &Mapping::default(),
        Some(keep),
        &Progress::default(),
    )
    .unwrap();
    assert_eq!(rejects(&t.report), vec![(3, "out_of_range:rating".into())]);
    assert_eq!(t.df.height(), 2);
    assert_eq!(t.df.get_column_names(), keep);
}

fn oulad_mapping(day_origin: Option<&str>) -> Mapping {
    let mut m = Mapping::default();
    m.add_file("users=studentInfo.csv").unwrap();
    m.add_file("events=studentRegistration.csv").unwrap();
    for e in [
        "users.user_id=id_student",
        "events.user_id=id_student",
        "events.course_id=code_module",
        "events.event==enroll",
        "events.ts=date_registration",
    ] {
        m.add_entry(e).unwrap();
    }
    m.day_origin = day_origin.map(str::to_string);
    m
}

#[test]
fn oulad_learners_load_through_a_mapping_with_repeats_reported() {
    let ds = load(&fixture("oulad"), &oulad_mapping(None));
    let users = report(&ds, TableKind::Users);
    assert_eq!(
        (users.rows_read, users.accepted, users.rejected),
        (135, 120, 15)
    );
    assert_eq!(users.reasons.get("duplicate_id:user_id"), Some(&15));
    assert!(users.rejects[0].message.contains("repeats the row on line"));
    assert_eq!(
        users.columns.get("education").map(String::as_str),
        Some("highest_education")
    );
    assert!(users.extra_columns.contains(&"final_result".to_string()));

    // Registration dates are days relative to each module's start: refused, saying why.
    let events = report(&ds, TableKind::Events);
    assert_eq!((events.rows_read, events.rejected), (135, 135));
    assert_eq!(events.reasons.get("bad_timestamp:ts"), Some(&135));
    assert!(
        events.rejects[0].message.contains("day count"),
        "{}",
        events.rejects[0].message
    );
}

#[test]
fn oulad_registrations_load_with_a_day_origin() {
    let ds = load(&fixture("oulad"), &oulad_mapping(Some("2013-10-01")));
    let events = report(&ds, TableKind::Events);
    assert_eq!((events.accepted, events.rejected), (135, 0));
    let kinds = strings(&ds, TableKind::Events, "event");
    assert!(kinds.iter().all(|e| e.as_deref() == Some("enroll")));
    assert_eq!(
        events.ignored_columns,
        vec!["code_presentation", "date_unregistration"]
    );
}

#[test]
fn a_saved_mapping_in_the_folder_is_used() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("learners.csv"),
        "uid_x,城市\nA,北京\nB,上海\n",
    )
    .unwrap();
    let mut m = Mapping::default();
    m.add_file("users=learners.csv").unwrap();
    m.add_entry("user_id=uid_x").unwrap();
    m.save(&dir.path().join("mapping.json")).unwrap();
    let ds = load(dir.path(), &Mapping::default());
    assert_eq!(report(&ds, TableKind::Users).accepted, 2);
}

/// Found by the loader fuzz: a header holding a column's own name after another of its names
/// (`课程ID,…,course_id`) stored the second as an extra column of the same name, and the
/// table could not be built (an internal error, exit 1).
#[test]
fn a_column_named_twice_by_its_own_name_and_another_reads_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("courses.csv");
    std::fs::write(&path, "课程ID,title,course_id,分类\nold1,Intro,c1,编程\n").unwrap();
    let t = load_table(
        &path,
        TableKind::Courses,
        &Mapping::default(),
        &Progress::default(),
    )
    .unwrap();
    assert_eq!(
        t.report.columns.get("course_id").map(String::as_str),
        Some("course_id")
    );
    let id = persona_lab::data::columns::str_col(&t.df, "course_id").unwrap();
    assert_eq!(id.get(0), Some("c1"));
    // A mapping that reads the column from another header wins, and the header with the
    // column's own name is left out rather than kept under the same name.
    let mut m = Mapping::default();
    m.add_entry("courses.course_id=课程ID").unwrap();
    let t = load_table(&path, TableKind::Courses, &m, &Progress::default()).unwrap();
    let id = persona_lab::data::columns::str_col(&t.df, "course_id").unwrap();
    assert_eq!(id.get(0), Some("old1"));
    assert!(t.report.ignored_columns.contains(&"course_id".to_string()));
}

#[test]
fn a_mapping_to_an_absent_header_is_an_error() {
    let mut m = Mapping::default();
    m.add_entry("users.user_id=no_such_column").unwrap();
    let err = load_dataset(&fixture("contract"), &m, &Progress::default()).unwrap_err();
    assert!(err.to_string().contains("no_such_column"), "{err}");
}

#[test]
fn cancel_stops_a_load() {
    let p = Progress::default();
    p.cancel();
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("user_id\n");
    for i in 0..50_000 {
        text.push_str(&format!("u{i}\n"));
    }
    std::fs::write(dir.path().join("users.csv"), text).unwrap();
    let err = load_dataset(dir.path(), &Mapping::default(), &p).unwrap_err();
    assert_eq!(err, DataError::Cancelled);
}
