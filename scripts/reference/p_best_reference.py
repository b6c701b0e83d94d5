"""Probability of being best for every variant, with scipy, for `tests/experiments_oracle.rs`.

    python3 scripts/reference/p_best_reference.py tests/fixtures/ab sample-data/experiments.csv

For arms with n users and x conversions, each rate has the posterior Beta(1 + x, 1 + n - x)
(uniform prior), and P(arm k is best) = integral over t of pdf_k(t) * prod_{j != k} cdf_j(t).
scipy.integrate.quad evaluates it on each arm's own posterior range (mean +- 14 sd, clipped to
[0, 1]), with absolute tolerance 1e-13. Cases: every experiment of the fixtures' CSVs and of the
sample's experiments.csv, and synthetic arms that stress the integration (no users, one user,
a million users with rates 0.1% apart, five arms, rates near 0 and 1).
Writes DIR/p_best.json: [{"name", "arms": [[users, conversions], ...], "p_best": [...]}].
"""
import csv
import glob
import json
import os
import sys

import numpy as np
from scipy import integrate, stats


def p_best(arms):
    posts = [stats.beta(1 + x, 1 + n - x) for n, x in arms]
    out = []
    for k, post in enumerate(posts):
        m, s = post.mean(), post.std()
        lo, hi = max(0.0, m - 14 * s), min(1.0, m + 14 * s)

        def f(t, k=k):
            v = posts[k].pdf(t)
            for j, other in enumerate(posts):
                if j != k:
                    v *= other.cdf(t)
            return v

        value, _ = integrate.quad(f, lo, hi, epsabs=1e-13, epsrel=1e-12, limit=500, points=[m])
        out.append(value)
    return out


def counts(path):
    by = {}
    with open(path, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            key = (row["experiment"], row["variant"])
            n, x = by.get(key, (0, 0))
            converted = row["converted"].strip() in ("1", "true", "True")
            by[key] = (n + 1, x + int(converted))
    experiments = {}
    for (e, v), nx in sorted(by.items()):
        experiments.setdefault(e, []).append((v, nx))
    return experiments


def main():
    out_dir, sample = sys.argv[1], sys.argv[2]
    cases = []
    for path in sorted(glob.glob(os.path.join(out_dir, "*.csv"))) + [sample]:
        for e, arms in counts(path).items():
            cases.append({"name": f"{os.path.basename(path)}:{e}",
                          "variants": [v for v, _ in arms],
                          "arms": [list(nx) for _, nx in arms]})
    synthetic = {
        "no users": [[0, 0], [0, 0]],
        "one user each": [[1, 1], [1, 0], [1, 0]],
        "a million, 0.1% apart": [[1_000_000, 100_000], [1_000_000, 101_000]],
        "five arms": [[2000, 100], [2000, 110], [2000, 95], [2000, 120], [2000, 118]],
        "near 0 and 1": [[5000, 1], [5000, 3], [40, 39]],
        "far apart, narrow": [[2_000_000, 200_000], [2_000_000, 1_000_000]],
    }
    for name, arms in synthetic.items():
        cases.append({"name": name, "variants": [f"v{i}" for i in range(len(arms))], "arms": arms})
    for c in cases:
        c["p_best"] = p_best(c["arms"])
    with open(os.path.join(out_dir, "p_best.json"), "w") as fh:
        json.dump(cases, fh, indent=1)
    for c in cases:
        print(c["name"], np.round(c["p_best"], 6).tolist(), round(sum(c["p_best"]), 9))


if __name__ == "__main__":
    main()
