#!/usr/bin/env bash
# Reruns the external-optimizer protocol overhead measurement (README.md) into OUT (default: a new run-<date> folder
# here, so the committed records stay), then gzips the JSON records (lobench reads overhead.jsonl.gz directly).
#
#   experiments/ext-protocol-overhead/run.sh [OUT]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
out="${1:-experiments/ext-protocol-overhead/run-$(date -u +%Y%m%dT%H%M%SZ)}"
./lobench overhead --quick --threads 1 \
  --optimizers "adam,ext:cmd=python3 examples/ext-optimizer/null_opt.py,ext:cmd=python3 examples/ext-optimizer/adam.py" \
  --tasks fmnist8-mlp32,fmnist-mlp128x128,synthetic-1M --out "$out"
gzip -9 -n "$out/overhead.jsonl" "$out"/jmh-*.json
