//! k-means behind linfa's traits, so it is used like any model of the Rust ML ecosystem:
//! `KMeansConfig::new(k, seed).fit(&DatasetBase::from(x))?.predict(&x)` gives each row's
//! segment. The Segments tab and `segment` call [`super::segment`], which adds the choice of k.

use super::cluster::SegmentError;
use super::kmeans::{KMeansConfig, KMeansFit, kmeans, sq_dist};
use crate::jobs::Progress;
use linfa::DatasetBase;
use linfa::traits::{Fit, PredictInplace};
use ndarray::{Array1, ArrayBase, Data, Ix2};

impl From<linfa::Error> for SegmentError {
    fn from(e: linfa::Error) -> Self {
        SegmentError::Invalid(e.to_string())
    }
}

impl<D: Data<Elem = f64>, T> Fit<ArrayBase<D, Ix2>, T, SegmentError> for KMeansConfig {
    type Object = KMeansFit;

    /// Fits k-means on the records (targets are ignored); k must be from 1 to the rows.
    fn fit(&self, dataset: &DatasetBase<ArrayBase<D, Ix2>, T>) -> Result<KMeansFit, SegmentError> {
        let x = dataset.records().view();
        if self.k == 0 || self.k > x.nrows() {
            return Err(SegmentError::TooFewRows {
                rows: x.nrows(),
                wanted: format!("{} segments", self.k),
            });
        }
        if let Some(column) = x
            .columns()
            .into_iter()
            .position(|c| c.iter().any(|v| !v.is_finite()))
        {
            return Err(SegmentError::NotFinite { column: column + 1 });
        }
        Ok(kmeans(x, self, &Progress::default())?)
    }
}

impl<D: Data<Elem = f64>> PredictInplace<ArrayBase<D, Ix2>, Array1<usize>> for KMeansFit {
    /// The nearest centre of each row.
    fn predict_inplace(&self, x: &ArrayBase<D, Ix2>, y: &mut Array1<usize>) {
        for (row, label) in x.rows().into_iter().zip(y.iter_mut()) {
            let row = row.to_vec();
            *label = self
                .centroids
                .rows()
                .into_iter()
                .enumerate()
                .map(|(c, centre)| (c, sq_dist(&row, &centre.to_vec())))
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .map_or(0, |(c, _)| c);
        }
    }

    fn default_target(&self, x: &ArrayBase<D, Ix2>) -> Array1<usize> {
        Array1::zeros(x.nrows())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use linfa::traits::Predict;
    use ndarray::array;

    #[test]
    fn fit_and_predict_through_linfa_agree_with_the_direct_call() {
        let x = array![
            [0.0, 0.1],
            [0.2, 0.0],
            [0.1, 0.2],
            [5.0, 5.1],
            [5.2, 4.9],
            [4.9, 5.0]
        ];
        let config = KMeansConfig::new(2, 7);
        let fitted = config.fit(&DatasetBase::from(x.clone())).unwrap();
        let direct = kmeans(x.view(), &config, &Progress::default()).unwrap();
        assert_eq!(fitted.labels, direct.labels);
        let predicted: Array1<usize> = fitted.predict(&x);
        assert_eq!(predicted.to_vec(), fitted.labels);
        assert_ne!(predicted[0], predicted[3]);
        let too_many = KMeansConfig::new(7, 7).fit(&DatasetBase::from(x));
        assert!(matches!(
            too_many,
            Err(SegmentError::TooFewRows { rows: 6, .. })
        ));
    }
}
