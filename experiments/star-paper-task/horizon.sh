#!/usr/bin/env bash
# Claim C3 of `lobench reproduce`: the final weights of every arm and meta-seed far past the 2000-step meta-training
# horizon on fmnist-mlp128x128: 10x (20,000 steps, evaluation seeds 0..2) -> horizon/h10x/ARM-sS-outerN, and 100x (200,000
# steps, evaluation seed 0, meta-seed 0 only: about half an hour per cell here) -> horizon/h100x/ARM-s0-outerN.
# Final weights = the outer-step-FINAL snapshot (default 2000). Finished directories are skipped.
#   experiments/star-paper-task/horizon.sh [FINAL=2000] [10x|100x|both] [ARMS=all, e.g. star-zero-sm1e-5,small-fc]
# Records training losses as means of 10 steps (run --loss-every 10: final and mean training loss exact, the
# record 8x smaller); the records made before that were restrided the same way (experiments/ARCHIVE.md).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
final="${1:-2000}"
which="${2:-10x}"
arms="${3:-all}"
shopt -s nullglob
run() { # factor steps seeds snap
  local snap="$4" name arm_seed arm opt out resume=()
  name="$(basename "$snap" .safetensors)"; arm_seed="${name%-outer*}"; arm="${arm_seed%-s*}"
  case "$arm" in star-*) opt=star ;; *) opt=small-fc ;; esac
  out="$here/horizon/h$1/$name"
  [ -f "$out/results.jsonl.gz" ] && return   # finished and compressed
  if [ -f "$out/results.jsonl" ] && grep -q '"type":"end"' "$out/results.jsonl"; then gzip -9 "$out/results.jsonl"; return; fi
  [ -f "$out/results.jsonl" ] && resume=(--resume "$out")
  echo "== $1: $arm_seed"
  (cd "$root" && ./lobench run --task fmnist-mlp128x128 --optimizer "$opt:weights=${snap#"$root"/}" --seeds "$3" --loss-every 10 \
    --steps "$2" --out "$out" "${resume[@]}" >/dev/null)
  gzip -9 "$out/results.jsonl"
}
tag="$(printf 'outer%06d' "$final")"
for snap in "$here"/runs/*/seed*/*.snapshots/*-"$tag".safetensors; do
  arm_of="$(basename "$(dirname "$(dirname "$(dirname "$snap")")")")"
  if [ "$arms" != all ] && [[ ",$arms," != *",$arm_of,"* ]]; then continue; fi
  if [ "$which" = 10x ] || [ "$which" = both ]; then run 10x 20000 3 "$snap"; fi
  case "$snap" in *-s0-"$tag".safetensors)
    if [ "$which" = 100x ] || [ "$which" = both ]; then run 100x 200000 1 "$snap"; fi ;;
  esac
done
