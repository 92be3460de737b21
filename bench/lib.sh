# Sourced by the bench scripts: builds the jar if needed, starts it on a fresh data directory with a
# fresh trainer key (through the environment, never the command line), and waits until it is ready.
#   start_atelier PORT          BENCH_INSECURE=true: no authentication, to measure what the key check costs;
#                               sets $work (a fresh directory, removed on exit), $pid, $key;
#                               the log is $work/atelier.log; the service is stopped on exit
#   api ARGS...                 curl with the key
#   wait_for_job ID             until the job ends; prints its JSON, fails unless SUCCEEDED
#   write_test_images DIR       DIR/one.png and DIR/batch.body (256 test images, multipart, boundary b)
# libtorch 2.7.1's oneDNN computes garbage in its AVX2/AVX-512 kernels on this workplace's machines
# (see the pom's surefire configuration); every JVM a benchmark starts caps it at AVX.
export DNNL_MAX_CPU_ISA=${DNNL_MAX_CPU_ISA:-AVX}
jar=${JAR:-$(ls target/atelier-*.jar 2>/dev/null | grep -v original | head -n 1 || true)}
if [ -z "$jar" ]; then ./mvnw -q -B -DskipTests package; jar=$(ls target/atelier-*.jar | grep -v original | head -n 1); fi

start_atelier() {
  work=$(mktemp -d)
  key=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
  ATELIER_SECURITY_TRAINER_KEYS="$key" ATELIER_SECURITY_INSECURE_LOCAL_MODE=${BENCH_INSECURE:-false} \
  GLIBC_TUNABLES=${BENCH_TUNABLES-glibc.malloc.mmap_threshold=67108864:glibc.malloc.trim_threshold=268435456} \
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

wait_for_job() {
  local job state
  while :; do
    job=$(api "localhost:$port/jobs/$1")
    state=$(printf '%s' "$job" | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])')
    case "$state" in SUCCEEDED|FAILED|CANCELLED) break;; esac
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
