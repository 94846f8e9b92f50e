#!/usr/bin/env bash
# A cell's slowdown under a fixed competing CPU load, against its fair share of the cores (issue 13's measure).
# For REPS repetitions, one `lobench run` of fmnist-mlp128x128 with adam and star (STEPS steps, seed 0, the default
# thread count = the core count) runs quiet, beside `stress-ng --cpu 1` and beside `stress-ng --cpu 3` (N busy
# single-thread processes), in the order quiet, 1, 3 within each repetition. A cell's time is its training time
# (forward+backward + updates, lobench's timing fields; evaluations and JVM start-up are left out).
# Fair share: a cell with T threads on C cores beside N busy processes gets C*T/(T+N) cores when T+N > C, so its
# fair-share slowdown is max(1, (T+N)/C); the goal is measured slowdown <= 1.2 x fair share.
# Needs a machine with no other load (the load average is recorded; above 0.5 at the start it warns).
#   experiments/load-slowdown/run.sh [OUT=experiments/load-slowdown/<date>] [REPS=3] [STEPS=300]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${1:-$here/$(date -u +%Y%m%d-%H%M)}"
reps="${2:-3}"
steps="${3:-300}"
command -v stress-ng >/dev/null || { echo "run.sh: needs stress-ng (apt-get install stress-ng)" >&2; exit 2; }
[ -e "$out" ] && { echo "run.sh: $out exists; give another folder" >&2; exit 2; }
mkdir -p "$out"
read -r load1 _ < /proc/loadavg
{ echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs)"; echo "cores: $(nproc)";
  echo "load average at start: $load1"; echo "steps: $steps, repetitions: $reps"; echo "commit: $(git -C "$root" rev-parse --short HEAD)"; } > "$out/machine.txt"
awk -v l="$load1" 'BEGIN { exit !(l > 0.5) }' && echo "run.sh: warning: load average $load1 at start; the quiet runs are not quiet" >&2
(cd "$root" && ./lobench --version >/dev/null)   # builds the jar first if needed, outside the timed runs
for r in $(seq 1 "$reps"); do
  for n in 0 1 3; do
    pid=
    if [ "$n" -gt 0 ]; then stress-ng --cpu "$n" --cpu-method loop --quiet & pid=$!; sleep 2; fi
    (cd "$root" && ./lobench run --task fmnist-mlp128x128 --optimizer adam,star --seeds 1 --steps "$steps" \
      --out "$out/load$n-r$r" >/dev/null 2>"$out/load$n-r$r.log")
    if [ -n "$pid" ]; then kill "$pid"; wait "$pid" 2>/dev/null || true; fi
    gzip -9 "$out/load$n-r$r/results.jsonl"
  done
done
"$here/summary.sh" "$out" | tee "$out/summary.md"
