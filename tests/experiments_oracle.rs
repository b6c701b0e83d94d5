//! The A/B read-out against answers computed independently: scipy for the oracle cases,
//! statsmodels for power, and the planted truth of the sample generator.

mod common;

use common::{assert_ok, fixture, run};
use persona_lab::data::sample::{SampleConfig, generate};
use persona_lab::data::{Mapping, TableKind, load_table};
use persona_lab::experiments::{self, AbOptions};
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

/// The multi-variant cases of `scripts/reference/ab_oracle.py` (statsmodels, scipy and numpy;
/// its docstring says what each expected number is computed with): `(name, expected, actual)`,
/// the read-out run with the case's experiment, control and alpha.
fn multi_variant_cases() -> Vec<(String, Value, Value)> {
    (0..3)
        .map(|case| {
            let name = format!("multi_{case}");
            let csv = fixture(&format!("ab/{name}.csv"));
            let expected: Value = serde_json::from_str(
                &std::fs::read_to_string(fixture(&format!("ab/{name}.expected.json"))).unwrap(),
            )
            .unwrap();
            let alpha = expected["alpha"].as_f64().unwrap().to_string();
            let out = run(&[
                "abtest",
                "--experiments",
                csv.to_str().unwrap(),
                "--experiment",
                expected["experiment"].as_str().unwrap(),
                "--control",
                expected["control"].as_str().unwrap(),
                "--alpha",
                &alpha,
                "--json",
            ]);
            assert_ok(&out);
            let actual: Value = serde_json::from_slice(&out.stdout).unwrap();
            assert!(
                expected["variants"].as_array().unwrap().len() >= 3,
                "{name}: the multi cases have three or more variants"
            );
            assert_eq!(
                expected["timeline"].as_array().map(Vec::len),
                actual["timeline"].as_array().map(Vec::len),
                "{name}: timeline length"
            );
            (name, expected, actual)
        })
        .collect()
}

/// Three- and four-variant cases with revenue, `pre_revenue` and `ts`: every variant (rates,
/// lifts and their CIs, pooled z p-values, Holm, P(B > A), posteriors, revenue Welch
/// diff/CI/p), SRM, the CUPED block (θ, variance reduction, adjusted means, diffs, CIs,
/// p-values), each variant's final always-valid p-value and the whole daily timeline (users,
/// lift, Wald CI, unpooled p, mSPRT always-valid p) — all but the confidence sequence, which
/// `multi_variant_confidence_sequence_is_the_inverted_always_valid_p` checks.
#[test]
fn multi_variant_oracle_cases_match_within_1e_6() {
    for (name, mut expected, actual) in multi_variant_cases() {
        for point in expected["timeline"].as_array_mut().unwrap() {
            point.as_object_mut().unwrap().remove("cs");
        }
        assert_close(&expected, &actual, &name);
    }
}

/// Johari, Pekelis & Walsh (2017), whom `sequential.rs` follows, define the always-valid CI as
/// the inversion of the always-valid p-value: CI_n = {θ₀ : p_n(θ₀) > α}. With p_n the running
/// minimum of 1/Λ (as our `always_valid_p` is), CI_n is the running intersection over days
/// m ≤ n of J_m = θ̂_m ± r_m. The reference intersects; so must we, and 0 must lie outside
/// the sequence exactly on the days `always_valid_p < alpha`. (Before the fix, the day's J_n
/// alone was reported: multi_1, t3, 2024-05-14 had always_valid_p 0.0329 < α = 0.1 beside a
/// sequence [-0.0012, 0.1039] holding 0; the reference gives [0.0104, 0.1039].)
#[test]
fn multi_variant_confidence_sequence_is_the_inverted_always_valid_p() {
    let mut mismatches = Vec::new();
    let mut contradictions = Vec::new();
    for (name, expected, actual) in multi_variant_cases() {
        let alpha = expected["alpha"].as_f64().unwrap();
        let points = expected["timeline"].as_array().unwrap();
        for (i, (e, a)) in points
            .iter()
            .zip(actual["timeline"].as_array().unwrap())
            .enumerate()
        {
            let at = format!("{name}.timeline[{i}] ({} {})", e["variant"], e["day"]);
            let cs = |v: &Value| [v["cs"][0].as_f64().unwrap(), v["cs"][1].as_f64().unwrap()];
            let (want, got) = (cs(e), cs(a));
            if (want[0] - got[0]).abs() > 1e-6 || (want[1] - got[1]).abs() > 1e-6 {
                mismatches.push(format!("{at}: expected {want:?}, got {got:?}"));
            }
            let p = a["always_valid_p"].as_f64().unwrap();
            if (p < alpha) != (got[0] > 0.0 || got[1] < 0.0) {
                contradictions.push(format!("{at}: always_valid_p {p} vs cs {got:?}"));
            }
        }
    }
    assert!(
        mismatches.is_empty() && contradictions.is_empty(),
        "the confidence sequence is not the running intersection.\n{} cs points differ from the reference, e.g.:\n  {}\n\
         {} days where always_valid_p < alpha disagrees with 0 outside cs:\n  {}",
        mismatches.len(),
        mismatches
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n  "),
        contradictions.len(),
        contradictions.join("\n  ")
    );
}

#[test]
fn power_matches_statsmodels() {
    let reference: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("power_reference.json")).unwrap())
            .unwrap();
    for case in reference["cases"].as_array().unwrap() {
        let f = |k: &str| case[k].as_f64().unwrap();
        let r = experiments::users_per_variant(f("baseline"), f("mde"), f("alpha"), f("power"));
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
        experiments::readout(
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
    // Holm's step-down, written out: the i-th smallest of m p-values times (m − i + 1),
    // kept non-decreasing and capped at 1.
    let mut raw: Vec<(f64, usize)> = multi.variants[1..]
        .iter()
        .enumerate()
        .map(|(i, v)| (v.p_value.unwrap(), i))
        .collect();
    raw.sort_by(|a, b| a.0.total_cmp(&b.0));
    let m = raw.len() as f64;
    let mut running: f64 = 0.0;
    for (rank, (p, i)) in raw.iter().enumerate() {
        running = running.max(((m - rank as f64) * p).min(1.0));
        let ours = multi.variants[1 + i].p_value_holm.unwrap();
        assert!((ours - running).abs() < 1e-12, "Holm {ours} vs {running}");
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
    let r = experiments::readout(
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
    assert!(
        r.warnings
            .iter()
            .any(|w| w.to_string().contains("converted none"))
    );
    let solo = experiments::readout(
        &table.df,
        &AbOptions {
            experiment: Some("solo".into()),
            ..AbOptions::default()
        },
    )
    .unwrap();
    assert_eq!(solo.variants.len(), 1);
    assert!(
        solo.warnings
            .iter()
            .any(|w| w.to_string().contains("only one variant"))
    );
    let err = experiments::readout(
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

#[test]
fn probability_of_being_best_matches_scipy_quadrature() {
    let text = std::fs::read_to_string(fixture("ab").join("p_best.json")).unwrap();
    let cases: Vec<Value> = serde_json::from_str(&text).unwrap();
    let mut worst: f64 = 0.0;
    for case in &cases {
        let arms: Vec<(u64, u64)> = case["arms"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| (a[0].as_u64().unwrap(), a[1].as_u64().unwrap()))
            .collect();
        let ours = experiments::p_best(&arms);
        for (o, want) in ours.iter().zip(case["p_best"].as_array().unwrap()) {
            let want = want.as_f64().unwrap();
            worst = worst.max((o - want).abs());
            assert!(
                (o - want).abs() < 1e-7,
                "{}: {ours:?} vs {want}",
                case["name"]
            );
        }
    }
    assert!(worst < 1e-7, "largest difference from scipy: {worst:e}");
}

#[test]
fn the_thompson_split_keeps_a_floor_and_the_replay_gains_on_a_clear_winner() {
    let split = experiments::thompson_split(&[0.0, 0.02, 0.98], experiments::MIN_SHARE);
    assert!((split.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    assert!(split.iter().all(|&s| s >= experiments::MIN_SHARE));
    assert!(split[2] > 0.9);
    // 5% against 8%: Thompson sampling moves traffic to the better arm and converts more
    // than the equal split, but never more than always showing the best arm.
    let r = experiments::replay(&[(10_000, 500), (10_000, 800)], 20, 20, 7);
    assert!((r.equal_conversions - 1300.0).abs() < 1e-9);
    assert!(
        r.thompson_conversions > r.equal_conversions + 150.0,
        "{r:?}"
    );
    assert!(r.thompson_regret() > 0.0 && r.thompson_regret() < r.equal_regret());
    assert!(r.shares.last().unwrap()[1] > 0.9);
}

#[test]
fn the_verdict_says_what_to_do_and_why() {
    use experiments::Decision;
    let read = |path: &std::path::Path, name: &str| {
        let table = load_table(
            path,
            TableKind::Experiments,
            &Mapping::default(),
            &Progress::default(),
        )
        .unwrap();
        let opts = AbOptions {
            experiment: Some(name.into()),
            ..AbOptions::default()
        };
        experiments::verdict(&experiments::readout(&table.df, &opts).unwrap())
    };
    let sample = common::sample_dir().join("experiments.csv");
    // Watched daily (the sample has times): the always-valid p decides.
    let v = read(&sample, "coupon_offer");
    assert_eq!(
        (v.decision, v.variant.as_deref()),
        (Decision::Ship, Some("coupon"))
    );
    let v = read(&sample, "aa_check");
    assert_eq!(v.decision, Decision::KeepRunning);
    // Significant for one planned look, not under continuous monitoring: the reason says so.
    let v = read(&sample, "checkout_button");
    assert_eq!(v.decision, Decision::KeepRunning);
    assert!(v.reason.en.contains("always-valid p") && v.reason.zh.contains("随时有效 p"));
    // Without times the Holm-adjusted p decides.
    let v = read(&fixture("ab").join("case_1.csv"), "exp1");
    assert_eq!(v.decision, Decision::Ship);
}
