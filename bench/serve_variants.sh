#!/usr/bin/env bash
# How much of a prediction's cost a configuration removes: several Atelier instances on copies of one
# model, each a variant (another JVM, flags, properties), all up at once and driven in turn (never
# together) with `hey -z` at one concurrency, ROUNDS times. Prints every run and each variant's medians
# against the first one. The first variant should be the shipped configuration.
#
#   VARIANTS='shipped|java||
#   no-security|java||--atelier.security.insecure-local-mode=true' bench/serve_variants.sh
#
#   a line: NAME|JAVA|JVM OPTIONS|APPLICATION ARGUMENTS      ROUNDS=5 SECONDS_PER_RUN=10 WARMUP_SECONDS=20 C=8
#
# Needs the real Fashion-MNIST, hey, curl and python3.
. "$(dirname "$0")/lib.sh"
rounds=${ROUNDS:-5}
duration=${SECONDS_PER_RUN:-10}
warmup=${WARMUP_SECONDS:-20}
concurrency=${C:-8}
: "${VARIANTS:?set VARIANTS, one NAME|JAVA|JVM OPTIONS|ARGUMENTS per line}"

instances
write_test_images "$work"
train_model 18190

port=18191
servers=()
while IFS='|' read -r name java options arguments; do
  [ -n "$name" ] || continue
  mkdir -p "$work/$name"
  cp -r "$work/model/data" "$work/$name/data"
  # shellcheck disable=SC2086
  start_instance "$name" "$port" predictor "${java:-java}" "$options" $arguments
  servers+=("$name:$port")
  port=$((port + 1))
done <<<"$VARIANTS"
for server in "${servers[@]}"; do ready_on "${server#*:}"; done

machine
echo "load: hey -z ${duration}s -c $concurrency, POST /predict, one 28x28 PNG; warm-up ${warmup}s each"
for server in "${servers[@]}"; do hey_predict "${server#*:}" "$warmup" "$concurrency" >/dev/null; done
for round in $(seq 1 "$rounds"); do
  for server in "${servers[@]}"; do
    echo "round $round ${server%%:*} $(hey_predict "${server#*:}" "$duration" "$concurrency" | hey_summary)"
  done
done | tee "$work/results"

python3 - "$work/results" <<'PY'
import collections, statistics, sys
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    fields = line.split()
    runs[fields[2]].append([float(x) for x in fields[3:6]])
first = None
print(f"\nmedians of {len(next(iter(runs.values())))} rounds: req/s (p50 ms, p99 ms), req/s against the first variant")
for name, rows in runs.items():
    rps, p50, p99 = (statistics.median(r[i] for r in rows) for i in range(3))
    first = first or rps
    print(f"  {name:24s} {rps:7,.0f} ({p50:.2f}, {p99:.2f})  {rps / first:.2f}")
PY
