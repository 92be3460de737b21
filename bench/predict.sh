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
. "$(dirname "$0")/lib.sh"
port=${PORT:-18081}
duration=${SECONDS_PER_RUN:-10}

start_atelier "$port"

write_test_images "$work"

id=$(start_job '{"epochs": 1}')
wait_for_job "$id" >/dev/null

machine
report() {
  awk -v label="$1" -v per="$2" '
    /Requests\/sec/ { rps = $2 }
    /50% in/ { p50 = $3 * 1000 }
    /99% in/ { p99 = $3 * 1000 }
    /^  \[[0-9]+\]/ { codes = codes $1 $2 " " }
    END { printf "%-22s %10.0f req/s %10.0f images/s   p50 %6.2f ms   p99 %6.2f ms   %s\n", label, rps, rps * per, p50, p99, codes }'
}
hey -z "${WARMUP_SECONDS:-20}s" -c 8 -H "Authorization: Bearer $key" -m POST -T image/png -D "$work/one.png" "http://localhost:$port/predict" >/dev/null
for c in 1 8 32; do
  hey -z "${duration}s" -c "$c" -H "Authorization: Bearer $key" -m POST -T image/png -D "$work/one.png" "http://localhost:$port/predict" \
    | report "predict c=$c" 1
done
for c in 2 8; do
  hey -z "${duration}s" -c "$c" -H "Authorization: Bearer $key" -m POST -T "multipart/form-data; boundary=b" -D "$work/batch.body" \
      "http://localhost:$port/predict/batch" | report "batch256 c=$c" 256
done
