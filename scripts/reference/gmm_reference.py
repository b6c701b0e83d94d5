"""Reference values for tests/clustering_reference.rs, computed once with scikit-learn.

Run: python3 scripts/reference/gmm_reference.py
Writes tests/fixtures/gmm/{points.csv, reference.json}: stretched, overlapping blobs; the
Gaussian mixture scikit-learn fits on them (full covariances, its defaults otherwise, the best
of 10 starts) and its PCA.
"""
import json

import numpy as np
import sklearn
from sklearn.datasets import make_blobs
from sklearn.decomposition import PCA
from sklearn.mixture import GaussianMixture

out = "tests/fixtures/gmm"
x, _ = make_blobs(n_samples=3000, n_features=4, centers=4, cluster_std=1.6, random_state=11)
# Stretch and shear, so the components are not round and overlap.
x = x @ np.array([[1.0, 0.4, 0.0, 0.0], [0.0, 1.5, 0.3, 0.0], [0.0, 0.0, 0.8, 0.2], [0.2, 0.0, 0.0, 1.2]])
x = np.round(x, 4)
np.savetxt(f"{out}/points.csv", x, delimiter=",", fmt="%.4f")
gm = GaussianMixture(n_components=4, covariance_type="full", n_init=10, random_state=0).fit(x)
order = np.argsort(gm.means_[:, 0])
proba = gm.predict_proba(x)[:, order]
pca = PCA(n_components=2).fit(x)
ref = {
    "sklearn": sklearn.__version__,
    "k": 4,
    "weights": gm.weights_[order].tolist(),
    "means": gm.means_[order].tolist(),
    "mean_loglik": float(gm.score(x)),
    "proba_first_50": proba[:50].tolist(),
    "pca_explained_ratio": pca.explained_variance_ratio_.tolist(),
    "pca_first_5": pca.transform(x)[:5].tolist(),
}
with open(f"{out}/reference.json", "w") as f:
    json.dump(ref, f, indent=1)
print(json.dumps({k: ref[k] for k in ["weights", "mean_loglik", "pca_explained_ratio"]}))
