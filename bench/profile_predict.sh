#!/usr/bin/env bash
# Where a prediction's time goes: starts the jar with a 1-epoch model, warms it at concurrency 8, then
# samples the whole machine with perf for 20 s of `hey -c 8` on POST /predict. Java frames are named
# through the JVM's own perf map (jcmd Compiler.perfmap) and walked through frame pointers, so the
# service runs at nearly its unprofiled rate; JFR's profile settings halved it and skewed the shares.
#
#   bench/profile_predict.sh          CONCURRENCY=8 WARMUP_SECONDS=60 BATCHING=true bench/profile_predict.sh
#
# Prints the machine's CPU by process (the service, hey, idle), the service's CPU by what runs (its
# Java code, the kernel on its behalf, libtorch...), the kernel's share by the call that entered it,
# and the share of samples under each serving step. Steps are physical frames: a method the JIT has
# inlined into its caller has no frame of its own (PredictionService's methods are kept out of line for
# this; they run once a request), and libtorch's frames carry no frame pointers, so samples in the
# network often lose the frames above them: the steps are lower bounds.
#
# Needs the real Fashion-MNIST, hey, curl, python3, perf (apt-get install linux-perf) and jcmd.
. "$(dirname "$0")/lib.sh"
port=${PORT:-18096}
concurrency=${CONCURRENCY:-8}

work=$(mktemp -d)
trainer=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
key=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
ATELIER_SECURITY_TRAINER_KEYS="$trainer" ATELIER_SECURITY_PREDICTOR_KEYS="$key" \
GLIBC_TUNABLES="$tunables" \
  java -XX:+PreserveFramePointer -XX:CompileCommand=quiet \
  -XX:CompileCommand=dontinline,io.atelier.inference.PredictionService::* -jar "$jar" --server.port="$port" --atelier.data-dir="$work/data" \
  --atelier.inference.batching.enabled="${BATCHING:-true}" >"$work/atelier.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true; rm -rf "$work" "/tmp/perf-$pid.map"' EXIT
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
perf record -F 999 -g -a -o "$work/perf.data" -- sleep 20 2>/dev/null >/dev/null
jcmd "$pid" Compiler.perfmap >/dev/null
wait "$hey_pid"
awk '/Requests\/sec/ { printf "load: c=%s, %.0f req/s, ", c, $2 } /50% in/ { printf "p50 %.2f ms, ", $3 * 1000 }
  /99% in/ { printf "p99 %.2f ms\n", $3 * 1000 }' c="$concurrency" "$work/hey"
curl -sf "localhost:$port/actuator/prometheus" | grep -E '^atelier_inference_batch_size_images_(sum|count)' || true
perf script -i "$work/perf.data" -F pid,comm,ip,sym,dso 2>/dev/null >"$work/stacks.txt"
python3 - "$work/stacks.txt" "$pid" <<'PY'
import collections, re, sys
samples, service = [], sys.argv[2]
for block in open(sys.argv[1], errors='replace').read().split('\n\n'):
    lines = block.strip('\n').split('\n')
    if not lines[0].strip():
        continue
    comm, _, pid = lines[0].strip().rpartition(' ')  # a thread's name may hold spaces
    frames = [m.groups() for m in (re.match(r'\s+[0-9a-f]+ (.*) \((.*)\)$', l) for l in lines[1:]) if m]
    samples.append((pid, comm.strip(), frames))
total = len(samples)

def show(title, counter, n, top=None):
    print(f"\n{title}")
    for name, count in counter.most_common(top):
        print(f"  {100 * count / n:5.1f}%  {name}")

by_process = collections.Counter()
for pid, comm, _ in samples:
    by_process['Atelier' if pid == service else 'hey' if comm == 'hey' else 'idle' if pid == '0' else 'other'] += 1
show(f"CPU of the machine by process (perf, {total} samples, 2 cores):", by_process, total)

ours = [frames for pid, _, frames in samples if pid == service and frames]
def runs(dso):
    if dso.startswith('/tmp/perf-'):
        return 'JIT-compiled Java (Tomcat, Spring, Micrometer, Jackson, ImageIO, DJL)'
    if 'kernel' in dso:
        return 'kernel on its behalf'
    if re.search(r'libtorch|libc10|libdjl_torch|libgomp|libstdc\+\+', dso):
        return 'libtorch, c10, DJL JNI: the network'
    if 'libc.so' in dso:
        return 'libc (malloc, locks)'
    if 'libjvm' in dso:
        return 'the JVM (compiler, GC, runtime)'
    return 'other'
show(f"The service's CPU by what runs ({len(ours)} samples):", collections.Counter(runs(f[0][1]) for f in ours), len(ours))

entries = collections.Counter()
for frames in ours:
    if 'kernel' in frames[0][1]:
        caller = next((name for name, dso in frames if 'kernel' not in dso), '?')
        entries[re.sub(r'@.*|^__(GI___)?(libc_)?', '', caller.split('(')[0])] += 1
show("The service's CPU in the kernel, by the call that entered it (the largest):", entries, len(ours), 8)

steps = [
    ('Tomcat request processing (everything below it)', 'Http11Processor.service'),
    ('  HTTP observation filter (Micrometer, wraps the rest)', 'ServerHttpObservationFilter'),
    ('  Spring Security filter chain (wraps the rest)', 'AuthenticationFilter.doFilterInternal'),
    ('  DispatcherServlet (MVC dispatch and all below)', 'DispatcherServlet.doDispatch'),
    ('    PredictionService.predict', 'PredictionService.predict'),
    ('      image decoding', 'PredictionService.decode'),
    ('      dynamic batching (waiting, handing over)', 'DynamicBatcher'),
    ('      forward pass (ServingModel)', 'ServingModel'),
    ('    response writing (Jackson, converters)', 'writeWithMessageConverters'),
    ('Micrometer anywhere', 'io.micrometer'),
]
print("\nSamples of the service under each step (lower bounds; nested steps are indented):")
for name, mark in steps:
    count = sum(1 for frames in ours if any(mark in f for f, _ in frames))
    print(f"  {100 * count / len(ours):5.1f}%  {name}")
PY
