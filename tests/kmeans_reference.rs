//! K-Means and the silhouette against scikit-learn's values on the same data
//! (`scripts/reference/kmeans_reference.py` made them).

mod common;

use common::fixture;
use ndarray::Array2;
use persona_lab::jobs::Progress;
use persona_lab::segment::{KMeansConfig, kmeans, silhouette};

fn read_matrix(name: &str) -> Array2<f64> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(fixture("kmeans").join(name))
        .unwrap();
    let rows: Vec<Vec<f64>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(|v| v.parse().unwrap()).collect())
        .collect();
    let d = rows[0].len();
    Array2::from_shape_vec((rows.len(), d), rows.concat()).unwrap()
}

fn reference() -> serde_json::Value {
    serde_json::from_str(
        &std::fs::read_to_string(fixture("kmeans").join("reference.json")).unwrap(),
    )
    .unwrap()
}

#[test]
fn inertia_is_within_half_a_percent_of_sklearn() {
    let x = read_matrix("blobs.csv");
    let want = reference()["blobs_inertia"].as_f64().unwrap();
    let fit = kmeans(x.view(), &KMeansConfig::new(8, 0), &Progress::default()).unwrap();
    assert!(
        fit.inertia <= want * 1.005,
        "inertia {} vs sklearn {want}",
        fit.inertia
    );
    assert_eq!(fit.labels.len(), 20_000);
}

#[test]
fn silhouette_equals_sklearn() {
    let m = read_matrix("small.csv");
    let x = m.slice(ndarray::s![.., 0..4]).to_owned();
    let labels: Vec<usize> = m.column(4).iter().map(|v| *v as usize).collect();
    let want = reference()["small_silhouette"].as_f64().unwrap();
    let got = silhouette(x.view(), &labels).unwrap();
    assert!(
        (got - want).abs() < 1e-9,
        "silhouette {got} vs sklearn {want}"
    );
}
