#!/usr/bin/env bash
# Soak: POST /predict at high concurrency for several minutes while a training job runs. Reports
# requests, non-2xx answers, p50/p99, the service's resident memory after warm-up and at the end
# (sampled every 10 s), and whether the training job completed and how long it took.
#
#   bench/soak.sh                         SOAK_SECONDS=300 CONCURRENCY=32 EPOCHS=3 bench/soak.sh
#
# Needs the real Fashion-MNIST (apt-get install dataset-fashion-mnist), hey, curl and python3.
. "$(dirname "$0")/lib.sh"
port=${PORT:-18082}
soak=${SOAK_SECONDS:-300}
concurrency=${CONCURRENCY:-32}
epochs=${EPOCHS:-3}

start_atelier "$port"
write_test_images "$work"
rss() { awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status"; }
load() { hey -z "$1s" -c "$concurrency" -H "Authorization: Bearer $key" -m POST -T image/png -D "$work/one.png" \
  "http://localhost:$port/predict"; }

model=$(start_job '{"epochs": 1}')
wait_for_job "$model" >/dev/null
load "${WARMUP_SECONDS:-30}" >/dev/null

machine
echo "soak: ${soak}s of POST /predict at concurrency $concurrency, while a ${epochs}-epoch job trains"
job=$(start_job "{\"epochs\": $epochs}")
rss_start=$(rss)
( while kill -0 "$pid" 2>/dev/null; do echo "$(date +%s) $(rss)"; sleep 10; done ) >"$work/rss" &
sampler=$!
load "$soak" >"$work/hey"
kill "$sampler" 2>/dev/null || true
rss_end=$(rss)
awk '
  /Requests\/sec/ { rps = $2 }
  /50% in/ { p50 = $3 * 1000 }
  /99% in/ { p99 = $3 * 1000 }
  /^  \[[0-9]+\]/ { total += $2; if ($1 != "[200]") errors += $2; codes = codes $1 $2 " " }
  END { printf "requests %d (%.0f/s), non-200 %d, p50 %.2f ms, p99 %.2f ms, status codes: %s\n",
        total, rps, errors, p50, p99, codes }' "$work/hey"
awk -v start="$rss_start" -v end="$rss_end" '
  { if (min == "" || $2 < min) min = $2; if ($2 > max) max = $2 }
  NR % 6 == 1 { minutes = minutes " " $2 }
  END { printf "resident memory: %d MiB after warm-up, %d MiB at the end (samples: min %d, max %d MiB; each minute:%s)\n",
        start, end, min, max, minutes }' "$work/rss"
finished=$(wait_for_job "$job")
printf '%s' "$finished" | python3 -c '
import json, sys
from datetime import datetime
job = json.load(sys.stdin)
took = datetime.fromisoformat(job["finishedAt"].replace("Z", "+00:00")) - datetime.fromisoformat(job["startedAt"].replace("Z", "+00:00"))
print("training job: %s after %d epochs in %.0f s, test accuracy %.4f" % (job["state"], len(job["history"]),
      took.total_seconds(), job["history"][-1]["testAccuracy"]))'
