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
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-5}
duration=${SECONDS_PER_RUN:-10}
warmup=${WARMUP_SECONDS:-20}
concurrency=${C:-8}
. bench/lib.sh

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
key=$(python3 -c 'import secrets; print(secrets.token_hex(32))')

# start NAME PORT ROLE JAVA JVM_OPTIONS ARGS...: Atelier on $work/NAME/data; sets $started (its pid).
start() {
  local name=$1 port=$2 role=$3 java=$4 options=$5; shift 5
  mkdir -p "$work/$name"
  # shellcheck disable=SC2086
  env "ATELIER_SECURITY_${role^^}_KEYS=$key" \
  GLIBC_TUNABLES=${BENCH_TUNABLES-glibc.malloc.mmap_threshold=67108864:glibc.malloc.trim_threshold=268435456} \
    "$java" $options -jar "$jar" --server.port="$port" --atelier.data-dir="$work/$name/data" "$@" \
    >>"$work/$name/atelier.log" 2>&1 &
  started=$!
  pids+=("$started")
}
ready() {
  for _ in $(seq 1 2400); do curl -sf "localhost:$1/actuator/health/readiness" >/dev/null && return; sleep 0.05; done
  echo "not ready on port $1" >&2; return 1
}
load() {  # PORT SECONDS
  hey -z "$2s" -c "$concurrency" -H "Authorization: Bearer $key" -m POST -T image/png -D "$work/one.png" \
    "http://localhost:$1/predict"
}
parse() { awk '/Requests\/sec/ { rps = $2 } /50% in/ { p50 = $3 * 1000 } /99% in/ { p99 = $3 * 1000 }
  /^  \[[0-9]+\]/ { if ($1 != "[200]") bad = bad $1 $2 " " }
  END { printf "%.0f %.2f %.2f %s\n", rps, p50, p99, (bad == "" ? "-" : bad) }'; }

write_test_images "$work"
start model 18190 trainer java ""
ready 18190
curl -sf -H "Authorization: Bearer $key" -X POST localhost:18190/jobs -H 'Content-Type: application/json' \
  -d '{"epochs": 1, "trainLimit": 10000}' >/dev/null
until curl -sf -H "Authorization: Bearer $key" localhost:18190/models | grep -q jobId; do sleep 1; done
kill "$started"; wait "$started" 2>/dev/null || true

port=18191
servers=()
while IFS='|' read -r name java options arguments; do
  [ -n "$name" ] || continue
  mkdir -p "$work/$name"
  cp -r "$work/model/data" "$work/$name/data"
  # shellcheck disable=SC2086
  start "$name" "$port" predictor "${java:-java}" "$options" $arguments
  servers+=("$name:$port")
  port=$((port + 1))
done <<<"${VARIANTS:?set VARIANTS, one NAME|JAVA|JVM OPTIONS|ARGUMENTS per line}"
for server in "${servers[@]}"; do ready "${server#*:}"; done

machine
echo "load: hey -z ${duration}s -c $concurrency, POST /predict, one 28x28 PNG; warm-up ${warmup}s each"
for server in "${servers[@]}"; do load "${server#*:}" "$warmup" >/dev/null; done
for round in $(seq 1 "$rounds"); do
  for server in "${servers[@]}"; do
    echo "round $round ${server%%:*} $(load "${server#*:}" "$duration" | parse)"
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
