#!/usr/bin/env bash
# Kills a real `lobench run` with SIGKILL in the middle, resumes it with --resume, and checks that the result
# equals an uninterrupted run: the same cells, bit-identical loss curves, a valid file with an end record.
# On the way: a second writer of the running directory and a resume with another plan must both be refused
# (exit 2) without touching the file.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
L="$here/lobench"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
args=(--task quadratic-d100-k100,fortunes-tf-w32-d1 --optimizer adam,sgdm --seeds 2 --steps 300)

"$L" run "${args[@]}" --out "$work/straight" >/dev/null 2>&1
"$L" run "${args[@]}" --out "$work/killed" >/dev/null 2>&1 &
pid=$!
# wait (up to 10 min on a loaded machine) until at least two cells are on disk, then kill the JVM without warning
for _ in $(seq 1 6000); do
  n=$(grep -c '"type":"cell"' "$work/killed/results.jsonl" 2>/dev/null || true)
  [ "${n:-0}" -ge 2 ] && break
  sleep 0.1
done
if ! kill -0 "$pid" 2>/dev/null; then
  echo "kill-resume: the run ended before two cells were written; nothing tested" >&2
  exit 1
fi
# a second writer while the run holds its directory: refused, naming the holder
rc=0
"$L" run "${args[@]}" --resume "$work/killed" >/dev/null 2>"$work/second.err" || rc=$?
if [ "$rc" != 2 ] || ! grep -q "is being written by another lobench" "$work/second.err"; then
  echo "kill-resume: a second writer was not refused (exit $rc): $(cat "$work/second.err")" >&2
  exit 1
fi
pkill -9 -P "$pid" 2>/dev/null || true
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
before=$(grep -c '"type":"cell"' "$work/killed/results.jsonl" || true)
if [ "${before:-0}" -lt 1 ]; then
  echo "kill-resume: no cell on disk after the kill; nothing tested" >&2
  exit 1
fi
# a resume with another plan: refused, the file unchanged
copy="$work/killed.copy"
cp "$work/killed/results.jsonl" "$copy"
rc=0
"$L" run "${args[@]/300/200}" --resume "$work/killed" >/dev/null 2>"$work/mixed.err" || rc=$?
if [ "$rc" != 2 ] || ! grep -q -- "--steps 300 (run) vs 200 (now)" "$work/mixed.err" \
    || ! cmp -s "$copy" "$work/killed/results.jsonl"; then
  echo "kill-resume: a resume with other --steps was not refused cleanly (exit $rc): $(cat "$work/mixed.err")" >&2
  exit 1
fi
if grep -q '"type":"end"' "$work/killed/results.jsonl"; then
  echo "kill-resume: the run finished before it was killed; nothing tested" >&2
  exit 1
fi
"$L" run "${args[@]}" --resume "$work/killed" >/dev/null
python3 - "$work/straight/results.jsonl" "$work/killed/results.jsonl" "$before" <<'PY'
import json, sys
def cells(p):
    out, types = {}, []
    for line in open(p):
        r = json.loads(line)
        types.append(r["type"])
        if r["type"] == "cell":
            out[r["cellKey"]] = (r["outcome"], r["trainLoss"], [(e["step"], e["testLoss"]) for e in r["evals"]])
    return out, types
a, ta = cells(sys.argv[1])
b, tb = cells(sys.argv[2])
assert tb[0] == "header" and tb[-1] == "end", tb
assert a.keys() == b.keys(), (sorted(a), sorted(b))
bad = [k for k in a if a[k] != b[k]]
assert not bad, "curves differ for " + ", ".join(bad)
print(f"kill-resume: a second writer and a resume with other --steps were refused; killed after {sys.argv[3]}"
      f" of {len(a)} cells; resumed run equals the uninterrupted one")
PY
