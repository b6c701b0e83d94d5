"""Reference values for the logistic regression: scikit-learn on a fixed design matrix.

    python3 scripts/reference/logreg_reference.py tests/fixtures/logreg

Writes design.csv (`y,x0..x11`: two numeric columns, one-hot blocks and sparse crosses, as the
campaign features look) and reference.json (C, intercept, coefficients and training AUC of
sklearn.linear_model.LogisticRegression(solver="lbfgs") fitted to convergence).
"""
import json
import os
import sys

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

out = sys.argv[1]
rng = np.random.default_rng(2026)
n = 4000
age = np.round(rng.normal(size=n), 3)
price = np.round(rng.normal(size=n), 3)
placement = rng.integers(0, 4, size=n)          # one-hot, 4 levels
device = rng.integers(0, 3, size=n)             # one-hot, 3 levels
cross_a = (rng.random(n) < 0.1).astype(float)   # a rare cross
cross_b = (rng.random(n) < 0.3).astype(float)
x = np.column_stack([
    age, price,
    *(placement == k for k in range(4)),
    *(device == k for k in range(3)),
    cross_a, cross_b, age * cross_b,
]).astype(float)
true = np.array([0.3, -0.5, 0.0, 0.6, -0.4, 0.2, 0.0, 0.3, -0.2, 1.5, 0.8, 0.4])
p = 1 / (1 + np.exp(-(-2.0 + x @ true)))
y = (rng.random(n) < p).astype(int)
C = 0.5
m = LogisticRegression(C=C, solver="lbfgs", tol=1e-10, max_iter=10000).fit(x, y)
os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "design.csv"), "w") as f:
    f.write("y," + ",".join(f"x{j}" for j in range(x.shape[1])) + "\n")
    for yi, row in zip(y, x):
        f.write(f"{yi}," + ",".join(f"{v:g}" for v in row) + "\n")
ref = {
    "sklearn": sklearn.__version__,
    "C": C,
    "intercept": float(m.intercept_[0]),
    "coef": [float(v) for v in m.coef_[0]],
    "auc": float(roc_auc_score(y, m.decision_function(x))),
}
with open(os.path.join(out, "reference.json"), "w") as f:
    json.dump(ref, f, indent=2)
print(ref)
