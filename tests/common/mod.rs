//! Helpers shared by the integration tests: where the data is, running the binary, and
//! reading what it printed.
// Each test crate uses its own subset of these.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The crate's folder.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// A folder under `tests/fixtures`.
pub fn fixture(dir: &str) -> PathBuf {
    root().join("tests/fixtures").join(dir)
}

/// The bundled sample data.
pub fn sample_dir() -> PathBuf {
    root().join("sample-data")
}

/// Runs `persona-lab` with `args`.
pub fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_persona-lab"))
        .args(args)
        .output()
        .expect("binary runs")
}

/// Asserts exit code 0, showing stderr otherwise.
pub fn assert_ok(out: &Output) {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The one JSON object on stdout.
pub fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).expect("stdout is one JSON object")
}

/// Rows of a CSV as maps from header to value.
pub fn csv_rows(path: &Path) -> Vec<HashMap<String, String>> {
    let mut rdr = csv::Reader::from_path(path).expect("CSV opens");
    let header = rdr.headers().expect("header").clone();
    rdr.records()
        .map(|r| {
            let r = r.expect("record");
            header
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// The report of one table in `validate --json` output.
pub fn file_report<'a>(v: &'a serde_json::Value, table: &str) -> &'a serde_json::Value {
    v["files"]
        .as_array()
        .expect("files")
        .iter()
        .find(|f| f["table"] == table)
        .expect("table reported")
}

/// A copy of the sample data in a temporary folder, each file's text passed through `edit`
/// (given the file name and its text).
pub fn edited_sample(edit: impl Fn(&str, String) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    for name in [
        "users.csv",
        "courses.csv",
        "events.csv",
        "impressions.csv",
        "experiments.csv",
    ] {
        let text = std::fs::read_to_string(sample_dir().join(name)).expect("sample file");
        std::fs::write(dir.path().join(name), edit(name, text)).expect("written");
    }
    dir
}
