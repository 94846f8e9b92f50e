#!/usr/bin/env bash
# Meta-training throughput before and after the vector kernels (issue 13): `lobench meta-bench` on the paper's
# meta-training task with two jars, run one after the other on the same machine in the same conditions.
#   experiments/meta-bench-kernels/run.sh OLD_JAR NEW_JAR [TASK=fmnist-mlp128x128]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
old="${1:?old jar}"; new="${2:?new jar}"; task="${3:-fmnist-mlp128x128}"
for which in old new; do
  jar="$old"; [ "$which" = new ] && jar="$new"
  LOBENCH_JAR="$jar" "$root/lobench" meta-bench --task "$task" --arch star,small-fc --particles 8 --steps 50 --warmup 10 \
    --repeats 3 --threads 1 --json "$here/$task-$which.json" > "$here/$task-$which.md"
done
