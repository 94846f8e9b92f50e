#!/usr/bin/env bash
# Claim C4 over meta-seeds: generalization.sh with meta-seed S's final weights (outer step 2000) of the shipped star arm
# (star-zero-sm1e-5) and of small-fc, into generalization-final-sS/. Meta-seed 0's weights are the shipped defaults:
# their record is generalization-final/ (plain `star`, `small-fc`). Resumed when interrupted.
#   experiments/star-paper-task/generalization-seeds.sh S...   (e.g. 1 2)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[ $# -gt 0 ] || { echo "usage: generalization-seeds.sh S... (meta-seeds, e.g. 1 2)" >&2; exit 2; }
runs=experiments/star-paper-task/runs
for s in "$@"; do
  case "$s" in ''|*[!0-9]*) echo "generalization-seeds.sh: a meta-seed is a number (got '$s')" >&2; exit 2 ;; esac
  star="$runs/star-zero-sm1e-5/seed$s/star-zero-sm1e-5-s$s.safetensors.snapshots/star-zero-sm1e-5-s$s-outer002000.safetensors"
  fc="$runs/small-fc/seed$s/small-fc-s$s.safetensors.snapshots/small-fc-s$s-outer002000.safetensors"
  for w in "$star" "$fc"; do
    [ -f "$here/../../$w" ] || { echo "generalization-seeds.sh: no weights $w (meta-seed $s has not reached outer step 2000)" >&2; exit 2; }
  done
  "$here/generalization.sh" "generalization-final-s$s" "star:weights=$star,small-fc:weights=$fc"
done
