//! Careless and hostile input: every bad file and argument ends in exit 0 (with the bad rows
//! reported) or exit 2 with a sentence; nothing panics, aborts, overwrites an input, reads
//! outside the dataset, or slips a NUL byte, an escape sequence or an impossible value into
//! the results. One test per class of failure; each failed before its fix.

mod common;

use common::{assert_ok, edited_sample, file_report, json, run, sample_dir};
use std::path::Path;
use std::process::Output;

/// Exit 2 with a one-line reason on stderr that is not a panic or an internal error.
fn assert_refused(o: &Output, about: &str) {
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{about}: {stderr}");
    assert!(
        stderr.starts_with("error: ") && !stderr.contains("panicked"),
        "{about}: {stderr}"
    );
}

fn arg(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Keeps the header and the first `n` data lines of a CSV text.
fn first_lines(text: &str, n: usize) -> String {
    text.lines().take(n + 1).collect::<Vec<_>>().join("\n") + "\n"
}

#[test]
fn empty_and_fully_rejected_learner_tables_are_refused_not_panics() {
    let out = tempfile::tempdir().unwrap();
    let o_csv = out.path().join("o.csv");
    for (what, edit) in [("header only", 0usize), ("every row rejected", 1)] {
        let data = edited_sample(|name, text| match (name, edit) {
            ("users.csv", 0) => first_lines(&text, 0),
            // Ages of 999 are out of range on every row.
            ("users.csv", _) => text
                .lines()
                .enumerate()
                .map(|(i, l)| {
                    let mut f: Vec<&str> = l.split(',').collect();
                    if i > 0 {
                        f[3] = "999";
                    }
                    f.join(",")
                })
                .collect::<Vec<_>>()
                .join("\n"),
            ("events.csv", 0) => first_lines(&text, 0),
            _ => text,
        });
        let d = arg(data.path());
        for args in [
            vec!["profile", "--data", d, "--out", arg(&o_csv)],
            vec!["segment", "--data", d, "--out", arg(&o_csv)],
            vec!["recommend", "--data", d, "--out", arg(&o_csv)],
            vec!["ctr", "--data", d, "--no-fm"],
            vec![
                "target",
                "--data",
                d,
                "--course",
                "c0001",
                "--budget",
                "5",
                "--out",
                arg(&o_csv),
            ],
        ] {
            let o = run(&args);
            assert_refused(&o, &format!("{what}: {}", args[0]));
            let stderr = String::from_utf8_lossy(&o.stderr);
            assert!(
                stderr.contains("users.csv") || stderr.contains("learners"),
                "{stderr}"
            );
        }
    }
}

#[test]
fn out_of_range_arguments_are_refused_with_their_range() {
    let data = sample_dir();
    let d = arg(&data);
    let out = tempfile::tempdir().unwrap();
    let o_csv = out.path().join("o.csv");
    let experiments = data.join("experiments.csv");
    let one = edited_sample(|name, text| match name {
        "users.csv" | "events.csv" => first_lines(&text, 1),
        _ => text,
    });
    let cases: Vec<Vec<&str>> = vec![
        vec!["segment", "--data", arg(one.path()), "--out", arg(&o_csv)],
        vec![
            "segment",
            "--data",
            d,
            "--k",
            "100000",
            "--out",
            arg(&o_csv),
        ],
        vec![
            "abtest",
            "--experiments",
            arg(&experiments),
            "--alpha",
            "nan",
        ],
        vec![
            "abtest",
            "--experiments",
            arg(&experiments),
            "--alpha",
            "-1",
        ],
        vec!["abtest", "--experiments", arg(&experiments), "--alpha", "3"],
        vec![
            "abtest",
            "--experiments",
            arg(&experiments),
            "--split",
            "control=-1",
        ],
        vec!["power", "--baseline", "0.1", "--mde", "1e-7"],
        vec!["power", "--baseline", "0", "--mde", "0.1"],
        vec![
            "power",
            "--baseline",
            "0.1",
            "--mde",
            "0.1",
            "--alpha",
            "1.5",
        ],
        vec!["recommend", "--data", d, "--top", "0", "--out", arg(&o_csv)],
        vec![
            "recommend",
            "--data",
            d,
            "--top",
            "4611686018427387904",
            "--out",
            arg(&o_csv),
        ],
        vec![
            "recommend",
            "--data",
            d,
            "--model",
            "als",
            "--reg",
            "nan",
            "--out",
            arg(&o_csv),
        ],
        vec![
            "recommend",
            "--data",
            d,
            "--model",
            "als",
            "--factors",
            "0",
            "--out",
            arg(&o_csv),
        ],
        vec![
            "recommend",
            "--data",
            d,
            "--model",
            "ease",
            "--lambda",
            "-1",
            "--out",
            arg(&o_csv),
        ],
        vec![
            "recommend",
            "--data",
            d,
            "--pseudonymise",
            "",
            "--out",
            arg(&o_csv),
        ],
        vec!["evaluate-recs", "--data", d, "--holdout", "1.5"],
        vec![
            "evaluate-recs",
            "--data",
            arg(one.path()),
            "--models",
            "pop",
        ],
        vec!["ctr", "--data", d, "--holdout", "1.5"],
        vec!["ctr", "--data", d, "--c", "nan"],
        vec!["ctr", "--data", d, "--test-from", "2099-01-01"],
        vec![
            "target",
            "--data",
            d,
            "--course",
            "c0001",
            "--budget",
            "0",
            "--out",
            arg(&o_csv),
        ],
        vec![
            "target",
            "--data",
            d,
            "--course",
            "c0001",
            "--budget",
            "5",
            "--placement",
            "天上",
            "--out",
            arg(&o_csv),
        ],
    ];
    for args in &cases {
        assert_refused(&run(args), &args.join(" "));
    }
    // A variant planned in the split but absent from the data is a sample-ratio mismatch.
    let o = run(&[
        "abtest",
        "--experiments",
        arg(&experiments),
        "--experiment",
        "checkout_button",
        "--split",
        "control=1",
        "--split",
        "treatment=1",
        "--split",
        "ghost=1",
        "--json",
    ]);
    assert_ok(&o);
    assert_eq!(json(&o)["srm_warning"], true);
}

#[test]
fn outputs_never_destroy_inputs_or_land_in_missing_folders() {
    let data = edited_sample(|_, text| text);
    let d = arg(data.path());
    let users = data.path().join("users.csv");
    let before = std::fs::read(&users).unwrap();
    for args in [
        vec!["profile", "--data", d, "--out", arg(&users)],
        vec![
            "segment",
            "--data",
            d,
            "--k",
            "3",
            "--out",
            arg(&data.path().join("events.csv")),
        ],
        vec![
            "recommend",
            "--data",
            d,
            "--out",
            arg(&data.path().join("courses.csv")),
        ],
        vec!["profile", "--data", d, "--out", "/nonexistent-folder/p.csv"],
        vec!["profile", "--data", d, "--out", arg(data.path())],
        vec!["validate", "--data", d, "--rejects", arg(&users)],
        vec!["sample", "--out", d, "--users", "10"],
    ] {
        assert_refused(&run(&args), &args.join(" "));
    }
    assert_eq!(
        std::fs::read(&users).unwrap(),
        before,
        "users.csv untouched"
    );
    assert_ok(&run(&["validate", "--data", d]));
    // An existing output file that is not an input is replaced whole.
    let out = tempfile::tempdir().unwrap();
    let p = out.path().join("p.csv");
    std::fs::write(&p, "old").unwrap();
    assert_ok(&run(&["profile", "--data", d, "--out", arg(&p)]));
    assert!(std::fs::read_to_string(&p).unwrap().starts_with("user_id,"));
}

#[test]
fn a_dataset_cannot_make_the_program_read_outside_it_or_skip_a_broken_table() {
    let data = edited_sample(|_, text| text);
    let d = data.path();
    std::fs::write(
        d.join("mapping.json"),
        r#"{"files": {"users": "/etc/passwd"}}"#,
    )
    .unwrap();
    let o = run(&["validate", "--data", arg(d)]);
    assert_refused(&o, "mapping to /etc/passwd");
    assert!(String::from_utf8_lossy(&o.stderr).contains("not inside the dataset folder"));
    std::fs::write(
        d.join("mapping.json"),
        r#"{"files": {"users": "../users.csv"}}"#,
    )
    .unwrap();
    assert_refused(&run(&["validate", "--data", arg(d)]), "mapping to ..");
    std::fs::remove_file(d.join("mapping.json")).unwrap();

    // A folder named users.csv, and a link that loops, are errors, not silently skipped.
    std::fs::remove_file(d.join("users.csv")).unwrap();
    std::fs::create_dir(d.join("users.csv")).unwrap();
    assert_refused(
        &run(&["validate", "--data", arg(d)]),
        "folder named users.csv",
    );
    std::fs::remove_dir(d.join("users.csv")).unwrap();
    std::os::unix::fs::symlink(d.join("users.csv"), d.join("users.csv")).unwrap();
    assert_refused(&run(&["validate", "--data", arg(d)]), "looping link");
}

#[test]
fn malformed_headers_and_oversized_input_are_bounded() {
    // Duplicate and case-only-different headers name both positions.
    for header in ["user_id,city,city", "user_id,User_ID,city"] {
        let data = edited_sample(|name, text| match name {
            "users.csv" => format!("{header}\nu1,a,b\n"),
            _ => text,
        });
        let o = run(&["validate", "--data", arg(data.path())]);
        assert_refused(&o, header);
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("columns"),
            "{header}"
        );
    }
    // A 2 MB course title and 2,000 attribute columns: rows over 64 KB are rejected as
    // too_long, attribute columns beyond 100 are ignored, and profiling stays small.
    let data = edited_sample(|name, text| match name {
        "courses.csv" => text.replacen(",个人", &format!(",{}", "长".repeat(700_000)), 1),
        "users.csv" => text
            .lines()
            .enumerate()
            .map(|(i, l)| {
                let extra: Vec<String> = (0..2000)
                    .map(|j| {
                        if i == 0 {
                            format!("attr{j}")
                        } else {
                            format!("v{}", (i + j) % 3)
                        }
                    })
                    .collect();
                format!("{l},{}", extra.join(","))
            })
            .collect::<Vec<_>>()
            .join("\n"),
        _ => text,
    });
    let o = run(&["validate", "--data", arg(data.path()), "--json"]);
    assert_ok(&o);
    let v = json(&o);
    assert_eq!(file_report(&v, "courses")["reasons"]["too_long:title"], 1);
    let users = file_report(&v, "users");
    assert_eq!(users["extra_columns"].as_array().unwrap().len(), 100);
    assert_eq!(users["ignored_columns"].as_array().unwrap().len(), 1900);
    let out = tempfile::tempdir().unwrap();
    let o = run(&[
        "profile",
        "--data",
        arg(data.path()),
        "--out",
        arg(&out.path().join("p.csv")),
        "--json",
    ]);
    assert_ok(&o);
    let features = json(&o)["features"].as_array().unwrap().len();
    assert!(features < 400, "{features} profile features");
    let recs = out.path().join("r.csv");
    assert_ok(&run(&[
        "recommend",
        "--data",
        arg(data.path()),
        "--model",
        "content",
        "--out",
        arg(&recs),
    ]));
}

#[test]
fn impossible_values_and_control_characters_never_reach_results() {
    let data = edited_sample(|name, text| match name {
        "events.csv" => {
            let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
            lines[1] = lines[1].replacen("2025-", "9999-", 1);
            lines[2] = {
                let f: Vec<&str> = lines[2].split(',').collect();
                format!("{},{},purchase,{},1e308,,,", f[0], f[1], f[3])
            };
            lines[3] = {
                let f: Vec<&str> = lines[3].split(',').collect();
                format!("{},{},view,1234567890123456789,,,,", f[0], f[1])
            };
            lines.join("\n") + "\n"
        }
        "users.csv" => text.replacen("上海", "上\u{0}海\u{1b}[31m红", 1).replacen(
            ",北京,",
            ",\u{1b}]0;title\u{7}北京,",
            1,
        ),
        _ => text,
    });
    let d = arg(data.path());
    let o = run(&["validate", "--data", d, "--json"]);
    assert_ok(&o);
    let v = json(&o);
    let reasons = &file_report(&v, "events")["reasons"];
    assert_eq!(reasons["out_of_range:ts"], 2, "{reasons}");
    assert_eq!(reasons["out_of_range:amount"], 1, "{reasons}");
    let out = tempfile::tempdir().unwrap();
    let p = out.path().join("p.csv");
    assert_ok(&run(&["profile", "--data", d, "--out", arg(&p)]));
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(!text.contains('\u{0}') && !text.contains('\u{1b}') && !text.contains('\u{7}'));
    assert!(
        text.contains("上海红"),
        "control characters removed, text kept"
    );
    assert!(!text.contains("inf") && !text.contains("NaN"));
    // "now" is the latest plausible event, so not every learner is a churn risk.
    let churn = text
        .lines()
        .skip(1)
        .filter(|l| l.split(',').nth(9) == Some("1"))
        .count();
    assert!(churn < 2000, "{churn} churn flags");
}

#[test]
fn ambiguous_dates_are_rejected_with_the_reason() {
    let data = edited_sample(|name, text| match name {
        "users.csv" => text
            .lines()
            .enumerate()
            .map(|(i, l)| {
                let mut f: Vec<&str> = l.split(',').collect();
                if i == 1 {
                    f[1] = "03/04/2025";
                }
                f.join(",")
            })
            .collect::<Vec<_>>()
            .join("\n"),
        _ => text,
    });
    let o = run(&["validate", "--data", arg(data.path())]);
    assert_ok(&o);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("could be day/month or month/day"),
        "{stdout}"
    );
}

#[test]
fn personal_data_in_every_written_form_is_masked() {
    let data = edited_sample(|name, text| match name {
        "users.csv" => text
            .lines()
            .enumerate()
            .map(|(i, l)| match i {
                0 => format!("{l},note"),
                1 => format!("{l},微信 wxid_abcdef123"),
                2 => format!("{l},身份证11010519491231002x"),
                _ => format!("{l},138-0139-{:04}", i % 10_000),
            })
            .collect::<Vec<_>>()
            .join("\n"),
        _ => text,
    });
    let out = tempfile::tempdir().unwrap();
    let p = out.path().join("p.csv");
    assert_ok(&run(&[
        "profile",
        "--data",
        arg(data.path()),
        "--out",
        arg(&p),
    ]));
    let text = std::fs::read_to_string(&p).unwrap();
    for secret in ["138-0139-", "wxid_abcdef123", "1231002x"] {
        assert!(!text.contains(secret), "{secret} reached the profile");
    }
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_persona-lab"))
        .args(["validate", "--data", arg(&sample_dir())])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Close the pipe before the report is written (loading takes far longer than this).
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

#[test]
fn more_bent_shapes_are_reported_or_refused() {
    // An unclosed quote swallows the rest of the file into one field: that row is reported as
    // such, not as an ordinary field-count error.
    let quote = edited_sample(|name, text| match name {
        "users.csv" => text.replacen(",广州,", ",\"广州,", 1),
        _ => text,
    });
    let o = run(&["validate", "--data", arg(quote.path()), "--json"]);
    assert_ok(&o);
    let v = json(&o);
    assert_eq!(
        file_report(&v, "users")["reasons"]["unclosed_quote:city"],
        1
    );
    let data = edited_sample(|name, text| match name {
        // No click at all, and an experiment with its control only.
        "impressions.csv" => text
            .lines()
            .map(|l| {
                let mut f: Vec<&str> = l.split(',').collect();
                if f[3] == "1" {
                    f[3] = "0";
                }
                f.join(",")
            })
            .collect::<Vec<_>>()
            .join("\n"),
        "experiments.csv" => text
            .lines()
            .filter(|l| l.starts_with("experiment,") || l.contains(",control,"))
            .collect::<Vec<_>>()
            .join("\n"),
        _ => text,
    });
    let d = arg(data.path());
    let o = run(&["ctr", "--data", d, "--no-fm"]);
    assert_refused(&o, "no clicks");
    assert!(String::from_utf8_lossy(&o.stderr).contains("none of the"));
    // An experiment with its control only is read out with a warning, not compared.
    let o = run(&[
        "abtest",
        "--experiments",
        arg(&data.path().join("experiments.csv")),
        "--json",
    ]);
    assert_ok(&o);
    assert!(
        json(&o)["warnings"]
            .to_string()
            .contains("only one variant")
    );

    // A binary file's header is not echoed raw into the terminal.
    let garbage = tempfile::tempdir().unwrap();
    let mut bytes = b"\x1b[2J\x00\xff\xfe garbage\x07,more\n".to_vec();
    bytes.extend((0..2000u32).map(|i| (i * 7919 % 251) as u8));
    std::fs::write(garbage.path().join("users.csv"), bytes).unwrap();
    let o = run(&["validate", "--data", arg(garbage.path())]);
    assert_refused(&o, "binary users.csv");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!stderr.contains('\u{1b}') && !stderr.contains('\u{0}') && !stderr.contains('\u{7}'));
}

#[test]
fn work_too_big_for_the_free_memory_is_refused_with_what_it_needs() {
    let sample = sample_dir();
    let with_memory = |free: &str, args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_persona-lab"))
            .env("PERSONA_LAB_MEMORY", free)
            .args(args)
            .output()
            .expect("binary runs")
    };
    // The tables (8 MB of CSV, about 14 MB once loaded) do not fit in 4 MB: refused before
    // reading, with what it would take.
    let o = with_memory("4M", &["validate", "--data", arg(&sample)]);
    assert_refused(&o, "load in 4 MB");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("of memory and 4 MB is free") && stderr.contains("open fewer tables"),
        "{stderr}"
    );
    // In 24 MB the tables fit but encoding every impression for the campaign models does not;
    // the message says which limits to lower, and with them lowered the models are trained.
    let o = with_memory("24M", &["ctr", "--data", arg(&sample)]);
    assert_refused(&o, "ctr in 24 MB");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("encoding") && stderr.contains("--max-train-rows"),
        "{stderr}"
    );
    let o = with_memory(
        "24M",
        &[
            "ctr",
            "--data",
            arg(&sample),
            "--max-train-rows",
            "8000",
            "--max-test-rows",
            "4000",
            "--json",
        ],
    );
    assert_ok(&o);
    assert!(json(&o)["subsample"].is_object());
}

#[test]
fn a_bad_cell_in_a_features_table_with_windows_line_ends_names_its_own_line() {
    // The csv reader's own line count is off by one after each CRLF; lines come from the
    // byte offset instead.
    let dir = tempfile::tempdir().unwrap();
    let features = dir.path().join("features.csv");
    std::fs::write(&features, "id,a,b\r\nx,1,2\r\ny,1,3\r\nz,zz,3\r\nw,1,1\r\n").unwrap();
    let out = dir.path().join("segments.csv");
    let o = run(&[
        "segment",
        "--features",
        arg(&features),
        "--k",
        "2",
        "--out",
        arg(&out),
    ]);
    assert_refused(&o, "a bad cell on line 4");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("line 4, column a"), "{stderr}");
}
