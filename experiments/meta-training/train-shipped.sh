#!/usr/bin/env bash
# Meta-trains the shipped learned optimizers star, small-fc and velo-style with the same task, estimator and
# meta-compute (velo-style at its own meta-lr), and copies the weights to
# optimizers/src/main/resources/lobench/weights/: velo-style.safetensors (weights=auto) and, for star and small-fc,
# <arch>-fmnist8-v1.safetensors (their weights=auto now ships from experiments/star-paper-task). Copied weights must be
# pinned in PinnedWeights.SHA256.
#
#   experiments/meta-training/train-shipped.sh                 # all three archs, concurrently (one thread each)
#   PARALLEL=0 experiments/meta-training/train-shipped.sh      # one after the other
#   ARCHS=small-fc experiments/meta-training/train-shipped.sh  # one arch
#
# Resumable: an arch whose checkpoint runs/<arch>/<arch>.safetensors.ckpt (full, not in git) or
# runs/<arch>/<arch>.safetensors.light.ckpt (light, in git: the inner runs restart) exists continues from it with
# --resume (the settings below must not change; the checkpoint records and checks them). A finished run re-run with
# --resume only rewrites its weights. Progress: one JSON line per outer step in runs/<arch>/<arch>.safetensors.jsonl,
# gzipped to .jsonl.gz when the run ends (unpacked again before a resume).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

ARCHS="${ARCHS:-star small-fc velo-style}"
PARALLEL="${PARALLEL:-1}"
# Identical for both archs (see experiments/meta-training/README.md for why these values).
TASK=fmnist8-mlp32
ESTIMATOR=pes
PARTICLES=8
TRUNC=50
HORIZON=2000
OUTER_STEPS="${OUTER_STEPS:-2000}"  # as shipped; not part of the checkpoint fingerprint: a resume may change it
SIGMA=0.01
META_LR=1e-3            # star and small-fc
VELO_META_LR="${VELO_META_LR:-3e-4}"  # velo-style: at 1e-3 its meta-loss blew up to ~1000 by outer step 650 (runs/failed)
META_WD=0.1
SEED=0
CHECKPOINT_EVERY=25
# The shipped runs predate these options; their values then were:
LOSS_NORMALISER=none
HEAD_INIT=code  # star and small-fc

# Build once, then run a pinned copy of the jar: a rebuild of cli/target/lobench.jar under a running JVM breaks it.
./lobench --version >/dev/null
mkdir -p experiments/meta-training/target
pinned="experiments/meta-training/target/lobench-meta-$$.jar"
cp cli/target/lobench.jar "$pinned"
trap 'rm -f "$pinned"' EXIT

train() {
  local arch="$1"
  local dir="experiments/meta-training/runs/$arch"
  local out="$dir/$arch.safetensors"
  mkdir -p "$dir"
  local lr="$META_LR"
  local head=(--head-init "$HEAD_INIT")
  if [ "$arch" = velo-style ]; then
    lr="$VELO_META_LR"
    head=()  # velo-style starts from its own init (optimizers/VELO.md)
  fi
  local resume=()
  if [ -f "$out.ckpt" ] || [ -f "$out.light.ckpt" ]; then
    resume=(--resume)
    if [ -f "$out.jsonl.gz" ] && [ ! -f "$out.jsonl" ]; then
      gunzip -k "$out.jsonl.gz"
    fi
  fi
  echo "meta-train $arch: ${resume[*]:-fresh start}; log $out.jsonl" >&2
  LOBENCH_JAR="$pinned" LOBENCH_JAVA_OPTS="-Dai.djl.pytorch.num_threads=1 ${LOBENCH_JAVA_OPTS:-}" \
    ./lobench meta-train --arch "$arch" --task "$TASK" --estimator "$ESTIMATOR" --particles "$PARTICLES" \
      --trunc "$TRUNC" --horizon "$HORIZON" --outer-steps "$OUTER_STEPS" --sigma "$SIGMA" --meta-lr "$lr" \
      --meta-wd "$META_WD" --seed "$SEED" --checkpoint-every "$CHECKPOINT_EVERY" --threads 1 --no-fetch \
      --loss-normaliser "$LOSS_NORMALISER" "${head[@]}" \
      --out "$out" "${resume[@]}" >"$dir/stdout.txt" 2>"$dir/stderr.txt"
  gzip -9 -n -f "$out.jsonl"
  mkdir -p optimizers/src/main/resources/lobench/weights
  local name="$arch"
  [ "$arch" = velo-style ] || name="$arch-fmnist8-v1"
  cp "$out" "optimizers/src/main/resources/lobench/weights/$name.safetensors"
  echo "meta-train $arch: done; weights copied to optimizers/src/main/resources/lobench/weights/$name.safetensors" >&2
}

status=0
if [ "$PARALLEL" = 1 ]; then
  pids=()
  for a in $ARCHS; do
    train "$a" & pids+=($!)
  done
  for p in "${pids[@]}"; do
    wait "$p" || status=1
  done
else
  for a in $ARCHS; do
    train "$a" || status=1
  done
fi
exit $status
