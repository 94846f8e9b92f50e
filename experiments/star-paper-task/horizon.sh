#!/usr/bin/env bash
# Claim C3 of `lobench reproduce`: the final weights of every arm and meta-seed far past the 2000-step meta-training
# horizon on fmnist-mlp128x128: 10x (20,000 steps, evaluation seeds 0..2) -> horizon/h10x/ARM-sS-outerN, and 100x
# (200,000 steps, evaluation seeds 0..2, about half an hour per cell here on a quiet core) -> one run directory per
# evaluation seed: horizon/h100x/ARM-sS-outerN (seed 0, `--seeds 1`) and horizon/h100x/ARM-sS-outerN-seed1, -seed2
# (`--seeds 3 --shard 2/3`, `3/3`: the same cells a 3-seed run would train). Each directory is a complete run; report
# them together (`lobench report DIR...`) or join them (`lobench merge`).
# Final weights = the outer-step-FINAL snapshot (default 2000). Finished directories are skipped, interrupted ones resumed.
#   experiments/star-paper-task/horizon.sh [FINAL=2000] [10x|100x|both] [ARMS=all, e.g. star-zero-sm1e-5,small-fc] [SEEDS=0,1,2 (100x)] [META=all, e.g. 1,2]
# META restricts the meta-seeds (so that two processes can share the cells of one evaluation seed).
# Records training losses as means of 10 steps at 10x (run --loss-every 10: final and mean training loss exact, the
# record 8x smaller) and of 100 steps at 100x (the 100x seed-0 runs committed before that use 10); the records made
# before that were restrided the same way (experiments/ARCHIVE.md).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
final="${1:-2000}"
which="${2:-10x}"
arms="${3:-all}"
seeds100="${4:-0,1,2}"
meta="${5:-all}"
shopt -s nullglob
run() { # factor steps out-suffix snap seed-args...
  local factor="$1" steps="$2" suffix="$3" snap="$4" name arm_seed arm opt out resume=()
  shift 4
  name="$(basename "$snap" .safetensors)"; arm_seed="${name%-outer*}"; arm="${arm_seed%-s*}"
  case "$arm" in star-*) opt=star ;; *) opt=small-fc ;; esac
  out="$here/horizon/h$factor/$name$suffix"
  [ -f "$out/results.jsonl.gz" ] && return   # finished and compressed
  if [ -f "$out/results.jsonl" ] && grep -q '"type":"end"' "$out/results.jsonl"; then gzip -9 "$out/results.jsonl"; return; fi
  [ -f "$out/results.jsonl" ] && resume=(--resume "$out")
  echo "== $factor: $arm_seed$suffix"
  (cd "$root" && ./lobench run --task fmnist-mlp128x128 --optimizer "$opt:weights=${snap#"$root"/}" "$@" --loss-every "$([ "$factor" = 100x ] && echo 100 || echo 10)" \
    --steps "$steps" --out "$out" "${resume[@]}" >/dev/null)
  gzip -9 "$out/results.jsonl"
}
tag="$(printf 'outer%06d' "$final")"
for snap in "$here"/runs/*/seed*/*.snapshots/*-"$tag".safetensors; do
  arm_of="$(basename "$(dirname "$(dirname "$(dirname "$snap")")")")"
  if [ "$arms" != all ] && [[ ",$arms," != *",$arm_of,"* ]]; then continue; fi
  seed_of="$(basename "$(dirname "$(dirname "$snap")")")"   # seedS
  if [ "$meta" != all ] && [[ ",$meta," != *",${seed_of#seed},"* ]]; then continue; fi
  if [ "$which" = 10x ] || [ "$which" = both ]; then run 10x 20000 "" "$snap" --seeds 3; fi
  if [ "$which" = 100x ] || [ "$which" = both ]; then
    for e in ${seeds100//,/ }; do
      case "$e" in
        0) run 100x 200000 "" "$snap" --seeds 1 ;;
        1|2) run 100x 200000 "-seed$e" "$snap" --seeds 3 --shard "$((e + 1))/3" ;;
        *) echo "horizon.sh: evaluation seeds are 0, 1, 2 (got $e)" >&2; exit 2 ;;
      esac
    done
  fi
done
