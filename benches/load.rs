//! In-process load + validate of an events file made by the sample generator.
//! Run: `cargo bench --bench load`. The whole-process 1M-row comparison with pandas is
//! `scripts/bench-load.sh`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use persona_lab::data::sample::{SampleConfig, generate};
use persona_lab::data::{Mapping, TableKind, load_table};
use persona_lab::jobs::Progress;

fn load_events(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let summary = generate(
        dir.path(),
        SampleConfig {
            users: 8000,
            seed: 1,
        },
    )
    .expect("sample");
    let path = dir.path().join("events.csv");
    let mut group = c.benchmark_group("load");
    group.sample_size(10);
    group.throughput(Throughput::Elements(summary.events as u64));
    group.bench_function(format!("events.csv ({} rows)", summary.events), |b| {
        b.iter(|| {
            load_table(
                &path,
                TableKind::Events,
                &Mapping::default(),
                &Progress::default(),
            )
            .expect("loads")
        })
    });
    group.finish();
}

criterion_group!(benches, load_events);
criterion_main!(benches);
