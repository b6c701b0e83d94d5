//! Profiles and segments on the sample data recover the planted personas.

mod common;

use common::sample_dir;
use persona_lab::data::{Mapping, load_dataset};
use persona_lab::jobs::Progress;
use persona_lab::profile::build_profiles;
use persona_lab::segment::{Method, SegmentConfig, adjusted_rand_index, describe, segment};
use std::collections::HashMap;

fn planted() -> (persona_lab::profile::Profiles, Vec<usize>, usize) {
    let dir = sample_dir();
    let ds = load_dataset(&dir, &Mapping::default(), &Progress::default()).unwrap();
    let profiles = build_profiles(&ds, &Progress::default()).unwrap();
    let mut reader = csv::Reader::from_path(dir.join("truth/personas.csv")).unwrap();
    let truth: HashMap<String, String> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_string(), r[1].to_string())
        })
        .collect();
    let mut names: Vec<&String> = truth.values().collect();
    names.sort();
    names.dedup();
    let labels = profiles
        .table
        .user_ids
        .iter()
        .map(|u| names.iter().position(|n| *n == &truth[u]).unwrap())
        .collect();
    let k = names.len();
    (profiles, labels, k)
}

#[test]
fn segments_recover_the_planted_personas() {
    let (profiles, truth, k) = planted();
    for method in [Method::Kmeans, Method::Hierarchical] {
        let cfg = SegmentConfig {
            method,
            k: Some(k),
            ..SegmentConfig::default()
        };
        let seg = segment(profiles.matrix.view(), &cfg, &Progress::default()).unwrap();
        let ari = adjusted_rand_index(&seg.labels, &truth);
        println!("{method:?}: ARI {ari:.4}, silhouette {:?}", seg.silhouette);
        assert!(ari >= 0.9, "{method:?}: ARI {ari}");
    }
}

#[test]
fn auto_k_picks_the_planted_k() {
    let (profiles, _, k) = planted();
    let seg = segment(
        profiles.matrix.view(),
        &SegmentConfig::default(),
        &Progress::default(),
    )
    .unwrap();
    let scores: Vec<_> = seg
        .k_scores
        .iter()
        .map(|s| (s.k, s.silhouette, s.inertia))
        .collect();
    println!("{scores:?}");
    assert_eq!(seg.k, k, "silhouettes {scores:?}");
    let summaries = describe(&profiles, &seg);
    assert_eq!(
        summaries.iter().map(|s| s.size).sum::<usize>(),
        profiles.len()
    );
}
