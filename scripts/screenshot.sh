#!/usr/bin/env bash
# Runs the real window under Xvfb and saves a PNG of it.
# Usage: scripts/screenshot.sh OUT.png [KEYS...] [-- persona-lab args]
#   KEYS are xdotool key names sent after start-up, e.g. ctrl+l (language) or ctrl+2 (second tab),
#   click:X,Y for a left click at window pixel X,Y, scroll:X,Y,N for N wheel steps down there,
#   or wait:S to wait S seconds.
#   SETTLE (s) waits before the keys, AFTER_KEYS (s) after them; PERSONA_LAB_BIN picks the binary;
#   SIZE (default 1280x800) is the screen and window size, e.g. SIZE=1280x720 for a projector.
# Needs: xvfb, xdotool, imagemagick (apt-get install xvfb xdotool imagemagick).
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "$1"); shift
keys=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do keys+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/persona-lab-target}"
bin="${PERSONA_LAB_BIN:-$CARGO_TARGET_DIR/release/persona-lab}"
[ -x "$bin" ] || { cargo build --release --quiet; }
display=:${SCREEN_NUMBER:-97}
size=${SIZE:-1280x800}
Xvfb "$display" -screen 0 "${size}x24" >/dev/null 2>&1 &
xvfb=$!
# A fresh settings folder, so every screenshot starts the same way.
home=$(mktemp -d)
trap 'kill $app $xvfb 2>/dev/null || true; rm -rf "$home"' EXIT
sleep 1
DISPLAY=$display HOME=$home XDG_DATA_HOME=$home "$bin" "$@" &
app=$!
for _ in $(seq 1 60); do
    DISPLAY=$display xdotool search --name "Persona Lab" >/dev/null 2>&1 && break
    sleep 0.5
done
sleep "${SETTLE:-4}"
win=$(DISPLAY=$display xdotool search --name "Persona Lab" | head -n 1)
DISPLAY=$display xdotool windowmove "$win" 0 0 windowsize "$win" "${size%x*}" "${size#*x}"
sleep 1
for k in "${keys[@]}"; do
    case "$k" in
        wait:*) sleep "${k#wait:}" ;;
        scroll:*) IFS=, read -r sx sy sn <<< "${k#scroll:}"
                  DISPLAY=$display xdotool mousemove --window "$win" "$sx" "$sy" click --repeat "$sn" 5 ;;
        click:*) xy=${k#click:}
                 DISPLAY=$display xdotool mousemove --window "$win" "${xy%,*}" "${xy#*,}" click 1 ;;
        *) DISPLAY=$display xdotool windowfocus --sync "$win" key --window "$win" "$k" ;;
    esac
    sleep 1
done
sleep "${AFTER_KEYS:-1}"
DISPLAY=$display import -window root "$out"
echo "saved $out"
