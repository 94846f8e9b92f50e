#!/usr/bin/env bash
# Summarises a load-slowdown run folder (see run.sh): per optimizer and competing load N, the median training time
# over repetitions, the slowdown against the quiet median, the fair-share slowdown max(1, (T+N)/C) and their ratio.
#   experiments/load-slowdown/summary.sh DIR
set -euo pipefail
dir="${1:?usage: summary.sh DIR}"
python3 - "$dir" <<'PY'
import collections, glob, gzip, json, os, re, statistics, sys
d = sys.argv[1]
cores = int(re.search(r'cores: (\d+)', open(os.path.join(d, 'machine.txt')).read()).group(1))
times = collections.defaultdict(list)
threads = None
for p in sorted(glob.glob(os.path.join(d, 'load*-r*', 'results.jsonl.gz'))):
    n = int(re.search(r'load(\d+)-r', p).group(1))
    for line in gzip.open(p, 'rt'):
        r = json.loads(line)
        if r.get('type') == 'header':
            threads = r['threads']
        if r.get('type') == 'cell' and r['outcome'] == 'completed':
            t = r['timing']
            times[(r['optimizer'], n)].append(t['forwardBackwardSeconds'] + t['updateSeconds'])
print(open(os.path.join(d, 'machine.txt')).read().strip().replace('\n', '; '))
print(f'threads per cell: {threads}\n')
print('| optimizer | busy processes N | training s (median, runs) | slowdown | fair share | slowdown / fair share |')
print('|---|---:|---|---:|---:|---:|')
worst = 0
for opt in sorted({o for o, _ in times}):
    q = statistics.median(times[(opt, 0)])
    for n in sorted({n for o, n in times if o == opt}):
        v = times[(opt, n)]
        m = statistics.median(v)
        fair = max(1.0, (threads + n) / cores)
        ratio = (m / q) / fair
        if n > 0:
            worst = max(worst, ratio)
        print(f"| {opt} | {n} | {m:.2f} ({', '.join(f'{x:.2f}' for x in v)}) | {m / q:.2f}x | {fair:.2f}x | {ratio:.2f} |")
print(f'\nworst slowdown / fair share under load: {worst:.2f} (goal <= 1.2): {"met" if worst <= 1.2 else "not met"}')
PY
