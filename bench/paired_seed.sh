#!/usr/bin/env bash
# Atelier's training pass against PyTorch's `tuned` compute, epoch by epoch in the same minutes. On this
# shared machine the speed of both drifts by ±20% within minutes, more than the difference being
# measured, so runs one after the other (bench/compare_seed.sh) compare different machines. Here
# PyTorch first trains one warm-up epoch of ../shared/bench/seed_baseline.py's `tuned` loop
# (bench/tuned_turns.py) while the service idles. Then Atelier trains the default job; in the middle of
# each of its epochs after the first (between a tenth and four fifths of its batches, seen on its SSE
# progress events) the service is paused with SIGSTOP, PyTorch trains its next epoch, and the service
# goes on with SIGCONT. The pause is taken off the epoch's seconds that Atelier reports, and each
# epoch is paired with the PyTorch epoch trained inside it. Atelier's first epoch, its warm-up, is
# left unpaired: a pause inside it made it 2-3 times slower than an undisturbed one. Both sides get 2
# threads, the same glibc malloc settings and the same oneDNN cap (none with ENGINE; Atelier's AVX
# cap otherwise).
#
#   bench/paired_seed.sh [EPOCHS]          default 10
#   ENGINE=/tmp/atelier-torch-engine PYTORCH=/tmp/atelier-venv/bin/python bench/paired_seed.sh 10
#   WARM_JOBS=1 bench/paired_seed.sh 10    first trains that many unpaired jobs (seed 1) on the same
#                                          service: a service that has run jobs before, JIT done
#
# Prints a row per epoch (Atelier's seconds less the pause, PyTorch's, the ratio), both sides' final
# train accuracy, and the median ratio over the paired epochs.
. "$(dirname "$0")/lib.sh"
epochs=${1:-10}
shared=${SHARED:-../shared}
pytorch=${PYTORCH:-/tmp/atelier-venv/bin/python}
port=${PORT:-18086}

start_atelier "$port"
machine
cap=(env -u DNNL_MAX_CPU_ISA -u ONEDNN_MAX_CPU_ISA)
[ -n "${ENGINE:-}" ] || cap=(env DNNL_MAX_CPU_ISA=AVX ONEDNN_MAX_CPU_ISA=AVX)
coproc PEER { "${cap[@]}" GLIBC_TUNABLES="$tunables" \
  SHARED_BENCH="$shared/bench" "$pytorch" bench/tuned_turns.py "$shared/data/fashion-mnist" 2 0 2>/dev/null; }
peer_pid=$PEER_PID
trap 'kill -CONT $pid 2>/dev/null; kill $pid $peer_pid 2>/dev/null; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT
read -r ready <&"${PEER[0]}"
[ "$ready" = ready ] || { echo "the PyTorch side did not start: $ready" >&2; exit 1; }
echo "PyTorch $("$pytorch" -c 'import torch; print(torch.__version__)'), Atelier on ${ENGINE:-the libtorch DJL ships}, $epochs epochs"
echo go >&"${PEER[1]}"; read -r result <&"${PEER[0]}"
echo "PyTorch's warm-up: $result"

for _ in $(seq 1 "${WARM_JOBS:-0}"); do
  warm=$(start_job "{\"epochs\": $epochs, \"seed\": 1}")
  wait_for_job "$warm" >/dev/null
  echo "warm-up job $warm done"
done
id=$(start_job "{\"epochs\": $epochs, \"seed\": 0}")
exec 3< <(api -N "localhost:$port/jobs/$id/events")
declare -A paused peer
while IFS= read -r line <&3; do
  [[ $line == event:end* ]] && break
  [[ $line =~ \"epoch\":([0-9]+),\"epochs\":[0-9]+,\"batch\":([0-9]+),\"batchesPerEpoch\":([0-9]+) ]] || continue
  epoch=${BASH_REMATCH[1]} batch=${BASH_REMATCH[2]} batches=${BASH_REMATCH[3]}
  if (( epoch > 1 )) && [ -z "${paused[$epoch]:-}" ] && (( batch * 10 >= batches && batch * 5 <= batches * 4 )); then
    kill -STOP "$pid"; stopped=$(date +%s%N)
    echo go >&"${PEER[1]}"; read -r result <&"${PEER[0]}"
    kill -CONT "$pid"; paused[$epoch]=$(( $(date +%s%N) - stopped )); peer[$epoch]=$result
  fi
done
job=$(wait_for_job "$id")
for epoch in "${!paused[@]}"; do echo "pause $epoch ${paused[$epoch]} ${peer[$epoch]}"; done >"$work/pairs"

python3 - "$work/pairs" "$job" <<'PY'
import json, re, statistics, sys
job = json.loads(sys.argv[2])
pairs = {}
for line in open(sys.argv[1]):
    m = re.match(r"pause (\d+) (\d+) epoch \d+ seconds ([0-9.]+) .* train_acc ([0-9.]+)", line)
    pairs[int(m.group(1))] = (int(m.group(2)) / 1e9, float(m.group(3)), float(m.group(4)))
print("| epoch | Atelier s (pause taken off) | PyTorch tuned s | Atelier / PyTorch |")
print("|---|---|---|---|")
ratios = []
for e in job["history"]:
    n = e["epoch"]
    if n not in pairs:
        print("| %d | %.3f | - (%s) | - |" % (n, e["seconds"], "warm-up, not paired" if n == 1 else "no pause in this epoch"))
        continue
    pause, theirs, _ = pairs[n]
    ours = e["seconds"] - pause
    print("| %d | %.3f | %.3f | %.3f |" % (n, ours, theirs, ours / theirs))
    ratios.append(ours / theirs)
last = job["history"][-1]
print("train accuracy after %d epochs: Atelier %.4f, PyTorch %.4f" % (last["epoch"], last["trainAccuracy"],
      pairs[max(pairs)][2] if pairs else float("nan")))
if ratios:
    print("median Atelier / PyTorch over %d paired epochs: %.3f (range %.3f-%.3f)"
          % (len(ratios), statistics.median(ratios), min(ratios), max(ratios)))
PY
