#!/usr/bin/env bash
# A wider stability sweep than run.sh's default: target noise 1e-4 .. 1e3 (8 values) x 25 log-spaced curvatures
# 1e-6 .. 1e6, sgd, adam, star, small-fc and velo-style with the shipped weights, dim 1, 2000 steps. One run directory
# per noise level, noise-sweep/nNOISE/stability.jsonl.gz (the map: `lobench report DIR --html F`). Existing directories
# are kept (move one away to rerun it). Then prints the summary table of experiments/stability/README.md.
#   experiments/stability/noise-sweep.sh            # run what is missing, then summarise
#   experiments/stability/noise-sweep.sh --summary  # summarise only
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
here=experiments/stability/noise-sweep
noises="1e-4 1e-3 1e-2 1e-1 1 1e1 1e2 1e3"
if [ "${1:-}" != --summary ]; then
  for n in $noises; do
    out="$here/n$n"
    [ -e "$out" ] && continue
    ./lobench stability --optimizer sgd,adam,star,small-fc,velo-style --curvature 1e-6:1e6:25 --noise "$n" \
      --out "$out" >/dev/null
    gzip -9 -n "$out/stability.jsonl"
    rm -f "$out/stability.html"
  done
fi
python3 - "$here" $noises <<'PY'
import gzip, json, os, sys
here, noises = sys.argv[1], sys.argv[2:]
opts = ['sgd', 'adam', 'star', 'small-fc', 'velo-style']
print('| noise | ' + ' | '.join(opts) + ' |')
print('|---|' + '---|' * len(opts))
for n in noises:
    f = os.path.join(here, 'n' + n, 'stability.jsonl.gz')
    if not os.path.exists(f):
        print(f'| {n} | ' + ' | '.join('not run' for _ in opts) + ' |')
        continue
    by = {o: [] for o in opts}
    for line in gzip.open(f, 'rt'):
        r = json.loads(line)
        if r.get('type') == 'stability':
            by.setdefault(r['optimizer'].split('(')[0], []).append(r)
    cells = []
    for o in opts:
        rs = by[o]
        bad = [r for r in rs if not r['predictedStable']]
        div = sum(r['outcome'] != 'completed' for r in rs)
        worst = max((r['radius'] for r in bad), default=None)
        cells.append(f'{len(bad)}/{len(rs)} unstable' + (f' (max {worst:.4g})' if worst is not None else '')
                     + f', {div} diverged')
    print(f'| {n} | ' + ' | '.join(cells) + ' |')
print()
print('Per cell: curvatures predicted unstable (linearised spectral radius above 1 + 1e-3; the largest such radius) '
      'and 2000-step runs that diverged, out of 25 curvatures 1e-6..1e6.')
PY
