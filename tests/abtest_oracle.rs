//! The A/B read-out against answers computed independently: scipy for the oracle cases,
//! statsmodels for power, and the planted truth of the sample generator.

mod common;

use common::{assert_ok, fixture, run};
use persona_lab::abtest::{self, AbOptions};
use persona_lab::data::sample::{SampleConfig, generate};
use persona_lab::data::{Mapping, TableKind, load_table};
use persona_lab::jobs::Progress;
use serde_json::Value;

/// Every number in `expected` matches `actual` within 1e-6 (absolute); recursive.
fn assert_close(expected: &Value, actual: &Value, path: &str) {
    match (expected, actual) {
        (Value::Number(e), Value::Number(a)) => {
            let (e, a) = (e.as_f64().unwrap(), a.as_f64().unwrap());
            assert!((e - a).abs() <= 1e-6, "{path}: expected {e}, got {a}");
        }
        (Value::Array(e), Value::Array(a)) => {
            assert_eq!(e.len(), a.len(), "{path}: length");
            for (i, (e, a)) in e.iter().zip(a).enumerate() {
                assert_close(e, a, &format!("{path}[{i}]"));
            }
        }
        (Value::Object(e), Value::Object(_)) => {
            for (k, v) in e {
                if k == "variants" {
                    for ev in v.as_array().unwrap() {
                        let name = &ev["name"];
                        let av = actual["variants"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .find(|x| &x["name"] == name)
                            .unwrap_or_else(|| panic!("{path}: variant {name} missing"));
                        assert_close(ev, av, &format!("{path}.variants[{name}]"));
                    }
                } else {
                    assert_close(v, &actual[k], &format!("{path}.{k}"));
                }
            }
        }
        (e, a) => assert_eq!(e, a, "{path}"),
    }
}

#[test]
fn scipy_oracle_cases_match_within_1e_6() {
    for case in 0..6 {
        let csv = fixture(&format!("ab/case_{case}.csv"));
        let expected: Value = serde_json::from_str(
            &std::fs::read_to_string(fixture(&format!("ab/case_{case}.expected.json"))).unwrap(),
        )
        .unwrap();
        let out = run(&["abtest", "--experiments", csv.to_str().unwrap(), "--json"]);
        assert_ok(&out);
        let actual: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_close(&expected, &actual, &format!("case_{case}"));
    }
}

#[test]
fn power_matches_statsmodels() {
    let reference: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("power_reference.json")).unwrap())
            .unwrap();
    for case in reference["cases"].as_array().unwrap() {
        let f = |k: &str| case[k].as_f64().unwrap();
        let r = abtest::users_per_variant(f("baseline"), f("mde"), f("alpha"), f("power"));
        let want = f("users_per_variant_exact");
        let got = r.users_per_variant_exact.unwrap();
        assert!((got - want).abs() / want < 1e-8, "{case}: got {got}");
        assert_eq!(r.users_per_variant, Some(want.ceil() as u64));
        assert!((r.effect_size.unwrap().abs() - f("effect_size").abs()).abs() < 1e-12);
    }
}

#[test]
fn the_planted_lift_is_found_and_the_aa_test_is_quiet() {
    let dir = tempfile::tempdir().unwrap();
    generate(
        dir.path(),
        SampleConfig {
            users: 20_000,
            seed: 42,
        },
    )
    .unwrap();
    let table = load_table(
        &dir.path().join("experiments.csv"),
        TableKind::Experiments,
        &Mapping::default(),
        &Progress::default(),
    )
    .unwrap();
    let truth: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("truth/experiments.json")).unwrap(),
    )
    .unwrap();
    let rate = |exp: &str, variant: &str| {
        truth["experiments"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["experiment"] == exp)
            .and_then(|e| {
                e["variants"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|v| v["variant"] == variant)
            })
            .and_then(|v| v["rate"].as_f64())
            .unwrap()
    };
    let read = |exp: &str| {
        abtest::readout(
            &table.df,
            &AbOptions {
                experiment: Some(exp.into()),
                ..AbOptions::default()
            },
        )
        .unwrap()
    };

    let r = read("checkout_button");
    let t = &r.variants[1];
    let true_lift = rate("checkout_button", "treatment") - rate("checkout_button", "control");
    let ci = t.abs_ci.unwrap();
    assert!(
        t.p_value.unwrap() < 0.001,
        "planted lift not significant: {:?}",
        t.p_value
    );
    assert!(
        ci[0] <= true_lift && true_lift <= ci[1],
        "CI {ci:?} misses the true lift {true_lift}"
    );
    assert!(t.chance_to_beat_control.unwrap() > 0.99);
    assert!(!r.srm_warning);
    let cuped = r.cuped.as_ref().unwrap();
    assert!(
        cuped.variance_reduction > 0.2,
        "CUPED removed only {}",
        cuped.variance_reduction
    );

    let aa = read("aa_check");
    assert!(
        aa.variants[1].p_value.unwrap() > 0.05,
        "A/A flagged: {:?}",
        aa.variants[1].p_value
    );
    assert!(aa.variants[1].always_valid_p.unwrap() > 0.05);

    let multi = read("pricing_page");
    assert_eq!(multi.variants.len(), 3);
    for v in &multi.variants[1..] {
        assert!(v.p_value_holm.unwrap() >= v.p_value.unwrap());
    }
    assert!(!multi.timeline.is_empty());
}

#[test]
fn degenerate_inputs_give_messages_not_nan() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("experiments.csv");
    std::fs::write(
        &path,
        "experiment,variant,user_id,converted\ne,control,u1,0\ne,control,u2,0\ne,b,u3,0\ne,b,u4,0\nsolo,only,u5,1\n",
    )
    .unwrap();
    let table = load_table(
        &path,
        TableKind::Experiments,
        &Mapping::default(),
        &Progress::default(),
    )
    .unwrap();
    let r = abtest::readout(
        &table.df,
        &AbOptions {
            experiment: Some("e".into()),
            ..AbOptions::default()
        },
    )
    .unwrap();
    let json = serde_json::to_string(&r).unwrap();
    assert!(!json.contains("NaN"));
    assert_eq!(r.variants[1].p_value, None);
    assert_eq!(r.variants[1].revenue_mean, None);
    assert!(r.warnings.iter().any(|w| w.contains("converted none")));
    let solo = abtest::readout(
        &table.df,
        &AbOptions {
            experiment: Some("solo".into()),
            ..AbOptions::default()
        },
    )
    .unwrap();
    assert_eq!(solo.variants.len(), 1);
    assert!(solo.warnings.iter().any(|w| w.contains("only one variant")));
    let err = abtest::readout(
        &table.df,
        &AbOptions {
            control: Some("nope".into()),
            ..AbOptions::default()
        },
    );
    assert!(err.unwrap_err().to_string().contains("nope"));
    let out = run(&[
        "abtest",
        "--experiments",
        path.to_str().unwrap(),
        "--experiment",
        "missing",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing"));
}
