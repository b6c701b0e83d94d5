#!/usr/bin/env bash
# Opens the real window on a (large) dataset under Xvfb, visits every tab in turn and takes a
# screenshot of each at fixed times after it was opened, logging the window's memory then.
# Usage: scripts/window_at_scale.sh DATA_DIR OUT_DIR [SCHEDULE]
#   SCHEDULE: "key:seconds,seconds,…" per tab separated by spaces; the default waits long enough
#   for a million learners (release build, 2 cores). Shots are OUT_DIR/NN-<key>-<s>s.png and
#   OUT_DIR/log.tsv has: seconds since start, tab key, seconds since the tab opened, RSS MB,
#   peak RSS MB; OUT_DIR/frames.tsv has, every 5 s, the tab, frames built, the slowest frame
#   (ms), the frames over 50 ms, and the slowest frame's time taking job results, drawing
#   and carrying out commands (PERSONA_LAB_FRAME_LOG). PERSONA_LAB_BIN picks the binary
#   (default: target/release/persona-lab).
# Needs: xvfb, xdotool, imagemagick.
set -euo pipefail
cd "$(dirname "$0")/.."
data=$(realpath "$1")
out=$(realpath -m "$2")
schedule=${3:-"start:30,60,90 ctrl+2:15,45 ctrl+3:30,60,120 ctrl+4:30,60,120 ctrl+5:60,120,240 ctrl+6:120,240,420,600 ctrl+7:15,45"}
bin=${PERSONA_LAB_BIN:-target/release/persona-lab}
mkdir -p "$out"
display=:${SCREEN_NUMBER:-59}
Xvfb "$display" -screen 0 1280x720x24 >/dev/null 2>&1 &
xvfb=$!
home=$(mktemp -d)
trap 'kill $app $xvfb 2>/dev/null || true; rm -rf "$home"' EXIT
sleep 1
printf 'what\ttab\tframes\tslowest_ms\tover_50ms\tresults_ms\tdrawing_ms\tcommands_ms\n' >"$out/frames.tsv"
DISPLAY=$display HOME=$home XDG_DATA_HOME=$home PERSONA_LAB_FRAME_LOG=1 "$bin" --data "$data" \
    2> >(grep --line-buffered '^frames' >>"$out/frames.tsv") &
app=$!
start=$(date +%s)
for _ in $(seq 1 60); do
    DISPLAY=$display xdotool search --name "Persona Lab" >/dev/null 2>&1 && break
    sleep 1
done
window=$(DISPLAY=$display xdotool search --name "Persona Lab" | head -1)
DISPLAY=$display xdotool windowsize "$window" 1280 720 windowmove "$window" 0 0
printf 'since_start_s\ttab\tsince_tab_s\trss_mb\tpeak_mb\n' >"$out/log.tsv"
n=0
for step in $schedule; do
    key=${step%%:*}
    times=${step#*:}
    [ "$key" != start ] && DISPLAY=$display xdotool windowfocus --sync "$window" key --window "$window" "$key"
    opened=$(date +%s)
    for t in ${times//,/ }; do
        sleep $((opened + t - $(date +%s)))
        n=$((n + 1))
        rss=$(awk '/VmRSS/ {print int($2/1024)}' /proc/$app/status)
        peak=$(awk '/VmHWM/ {print int($2/1024)}' /proc/$app/status)
        printf '%s\t%s\t%s\t%s\t%s\n' $(($(date +%s) - start)) "$key" "$t" "$rss" "$peak" >>"$out/log.tsv"
        DISPLAY=$display import -window root "$out/$(printf %02d $n)-${key}-${t}s.png"
    done
done
cat "$out/log.tsv"
awk -F'\t' 'NR > 1 { n[$2] += $3; slow[$2] += $5; if ($4 > worst[$2]) worst[$2] = $4 }
    END { for (t in n) printf "%s: %d frames, slowest %.0f ms, %d over 50 ms\n", t, n[t], worst[t], slow[t] }' "$out/frames.tsv"
