#!/usr/bin/env bash
# Reruns the external-optimizer protocol overhead measurement with both transports in one run (pipes and the shared
# memory-mapped file, docs/external-optimizer.md "Transport"), into OUT (default: a new run-<date> folder next to
# this one, so the committed records stay), then gzips the JSON records (lobench reads overhead.jsonl.gz directly).
#
#   experiments/ext-protocol-overhead/shm-20261130/run.sh [OUT]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../../.."
out="${1:-experiments/ext-protocol-overhead/run-$(date -u +%Y%m%dT%H%M%SZ)}"
e=examples/ext-optimizer
./lobench overhead --quick --threads 1 \
  --optimizers "adam,ext:cmd=python3 $e/null_opt.py,ext:cmd=python3 $e/adam.py,ext:cmd=python3 $e/null_opt.py --shm,ext:cmd=python3 $e/adam.py --shm" \
  --tasks fmnist8-mlp32,fmnist-mlp128x128,synthetic-1M --out "$out"
gzip -9 -n "$out/overhead.jsonl" "$out"/jmh-*.json
