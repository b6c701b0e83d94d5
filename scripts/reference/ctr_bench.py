"""Logistic-regression fit time of scikit-learn on a design matrix written by
`persona-lab ctr --design FILE` (svmlight; the training rows of the split).

    persona-lab ctr --data DIR --c 1 --no-fm --design /tmp/design.svm
    /usr/bin/time -v python3 scripts/reference/ctr_bench.py /tmp/design.svm 1.0
"""
import sys
import time

from sklearn.datasets import load_svmlight_file
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

x, y = load_svmlight_file(sys.argv[1])
C = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
print("rows", x.shape[0], "columns", x.shape[1], "nonzeros", x.nnz)
t0 = time.perf_counter()
m = LogisticRegression(C=C, solver="lbfgs", max_iter=1000).fit(x, y)
print(f"sklearn lbfgs fit {time.perf_counter() - t0:.2f} s, {m.n_iter_[0]} iterations, "
      f"training AUC {roc_auc_score(y, m.decision_function(x)):.4f}")
