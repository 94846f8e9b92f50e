#!/usr/bin/env bash
# Reruns the horizon experiment (README.md): the shipped learned optimizers against Adam at 1x, 10x and 100x their
# 2000-step meta-training horizon, and the meta-wd sweep's weights. Each run writes <run>/results.jsonl, which is then
# gzipped (lobench report reads results.jsonl.gz directly) and reported.
#
#   experiments/horizon/run.sh h1x h1x-velo-style     # the named runs (an existing run directory is refused)
#   experiments/horizon/run.sh all                    # every run; the 100x ones take many hours on 2 cores
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
here=experiments/horizon
sweeps=experiments/meta-training/runs/sweeps
TASKS=fmnist8-mlp32,fmnist8-mlp32-tanh
ADAM=adam-tuned:lrs=3,min=3e-4,max=3e-3
X1=(--steps 2000 --eval-every 500)
X10=(--steps 20000 --eval-every 5000)
X100=(--steps 200000 --eval-every 50000)

args() {
  case "$1" in
    h1x) echo --optimizer "$ADAM,star,small-fc" "${X1[@]}" ;;
    h10x) echo --optimizer "$ADAM,star,small-fc" "${X10[@]}" ;;
    h100x) echo --optimizer "star,small-fc,$ADAM" "${X100[@]}" ;;
    h10x-3seeds) echo --optimizer "$ADAM,star,small-fc,velo-style" "${X10[@]}" --seeds 3 ;;
    h1x-velo-style) echo --optimizer velo-style "${X1[@]}" ;;
    h10x-velo-style) echo --optimizer velo-style "${X10[@]}" ;;
    h100x-velo-style) echo --optimizer velo-style "${X100[@]}" ;;
    sweeps/star-meta-wd-0.5-2000) echo --optimizer "star:weights=$sweeps/star-meta-wd-0.5/star.safetensors" "${X1[@]}" ;;
    sweeps/star-meta-wd-0.5-20000) echo --optimizer "star:weights=$sweeps/star-meta-wd-0.5/star.safetensors" "${X10[@]}" ;;
    sweeps/star-meta-wd-1.0-2000) echo --optimizer "star:weights=$sweeps/star-meta-wd-1.0/star.safetensors" "${X1[@]}" ;;
    sweeps/star-meta-wd-1.0-20000) echo --optimizer "star:weights=$sweeps/star-meta-wd-1.0/star.safetensors" "${X10[@]}" ;;
    sweeps/star-meta-wd-1.0-200000) echo --optimizer "star:weights=$sweeps/star-meta-wd-1.0/star.safetensors" "${X100[@]}" ;;
    sweeps/small-fc-meta-wd-1.0-2000) echo --optimizer "small-fc:weights=$sweeps/small-fc-meta-wd-1.0/small-fc.safetensors" "${X1[@]}" ;;
    sweeps/small-fc-meta-wd-1.0-20000) echo --optimizer "small-fc:weights=$sweeps/small-fc-meta-wd-1.0/small-fc.safetensors" "${X10[@]}" ;;
    *) return 1 ;;
  esac
}

ALL="h1x h10x h100x h10x-3seeds h1x-velo-style h10x-velo-style h100x-velo-style sweeps/star-meta-wd-0.5-2000
  sweeps/star-meta-wd-0.5-20000 sweeps/star-meta-wd-1.0-2000 sweeps/star-meta-wd-1.0-20000 sweeps/star-meta-wd-1.0-200000
  sweeps/small-fc-meta-wd-1.0-2000 sweeps/small-fc-meta-wd-1.0-20000"
if [ $# = 0 ]; then
  echo "usage: $0 all | RUN... (runs: $(echo $ALL))" >&2
  exit 2
fi
runs=("$@")
if [ "$1" = all ]; then
  read -r -a runs <<<"$(echo $ALL)"
fi
for r in "${runs[@]}"; do
  a=$(args "$r") || { echo "unknown run '$r' (runs: $(echo $ALL))" >&2; exit 2; }
  out="$here/$r"
  if [ -e "$out" ]; then
    echo "$out exists: move it away to rerun it" >&2
    exit 2
  fi
  # shellcheck disable=SC2086 # $a is a list of words without spaces
  ./lobench run --task "$TASKS" $a --out "$out" >/dev/null
  gzip -9 -n "$out/results.jsonl"
  echo "== $r"
  ./lobench report "$out"
done
