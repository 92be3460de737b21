#!/usr/bin/env bash
# Serving side by side with a Python peer: Atelier with dynamic batching, Atelier without it, and
# ../shared/bench/peer_serve.py (FastAPI + uvicorn + PyTorch, 2 workers), all three up at once and
# driven in turn (never together) with `hey -z` and a real 28x28 Fashion-MNIST PNG, at concurrency
# 1, 8 and 32, ROUNDS times. Prints every run, the medians and the ratios to the peer.
#
# Before that, "warm when ready": a fresh Atelier start on a data directory holding a model, hey at
# concurrency 8 from the moment readiness turns UP for 10 s, against the steady c=8 figure later.
#
#   bench/serve_vs_peer.sh       ROUNDS=3 SECONDS_PER_RUN=10 WARMUP_SECONDS=20 PEER_PYTHON=/tmp/peer/bin/python
#   JAVA_OPTS='-XX:StartFlightRecording=...' bench/serve_vs_peer.sh     to profile the batching instance
#
# Needs the real Fashion-MNIST (apt-get install dataset-fashion-mnist), hey, curl, python3, and the
# peer's virtual environment (see ../shared/bench/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-3}
duration=${SECONDS_PER_RUN:-10}
warmup=${WARMUP_SECONDS:-20}
peer_python=${PEER_PYTHON:-/tmp/peer/bin/python}
peer_script=$(cd ../shared/bench 2>/dev/null && pwd)/peer_serve.py
[ -f "$peer_script" ] || peer_script=/work/shared/bench/peer_serve.py
. bench/lib.sh

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
key=$(python3 -c 'import secrets; print(secrets.token_hex(32))')

# start NAME PORT ROLE ARGS...: Atelier on $work/NAME/data, $key in ROLE (trainer or predictor);
# sets $started (its pid).
start() {
  local name=$1 port=$2 role=$3; shift 3
  mkdir -p "$work/$name"
  # shellcheck disable=SC2086
  env "ATELIER_SECURITY_${role^^}_KEYS=$key" \
  GLIBC_TUNABLES=${BENCH_TUNABLES-glibc.malloc.mmap_threshold=67108864:glibc.malloc.trim_threshold=268435456} \
    java ${JAVA_OPTS:-} -jar "$jar" --server.port="$port" --atelier.data-dir="$work/$name/data" "$@" \
    >>"$work/$name/atelier.log" 2>&1 &
  started=$!
  pids+=("$started")
}
ready() {  # PORT: waits for readiness, polling every 50 ms
  for _ in $(seq 1 2400); do curl -sf "localhost:$1/actuator/health/readiness" >/dev/null && return; sleep 0.05; done
  echo "not ready on port $1" >&2; return 1
}
stop() { kill "$1"; wait "$1" 2>/dev/null || true; }
load() {  # PORT SECONDS CONCURRENCY
  hey -z "$2s" -c "$3" -H "Authorization: Bearer $key" -m POST -T image/png -D "$work/one.png" \
    "http://localhost:$1/predict"
}
parse() { awk '/Requests\/sec/ { rps = $2 } /50% in/ { p50 = $3 * 1000 } /99% in/ { p99 = $3 * 1000 }
  /^  \[[0-9]+\]/ { if ($1 != "[200]") bad = bad $1 $2 " " }
  END { printf "%.0f %.2f %.2f %s\n", rps, p50, p99, (bad == "" ? "-" : bad) }'; }

write_test_images "$work"

# One model, trained once: the instances below each start from a copy of this data directory.
start model 18090 trainer
ready 18090
curl -sf -H "Authorization: Bearer $key" -X POST localhost:18090/jobs -H 'Content-Type: application/json' \
  -d '{"epochs": 1, "trainLimit": 10000}' >/dev/null
until curl -sf -H "Authorization: Bearer $key" localhost:18090/models | grep -q jobId; do sleep 1; done
stop "$started"
for name in batching unbatched; do mkdir -p "$work/$name"; cp -r "$work/model/data" "$work/$name/data"; done

machine
echo "load: hey -z ${duration}s, POST /predict, one 28x28 PNG; warm-up ${warmup}s at c=8 for each server"

# Warm when ready: from process start to readiness, then the first 10 s of load.
t0=$(date +%s.%N)
start batching 18091 predictor
batching=$started
ready 18091
t1=$(date +%s.%N)
first=$(load 18091 10 8 | parse)
echo "start to ready: $(echo "$t1 - $t0" | bc) s; first 10 s after ready at c=8: $first (req/s p50 p99 non-200)"

start unbatched 18092 predictor --atelier.inference.batching.enabled=false
ready 18092
"$peer_python" "$peer_script" --port 18093 --workers 2 >"$work/peer.log" 2>&1 &
pids+=("$!")
for _ in $(seq 1 300); do   # importing torch in two workers takes a minute on a busy machine
  curl -sf -o /dev/null -X POST -H 'Content-Type: image/png' --data-binary @"$work/one.png" localhost:18093/predict && break
  sleep 1
done

for port in 18091 18092 18093; do load "$port" "$warmup" 8 >/dev/null; done

results="$work/results"
for round in $(seq 1 "$rounds"); do
  for c in 1 8 32; do
    for server in batching:18091 unbatched:18092 peer:18093; do
      line=$(load "${server#*:}" "$duration" "$c" | parse)
      echo "round $round c=$c ${server%%:*} $line" | tee -a "$results"
    done
  done
done

python3 - "$results" "$first" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
first = float(sys.argv[2].split()[0])
def med(server, c, field):
    return statistics.median(float(r[field]) for r in rows if r[2] == f"c={c}" and r[3] == server)
print(f"\nmedians of {len(rows) // 9} rounds: req/s (p50 ms, p99 ms); ratio = Atelier / peer")
print("| c | Atelier batching | Atelier unbatched | Python peer | req/s ratio batching (unbatched) | p99 ratio | p50 ratio |")
print("| --- | --- | --- | --- | --- | --- | --- |")
for c in (1, 8, 32):
    b, u, p = ([med(s, c, i) for i in (4, 5, 6)] for s in ("batching", "unbatched", "peer"))
    print(f"| {c} | {b[0]:,.0f} ({b[1]:.2f}, {b[2]:.2f}) | {u[0]:,.0f} ({u[1]:.2f}, {u[2]:.2f}) | "
          f"{p[0]:,.0f} ({p[1]:.2f}, {p[2]:.2f}) | {b[0] / p[0]:.2f} ({u[0] / p[0]:.2f}) | {b[2] / p[2]:.2f} | "
          f"{b[1] / p[1]:.2f} |")
steady = med("batching", 8, 4)
print(f"\nwarm when ready: first 10 s at c=8 {first:,.0f} req/s = {first / steady:.0%} of the steady {steady:,.0f}")
PY
