"""Qini curves and coefficients from scikit-uplift, for `tests/uplift.rs`.

    pip install --no-deps scikit-uplift==0.5.1
    python3 scripts/reference/qini_reference.py tests/fixtures/uplift/qini.json

Cases: random outcomes, arms and scores (with ties: scores rounded to 1 or 2 decimals), a
ranking that follows a planted effect, and an unbalanced split. For each: the inputs, sklift's
`qini_curve` (x, y) and `qini_auc_score` (negative effects allowed).
"""
import json
import sys

import numpy as np
from sklift.metrics import qini_auc_score, qini_curve


def main():
    rng = np.random.default_rng(5)
    cases = []
    for name, n, decimals, p_treat, planted in [
        ("random, ties", 400, 1, 0.5, False),
        ("random, fewer ties", 1000, 2, 0.5, False),
        ("planted effect", 2000, 3, 0.5, True),
        ("unbalanced", 1500, 2, 0.2, True),
    ]:
        treated = rng.random(n) < p_treat
        effect = rng.normal(0.0, 0.1, n)
        base = 0.1 + 0.05 * rng.random(n)
        p = np.clip(base + treated * effect, 0.0, 1.0) if planted else base
        converted = rng.random(n) < p
        score = effect + rng.normal(0.0, 0.05, n) if planted else rng.random(n)
        score = np.round(score, decimals)
        x, y = qini_curve(converted.astype(int), score, treated.astype(int))
        cases.append({
            "name": name,
            "converted": converted.astype(int).tolist(),
            "treated": treated.astype(int).tolist(),
            "score": score.tolist(),
            "curve_x": np.asarray(x, dtype=float).tolist(),
            "curve_y": np.asarray(y, dtype=float).tolist(),
            "qini": float(qini_auc_score(converted.astype(int), score, treated.astype(int))),
        })
        print(name, cases[-1]["qini"])
    with open(sys.argv[1], "w") as fh:
        json.dump(cases, fh)


if __name__ == "__main__":
    main()
