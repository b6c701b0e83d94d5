#!/usr/bin/env bash
# Load + validate a 1M-row events.csv (with users.csv and courses.csv for the orphan checks)
# as a whole process, release build, beside pandas doing the same checks.
# Usage: scripts/bench-load.sh            (needs /usr/bin/time; pandas for the comparison)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/persona-lab-target}"
cargo build --release --quiet
bin="$CARGO_TARGET_DIR/release/persona-lab"
data=bench-data/events-1m
if [ ! -f "$data/events.csv" ]; then
    "$bin" sample --out bench-data/sample --users 40000 --seed 1 >/dev/null
    mkdir -p "$data"
    cp bench-data/sample/users.csv bench-data/sample/courses.csv "$data/"
    head -n 1000001 bench-data/sample/events.csv > "$data/events.csv"
fi
echo "rows: $(($(wc -l < "$data/events.csv") - 1)) events, $(du -h "$data/events.csv" | cut -f1)"
measure() {
    local label=$1; shift
    for _ in 1 2 3; do
        /usr/bin/time -f "%e %M" "$@" >/dev/null 2>/tmp/bench-time.txt || true
        tail -n 1 /tmp/bench-time.txt
    done | sort -n | head -n 1 | awk -v l="$label" '{printf "%-28s %6.2f s  %5.0f MB peak\n", l, $1, $2/1024}'
}
measure "persona-lab validate" "$bin" validate --data "$data" --json
if python3 -c "import pandas" 2>/dev/null; then
    measure "pandas read_csv + checks" python3 scripts/bench_pandas.py "$data"
fi
