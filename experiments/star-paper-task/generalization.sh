#!/usr/bin/env bash
# Claim C4 of `lobench reproduce`: the shipped star and small-fc (and velo-style, tuned Adam) on every task of the
# generalization and ood suites that is not the meta-training task, 3 evaluation seeds, each task's own length.
# Writes generalization/results.jsonl (resumed when interrupted).
#   experiments/star-paper-task/generalization.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$here/generalization"
resume=()
[ -f "$out/results.jsonl" ] && resume=(--resume "$out")
cd "$root"
./lobench run --suite ood --optimizer star,small-fc,velo-style,adam-tuned --seeds 3 --out "$out" "${resume[@]}"
