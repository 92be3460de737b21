#!/usr/bin/env bash
# Serving throughput: starts the built jar, trains a 1-epoch model, then drives POST /predict with
# hey at concurrency 1, 8 and 32 using a real 28x28 Fashion-MNIST PNG, and POST /predict/batch with
# 256 images per request. Prints requests/s and p50/p99 latency for each. A 20 s warm-up at
# concurrency 8 comes first: perf showed the JIT's C2 compiler still taking a fifth of the CPU
# 15 s after start, which is not the steady state a server runs in (WARMUP_SECONDS to change it).
#
#   bench/predict.sh                      SECONDS_PER_RUN=10 PORT=18081 bench/predict.sh
#
# Needs the real Fashion-MNIST (apt-get install dataset-fashion-mnist), hey, curl and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${PORT:-18081}
duration=${SECONDS_PER_RUN:-10}
jar=${JAR:-$(ls target/atelier-*.jar 2>/dev/null | grep -v original | head -n 1 || true)}
if [ -z "$jar" ]; then ./mvnw -q -B -DskipTests package; jar=$(ls target/atelier-*.jar | grep -v original | head -n 1); fi

work=$(mktemp -d)
GLIBC_TUNABLES=glibc.malloc.mmap_threshold=67108864:glibc.malloc.trim_threshold=268435456 \
  java -jar "$jar" --server.port="$port" --atelier.data-dir="$work/data" >"$work/atelier.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 120); do curl -sf "localhost:$port/actuator/health/readiness" >/dev/null && break; sleep 0.5; done

# Test images 0..255 as 8-bit grayscale PNGs, and a multipart body holding all of them.
python3 - "$work" <<'PY'
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

id=$(curl -sf -X POST "localhost:$port/jobs" -H 'Content-Type: application/json' -d '{"epochs": 1}' \
      | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
until curl -sf "localhost:$port/jobs/$id" | grep -q '"state":"SUCCEEDED"'; do sleep 1; done

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(java -version 2>&1 | head -n 1)"
report() {
  awk -v label="$1" -v per="$2" '
    /Requests\/sec/ { rps = $2 }
    /50% in/ { p50 = $3 * 1000 }
    /99% in/ { p99 = $3 * 1000 }
    /^  \[[0-9]+\]/ { codes = codes $1 $2 " " }
    END { printf "%-22s %10.0f req/s %10.0f images/s   p50 %6.2f ms   p99 %6.2f ms   %s\n", label, rps, rps * per, p50, p99, codes }'
}
hey -z "${WARMUP_SECONDS:-20}s" -c 8 -m POST -T image/png -D "$work/one.png" "http://localhost:$port/predict" >/dev/null
for c in 1 8 32; do
  hey -z "${duration}s" -c "$c" -m POST -T image/png -D "$work/one.png" "http://localhost:$port/predict" \
    | report "predict c=$c" 1
done
for c in 2 8; do
  hey -z "${duration}s" -c "$c" -m POST -T "multipart/form-data; boundary=b" -D "$work/batch.body" \
      "http://localhost:$port/predict/batch" | report "batch256 c=$c" 256
done
