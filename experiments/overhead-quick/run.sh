#!/usr/bin/env bash
# Reruns the per-step cost measurement quoted in the top-level README ("Cost: per-step overhead and memory"): JMH
# optimizer-only and full-step benchmarks of adam, star, small-fc and velo-style on three tasks, one fork, the
# machine's core count as threads. Writes overhead.jsonl, jmh-*.json and jmh.log into OUT (default: this folder's
# run-<date>, so the committed records stay), then gzips the JSON records (lobench report --overhead reads
# overhead.jsonl.gz directly).
#
#   experiments/overhead-quick/run.sh [OUT]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
out="${1:-experiments/overhead-quick/run-$(date -u +%Y%m%dT%H%M%SZ)}"
./lobench overhead --quick --tasks fmnist8-mlp32,fmnist-cnn16x32,synthetic-100k \
  --optimizers adam,star,small-fc,velo-style:steps=2000 --out "$out"
gzip -9 -n "$out/overhead.jsonl" "$out"/jmh-*.json
