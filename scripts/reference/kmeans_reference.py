"""Reference values for tests/clustering_reference.rs, computed once with scikit-learn.

Run: python3 scripts/reference/kmeans_reference.py
Writes tests/fixtures/kmeans/{blobs.csv, small.csv, reference.json}.
"""
import json

import numpy as np
import sklearn
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs
from sklearn.metrics import silhouette_score

out = "tests/fixtures/kmeans"
# Overlapping blobs, so the optimum is not trivial.
x, _ = make_blobs(n_samples=20000, n_features=8, centers=8, cluster_std=2.5, random_state=7)
x = np.round(x, 4)
np.savetxt(f"{out}/blobs.csv", x, delimiter=",", fmt="%.4f")
km = KMeans(n_clusters=8, n_init=10, random_state=0).fit(x)

small, _ = make_blobs(n_samples=600, n_features=4, centers=5, cluster_std=1.5, random_state=3)
small = np.round(small, 4)
labels = KMeans(n_clusters=5, n_init=10, random_state=0).fit_predict(small)
np.savetxt(f"{out}/small.csv", np.column_stack([small, labels]), delimiter=",", fmt=["%.4f"] * 4 + ["%d"])
ref = {
    "sklearn": sklearn.__version__,
    "blobs_k": 8,
    "blobs_inertia": float(km.inertia_),
    "small_silhouette": float(silhouette_score(small, labels)),
}
json.dump(ref, open(f"{out}/reference.json", "w"), indent=1)
print(ref)
