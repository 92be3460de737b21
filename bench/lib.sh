# Sourced first by the bench scripts: sets strict mode and the repository root as working directory,
# builds the jar if needed, starts it on a fresh data directory with a fresh trainer key (through the
# environment, never the command line), and waits until it is ready.
#   start_atelier PORT          BENCH_INSECURE=true: no authentication, to measure what the key check costs;
#                               ENGINE=FOLDER: on the current PyTorch that native/build-engine.sh built
#                               FOLDER for, with oneDNN uncapped;
#                               sets $work (a fresh directory, removed on exit), $pid, $key;
#                               the log is $work/atelier.log; the service is stopped on exit
#   api ARGS...                 curl with the key
#   start_job JSON              POST /jobs on $port; prints the job's id
#   wait_for_job ID             until the job ends; prints its JSON, fails unless SUCCEEDED
#   write_test_images DIR       DIR/one.png and DIR/batch.body (256 test images, multipart, boundary b)
set -euo pipefail
# Every script runs from the repository's root, whichever directory it was started in.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# libtorch 2.7.1's oneDNN computes garbage in its AVX2/AVX-512 kernels on this workplace's machines
# (see the pom's surefire configuration); every JVM a benchmark starts caps it at AVX.
export DNNL_MAX_CPU_ISA=${DNNL_MAX_CPU_ISA:-AVX}
# glibc malloc as the image and README set it (bench/malloc.sh); BENCH_TUNABLES= leaves glibc's defaults.
tunables=${BENCH_TUNABLES-glibc.malloc.mmap_threshold=67108864:glibc.malloc.trim_threshold=268435456}
jar=${JAR:-$(ls target/atelier-*.jar 2>/dev/null | grep -v original | head -n 1 || true)}
if [ -z "$jar" ]; then ./mvnw -q -B -DskipTests package; jar=$(ls target/atelier-*.jar | grep -v original | head -n 1); fi

start_atelier() {
  work=$(mktemp -d)
  key=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
  local engine=()
  if [ -n "${ENGINE:-}" ]; then mapfile -t engine <"$ENGINE/engine.env"; engine=(-u DNNL_MAX_CPU_ISA "${engine[@]}"); fi
  env "${engine[@]}" ATELIER_SECURITY_TRAINER_KEYS="$key" ATELIER_SECURITY_INSECURE_LOCAL_MODE=${BENCH_INSECURE:-false} \
  GLIBC_TUNABLES="$tunables" \
    java -jar "$jar" --server.port="$1" --atelier.data-dir="$work/data" >"$work/atelier.log" 2>&1 &
  pid=$!
  trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT
  for _ in $(seq 1 120); do curl -sf "localhost:$1/actuator/health/readiness" >/dev/null && return; sleep 0.5; done
  echo "Atelier did not become ready:" >&2
  tail -n 20 "$work/atelier.log" >&2
  return 1
}

api() {
  curl -sf -H "Authorization: Bearer $key" "$@"
}

start_job() {
  local created
  created=$(api -X POST "localhost:$port/jobs" -H 'Content-Type: application/json' -d "$1")
  [[ $created =~ \"id\":\"([^\"]+)\" ]] || { echo "no job id in: $created" >&2; return 1; }
  printf '%s\n' "${BASH_REMATCH[1]}"
}

wait_for_job() {
  local job state
  # Polls with curl alone: a Python per poll (through pyenv's shell shims here) took a tenth of the two
  # cores away from the job being measured, and training's threads then wait on each other.
  while :; do
    job=$(api "localhost:$port/jobs/$1")
    [[ $job =~ \"state\":\"([A-Z]+)\" ]] && state=${BASH_REMATCH[1]}
    case "${state:-}" in SUCCEEDED|FAILED|CANCELLED) break;; esac
    sleep 1
  done
  printf '%s\n' "$job"
  [ "$state" = SUCCEEDED ] || { echo "job $1 ended $state" >&2; return 1; }
}

machine() {
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(java -version 2>&1 | head -n 1)"
}

# Test images 0..255 as 8-bit grayscale PNGs, and a multipart body holding all of them.
write_test_images() {
  python3 - "$1" <<'PY'
import gzip, struct, sys, zlib
work = sys.argv[1]
raw = gzip.open("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz").read()[16:]
def png(pixels):
    chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + pixels[r * 28:(r + 1) * 28] for r in range(28))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 28, 28, 8, 0, 0, 0, 0)) \
        + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
images = [png(raw[i * 784:(i + 1) * 784]) for i in range(256)]
open(f"{work}/one.png", "wb").write(images[0])
with open(f"{work}/batch.body", "wb") as body:
    for i, image in enumerate(images):
        body.write(f'--b\r\nContent-Disposition: form-data; name="images"; filename="{i}.png"\r\n'
                   'Content-Type: image/png\r\n\r\n'.encode() + image + b"\r\n")
    body.write(b"--b--\r\n")
PY
}

# Several instances side by side (serve_vs_peer.sh, serve_variants.sh):
#   instances                   sets $work (removed on exit), $key, and $pids (each stopped on exit)
#   start_instance NAME PORT ROLE JAVA JVM_OPTIONS ARGS...
#                               Atelier on $work/NAME/data, $key in ROLE (trainer or predictor); sets $started
#   ready_on PORT               waits for readiness, polling every 50 ms
#   train_model PORT            one 1-epoch model (10,000 images) in $work/model/data
#   hey_predict PORT SECONDS CONCURRENCY      POST /predict of $work/one.png with $key
#   hey_summary                 hey's output as "req/s p50_ms p99_ms non-200" ("-" when all were 200)
instances() {
  work=$(mktemp -d)
  pids=()
  key=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
  trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"' EXIT
}

start_instance() {
  local name=$1 port=$2 role=$3 java=$4 options=$5
  shift 5
  mkdir -p "$work/$name"
  # shellcheck disable=SC2086
  env "ATELIER_SECURITY_${role^^}_KEYS=$key" \
  GLIBC_TUNABLES="$tunables" \
    "$java" $options -jar "$jar" --server.port="$port" --atelier.data-dir="$work/$name/data" "$@" \
    >>"$work/$name/atelier.log" 2>&1 &
  started=$!
  pids+=("$started")
}

ready_on() {
  for _ in $(seq 1 2400); do curl -sf "localhost:$1/actuator/health/readiness" >/dev/null && return; sleep 0.05; done
  echo "not ready on port $1" >&2
  return 1
}

train_model() {
  start_instance model "$1" trainer java ""
  ready_on "$1"
  curl -sf -H "Authorization: Bearer $key" -X POST "localhost:$1/jobs" -H 'Content-Type: application/json' \
    -d '{"epochs": 1, "trainLimit": 10000}' >/dev/null
  until curl -sf -H "Authorization: Bearer $key" "localhost:$1/models" | grep -q jobId; do sleep 1; done
  kill "$started"
  wait "$started" 2>/dev/null || true
}

hey_predict() {
  hey -z "$2s" -c "$3" -H "Authorization: Bearer $key" -m POST -T image/png -D "$work/one.png" \
    "http://localhost:$1/predict"
}

hey_summary() {
  awk '/Requests\/sec/ { rps = $2 } /50% in/ { p50 = $3 * 1000 } /99% in/ { p99 = $3 * 1000 }
    /^  \[[0-9]+\]/ { if ($1 != "[200]") bad = bad $1 $2 " " }
    END { printf "%.0f %.2f %.2f %s\n", rps, p50, p99, (bad == "" ? "-" : bad) }'
}
