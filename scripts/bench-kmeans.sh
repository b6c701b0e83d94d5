#!/usr/bin/env bash
# K-Means on 200k × 16 blobs, k = 8, 10 restarts: persona-lab (release) beside scikit-learn on
# the same CSV. Needs python3 with numpy and scikit-learn.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/persona-lab-target}"
cargo build --release --quiet
bin="$CARGO_TARGET_DIR/release/persona-lab"
mkdir -p bench-data
csv=bench-data/blobs200k.csv
if [ ! -f "$csv" ]; then
    python3 - "$csv" <<'PY'
import sys
import numpy as np
from sklearn.datasets import make_blobs
x, _ = make_blobs(n_samples=200_000, n_features=16, centers=8, cluster_std=3.0, random_state=1)
ids = np.array([f"r{i}" for i in range(len(x))])[:, None]
np.savetxt(sys.argv[1], np.hstack([ids, x.round(5).astype(str)]), fmt="%s", delimiter=",",
           header="id," + ",".join(f"f{i}" for i in range(16)), comments="")
PY
fi
"$bin" segment --features "$csv" --k 8 --seed 0 --out /tmp/bench-seg.csv --json > /tmp/bench-seg.json
python3 - <<'PY'
import json
d = json.load(open("/tmp/bench-seg.json"))
print(f"persona-lab k-means fit   {d['seconds']:6.2f} s  inertia {d['inertia']:.6g}")
PY
python3 - "$csv" <<'PY'
import sys, time
import numpy as np
from sklearn.cluster import KMeans
x = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1, usecols=range(1, 17))
t = time.perf_counter()
km = KMeans(n_clusters=8, n_init=10, random_state=0).fit(x)
print(f"scikit-learn KMeans fit   {time.perf_counter() - t:6.2f} s  inertia {km.inertia_:.6g}")
PY
