"""ALS fit time on a generated implicit-feedback set, for `implicit` beside persona-lab.

    python3 scripts/reference/als_bench.py OUT [users] [items] [interactions]
    persona-lab evaluate-recs --train OUT/train.csv --test OUT/test.csv --models als

Learners and courses get planted 16-dimensional tastes; each learner's courses are drawn in
proportion to exp(taste · course). Writes OUT/train.csv and OUT/test.csv (20% of each
learner's courses) and prints implicit's ALS fit time (64 factors, reg 0.05, 15 iterations,
alpha 1) on the training pairs. Run with OPENBLAS_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE.
"""
import os
import sys
import time

import numpy as np
import scipy.sparse as sp

out = sys.argv[1]
n_users = int(sys.argv[2]) if len(sys.argv) > 2 else 200_000
n_items = int(sys.argv[3]) if len(sys.argv) > 3 else 5_000
n_inter = int(sys.argv[4]) if len(sys.argv) > 4 else 5_000_000
rng = np.random.default_rng(7)
u = rng.normal(size=(n_users, 16)) / 2
v = rng.normal(size=(n_items, 16)) / 2
per_user = rng.poisson(n_inter / n_users, size=n_users).clip(2, n_items // 2)
rows, cols = [], []
for s in range(0, n_users, 2000):
    logits = u[s:s + 2000] @ v.T
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    for k, pu in enumerate(p):
        n = per_user[s + k]
        items = rng.choice(n_items, size=n, replace=False, p=pu)
        rows.append(np.full(n, s + k))
        cols.append(items)
rows, cols = np.concatenate(rows), np.concatenate(cols)
test = rng.random(len(rows)) < 0.2
os.makedirs(out, exist_ok=True)
for name, mask in (("train", ~test), ("test", test)):
    with open(os.path.join(out, f"{name}.csv"), "w") as f:
        f.write("user_id,course_id\n")
        f.write("".join(f"u{a},c{b}\n" for a, b in zip(rows[mask], cols[mask])))
train = sp.csr_matrix((np.ones((~test).sum(), np.float32), (rows[~test], cols[~test])),
                      shape=(n_users, n_items))
print("train pairs", train.nnz)
from implicit.als import AlternatingLeastSquares  # noqa: E402

als = AlternatingLeastSquares(factors=64, regularization=0.05, iterations=15, alpha=1.0,
                              random_state=42)
t0 = time.perf_counter()
als.fit(train, show_progress=False)
print(f"implicit ALS fit {time.perf_counter() - t0:.2f} s")
