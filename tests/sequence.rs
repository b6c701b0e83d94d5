//! Next-course models: our metrics against the numpy reference on the same leave-last-one
//! split (`scripts/reference/sequence_reference.py` made `tests/fixtures/sequence` from the
//! sample's events), and the planted course series of the sample.

mod common;

use common::fixture;
use persona_lab::choice::Choice;
use persona_lab::jobs::Progress;
use persona_lab::recommendations::interactions::from_pair_files;
use persona_lab::recommendations::{ModelKind, Params, Split, compare};

fn reference() -> serde_json::Value {
    let text = std::fs::read_to_string(fixture("sequence").join("reference.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn markov_ease_and_popularity_equal_the_numpy_reference() {
    let dir = fixture("sequence");
    let (it, test) = from_pair_files(&dir.join("train.csv"), &dir.join("test.csv")).unwrap();
    assert!(it.ordered, "the ts column orders the training pairs");
    let split = Split {
        train: it.matrix.clone(),
        test,
    };
    let params = Params {
        lambda: 250.0,
        ..Params::default()
    };
    let kinds = [ModelKind::POP, ModelKind::MARKOV, ModelKind::EASE];
    let e = compare(
        &kinds,
        &params,
        &split,
        it.context(None),
        10,
        None,
        &Progress::default(),
    )
    .unwrap();
    let r = reference();
    for m in &e.models {
        let want = &r[&m.name];
        for (ours, key) in [
            (m.metrics.hit_rate, "hit_rate"),
            (m.metrics.ndcg, "ndcg"),
            (m.metrics.mrr, "mrr"),
        ] {
            let theirs = want[key].as_f64().unwrap();
            assert!(
                (ours - theirs).abs() < 1e-12,
                "{} {key}: {ours} vs numpy {theirs}",
                m.name
            );
        }
        assert_eq!(m.metrics.users as u64, want["users"].as_u64().unwrap());
    }
    let names: Vec<&str> = e.models.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, kinds.map(|k| k.name()));
}

#[test]
fn sequence_models_refuse_pairs_without_times() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("train.csv"),
        "user_id,course_id\na,1\na,2\nb,1\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("test.csv"), "user_id,course_id\na,3\n").unwrap();
    let (it, test) =
        from_pair_files(&dir.path().join("train.csv"), &dir.path().join("test.csv")).unwrap();
    let split = Split {
        train: it.matrix.clone(),
        test,
    };
    let err = compare(
        &[ModelKind::MARKOV],
        &Params::default(),
        &split,
        it.context(None),
        10,
        None,
        &Progress::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("`ts` column"), "{err}");
}
