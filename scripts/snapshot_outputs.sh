#!/usr/bin/env bash
# Runs every command on the bundled sample and keeps its outputs in one folder, so a change that
# should not alter results can be checked with `diff -r BEFORE AFTER`.
# Usage: scripts/snapshot_outputs.sh OUT_DIR   (PERSONA_LAB_BIN picks the binary)
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "$1")
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/persona-lab-target}"
bin="${PERSONA_LAB_BIN:-$CARGO_TARGET_DIR/release/persona-lab}"
[ -x "$bin" ] || cargo build --release --quiet
rm -rf "$out" && mkdir -p "$out"
d=sample-data
run() { local name=$1; shift; "$bin" "$@" >"$out/$name.out" 2>"$out/$name.err" || echo "exit $?" >>"$out/$name.err"; }
run sample sample --out "$out/sample" --users 800 --seed 7 --json
run validate validate --data $d --json --rejects "$out/rejects"
run validate-text validate --data $d
run profile profile --data $d --out "$out/profiles.csv" --json
run segment segment --data $d --out "$out/segments.csv" --summaries "$out/summaries.json" --json
run segment-hier segment --data $d --method hierarchical --k 5 --out "$out/segments-hier.csv" --json
run abtest abtest --experiments $d/experiments.csv --out "$out/readout.csv" --json
run abtest-text abtest --experiments $d/experiments.csv
run power power --baseline 0.05 --mde 0.1 --json
for m in pop segpop itemknn userknn als ease content; do
    run "recommend-$m" recommend --data $d --model $m --top 5 --out "$out/recs-$m.csv" --json
done
run evaluate evaluate-recs --data $d --json
run ctr ctr --data $d --design "$out/design.csv" --json
run target target --data $d --course "$(sed -n 2p $d/courses.csv | cut -d, -f1)" --budget 50 --out "$out/targets.csv" --json
echo "outputs in $out"
