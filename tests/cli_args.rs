//! Property: whatever number a user types for any numeric option, the command line answers
//! with exit 0 or with exit 2 and a sentence — never a panic, an abort or an internal error.

mod common;

use common::run;
use persona_lab::data::sample::{SampleConfig, generate};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::path::Path;

/// Numbers a careless or hostile user might type.
fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("0".to_string()),
        Just("1".to_string()),
        Just("-1".to_string()),
        Just("nan".to_string()),
        Just("inf".to_string()),
        Just("-inf".to_string()),
        Just("1e308".to_string()),
        Just("1e-300".to_string()),
        Just("0.5".to_string()),
        Just("18446744073709551615".to_string()),
        Just("4611686018427387904".to_string()),
        Just("abc".to_string()),
        Just(String::new()),
        (0u32..20).prop_map(|v| v.to_string()),
        (-1e6f64..1e6).prop_map(|v| v.to_string()),
        (0.0f64..1.0).prop_map(|v| format!("{v:.4}")),
    ]
}

/// A command and its arguments with one option set to `value` (`dir` holds a small dataset).
fn command(which: usize, value: &str, dir: &Path, out: &Path) -> Vec<String> {
    let d = dir.to_str().unwrap().to_string();
    let o = out.to_str().unwrap().to_string();
    let exp = dir.join("experiments.csv").to_str().unwrap().to_string();
    let v = value.to_string();
    let s = |x: &[&str]| x.iter().map(|a| a.to_string()).collect::<Vec<String>>();
    let mut args = match which {
        0 => s(&["segment", "--data", &d, "--out", &o, "--k"]),
        1 => s(&[
            "recommend",
            "--data",
            &d,
            "--out",
            &o,
            "--model",
            "ease",
            "--top",
        ]),
        2 => s(&[
            "recommend",
            "--data",
            &d,
            "--out",
            &o,
            "--model",
            "als",
            "--reg",
        ]),
        3 => s(&[
            "recommend",
            "--data",
            &d,
            "--out",
            &o,
            "--model",
            "als",
            "--factors",
        ]),
        4 => s(&[
            "recommend",
            "--data",
            &d,
            "--out",
            &o,
            "--model",
            "ease",
            "--lambda",
        ]),
        5 => s(&[
            "recommend",
            "--data",
            &d,
            "--out",
            &o,
            "--model",
            "itemknn",
            "--neighbours",
        ]),
        6 => s(&["abtest", "--experiments", &exp, "--alpha"]),
        7 => s(&["power", "--mde", "0.1", "--baseline"]),
        8 => s(&["power", "--baseline", "0.1", "--mde"]),
        9 => s(&["power", "--baseline", "0.1", "--mde", "0.1", "--power"]),
        10 => s(&["evaluate-recs", "--data", &d, "--models", "pop", "--k"]),
        11 => s(&[
            "evaluate-recs",
            "--data",
            &d,
            "--models",
            "pop",
            "--holdout",
        ]),
        12 => s(&["ctr", "--data", &d, "--no-fm", "--c"]),
        13 => s(&["ctr", "--data", &d, "--no-fm", "--holdout"]),
        14 => s(&[
            "target", "--data", &d, "--no-fm", "--course", "c0001", "--out", &o, "--budget",
        ]),
        _ => s(&["ctr", "--data", &d, "--fm-epochs"]),
    };
    args.push(v);
    args
}

#[test]
fn any_number_in_any_option_gives_exit_0_or_2() {
    let data = tempfile::tempdir().unwrap();
    generate(data.path(), SampleConfig { users: 80, seed: 3 }).unwrap();
    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("out.csv");
    let mut runner = TestRunner::new(Config {
        cases: 256,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&(0usize..16, number()), |(which, value)| {
            let args = command(which, &value, data.path(), &path);
            let refs: Vec<&str> = args.iter().map(String::as_str).collect();
            let o = run(&refs);
            let stderr = String::from_utf8_lossy(&o.stderr);
            prop_assert!(
                matches!(o.status.code(), Some(0 | 2)) && !stderr.contains("panicked"),
                "{}: exit {:?}: {}",
                args.join(" "),
                o.status.code(),
                stderr
            );
            Ok(())
        })
        .unwrap();
}
