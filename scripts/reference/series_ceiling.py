"""How much can knowing the planted course series add to EASE on the sample? (numpy)

    python3 scripts/reference/series_ceiling.py [SAMPLE_DIR]     (default sample-data)

The sample plants series (入门 → 进阶 → 高级, `truth/series.csv`) that learners tend to follow,
but most of a learner's courses are drawn from their persona's taste. This script bounds what a
next-course model can gain over EASE on the protocol `evaluate-recs --leave-last 1` uses (each
learner's course with the latest event held out; learners with at least 2 courses; full
ranking of courses the learner has not met; NDCG@10, binary gain).

It scores every learner with EASE (Steck 2019, lambda 250, binary matrix) and then adds w to
every planted next step of a series the learner is in (the next course after one they have,
not yet met): the best w is the most the planted order can add to taste. It also reports an
oracle that lifts only the step the learner actually took, which no model can know.
Prints one JSON object.
"""
import csv
import json
import sys

import numpy as np


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "sample-data"
    last = {}
    with open(f"{root}/events.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            key = (row["user_id"], row["course_id"])
            last[key] = max(last.get(key, ""), row["ts"])
    with open(f"{root}/truth/series.csv", encoding="utf-8") as f:
        nxt = {r["from_course"]: r["to_course"] for r in csv.DictReader(f)}

    by_user = {}
    for (user, course), ts in last.items():
        by_user.setdefault(user, []).append((ts, course))
    items = sorted({c for _, c in last})
    index = {c: i for i, c in enumerate(items)}
    hist, test = [], []
    for user in sorted(by_user):
        courses = [c for _, c in sorted(by_user[user])]
        if len(courses) < 2:
            continue
        hist.append([index[c] for c in courses[:-1]])
        test.append(index[courses[-1]])

    x = np.zeros((len(hist), len(items)))
    for r, h in enumerate(hist):
        x[r, h] = 1.0
    gram = x.T @ x + 250.0 * np.eye(len(items))
    p = np.linalg.inv(gram)
    b = -p / np.diag(p)
    np.fill_diagonal(b, 0.0)
    ease = x @ b

    steps = []
    for h in hist:
        have = {items[i] for i in h}
        steps.append(sorted({index[nxt[c]] for c in have if c in nxt and nxt[c] not in have}))

    def ndcg(scores):
        total = 0.0
        for r, h in enumerate(hist):
            s = scores[r].copy()
            s[h] = -np.inf
            rank = int((s > s[test[r]]).sum())
            if rank < 10:
                total += 1.0 / np.log2(rank + 2)
        return total / len(hist)

    base = ndcg(ease)
    blends = {}
    for w in [0.02, 0.05, 0.1, 0.2, 0.5, 1e6]:
        s = ease.copy()
        for r, st in enumerate(steps):
            s[r, st] += w
        blends[w] = ndcg(s)
    oracle = ease.copy()
    took_step = 0
    for r, st in enumerate(steps):
        if test[r] in st:
            oracle[r, test[r]] += 1e6
            took_step += 1
    best_w = max(blends, key=blends.get)
    print(json.dumps({
        "learners": len(hist),
        "held_out_is_planted_step": took_step / len(hist),
        "mean_planted_steps_open": float(np.mean([len(s) for s in steps])),
        "ndcg_ease": base,
        "ndcg_ease_plus_planted_steps": {str(w): v for w, v in blends.items()},
        "best_ratio_to_ease": blends[best_w] / base,
        "oracle_ratio_to_ease": ndcg(oracle) / base,
    }, indent=2))


if __name__ == "__main__":
    main()
