"""MovieLens 100K anchor for the recommenders (never commit the data: fetch it yourself).

    pip download recbole==1.2.1 --no-deps -d /tmp/recbole && cd /tmp/recbole && \
        unzip -q recbole-*.whl 'recbole/dataset_example/ml-100k/*'
    python3 scripts/reference/movielens.py /tmp/recbole/recbole/dataset_example/ml-100k/ml-100k.inter OUT
    persona-lab evaluate-recs --train OUT/train.csv --test OUT/test.csv --models pop,itemknn,als,ease

Protocol: every rating is a positive (weight 1); for each user with >= 5 positives a seeded
random 20% (rounded, at least 1) is held out. Writes OUT/train.csv and OUT/test.csv, then scores
popularity, numpy EASE (lambda 250) and, when the `implicit` package is installed, its ALS
(64 factors, reg 0.05, 15 iterations, alpha 1) and cosine item-kNN (K 20), all with the metric
definitions of `persona-lab evaluate-recs` (precision = hits / k).
"""
import os
import sys
import time

import numpy as np
import scipy.sparse as sp

K = 10


def split(path, out, seed=42, frac=0.2):
    rows = [l.split("\t")[:2] for l in open(path).read().splitlines()[1:]]
    users = sorted({u for u, _ in rows}, key=int)
    items = sorted({i for _, i in rows}, key=int)
    by_user = {}
    for u, i in rows:
        by_user.setdefault(u, set()).add(i)
    rng = np.random.default_rng(seed)
    train, test = [], []
    for u in users:
        its = sorted(by_user[u], key=int)
        n_test = 0
        if len(its) >= 5:
            rng.shuffle(its)
            n_test = min(max(1, round(len(its) * frac)), len(its) - 1)
        test += [(u, i) for i in its[:n_test]]
        train += [(u, i) for i in its[n_test:]]
    os.makedirs(out, exist_ok=True)
    for name, pairs in (("train", train), ("test", test)):
        with open(os.path.join(out, f"{name}.csv"), "w") as f:
            f.write("user_id,course_id\n")
            f.writelines(f"{u},{i}\n" for u, i in pairs)
    ui = {u: n for n, u in enumerate(users)}
    ii = {i: n for n, i in enumerate(items)}

    def mat(pairs):
        r = [ui[u] for u, _ in pairs]
        c = [ii[i] for _, i in pairs]
        return sp.csr_matrix((np.ones(len(r), np.float32), (r, c)), shape=(len(users), len(items)))

    return mat(train), mat(test)


def metrics(scores_of, train, test, k=K):
    p = r = nd = ap = hit = 0.0
    n = 0
    seen = set()
    for u in range(train.shape[0]):
        t = set(test.indices[test.indptr[u]:test.indptr[u + 1]])
        if not t:
            continue
        s = np.asarray(scores_of(u), dtype=np.float64).ravel().copy()
        s[train.indices[train.indptr[u]:train.indptr[u + 1]]] = -np.inf
        order = sorted(range(len(s)), key=lambda j: (-s[j], j))[:k]
        hits, dcg, a = 0, 0.0, 0.0
        for rank, j in enumerate(order):
            seen.add(j)
            if j in t:
                hits += 1
                dcg += 1 / np.log2(rank + 2)
                a += hits / (rank + 1)
        ideal = min(k, len(t))
        idcg = sum(1 / np.log2(x + 2) for x in range(ideal))
        p += hits / k
        r += hits / len(t)
        nd += dcg / idcg
        ap += a / ideal
        hit += hits > 0
        n += 1
    return {key: round(float(v), 4) for key, v in dict(
        precision=p / n, recall=r / n, ndcg=nd / n, map=ap / n, hit_rate=hit / n,
        coverage=len(seen) / train.shape[1], users=n).items()}


def main():
    train, test = split(sys.argv[1], sys.argv[2])
    print("train", train.nnz, "test", test.nnz)
    pop = np.asarray(train.sum(axis=0)).ravel()
    print("pop     ", metrics(lambda u: pop, train, test))
    t0 = time.perf_counter()
    g = (train.T @ train).toarray().astype(np.float64)
    g[np.diag_indices_from(g)] += 250.0
    pinv = np.linalg.inv(g)
    b = -pinv / np.diag(pinv)
    b[np.diag_indices_from(b)] = 0
    t_ease = time.perf_counter() - t0
    print("ease    ", metrics(lambda u: train[u] @ b, train, test), f"{t_ease:.3f} s")
    try:
        import implicit
        from implicit.als import AlternatingLeastSquares
        from implicit.nearest_neighbours import CosineRecommender
    except ImportError:
        print("implicit not installed: skipping its ALS and item-kNN")
        return
    als = AlternatingLeastSquares(factors=64, regularization=0.05, iterations=15, alpha=1.0,
                                  random_state=42)
    t0 = time.perf_counter()
    als.fit(train, show_progress=False)
    t_als = time.perf_counter() - t0
    uf, itf = als.user_factors, als.item_factors
    print(f"implicit {implicit.__version__} als", metrics(lambda u: itf @ uf[u], train, test),
          f"{t_als:.3f} s")
    knn = CosineRecommender(K=20)
    t0 = time.perf_counter()
    knn.fit(train, show_progress=False)
    t_knn = time.perf_counter() - t0
    sim = knn.similarity.tocsr()
    print("implicit itemknn", metrics(lambda u: (train[u] @ sim).toarray().ravel(), train, test),
          f"{t_knn:.3f} s")


if __name__ == "__main__":
    main()
