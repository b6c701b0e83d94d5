//! K-Means, the silhouette, the Gaussian mixture and PCA against scikit-learn's values on the
//! same data (`scripts/reference/kmeans_reference.py` and `gmm_reference.py` made them).

mod common;

use common::fixture;
use ndarray::Array2;
use persona_lab::jobs::Progress;
use persona_lab::math::Pca;
use persona_lab::segment::{KMeansConfig, Mixture, kmeans, silhouette};

fn read_matrix(name: &str) -> Array2<f64> {
    read_csv(&fixture("kmeans").join(name))
}

fn read_csv(path: &std::path::Path) -> Array2<f64> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
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

fn gmm_reference() -> (Array2<f64>, serde_json::Value) {
    let dir = fixture("gmm");
    let json = std::fs::read_to_string(dir.join("reference.json")).unwrap();
    (
        read_csv(&dir.join("points.csv")),
        serde_json::from_str(&json).unwrap(),
    )
}

fn numbers(v: &serde_json::Value) -> Vec<f64> {
    match v {
        serde_json::Value::Array(items) => items.iter().flat_map(numbers).collect(),
        v => vec![v.as_f64().unwrap()],
    }
}

#[test]
fn gaussian_mixture_agrees_with_sklearn() {
    let (x, r) = gmm_reference();
    let k = r["k"].as_u64().unwrap() as usize;
    let m = Mixture::fit(x.view(), k, 10, 0).unwrap();
    // scikit-learn's components sorted by their first coordinate; ours the same way.
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|&a, &b| m.means[[a, 0]].total_cmp(&m.means[[b, 0]]));
    let weights: Vec<f64> = order.iter().map(|&c| m.weights[c]).collect();
    let means: Vec<f64> = order
        .iter()
        .flat_map(|&c| m.means.row(c).to_vec())
        .collect();
    let close = |ours: &[f64], theirs: &[f64], tol: f64, what: &str| {
        let worst = ours
            .iter()
            .zip(theirs)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        assert!(worst < tol, "{what}: off by {worst:.2e}");
        worst
    };
    let w = close(&weights, &numbers(&r["weights"]), 1e-6, "weights");
    let mu = close(&means, &numbers(&r["means"]), 1e-6, "means");
    let ll = m.mean_log_likelihood(x.view());
    let sk = r["mean_loglik"].as_f64().unwrap();
    assert!((ll - sk).abs() < 1e-8, "mean log-likelihood {ll} vs {sk}");
    let p = m.probabilities(x.slice(ndarray::s![..50, ..]));
    let ours: Vec<f64> = (0..50)
        .flat_map(|i| order.iter().map(move |&c| (i, c)))
        .map(|(i, c)| p[[i, c]])
        .collect();
    let pr = close(&ours, &numbers(&r["proba_first_50"]), 1e-6, "probabilities");
    eprintln!(
        "weights {w:.1e}, means {mu:.1e}, log-likelihood {:.1e}, probabilities {pr:.1e}",
        (ll - sk).abs()
    );
}

#[test]
fn pca_agrees_with_sklearn() {
    use linfa::traits::{Fit, Transformer};
    let (x, r) = gmm_reference();
    let pca = Pca::params(2)
        .fit(&linfa::DatasetBase::from(x.view()))
        .unwrap();
    let ratio = numbers(&r["pca_explained_ratio"]);
    for (a, b) in pca.explained.iter().zip(&ratio) {
        assert!((a - b).abs() < 1e-12, "explained {a} vs {b}");
    }
    let proj = pca.transform(&x);
    let theirs = numbers(&r["pca_first_5"]);
    for c in 0..2 {
        // A component's sign is arbitrary: compare up to it.
        let sign = (proj[[0, c]] * theirs[c]).signum();
        for i in 0..5 {
            let diff = (sign * proj[[i, c]] - theirs[i * 2 + c]).abs();
            assert!(diff < 1e-9, "row {i} component {c}: off by {diff:.1e}");
        }
    }
}
