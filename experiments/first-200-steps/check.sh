#!/usr/bin/env bash
# Invariant: no shipped learned optimizer diverges within the first 200 steps of any registered task at default
# settings. Runs star, small-fc and velo-style (shipped weights) for 200 steps, seed 0, on every task that
# `lobench list tasks` shows, then fails (exit 1) naming every cell that did not complete.
#   experiments/first-200-steps/check.sh [OUT=experiments/first-200-steps/run-<timestamp>]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${1:-$here/run-$(date +%Y%m%d-%H%M%S)}"
cd "$root"
tasks="$(./lobench list tasks 2>/dev/null | awk 'NR > 1 && NF >= 5 && $1 !~ /^families/ {print $1}' | paste -sd, -)"
[ -n "$tasks" ] || { echo "check.sh: no tasks listed" >&2; exit 2; }
resume=()
[ -f "$out/results.jsonl" ] && resume=(--resume "$out")
./lobench run --task "$tasks" --optimizer star,small-fc,velo-style --seeds 1 --steps 200 --out "$out" "${resume[@]}" >/dev/null
python3 - "$out/results.jsonl" <<'PY'
import json, sys
bad, n = [], 0
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("type") != "cell":
        continue
    n += 1
    if r["outcome"] != "completed":
        bad.append(f'{r["task"]} {r["optimizer"]}: {r["outcome"]} at step {len(r["trainLoss"])} ({r.get("outcomeDetail")})')
print(f"{n - len(bad)}/{n} cells completed 200 steps")
for b in bad:
    print("  NOT COMPLETED:", b)
sys.exit(1 if bad or n == 0 else 0)
PY
