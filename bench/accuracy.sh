#!/usr/bin/env bash
# The accuracy table of BENCHMARKS.md: each architecture trained on the real Fashion-MNIST through the
# built jar, once per seed, one job at a time; prints each run's final test accuracy and training
# minutes (training passes plus evaluations), then per architecture the median over the seeds.
#
#   bench/accuracy.sh [SEED ...]        default seeds: 0 1 2
#   ARCHITECTURES="seed-cnn cnn-bn" PORT=18081 bench/accuracy.sh 0 1 2
#
# seed-cnn runs with the defaults of POST /jobs (the seed pipeline); cnn-bn with $CNN_BN_JOB, the
# configuration the README recommends for it. Target: cnn-bn >= 0.92 median test accuracy in <= 15
# minutes of training per run on 2 cores. Needs the real Fashion-MNIST, curl and python3.
. "$(dirname "$0")/lib.sh"
seeds=("$@"); [ ${#seeds[@]} -gt 0 ] || seeds=(0 1 2)
architectures=${ARCHITECTURES:-"seed-cnn cnn-bn"}
port=${PORT:-18081}
seed_cnn_job=${SEED_CNN_JOB:-'{"architecture": "seed-cnn"}'}
cnn_bn_job=${CNN_BN_JOB:-'{"architecture": "cnn-bn", "epochs": 9, "batchSize": 128, "learningRate": 0.002, "weightDecay": 0.01, "schedule": "cosine", "augment": "none"}'}

start_atelier "$port"
machine
rows=$(mktemp)
trap 'rm -f "$rows"; kill $pid 2>/dev/null; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT
for architecture in $architectures; do
  case "$architecture" in
    seed-cnn) base=$seed_cnn_job ;;
    cnn-bn) base=$cnn_bn_job ;;
    *) echo "no job configuration for $architecture" >&2; exit 2 ;;
  esac
  for seed in "${seeds[@]}"; do
    body=$(python3 -c 'import json,sys; j=json.loads(sys.argv[1]); j["seed"]=int(sys.argv[2]); print(json.dumps(j))' "$base" "$seed")
    echo "== $architecture seed $seed: $body"
    id=$(start_job "$body")
    wait_for_job "$id" | python3 -c '
import json, sys
job = json.load(sys.stdin)
history = job["history"]
minutes = sum(e["seconds"] + e["evaluationSeconds"] for e in history) / 60
for e in history:
    print("  epoch %2d seconds %.1f train_acc %.4f test_acc %.4f" % (e["epoch"], e["seconds"], e["trainAccuracy"], e["testAccuracy"]))
print(sys.argv[1], sys.argv[2], "%.4f" % job["evaluation"]["accuracy"], "%.1f" % minutes)' "$architecture" "$seed" \
      | tee -a /dev/stderr | tail -n 1 >>"$rows"
  done
done

python3 - "$rows" <<'PY'
import collections, statistics, sys
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    architecture, seed, accuracy, minutes = line.split()
    runs[architecture].append((int(seed), float(accuracy), float(minutes)))
print("| architecture | seeds | test accuracy per seed | median | training minutes per seed | median |")
print("|---|---|---|---|---|---|")
for architecture, rs in runs.items():
    print("| %s | %s | %s | %.4f | %s | %.1f |" % (architecture, " ".join(str(r[0]) for r in rs),
          " ".join("%.4f" % r[1] for r in rs), statistics.median(r[1] for r in rs),
          " ".join("%.1f" % r[2] for r in rs), statistics.median(r[2] for r in rs)))
PY
