#!/usr/bin/env bash
# Side by side: training-pass seconds per epoch with glibc's default malloc settings and with the
# GLIBC_TUNABLES that Atelier's build and docs set, alternating ROUNDS times in one run.
#
#   bench/malloc.sh [ROUNDS]      default 2; each round trains 3 epochs with each setting
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-2}
tuned=glibc.malloc.mmap_threshold=67108864:glibc.malloc.trim_threshold=268435456
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for round in $(seq 1 "$rounds"); do
  for setting in default tuned; do
    tunables=""; [ "$setting" = tuned ] && tunables=$tuned
    echo "== round $round: $setting"
    BENCH_TUNABLES="$tunables" EPOCHS=3 bench/train.sh 0 | grep -E '^  epoch' | sed "s/^/$setting /" | tee -a "$out"
  done
done
python3 - "$out" <<'PY'
import re, statistics, sys
times = {"default": [], "tuned": []}
for line in open(sys.argv[1]):
    m = re.match(r"(\w+) +epoch +(\d+) seconds ([0-9.]+)", line)
    if m and int(m.group(2)) > 1:   # the first epoch includes warm-up
        times[m.group(1)].append(float(m.group(3)))
d, t = statistics.median(times["default"]), statistics.median(times["tuned"])
print(f"median seconds per epoch (epochs 2-3): default malloc {d:.2f}, tuned {t:.2f}, ratio tuned/default {t / d:.2f}")
PY
