//! Principal component analysis behind linfa's traits:
//! `Pca::params(k).fit(&DatasetBase::from(x.view()))?.transform(&x)` projects rows onto the
//! top `k` components. Covariance summed over row chunks in parallel (no centred copy of `x`)
//! and a symmetric eigendecomposition.

use linfa::DatasetBase;
use linfa::traits::{Fit, Transformer};
use linfa_linalg::eigh::EighInto;
use ndarray::{Array1, Array2, ArrayBase, ArrayView2, Axis, Data, Ix2};
use rayon::prelude::*;

/// Settings of a PCA: how many components to keep.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PcaParams {
    /// Components kept (at most the number of columns).
    pub components: usize,
}

/// A fitted PCA: the column means, the top components and the share of variance each explains.
#[derive(Debug, Clone)]
pub struct Pca {
    /// Column means of the data it was fitted on.
    pub mean: Array1<f64>,
    /// One component per column, largest variance first.
    pub basis: Array2<f64>,
    /// Share of the total variance each component explains.
    pub explained: Vec<f64>,
}

impl Pca {
    /// Settings keeping `components` components.
    pub fn params(components: usize) -> PcaParams {
        PcaParams { components }
    }
}

impl<D: Data<Elem = f64>, T> Fit<ArrayBase<D, Ix2>, T, linfa::Error> for PcaParams {
    type Object = Pca;

    /// Fits on the records (targets are ignored); needs at least one column and finite values.
    fn fit(&self, dataset: &DatasetBase<ArrayBase<D, Ix2>, T>) -> Result<Pca, linfa::Error> {
        let x = dataset.records().view();
        if self.components == 0 || self.components > x.ncols() {
            return Err(linfa::Error::Parameters(format!(
                "{} components asked of {} columns",
                self.components,
                x.ncols()
            )));
        }
        if x.iter().any(|v| !v.is_finite()) {
            return Err(linfa::Error::Parameters("a value is not finite".into()));
        }
        let n = x.nrows().max(2) as f64;
        let d = x.ncols();
        let mean: Array1<f64> = x.mean_axis(Axis(0)).unwrap_or_else(|| Array1::zeros(d));
        let chunks: Vec<ArrayView2<f64>> = x.axis_chunks_iter(Axis(0), 4096).collect();
        let cov = chunks
            .par_iter()
            .map(|c| {
                let centred = c - &mean;
                centred.t().dot(&centred)
            })
            .reduce(|| Array2::zeros((d, d)), |a, b| a + b)
            / (n - 1.0);
        let total: f64 = cov.diag().sum();
        let (values, vectors) = cov
            .eigh_into()
            .map_err(|e| linfa::Error::Priors(format!("eigendecomposition failed: {e}")))?;
        let mut order: Vec<usize> = (0..values.len()).collect();
        order.sort_by(|&a, &b| values[b].total_cmp(&values[a]));
        order.truncate(self.components);
        let explained = order
            .iter()
            .map(|&i| {
                if total > 0.0 {
                    values[i].max(0.0) / total
                } else {
                    0.0
                }
            })
            .collect();
        Ok(Pca {
            mean,
            basis: vectors.select(Axis(1), &order),
            explained,
        })
    }
}

impl<D: Data<Elem = f64>> Transformer<&ArrayBase<D, Ix2>, Array2<f64>> for Pca {
    /// The rows projected onto the components (centred by the fitted means).
    fn transform(&self, x: &ArrayBase<D, Ix2>) -> Array2<f64> {
        x.dot(&self.basis) - self.mean.dot(&self.basis)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_direction_of_a_line() {
        let x = Array2::from_shape_fn((200, 3), |(i, j)| i as f64 * [1.0, 2.0, 0.0][j] + 5.0);
        let pca = Pca::params(2).fit(&DatasetBase::from(x.view())).unwrap();
        let proj = pca.transform(&x);
        assert!((pca.explained[0] - 1.0).abs() < 1e-9, "{:?}", pca.explained);
        assert!(
            proj.column(0).mean().unwrap().abs() < 1e-9,
            "projections are centred"
        );
        let spread = proj[[199, 0]] - proj[[0, 0]];
        assert!((spread.abs() - 199.0 * 5f64.sqrt()).abs() < 1e-6);
    }

    #[test]
    fn refuses_more_components_than_columns() {
        let x = Array2::<f64>::zeros((5, 2));
        assert!(Pca::params(3).fit(&DatasetBase::from(x.view())).is_err());
    }
}
