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
. "$(dirname "$0")/lib.sh"
rounds=${ROUNDS:-3}
duration=${SECONDS_PER_RUN:-10}
warmup=${WARMUP_SECONDS:-20}
peer_python=${PEER_PYTHON:-/tmp/peer/bin/python}
peer_script=$(cd ../shared/bench 2>/dev/null && pwd)/peer_serve.py
[ -f "$peer_script" ] || peer_script=/work/shared/bench/peer_serve.py

instances
write_test_images "$work"

# One model, trained once: the instances below each start from a copy of this data directory.
train_model 18090
for name in batching unbatched; do mkdir -p "$work/$name"; cp -r "$work/model/data" "$work/$name/data"; done

machine
echo "load: hey -z ${duration}s, POST /predict, one 28x28 PNG; warm-up ${warmup}s at c=8 for each server"

# Warm when ready: from process start to readiness, then the first 10 s of load.
t0=$(date +%s.%N)
start_instance batching 18091 predictor java "${JAVA_OPTS:-}"
batching=$started
ready_on 18091
t1=$(date +%s.%N)
first=$(hey_predict 18091 10 8 | hey_summary)
echo "start to ready: $(echo "$t1 - $t0" | bc) s; first 10 s after ready at c=8: $first (req/s p50 p99 non-200)"

start_instance unbatched 18092 predictor java "${JAVA_OPTS:-}" --atelier.inference.batching.enabled=false
ready_on 18092
"$peer_python" "$peer_script" --port 18093 --workers 2 >"$work/peer.log" 2>&1 &
pids+=("$!")
for _ in $(seq 1 300); do   # importing torch in two workers takes a minute on a busy machine
  curl -sf -o /dev/null -X POST -H 'Content-Type: image/png' --data-binary @"$work/one.png" localhost:18093/predict && break
  sleep 1
done

for port in 18091 18092 18093; do hey_predict "$port" "$warmup" 8 >/dev/null; done

results="$work/results"
for round in $(seq 1 "$rounds"); do
  for c in 1 8 32; do
    for server in batching:18091 unbatched:18092 peer:18093; do
      line=$(hey_predict "${server#*:}" "$duration" "$c" | hey_summary)
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
