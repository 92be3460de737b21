#!/usr/bin/env bash
# Side by side in one run: the original PyTorch pipeline (../shared/bench/seed_baseline.py, mode
# "seed", 2 threads) and Atelier's default job, same epochs, same machine, one after the other.
# Prints each one's median training-pass seconds per epoch and their ratio.
#
#   bench/compare_seed.sh [EPOCHS]     default 10
#
# Needs Debian's python3-torchvision for the baseline and the real Fashion-MNIST.
set -euo pipefail
cd "$(dirname "$0")/.."
epochs=${1:-10}
shared=${SHARED:-../shared}
baseline_out=$(mktemp)
atelier_out=$(mktemp)
trap 'rm -f "$baseline_out" "$atelier_out"' EXIT

echo "== PyTorch seed pipeline ($epochs epochs)"
/usr/bin/python3 "$shared/bench/seed_baseline.py" "$shared/data/fashion-mnist" seed "$epochs" 2 0 | tee "$baseline_out"
echo "== Atelier ($epochs epochs)"
EPOCHS=$epochs bench/train.sh 0 | tee "$atelier_out"

python3 - "$baseline_out" "$atelier_out" <<'PY'
import re, statistics, sys
baseline = [float(m.group(1)) for m in re.finditer(r"seconds ([0-9.]+) total_correct", open(sys.argv[1]).read())]
atelier = [float(m.group(1)) for m in re.finditer(r"epoch +\d+ seconds ([0-9.]+) samples", open(sys.argv[2]).read())]
b, a = statistics.median(baseline), statistics.median(atelier)
print(f"median training-pass seconds per epoch: pytorch-seed {b:.2f}, atelier {a:.2f}, ratio atelier/pytorch {a / b:.2f}")
PY
