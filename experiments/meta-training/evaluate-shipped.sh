#!/usr/bin/env bash
# Evaluates the learned optimizers this experiment produced (star-fmnist8-v1, small-fc-fmnist8-v1, velo-style: shipped
# under those names since star and small-fc ship from experiments/star-paper-task) against Adam at lr 1e-3 and a
# small learning-rate grid, on seeds held out from meta-training (benchmark seeds 0..2; meta-training's inner runs use
# seeds >= 10^6):
#   - the meta-training task fmnist8-mlp32 at its meta-training horizon (2000 steps);
#   - fmnist-cnn16x32 (an architecture none of them was meta-trained on), 500 steps.
# Results (lobench JSONL, gzipped afterwards: lobench report reads results.jsonl.gz) go to experiments/meta-training/eval/<task>-<steps>/; the report is printed.
#
#   experiments/meta-training/evaluate-shipped.sh            # both tasks
#   SEEDS=1 experiments/meta-training/evaluate-shipped.sh    # quicker
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
SEEDS="${SEEDS:-3}"
OPTS="star:weights=star-fmnist8-v1,small-fc:weights=small-fc-fmnist8-v1,velo-style,adam,adam-tuned:lrs=5,min=3e-4,max=3e-2"

evaluate() {
  local task="$1" steps="$2"
  local out="experiments/meta-training/eval/$task-$steps"
  rm -rf "$out"
  ./lobench run --task "$task" --optimizer "$OPTS" --seeds "$SEEDS" --steps "$steps" --out "$out" >/dev/null
  ./lobench report "$out/results.jsonl" --format md > "$out/report.md"
  gzip -9 -n "$out/results.jsonl"
  echo "== $task, $steps steps, seeds 0..$((SEEDS - 1)): $out/report.md"
  grep '^| ' "$out/report.md" | head -20
}

evaluate fmnist8-mlp32 2000
evaluate fmnist-cnn16x32 500
