#!/usr/bin/env bash
# Intervention test of the collapse of star-zero meta-seed 0: take its outer-step-200 snapshot (which leaves
# fmnist-mlp128x128 at chance), set ONLY the direction output's bias b2[0] to 0 (data_sha256 recomputed), and train
# fmnist-mlp128x128 for 2000 steps on evaluation seeds 0-2. Writes diagnosis/star-zero-s0-outer200-b2zero.safetensors
# and diagnosis/b2zero/results.jsonl (gzipped afterwards: lobench report reads results.jsonl.gz).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
src="$here/../runs/star-zero/seed0/star-zero-s0.safetensors.snapshots/star-zero-s0-outer000200.safetensors"
dst="$here/star-zero-s0-outer200-b2zero.safetensors"
python3 - "$src" "$dst" <<'PY'
import hashlib, json, struct, sys
b = open(sys.argv[1], 'rb').read()
n = struct.unpack('<Q', b[:8])[0]
h = json.loads(b[8:8 + n])
data = bytearray(b[8 + n:])
s, e = h['b2']['data_offsets']
v = list(struct.unpack('<4f', data[s:e]))
print(f'b2 was {v}; setting b2[0] = 0')
v[0] = 0.0
data[s:e] = struct.pack('<4f', *v)
h['__metadata__']['data_sha256'] = hashlib.sha256(bytes(data)).hexdigest()
hb = json.dumps(h, separators=(',', ':')).encode()
hb += b' ' * ((8 - len(hb) % 8) % 8)
open(sys.argv[2], 'wb').write(struct.pack('<Q', len(hb)) + hb + bytes(data))
PY
out="$here/b2zero"
[ -e "$out" ] && { echo "direction-bias.sh: $out exists" >&2; exit 2; }
cd "$root"
./lobench run --task fmnist-mlp128x128 --optimizer "star:weights=${dst#"$root"/}" --seeds 3 --steps 2000 --out "$out"
gzip -9 -n "$out/results.jsonl"
