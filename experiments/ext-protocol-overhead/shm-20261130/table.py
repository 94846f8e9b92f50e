#!/usr/bin/env python3
"""Prints the overhead tables of docs/external-optimizer.md ("Overhead") from this folder's records, so the doc's
numbers are never copied by hand: median ms per step (± the 99.9% half-width of the mean) of the built-in Adam and of
the null and NumPy Adam clients over pipes and over the shared memory-mapped file, with the shm/pipes ratios of the
medians, and the benchmark JVM's CPU ms per step (JMH CpuTimeProfiler: lobench's side of the protocol only; the
client's CPU is not in it).

    python3 experiments/ext-protocol-overhead/shm-20261130/table.py [RUN_DIR]
"""
import gzip
import json
import os
import sys

run = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))


def load(name):
    path = os.path.join(run, name)
    return gzip.open(path, "rt") if os.path.exists(path) else open(path[:-3])


E = "examples/ext-optimizer/"
COLS = {
    "adam": "adam(lr=0.001)",
    "null pipes": f"ext(cmd=python3 {E}null_opt.py)",
    "null shm": f"ext(cmd=python3 {E}null_opt.py --shm)",
    "adam pipes": f"ext(cmd=python3 {E}adam.py)",
    "adam shm": f"ext(cmd=python3 {E}adam.py --shm)",
}
rec = {}
for line in load("overhead.jsonl.gz"):
    r = json.loads(line)
    if r.get("type") == "overhead" and r["kind"] != "calibration":
        rec[(r["kind"], r["task"], r["optimizerSpec"])] = r
cpu = {}
for kind in ("optimizer-only", "full-step"):
    for b in json.load(load(f"jmh-{kind}.json.gz")):
        m = b.get("secondaryMetrics", {}).get("cpu.ms/op")
        if m:
            cpu[(kind, b["params"]["task"], b["params"]["optimizer"])] = m["score"]
tasks = list(dict.fromkeys(t for _, t, _ in rec))


def cell(kind, task, col):
    r = rec.get((kind, task, COLS[col]))
    return None if r is None else r


def ms(r):
    return "-" if r is None else f"{r['medianMs']:.3f} ± {r['errorMs']:.3f}"


def ratio(a, b):
    return "-" if a is None or b is None else f"{a['medianMs'] / b['medianMs']:.2f}"


for kind in ("optimizer-only", "full-step"):
    print(f"\n{kind}: median ms per step ± 99.9% half-width; shm/pipes = ratio of the medians\n")
    print("| task | parameters | adam | ext null, pipes | ext null, shm | shm/pipes | ext adam, pipes | ext adam, shm "
          "| shm/pipes |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for t in tasks:
        c = {k: cell(kind, t, k) for k in COLS}
        if all(v is None for v in c.values()):
            continue
        n = next(v for v in c.values() if v)["numParams"]
        print(f"| {t} | {n:,} | {ms(c['adam'])} | {ms(c['null pipes'])} | {ms(c['null shm'])} | "
              f"{ratio(c['null shm'], c['null pipes'])} | {ms(c['adam pipes'])} | {ms(c['adam shm'])} | "
              f"{ratio(c['adam shm'], c['adam pipes'])} |")
print("\nbenchmark JVM CPU ms per step (lobench's side; the client's CPU is not counted)\n")
print("| task | kind | adam | ext null, pipes | ext null, shm | ext adam, pipes | ext adam, shm |")
print("|---|---|---:|---:|---:|---:|---:|")
for kind in ("optimizer-only", "full-step"):
    for t in tasks:
        row = [cpu.get((kind, t, "ext:" + COLS[k][4:-1] if k != "adam" else "adam")) for k in COLS]
        if all(v is None for v in row):
            continue
        print(f"| {t} | {kind} | " + " | ".join("-" if v is None else f"{v:.3f}" for v in row) + " |")
