#!/usr/bin/env bash
# Training speed of the seed network side by side, in rounds: each round runs, one after the other on
# the same machine, ../shared/bench/seed_baseline.py under a current PyTorch (pip, $PYTORCH) in its
# `tuned` mode (data in memory: PyTorch's compute alone), the same with oneDNN capped at AVX as
# Atelier's is on these machines (see bench/lib.sh), its `seed` mode (the original pipeline), under
# Debian's PyTorch 1.13 ($TORCH1) in `seed` mode, and Atelier's default job through the jar twice: on
# the libtorch 2.7.1 DJL ships (oneDNN capped, `atelier`) and on the current PyTorch's libtorch through
# the engine folder native/build-engine.sh builds ($ENGINE, oneDNN uncapped, `atelier-current`).
# Each gets 2 threads, the same epochs and the same glibc malloc settings. Prints every runner's median
# training-pass seconds per epoch (test evaluation excluded on all sides) per round, then per pair the
# median over the rounds of that round's ratio Atelier / peer. bench/paired_seed.sh measures the ratio
# to PyTorch 2.13 `tuned` more closely, epoch by epoch in the same minutes.
#
#   bench/compare_seed.sh [EPOCHS] [ROUNDS]        default 10 and 3
#   PYTORCH=/tmp/atelier-venv/bin/python TORCH1=/usr/bin/python3 ENGINE=/tmp/atelier-torch-engine bench/compare_seed.sh 10 3
#
# Needs the real Fashion-MNIST, a venv with torch (see ../shared/bench/README.md) and Debian's
# python3-torch; a runner whose Python or engine folder is missing is left out and said so.
. "$(dirname "$0")/lib.sh"
epochs=${1:-10}
rounds=${2:-3}
shared=${SHARED:-../shared}
pytorch=${PYTORCH:-/tmp/atelier-venv/bin/python}
torch1=${TORCH1:-/usr/bin/python3}
engine=${ENGINE:-/tmp/atelier-torch-engine}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

baseline() { # NAME PYTHON MODE ROUND [ONEDNN_CAP]
  if ! "$2" -c 'import torch' 2>/dev/null; then echo "== $1: no torch in $2, left out"; return; fi
  echo "== round $4: $1 ($("$2" -c 'import torch; print(torch.__version__)'), $3, oneDNN ${5:-uncapped}, $epochs epochs)"
  if [ -n "${5:-}" ]; then cap=(env DNNL_MAX_CPU_ISA="$5" ONEDNN_MAX_CPU_ISA="$5"); else cap=(env -u DNNL_MAX_CPU_ISA -u ONEDNN_MAX_CPU_ISA); fi
  # The glibc malloc settings Atelier runs with: they made PyTorch's epochs 6-15% faster here too in
  # three alternating runs, and a comparison gives both sides the same allocator.
  "${cap[@]}" GLIBC_TUNABLES="$tunables" "$2" "$shared/bench/seed_baseline.py" "$shared/data/fashion-mnist" "$3" "$epochs" 2 0 2>/dev/null \
    | tee "$out/$1.$4"
}

for round in $(seq 1 "$rounds"); do
  baseline pytorch2-tuned "$pytorch" tuned "$round"
  baseline pytorch2-tuned-avx "$pytorch" tuned "$round" AVX
  baseline pytorch2-seed "$pytorch" seed "$round"
  baseline pytorch1-seed "$torch1" seed "$round"
  echo "== round $round: Atelier ($epochs epochs)"
  ENGINE= EPOCHS=$epochs bench/train.sh 0 | tee "$out/atelier.$round"
  if [ -f "$engine/engine.env" ]; then
    echo "== round $round: Atelier on $(grep PYTORCH_VERSION "$engine/engine.env") ($epochs epochs)"
    ENGINE=$engine EPOCHS=$epochs bench/train.sh 0 | tee "$out/atelier-current.$round"
  else
    echo "== no engine folder in $engine (native/build-engine.sh): atelier-current left out"
  fi
done

python3 - "$out" "$rounds" <<'PY'
import os, re, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
atelier_pattern = r"epoch +\d+ seconds ([0-9.]+) samples"
def median_seconds(runner, r):
    path = os.path.join(out, f"{runner}.{r}")
    if not os.path.exists(path):
        return None
    seconds = [float(m.group(1)) for m in re.finditer(atelier_pattern if runner.startswith("atelier") else r"seconds ([0-9.]+) total_correct", open(path).read())]
    return statistics.median(seconds) if seconds else None
peers = ["pytorch2-tuned", "pytorch2-tuned-avx", "pytorch2-seed", "pytorch1-seed"]
for atelier in ["atelier", "atelier-current"]:
    if median_seconds(atelier, 1) is None:
        continue
    print("\n%s:" % atelier)
    print("| round | " + " | ".join(peers) + " | %s | " % atelier + " | ".join(atelier + " / " + p for p in peers) + " |")
    print("|---" * (2 + 2 * len(peers)) + "|")
    ratios = {p: [] for p in peers}
    for r in range(1, rounds + 1):
        a = median_seconds(atelier, r)
        row = [median_seconds(p, r) for p in peers]
        cells = []
        for p, s in zip(peers, row):
            if s and a:
                ratios[p].append(a / s)
                cells.append("%.2f" % (a / s))
            else:
                cells.append("-")
        print("| %d | %s | %s | %s |" % (r, " | ".join("-" if s is None else "%.2f" % s for s in row),
                                        "-" if a is None else "%.2f" % a, " | ".join(cells)))
    for p in peers:
        if ratios[p]:
            print("median over %d rounds of %s / %s: %.2f" % (len(ratios[p]), atelier, p, statistics.median(ratios[p])))
PY
