#!/usr/bin/env bash
# Where a prediction's time goes: starts the jar with a 1-epoch model, warms it at concurrency 8,
# then for 20 s of `hey -c 8` on POST /predict records the whole process with perf (CPU by shared
# object: JIT-compiled Java, the JVM itself, libtorch, libc, the kernel) and with JFR (Java samples
# with deep stacks, attributed to the serving steps they fall in).
#
#   bench/profile_predict.sh          CONCURRENCY=8 WARMUP_SECONDS=60 BATCHING=true bench/profile_predict.sh
#
# Needs the real Fashion-MNIST, hey, curl, python3, perf (apt-get install linux-perf) and jfr (the JDK's).
set -euo pipefail
cd "$(dirname "$0")/.."
port=${PORT:-18096}
concurrency=${CONCURRENCY:-8}
. bench/lib.sh

work=$(mktemp -d)
trainer=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
key=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
ATELIER_SECURITY_TRAINER_KEYS="$trainer" ATELIER_SECURITY_PREDICTOR_KEYS="$key" \
GLIBC_TUNABLES=${BENCH_TUNABLES-glibc.malloc.mmap_threshold=67108864:glibc.malloc.trim_threshold=268435456} \
  java -XX:FlightRecorderOptions:stackdepth=256 -jar "$jar" --server.port="$port" --atelier.data-dir="$work/data" \
  --atelier.inference.batching.enabled="${BATCHING:-true}" >"$work/atelier.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 600); do curl -sf "localhost:$port/actuator/health/readiness" >/dev/null && break; sleep 0.5; done
write_test_images "$work"
curl -sf -H "Authorization: Bearer $trainer" -X POST "localhost:$port/jobs" -H 'Content-Type: application/json' \
  -d '{"epochs": 1, "trainLimit": 10000}' >/dev/null
until curl -sf -H "Authorization: Bearer $key" "localhost:$port/models" | grep -q jobId; do sleep 1; done
load() { hey -z "$1s" -c "$concurrency" -H "Authorization: Bearer $key" -m POST -T image/png -D "$work/one.png" \
  "http://localhost:$port/predict"; }
load "${WARMUP_SECONDS:-60}" >/dev/null

machine
load 30 >"$work/hey" &
hey_pid=$!
sleep 5
jcmd "$pid" JFR.start name=profile settings=profile filename="$work/profile.jfr" duration=20s >/dev/null
perf record -F 499 -g -p "$pid" -o "$work/perf.data" -- sleep 20 2>/dev/null >/dev/null
wait "$hey_pid"
sleep 2
awk '/Requests\/sec/ { printf "load: c=%s, %.0f req/s, ", c, $2 } /50% in/ { printf "p50 %.2f ms, ", $3 * 1000 }
  /99% in/ { printf "p99 %.2f ms\n", $3 * 1000 }' c="$concurrency" "$work/hey"
echo; echo "CPU of the whole process by shared object (perf, 20 s):"
perf report -i "$work/perf.data" --no-children --sort dso --stdio -g none 2>/dev/null | grep -E '^ +[0-9]' | head -10
curl -sf "localhost:$port/actuator/prometheus" | grep -E '^atelier_inference_batch_size_images_(sum|count)' || true
jfr print --events jdk.ExecutionSample "$work/profile.jfr" >"$work/samples.txt"
python3 - "$work/samples.txt" <<'PY'
import collections, re, sys
events = [re.findall(r'^\s+([\w$.<>]+)\(', e, re.M) for e in open(sys.argv[1]).read().split('jdk.ExecutionSample')[1:]]
events = [e for e in events if e]
steps = [  # the first one met walking down from the top of the stack takes the sample
    ('metrics and observations (Micrometer)', lambda f: f.startswith('io.micrometer')),
    ('JSON writing (Jackson)', lambda f: f.startswith('tools.jackson')),
    ('image decoding (ImageIO, ImageDecoder)', lambda f: 'ImageDecoder' in f or f.startswith(('javax.imageio', 'com.sun.imageio'))),
    ('engine (DJL, JNI to libtorch)', lambda f: f.startswith('ai.djl')),
    ('batching', lambda f: 'DynamicBatcher' in f),
    ('parameter validation (Hibernate Validator)', lambda f: 'hibernate.validator' in f),
    ('security (API key check, filters)', lambda f: f.startswith('org.springframework.security') or 'io.atelier.security' in f),
    ('Spring MVC (dispatch, arguments, converters)', lambda f: f.startswith('org.springframework.web')),
    ('Tomcat (HTTP parsing, I/O, pools)', lambda f: f.startswith(('org.apache.tomcat', 'org.apache.coyote', 'org.apache.catalina'))),
]
counts = collections.Counter()
for frames in events:
    counts[next((name for f in frames for name, match in steps if match(f)), 'other (JDK only)')] += 1
print(f"\nJava samples of the request threads by step (JFR, {len(events)} samples):")
for name, n in counts.most_common():
    print(f"  {100 * n / len(events):5.1f}%  {name}")
PY
