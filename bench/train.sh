#!/usr/bin/env bash
# Trains the seed configuration (the defaults of POST /jobs) through the built jar, once per seed,
# and prints per-epoch seconds, samples/s, train and test accuracy, then medians over the seeds.
#
#   bench/train.sh [SEED ...]          default seeds: 0 1 2
#   EPOCHS=10 SHUFFLE=true PORT=18080 JAR=target/atelier-0.1.0-SNAPSHOT.jar bench/train.sh 0
#   BENCH_TUNABLES= bench/train.sh 0   # glibc malloc left at its defaults (see bench/malloc.sh)
#
# Needs the real Fashion-MNIST (apt-get install dataset-fashion-mnist), curl and python3.
. "$(dirname "$0")/lib.sh"
seeds=("$@"); [ ${#seeds[@]} -gt 0 ] || seeds=(0 1 2)
epochs=${EPOCHS:-10}
shuffle=${SHUFFLE:-true}
port=${PORT:-18080}

start_atelier "$port"

machine
results=()
for seed in "${seeds[@]}"; do
  id=$(start_job "{\"epochs\": $epochs, \"seed\": $seed, \"shuffle\": $shuffle}")
  job=$(wait_for_job "$id")
  results+=("$job")
  printf '%s' "$job" | python3 -c '
import json, sys
job = json.load(sys.stdin)
print("seed", job["hyperparameters"]["seed"], "shuffle", job["hyperparameters"]["shuffle"])
for e in job["history"]:
    print("  epoch %2d seconds %.2f samples/s %.0f train_acc %.4f test_acc %.4f eval_seconds %.2f" % (
        e["epoch"], e["seconds"], e["samplesPerSecond"], e["trainAccuracy"], e["testAccuracy"], e["evaluationSeconds"]))'
done

printf '%s\n' "${results[@]}" | python3 -c '
import json, statistics, sys
jobs = [json.loads(line) for line in sys.stdin if line.strip()]
seconds = [e["seconds"] for j in jobs for e in j["history"]]
train = [j["history"][-1]["trainAccuracy"] for j in jobs]
test = [j["history"][-1]["testAccuracy"] for j in jobs]
print("summary over %d seed(s): median epoch seconds %.2f, median final train_acc %.4f, median final test_acc %.4f"
      % (len(jobs), statistics.median(seconds), statistics.median(train), statistics.median(test)))'
