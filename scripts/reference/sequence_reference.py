"""Next-item reference numbers for `evaluate-recs` with sequence models, computed with numpy.

    python3 scripts/reference/sequence_reference.py INTERACTIONS OUT
        INTERACTIONS: MovieLens `ml-100k.inter` (tab-separated, header) or a CSV with columns
        `user_id`, `course_id` and `ts` (Unix seconds or `YYYY-MM-DD HH:MM:SS`), e.g. the
        sample's `events.csv` (every event a positive): the fixture of tests/sequence.rs
    persona-lab evaluate-recs --train OUT/train.csv --test OUT/test.csv --models markov,ease

Protocol (leave-last-one, full ranking): every interaction is a positive (weight 1); a learner's
interactions are ordered by time, ties by item id (as a number when every id is one); for each
learner with at least 5 distinct items the last is held out. `ts` in OUT/train.csv is the
learner's position in that order (0, 1, ...), so the order is explicit in the file. Ranking: all
items not in the learner's training data, ties by the item's first appearance in train.csv then
test.csv (the index `evaluate-recs` builds).

Models, as `persona-lab` defines them:
  pop     number of learners with the item in training
  markov  float32 count(last training item -> j) + pop_j / (max pop + 1): first-order
          transitions between consecutive items, popularity breaking ties and filling the rest
  ease    EASE (Steck 2019), lambda 250, on the binary training matrix
Metrics at k = 10, averaged over test learners: HR (hit rate), NDCG (binary gain, log2
discount), MRR (reciprocal rank of the first hit, 0 beyond k).
Writes OUT/train.csv, OUT/test.csv and prints one JSON object.
"""
import csv
import datetime
import json
import os
import sys

import numpy as np

K = 10
MIN_POSITIVES = 5


def when(text):
    try:
        return float(text)
    except ValueError:
        return datetime.datetime.fromisoformat(text).timestamp()


def read(path):
    rows = []
    with open(path, encoding="utf-8", newline="") as f:
        if path.endswith(".inter"):
            next(f)
            for line in f:
                u, i, _, ts = line.rstrip("\n").split("\t")[:4]
                rows.append((u, i, float(ts)))
        else:
            for r in csv.DictReader(f):
                rows.append((r["user_id"], r["course_id"], when(r["ts"])))
    return rows


def split(rows):
    numeric = all(i.isdigit() for _, i, _ in rows)
    key = (lambda i: int(i)) if numeric else (lambda i: i)
    by_user = {}
    for u, i, ts in rows:
        seen = by_user.setdefault(u, {})
        # An item rated twice counts once, at its latest time.
        seen[i] = max(ts, seen.get(i, ts))
    train, test = [], []
    for u in sorted(by_user, key=key if all(x.isdigit() for x in by_user) else (lambda x: x)):
        seq = sorted(by_user[u].items(), key=lambda p: (p[1], key(p[0])))
        items = [i for i, _ in seq]
        if len(items) >= MIN_POSITIVES:
            test.append((u, items[-1]))
            items = items[:-1]
        train += [(u, i, n) for n, i in enumerate(items)]
    return train, test


def evaluate(train, test):
    users, items = {}, {}
    for u, i, _ in train:
        users.setdefault(u, len(users))
        items.setdefault(i, len(items))
    for u, i in test:
        users.setdefault(u, len(users))
        items.setdefault(i, len(items))
    nu, ni = len(users), len(items)
    x = np.zeros((nu, ni), dtype=np.float64)
    seqs = [[] for _ in range(nu)]
    for u, i, n in train:
        x[users[u], items[i]] = 1.0
        seqs[users[u]].append((n, items[i]))
    seqs = [[i for _, i in sorted(s)] for s in seqs]
    pop = x.sum(axis=0)
    trans = np.zeros((ni, ni), dtype=np.float64)
    for s in seqs:
        for a, b in zip(s, s[1:]):
            trans[a, b] += 1.0
    pop32 = (pop.astype(np.float32) / np.float32(pop.max() + 1.0)).astype(np.float32)
    g = x.T @ x
    g[np.diag_indices_from(g)] += 250.0
    p = np.linalg.inv(g)
    b = -p / np.diag(p)
    b[np.diag_indices_from(b)] = 0.0

    def markov(u):
        if not seqs[u]:
            return pop32
        return (trans[seqs[u][-1]].astype(np.float32) + pop32).astype(np.float32)

    scorers = {
        "pop": lambda u: pop.astype(np.float32),
        "markov": markov,
        "ease": lambda u: (x[u] @ b).astype(np.float32),
    }
    out = {}
    for name, score in scorers.items():
        hr = ndcg = mrr = 0.0
        n = 0
        for u_id, i_id in test:
            u, target = users[u_id], items[i_id]
            s = np.array(score(u), dtype=np.float32)
            s[x[u] > 0] = -np.inf
            # Higher score first, ties by index (a stable sort of -s).
            order = np.argsort(-s, kind="stable")[:K]
            hit = np.nonzero(order == target)[0]
            if hit.size:
                r = int(hit[0])
                hr += 1.0
                ndcg += 1.0 / np.log2(r + 2)
                mrr += 1.0 / (r + 1)
            n += 1
        out[name] = {"hit_rate": hr / n, "ndcg": ndcg / n, "mrr": mrr / n, "users": n}
    return out


def main():
    rows = read(sys.argv[1])
    train, test = split(rows)
    out = sys.argv[2]
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "train.csv"), "w") as f:
        f.write("user_id,course_id,ts\n")
        f.writelines(f"{u},{i},{n}\n" for u, i, n in train)
    with open(os.path.join(out, "test.csv"), "w") as f:
        f.write("user_id,course_id\n")
        f.writelines(f"{u},{i}\n" for u, i in test)
    result = evaluate(train, test)
    result["train_pairs"] = len(train)
    result["test_pairs"] = len(test)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
