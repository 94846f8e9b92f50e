#!/usr/bin/env bash
# Runs one lobench suite as a Slurm job array: task i of n runs shard i/n; a dependent job merges the shards.
#   sbatch --array=1-8 bench/scripts/slurm-array.sh generalization /shared/runs/gen
#   sbatch --dependency=afterok:<array job id> --wrap "./lobench merge /shared/runs/gen/shard-* --out /shared/runs/gen/all"
# Submit from the repository root (the job runs ./lobench in the submission directory). Arguments after the output
# root go to every task's `lobench run` (e.g. --steps 100 --seeds 1); give the same ones when resubmitting.
# bench/scripts/slurm-local-check.sh runs this on a single-node Slurm and checks the merge against an unsharded run.
#SBATCH --job-name=lobench
#SBATCH --cpus-per-task=2
#SBATCH --mem=8G
#SBATCH --time=04:00:00
set -euo pipefail
suite="${1:?suite name}"
out="${2:?output root}"
shift 2
i="${SLURM_ARRAY_TASK_ID:?run with sbatch --array=1-N}"
n="${SLURM_ARRAY_TASK_COUNT:?run with sbatch --array=1-N}"
dir="$out/shard-$i-of-$n"
# --resume makes a requeued (preempted) task continue where it stopped instead of starting over
if [ -f "$dir/results.jsonl" ]; then resume=(--resume "$dir"); else resume=(--out "$dir"); fi
exec ./lobench run --suite "$suite" --shard "$i/$n" "${resume[@]}" "$@"
