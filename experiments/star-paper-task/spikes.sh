#!/usr/bin/env bash
# Loss spikes of long runs (claim C3's 100x-horizon "divergence"): for every cell of the given results files, the
# minibatch losses above THRESHOLD (default 1.0, i.e. far above a trained model's 0.02-0.2 and below chance's 2.30),
# per 10,000-step window: how many, the largest, and how many were back below THRESHOLD at the very next step (an
# isolated spike: one bad minibatch, not a change of the weights that persists). Also the cell's outcome, the first
# step above 10x the initial loss (lobench's divergence rule) and the test losses it recorded; with `run
# --param-stats` records, each parameter tensor's L2 norm at every evaluation.
#   experiments/star-paper-task/spikes.sh [--threshold X] RESULTS(.jsonl|.jsonl.gz)...
set -euo pipefail
threshold=1.0
if [ "${1:-}" = --threshold ]; then threshold="$2"; shift 2; fi
[ $# -ge 1 ] || { echo "usage: spikes.sh [--threshold X] RESULTS..." >&2; exit 2; }
python3 - "$threshold" "$@" <<'PY'
import gzip, json, sys
thr = float(sys.argv[1])
for p in sys.argv[2:]:
    with (gzip.open(p, 'rt') if p.endswith('.gz') else open(p)) as fh:
        for line in fh:
            r = json.loads(line)
            if r.get('type') != 'cell':
                continue
            tl = r['trainLoss']
            if r.get('lossEvery', 1) > 1:   # block means (run --loss-every K): no per-step spikes to count
                print(f"\n{r['optimizer']} seed {r['seed']}: skipped: recorded as means of {r['lossEvery']} steps "
                      "(run --loss-every); spikes need a per-step record")
                continue
            init = r['initialLoss']
            over10 = next((i for i, x in enumerate(tl) if x is None or x > 10 * init), None)
            print(f"\n{r['optimizer']} seed {r['seed']}: {r['outcome']} after {len(tl)} steps"
                  + (f" ({r['outcomeDetail']})" if r['outcomeDetail'] else '')
                  + f"; first loss > 10x initial: {'none' if over10 is None else 'step %d' % over10}"
                  + (f"; divergence factor {r['meta']['divergenceFactor']}" if 'divergenceFactor' in r['meta'] else ''))
            print('test loss: ' + ', '.join(f"{e['step']}: {e['testLoss']:.3f}" for e in r['evals']
                                           if e['testLoss'] is not None))
            ps = r['meta'].get('paramStats')
            if ps:
                names = list(ps[0]['l2'])
                print('| step | ' + ' | '.join(f'L2 {n}' for n in names) + ' |')
                print('|---:|' + '---:|' * len(names))
                for e in ps:
                    print(f"| {e['step']} | " + ' | '.join('-' if e['l2'][n] is None else f"{e['l2'][n]:.1f}"
                                                           for n in names) + ' |')
            print(f'| steps | losses > {thr:g} | largest | back below {thr:g} at the next step | mean loss |')
            print('|---|---:|---:|---:|---:|')
            tot = rec = 0
            for a in range(0, len(tl), 10000):
                w = tl[a:a + 10000]
                spikes = [a + i for i, x in enumerate(w) if x is not None and x > thr and a + i >= 100]
                back = [s for s in spikes if s + 1 < len(tl) and tl[s + 1] is not None and tl[s + 1] <= thr]
                known = [s for s in spikes if s + 1 < len(tl)]
                tot += len(known); rec += len(back)
                fin = [x for x in w if x is not None]
                print(f"| {a}-{a + len(w) - 1} | {len(spikes)} | {max(fin):.2f} | {len(back)} of {len(known)} "
                      f"| {sum(fin) / len(fin):.3f} |")
            print(f"isolated spikes (after step 100): {rec} of {tot} back below {thr:g} at the next step")
PY
