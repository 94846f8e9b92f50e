#!/usr/bin/env bash
# Meta-trains one arm x meta-seed of the STAR-on-the-paper's-task experiment, or resumes it.
#   experiments/star-paper-task/run.sh ARM SEED [OUTER_STEPS]
# ARM: star-zero   star, head init zero-direction, meta-wd 1.0
#      star-code   star, head init code (random output head), meta-wd 1.0
#      small-fc    small-fc, head init code, meta-wd 0
#      star-zero-sm1e-5  star, head init zero-direction, meta-wd 1.0, learned-term step multiplier 1e-5 (not 1e-3):
#                  the learned term's gain is step_mult x rsqrt(rms + 1e-6), up to 1000x step_mult; see README "Gain"
# Shared: fmnist-mlp128x128, PES 8 antithetic pairs x trunc 50, horizon 2000, sigma 0.01, outer Adam lr 1e-3
# (clip by value 3), per-step loss normaliser clip, one thread. Writes runs/ARM/seedS/ARM-sS.safetensors with its
# .jsonl log (gzipped once finished: .jsonl.gz, unzipped again by a resume), .light.ckpt (kept in git), .ckpt (full, 38 MB, not kept in git) and snapshots every 100 outer steps.
# Resumes exactly from the full checkpoint when present, else from the light one (inner runs restart).
# LOBENCH_JAR pins a jar copy so that rebuilding the project does not disturb a running job.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
arm="${1:?usage: run.sh ARM SEED [OUTER_STEPS]}"
seed="${2:?usage: run.sh ARM SEED [OUTER_STEPS]}"
outer="${3:-2000}"
case "$arm" in
  star-zero) args=(--arch star --head-init zero-direction --meta-wd 1.0) ;;
  star-code) args=(--arch star --head-init code --meta-wd 1.0) ;;
  small-fc)  args=(--arch small-fc --head-init code --meta-wd 0) ;;
  star-zero-sm1e-5) args=(--arch star --head-init zero-direction --meta-wd 1.0 --step-mult 1e-5) ;;
  *) echo "run.sh: unknown arm '$arm' (star-zero, star-code, small-fc, star-zero-sm1e-5)" >&2; exit 2 ;;
esac
dir="$here/runs/$arm/seed$seed"
mkdir -p "$dir"
out="$dir/$arm-s$seed.safetensors"
resume=()
if [ -f "$out.ckpt" ] || [ -f "$out.light.ckpt" ]; then resume=(--resume); fi
# a finished run's log is kept gzipped in git; extending the run appends to the plain log
if [ -f "$out.jsonl.gz" ] && [ ! -f "$out.jsonl" ]; then gunzip "$out.jsonl.gz"; fi
export OMP_NUM_THREADS=1
exec "$root/lobench" meta-train "${args[@]}" --task fmnist-mlp128x128 --estimator pes --particles 8 --trunc 50 \
  --horizon 2000 --sigma 0.01 --meta-lr 1e-3 --loss-normaliser clip --seed "$seed" --outer-steps "$outer" \
  --checkpoint-every 20 --snapshot-every 100 --threads 1 --out "$out" "${resume[@]}"
