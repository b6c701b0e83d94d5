#!/usr/bin/env bash
# Every command on a million-learner dataset, release build, one run each, as whole processes:
# wall time and peak resident memory (the table of the README's Benchmarks section).
# Usage: scripts/bench-million.sh DATA_DIR     (make it with: persona-lab sample --out DIR --users 1000000)
# Needs /usr/bin/time. PERSONA_LAB_BIN picks the binary (default: target/release/persona-lab).
set -euo pipefail
cd "$(dirname "$0")/.."
data=$1
bin=${PERSONA_LAB_BIN:-target/release/persona-lab}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
measure() {
    local label=$1; shift
    if /usr/bin/time -f "%e %M" -o "$out/time" "$@" >"$out/stdout" 2>"$out/stderr"; then
        awk -v l="$label" '{printf "| %s | %.0f s | %.1f GB |\n", l, $1, $2/1048576}' "$out/time"
    else
        printf '| %s | failed (exit %s) | |\n' "$label" "$?"
    fi
}
echo "| command | time | peak memory |"
echo "|---|---|---|"
measure "validate" "$bin" validate --data "$data" --json
measure "segment --k 6" "$bin" segment --data "$data" --k 6 --out "$out/segments.csv"
measure "recommend --model ease" "$bin" recommend --data "$data" --model ease --out "$out/recs.csv"
measure "evaluate-recs pop,itemknn,ease,als" "$bin" evaluate-recs --data "$data" --models pop,itemknn,ease,als --json
measure "ctr" "$bin" ctr --data "$data" --json
measure "target --course c0012 --budget 1000" "$bin" target --data "$data" --course c0012 --budget 1000 --out "$out/targets.csv"
measure "clv" "$bin" clv --data "$data" --out "$out/clv.csv"
measure "abtest" "$bin" abtest --experiments "$data/experiments.csv" --json
