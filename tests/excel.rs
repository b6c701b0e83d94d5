//! Spreadsheet tables: read like CSV, with the sheet's row numbers as lines
//! (fixture: `scripts/make_excel_fixture.py`).

mod common;

use common::{fixture, run};
use persona_lab::data::cells::parse_timestamp;
use persona_lab::data::columns::{ms_col, str_col};
use persona_lab::data::{Mapping, TableKind, load_table};
use persona_lab::jobs::Progress;

#[test]
fn a_workbook_loads_like_a_csv_with_sheet_rows_as_lines() {
    let path = fixture("excel").join("users.xlsx");
    let table = load_table(
        &path,
        TableKind::Users,
        &Mapping::default(),
        &Progress::default(),
    )
    .unwrap();
    let r = &table.report;
    assert_eq!((r.rows_read, r.accepted, r.rejected), (4, 3, 1));
    let reject = &r.rejects[0];
    assert_eq!((reject.line, reject.column.as_deref()), (4, Some("age")));
    let ids: Vec<&str> = str_col(&table.df, "user_id")
        .unwrap()
        .iter()
        .flatten()
        .collect();
    // A numeric id keeps no `.0`.
    assert_eq!(ids, ["u1", "1002", "u4"]);
    let signup: Vec<i64> = ms_col(&table.df, "signup_date")
        .unwrap()
        .iter()
        .flatten()
        .collect();
    let ms = |s: &str| parse_timestamp(s, None).unwrap();
    assert_eq!(
        signup,
        [
            ms("2025-03-04"),
            ms("2025-05-06 07:08:09"),
            ms("2025-07-01")
        ]
    );
}

#[test]
fn the_sheet_is_chosen_by_name_and_a_wrong_name_lists_the_sheets() {
    let dir = fixture("excel");
    let out = run(&[
        "validate",
        "--data",
        dir.to_str().unwrap(),
        "--sheet",
        "nope",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no sheet `nope`") && err.contains("学员, 备注"),
        "{err}"
    );
    let out = run(&[
        "validate",
        "--data",
        dir.to_str().unwrap(),
        "--sheet",
        "学员",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn the_mapping_dialog_lists_sheets_and_reads_the_chosen_header() {
    let path = fixture("excel").join("users.xlsx");
    let sheets = persona_lab::data::workbook::sheet_names(&path).unwrap();
    assert_eq!(sheets, ["学员", "备注"]);
    let header = persona_lab::data::load::read_header(&path, Some("备注")).unwrap();
    assert_eq!(header, ["note"]);
    let mapping = Mapping {
        sheet: Some("备注".into()),
        ..Mapping::default()
    };
    let files = mapping.for_files(&fixture("excel"));
    assert_eq!(files[0].headers, ["note"]);
}
