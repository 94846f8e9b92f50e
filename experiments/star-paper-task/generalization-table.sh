#!/usr/bin/env bash
# Claim C4 beside tuned Adam: per task of the ood suite (3 evaluation seeds), the median final training loss
# (lobench report's: mean of the last min(max(1, steps/10), 20) losses; a cell that did not complete counts as
# infinite; a strided record's block means weighted by their steps among the last k) of the best of the five tuned Adam learning rates, star, small-fc and velo-style, and how many tasks each
# learned optimizer beats that best Adam on. Tasks with missing cells are listed as incomplete.
#   experiments/star-paper-task/generalization-table.sh [RESULTS(.gz)...]
# With several files, an optimizer's cells come from the last file that has that optimizer: the default reads
# generalization/ (adam-tuned and velo-style, whose results do not depend on star's or small-fc's weights; the star
# and small-fc cells there are the outer-step-400 weights) and then generalization-final/ (star and small-fc with the
# final shipped weights), so the table is the final weights against the same tuned Adam and velo-style. An optimizer
# named with weights (star(weights=FILE), as in generalization-final-sS/) counts as its arm (star), so
#   generalization-table.sh generalization/results.jsonl.gz generalization-final-s1/results.jsonl.gz
# is the same table for meta-seed 1's weights.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
files=("$@")
if [ ${#files[@]} -eq 0 ]; then
  for d in generalization generalization-final; do
    f="$here/$d/results.jsonl"; [ -f "$f" ] || f="$f.gz"
    [ -f "$f" ] || { echo "generalization-table.sh: $f missing (see experiments/ARCHIVE.md to restore it)" >&2; exit 2; }
    files+=("$f")
  done
fi
python3 - "${files[@]}" <<'PY'
import collections, gzip, json, re, statistics, sys
cells = collections.defaultdict(lambda: collections.defaultdict(list))
for p in sys.argv[1:]:
    here = collections.defaultdict(lambda: collections.defaultdict(list))
    with (gzip.open(p, 'rt') if p.endswith('.gz') else open(p)) as fh:
        for line in fh:
            r = json.loads(line)
            if r.get('type') != 'cell':
                continue
            k = min(max(1, r['steps'] // 10), 20)
            K = r.get('lossEvery', 1)   # a strided record (run --loss-every K): block means of K steps
            if r['outcome'] != 'completed':
                v = float('inf')
            elif K == 1:
                v = statistics.fmean(r['trainLoss'][-k:])
            else:   # the last k steps, each block mean weighted by its steps among them (docs/metrics.md)
                n, tl, s = r['stepsRun'], r['trainLoss'], 0.0
                for i, x in enumerate(tl):
                    lo, hi = i * K, min((i + 1) * K, n) - 1
                    s += x * max(0, hi - max(lo, n - k) + 1)
                v = s / k
            o = re.sub(r'\(weights=[^()]*\)$', '', r['optimizer'])   # another meta-seed's weights count as the arm
            here[o][r['task']].append(v)
    for o, by_task in here.items():   # a later file replaces an optimizer's cells
        for t in cells:
            cells[t].pop(o, None)
        for t, v in by_task.items():
            cells[t][o] = v
learned = ['star', 'small-fc', 'velo-style']
wins, n = collections.Counter(), 0
print('| task | best tuned Adam | its loss | star | small-fc | velo-style |')
print('|---|---|---|---|---|---|')
incomplete = []
for t, d in sorted(cells.items()):
    if (any(len(v) < 3 for v in d.values()) or not all(o in d for o in learned)
            or sum(o.startswith('adam') for o in d) < 5):
        incomplete.append(t)
        continue
    med = {o: statistics.median(v) for o, v in d.items()}
    adams = {o: m for o, m in med.items() if o.startswith('adam')}
    best = min(adams, key=adams.get)
    n += 1
    row = [f'**{med[o]:.4g}**' if med[o] < adams[best] else f'{med[o]:.4g}' for o in learned]
    for o in learned:
        wins[o] += med[o] < adams[best]
    print(f'| {t} | {best} | {adams[best]:.4g} | ' + ' | '.join(row) + ' |')
print()
print(f'{n} complete tasks; bold: below the best tuned Adam. Beats the best tuned Adam on: '
      + ', '.join(f'{o} {wins[o]}/{n}' for o in learned) + '.')
if incomplete:
    print('Incomplete (cells missing): ' + ', '.join(incomplete) + '.')
PY
