#!/usr/bin/env bash
# Reruns the stability experiment (README.md): `lobench stability` with the shipped weights at its defaults (dim 1,
# noise 1, 2000 steps, 25 curvatures 1e-3..1e3), once for sgd/adam/star/small-fc and once for velo-style. Each run
# writes stability.jsonl (gzipped afterwards: lobench report reads stability.jsonl.gz) and stability.html.
#
#   experiments/stability/run.sh            # both runs (an existing run directory is refused)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
here=experiments/stability
for pair in "default:sgd,adam,star,small-fc" "velo-style:velo-style"; do
  out="$here/${pair%%:*}"
  if [ -e "$out" ]; then
    echo "$out exists: move it away to rerun it" >&2
    exit 2
  fi
  ./lobench stability --optimizer "${pair#*:}" --out "$out"
  gzip -9 -n "$out/stability.jsonl"
done
