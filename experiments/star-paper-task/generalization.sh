#!/usr/bin/env bash
# Claim C4 of `lobench reproduce`: the shipped star and small-fc on every task of the generalization and ood suites
# that is not the meta-training task, 3 evaluation seeds, each task's own length. Resumed when interrupted.
#   experiments/star-paper-task/generalization.sh [OUT=generalization-final] [OPTIMIZERS=star,small-fc]
# generalization-final/: the final shipped weights (meta-seed 0 of each arm at outer step 2000), star and small-fc.
# generalization/ (kept in the history, see experiments/ARCHIVE.md): the outer-step-400 weights (now
# star:weights=star-mlp128-o400, small-fc:weights=small-fc-mlp128-o400) with velo-style and adam-tuned, made by
#   generalization.sh generalization star,small-fc,velo-style,adam-tuned
# Records training losses as means of 10 steps (run --loss-every 10: final and mean training loss exact, the
# record 8x smaller); the records made before that were restrided the same way (experiments/ARCHIVE.md).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$here/${1:-generalization-final}"
opts="${2:-star,small-fc}"
resume=()
[ -f "$out/results.jsonl" ] && resume=(--resume "$out")
cd "$root"
./lobench run --suite ood --optimizer "$opts" --seeds 3 --loss-every 10 --out "$out" "${resume[@]}"
