#!/usr/bin/env bash
# Held-out evaluation of the meta-training snapshots (claim C2 of `lobench reproduce`): every EVERY-th outer step's
# snapshot of every arm and meta-seed trains fmnist-mlp128x128 for 2000 steps on evaluation seeds 0..SEEDS-1
# (meta-training uses inner seeds >= 10^6, so these runs are held out). One run directory per snapshot:
# eval/ARM-sS/outerN/results.jsonl.gz (gzipped when finished). Finished directories are skipped, interrupted ones
# resumed.
#   experiments/star-paper-task/evaluate.sh [EVERY=200] [SEEDS=3]
# Records training losses as means of 10 steps (run --loss-every 10: final and mean training loss exact, the
# record 8x smaller); the records made before that were restrided the same way (experiments/ARCHIVE.md).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
every="${1:-200}"
seeds="${2:-3}"
shopt -s nullglob
for snap in "$here"/runs/*/seed*/*.snapshots/*-outer*.safetensors; do
  name="$(basename "$snap" .safetensors)"          # ARM-sS-outerNNNNNN
  step=$((10#${name##*-outer}))
  (( step % every == 0 )) || continue
  arm_seed="${name%-outer*}"
  arm="${arm_seed%-s*}"
  case "$arm" in star-*) opt=star ;; small-fc) opt=small-fc ;; *) echo "evaluate.sh: unknown arm in $snap" >&2; exit 2 ;; esac
  out="$here/eval/$arm_seed/outer$step"
  [ -f "$out/results.jsonl.gz" ] && continue   # finished and compressed
  if [ -f "$out/results.jsonl" ] && grep -q '"type":"end"' "$out/results.jsonl"; then gzip -9 "$out/results.jsonl"; continue; fi
  resume=()
  [ -f "$out/results.jsonl" ] && resume=(--resume "$out")
  echo "== $arm_seed outer step $step"
  rel="${snap#"$root"/}"
  (cd "$root" && ./lobench run --task fmnist-mlp128x128 --optimizer "$opt:weights=$rel" --seeds "$seeds" --steps 2000 --loss-every 10 \
    --out "$out" "${resume[@]}" >/dev/null)
  gzip -9 "$out/results.jsonl"
done
