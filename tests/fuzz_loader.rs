//! A fuzzed loader (proptest: the toolchain here is stable, so `cargo fuzz` cannot run). Seeds
//! from `tests/fixtures/fuzz` are mutated — byte edits, spliced lines from other seeds, long
//! fields, NUL and escape bytes, BOMs, truncation — and every result is loaded as every table.
//! Nothing may panic; a load either fails with a clear input error or balances
//! (`accepted + rejected = rows read`) with clean text and finite numbers.
//!
//! CI runs `FUZZ_CASES` cases (default 2,000); a long run:
//! `FUZZ_CASES=100000 cargo test --release --test fuzz_loader -- --nocapture`.

mod common;

use common::fixture;
use persona_lab::data::columns::TextColumn;
use persona_lab::data::{DataError, Mapping, TableKind, load_table};
use persona_lab::jobs::Progress;
use polars::prelude::DataType;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

/// The seed files.
fn seeds() -> Vec<Vec<u8>> {
    let mut paths: Vec<_> = std::fs::read_dir(fixture("fuzz"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    paths.sort();
    paths.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

#[derive(Debug, Clone)]
enum Mutation {
    /// Replace the byte at a position.
    Replace(usize, u8),
    /// Insert bytes at a position.
    Insert(usize, Vec<u8>),
    /// Delete a span.
    Delete(usize, usize),
    /// Insert a line of another seed after a line.
    Splice(usize, usize, usize),
    /// Insert a field longer than the loader accepts.
    Long(usize, usize),
    /// Cut the file.
    Truncate(usize),
}

fn interesting_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b",".to_vec()),
        Just(b"\"".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\0".to_vec()),
        Just(b"\x1b[31m".to_vec()),
        Just(b"\xEF\xBB\xBF".to_vec()),
        Just(b"\xFF\xFE".to_vec()),
        Just(b"\xE4\xB8".to_vec()),
        Just(b"\x81\x20".to_vec()),
        Just(b"=cmd|' /C calc'!A0".to_vec()),
        Just(b"1e308".to_vec()),
        Just(b"9999-12-31".to_vec()),
        Just(b"-1".to_vec()),
        Just(b"nan".to_vec()),
        Just(b"13812345678".to_vec()),
        proptest::collection::vec(any::<u8>(), 1..8),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Replace(i, b)),
        (any::<usize>(), interesting_bytes()).prop_map(|(i, b)| Mutation::Insert(i, b)),
        (any::<usize>(), 1usize..40).prop_map(|(i, n)| Mutation::Delete(i, n)),
        (any::<usize>(), any::<usize>(), any::<usize>())
            .prop_map(|(s, l, at)| Mutation::Splice(s, l, at)),
        (any::<usize>(), 60_000usize..70_000).prop_map(|(i, n)| Mutation::Long(i, n)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn apply(seeds: &[Vec<u8>], base: usize, mutations: &[Mutation]) -> Vec<u8> {
    let mut bytes = seeds[base % seeds.len()].clone();
    for m in mutations {
        let n = bytes.len();
        match m {
            Mutation::Replace(i, b) if n > 0 => bytes[i % n] = *b,
            Mutation::Insert(i, b) => {
                let at = i % (n + 1);
                bytes.splice(at..at, b.iter().copied());
            }
            Mutation::Delete(i, len) if n > 0 => {
                let at = i % n;
                bytes.drain(at..(at + len).min(n));
            }
            Mutation::Splice(s, l, at) => {
                let other = &seeds[s % seeds.len()];
                let lines: Vec<&[u8]> = other.split(|&b| b == b'\n').collect();
                let line = lines[l % lines.len()];
                let at = at % (n + 1);
                let mut insert = line.to_vec();
                insert.push(b'\n');
                bytes.splice(at..at, insert);
            }
            Mutation::Long(i, len) => {
                let at = i % (n + 1);
                bytes.splice(at..at, std::iter::repeat_n(b'x', *len));
            }
            Mutation::Truncate(i) if n > 0 => bytes.truncate(i % n),
            _ => {}
        }
    }
    bytes
}

/// Loads `bytes` as every table and checks what came back.
fn check(bytes: &[u8]) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("input.csv");
    std::fs::write(&path, bytes).unwrap();
    for kind in TableKind::ALL {
        match load_table(&path, kind, &Mapping::default(), &Progress::default()) {
            Ok(t) => {
                let r = &t.report;
                prop_assert_eq!(r.accepted + r.rejected, r.rows_read);
                prop_assert_eq!(t.df.height() as u64, r.accepted);
                prop_assert_eq!(r.rejects.len() as u64, r.rejected);
                for column in t.df.columns() {
                    if let Some(text) = TextColumn::of(column) {
                        for v in text.iter().flatten() {
                            prop_assert!(
                                !v.chars().any(|c| c.is_control() && !"\t\n\r".contains(c)),
                                "control character kept in {}: {:?}",
                                column.name(),
                                v
                            );
                        }
                    }
                    if column.dtype() == &DataType::Float64 {
                        for v in column.f64().unwrap().iter().flatten() {
                            prop_assert!(v.is_finite() && v.abs() <= 1e9, "{v}");
                        }
                    }
                }
            }
            Err(DataError::Internal(e)) => {
                return Err(TestCaseError::fail(format!(
                    "internal error as {kind}: {e}"
                )));
            }
            Err(_) => {}
        }
    }
    Ok(())
}

#[test]
fn mutated_files_load_cleanly_or_fail_clearly() {
    let cases: u32 = std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let seeds = seeds();
    assert!(seeds.len() >= 9);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let started = std::time::Instant::now();
    let strategy = (any::<usize>(), proptest::collection::vec(mutation(), 1..10));
    let result = runner.run(&strategy, |(base, mutations)| {
        let bytes = apply(&seeds, base, &mutations);
        check(&bytes)
    });
    eprintln!(
        "{cases} mutated files loaded as all 5 tables in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[test]
fn every_seed_loads_as_every_table() {
    for seed in seeds() {
        check(&seed).unwrap();
    }
}
