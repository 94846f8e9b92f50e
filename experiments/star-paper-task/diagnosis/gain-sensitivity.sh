#!/usr/bin/env bash
# How sensitive is star's training loss to the meta-training perturbation, and to which part of theta?
# Starts from star's zero-direction theta-init (as every star-zero run does), adds Gaussian noise of std SIGMA to
# one part of theta (4 draws per case, data_sha256 recomputed), and trains fmnist-mlp128x128 for 100 steps on
# evaluation seeds 0-1 (the summary's loss: mean minibatch training loss of steps 91-100). Cases: the output layer
# (w2, b2) at sigma 1e-2 .. 1e-4, the hidden layers (w0..b1) and the decay offsets at 1e-2, all of theta at 1e-2,
# and all of theta at 1e-2 with the learned-term step multiplier 1e-5 instead of 1e-3 (meta-train --step-mult).
# Writes gain-sensitivity/ (the two theta-inits, run/results.jsonl, summary.md); the perturbed weights are
# regenerated from the fixed seed and may be deleted.
#   experiments/star-paper-task/diagnosis/gain-sensitivity.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
out="$here/gain-sensitivity"
[ -e "$out" ] && { echo "gain-sensitivity.sh: $out exists; move it away to measure again" >&2; exit 2; }
mkdir -p "$out/w"
export OMP_NUM_THREADS=1
for sm in 0.001 1e-5; do
  "$root/lobench" meta-train --arch star --head-init zero-direction --step-mult "$sm" --task fmnist-mlp128x128 \
    --outer-steps 0 --threads 1 --out "$out/w/theta0-sm$sm.safetensors" >/dev/null
  rm -f "$out/w/theta0-sm$sm.safetensors".{ckpt,light.ckpt,jsonl}
done
python3 - "$out/w" <<'PY'
import hashlib, json, random, struct, sys
d = sys.argv[1]
def load(p):
    b = open(p, 'rb').read(); n = struct.unpack('<Q', b[:8])[0]
    return json.loads(b[8:8 + n]), bytearray(b[8 + n:])
head = ['w2', 'b2']; hidden = ['w0', 'b0', 'w1', 'b1']
decays = ['momentum_decays', 'rms_decays', 'adafactor_decays']
everything = head + hidden + decays
cases = [('head', head, s, '0.001') for s in (1e-2, 3e-3, 1e-3, 3e-4, 1e-4)] + [
    ('hidden', hidden, 1e-2, '0.001'), ('decays', decays, 1e-2, '0.001'), ('all', everything, 1e-2, '0.001'),
    ('all', everything, 1e-2, '1e-5')]
rng = random.Random(20261130)
for part, names, sigma, sm in cases:
    h, data = load(f'{d}/theta0-sm{sm}.safetensors')
    for i in range(4):
        x = bytearray(data)
        for k in names:
            s, e = h[k]['data_offsets']
            v = struct.unpack(f'<{(e - s) // 4}f', x[s:e])
            x[s:e] = struct.pack(f'<{len(v)}f', *[a + rng.gauss(0.0, sigma) for a in v])
        m = json.loads(json.dumps(h))
        m['__metadata__']['data_sha256'] = hashlib.sha256(bytes(x)).hexdigest()
        hb = json.dumps(m, separators=(',', ':')).encode(); hb += b' ' * ((8 - len(hb) % 8) % 8)
        open(f'{d}/{part}-sigma{sigma:g}-sm{sm}-draw{i}.safetensors', 'wb').write(struct.pack('<Q', len(hb)) + hb + bytes(x))
PY
opts=()
for f in "$out"/w/*.safetensors; do opts+=(--optimizer "star:weights=${f#"$root"/}"); done
cd "$root"
./lobench run --task fmnist-mlp128x128 "${opts[@]}" --steps 100 --seeds 2 --out "$out/run" >/dev/null
python3 - "$out/run/results.jsonl" > "$out/summary.md" <<'PY'
import collections, json, re, statistics, sys
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get('type') != 'cell':
        continue
    m = re.search(r'/w/(.*?)(?:-draw\d)?\.safetensors', r['optimizer'])
    loss = statistics.fmean(r['trainLoss'][-10:]) if r.get('outcome') == 'completed' else None
    rows[m.group(1)].append(loss)
print('| case (perturbed part, sigma, step_mult) | runs | diverged | at chance (loss > 2.2) | median of the rest: mean training loss of steps 91-100 |')
print('|---|---|---|---|---|')
for k in sorted(rows, key=lambda k: (not k.startswith('theta0'), k)):
    v = rows[k]; div = sum(x is None for x in v); ch = sum(x is not None and x > 2.2 for x in v)
    rest = [x for x in v if x is not None and x <= 2.2]
    print(f'| {k} | {len(v)} | {div} | {ch} | {statistics.median(rest):.3f} |' if rest else f'| {k} | {len(v)} | {div} | {ch} | - |')
PY
cat "$out/summary.md"
