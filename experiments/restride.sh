#!/usr/bin/env bash
# Shrinks committed per-step records: each RUN_DIR/results.jsonl.gz is replaced by its strided form (`lobench merge
# --loss-every K`: training losses as means of K steps; final and mean training loss stay exact when K divides
# min(steps/10, 20) and the steps), after checking that `lobench report --format csv` of the two agrees on every
# column (1e-4 relative: block means are rounded to float, which moves a standard deviation over seeds by ~1e-5 relative, or ~1e-7 absolute where it is tiny; absolute tolerance 1e-6). The per-step file stays in the history: its SHA-256 and path are appended to
# experiments/ARCHIVE.sha256 and the commit holding it (HEAD now) to ARCHIVE.md's table of restrided records.
# Refuses a record that is not committed unchanged, or already strided. Then commit.
#   experiments/restride.sh K RUN_DIR...
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
k="${1:?usage: restride.sh K RUN_DIR...}"; shift
cd "$root"
head="$(git rev-parse HEAD)"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
n=0; before=0; after=0
for d in "$@"; do
  d="${d%/}"; f="$d/results.jsonl.gz"
  [ -f "$f" ] || { echo "restride.sh: $f does not exist" >&2; exit 2; }
  git diff --quiet HEAD -- "$f" && git ls-files --error-unmatch "$f" >/dev/null 2>&1 \
    || { echo "restride.sh: $f is not committed unchanged; commit it first" >&2; exit 2; }
  if zcat "$f" | grep -q '"lossEvery":'; then echo "restride.sh: $f is already strided" >&2; exit 2; fi
  out="$tmp/$n"
  ./lobench merge "$d" --loss-every "$k" --out "$out" >/dev/null
  ./lobench report "$d" --format csv > "$tmp/a.csv" 2>/dev/null
  ./lobench report "$out" --format csv > "$tmp/b.csv" 2>/dev/null
  python3 - "$tmp/a.csv" "$tmp/b.csv" "$d" <<'PY'
import csv, math, sys
a = list(csv.reader(open(sys.argv[1]))); b = list(csv.reader(open(sys.argv[2])))
if len(a) != len(b) or a[0] != b[0]:
    sys.exit(f"restride.sh: {sys.argv[3]}: the reports differ in shape")
for ra, rb in zip(a[1:], b[1:]):
    for h, x, y in zip(a[0], ra, rb):
        if x == y:
            continue
        try:
            fx, fy = float(x), float(y)
        except ValueError:
            sys.exit(f"restride.sh: {sys.argv[3]}: {h} differs: {x} vs {y}")
        if not (math.isclose(fx, fy, rel_tol=1e-4, abs_tol=1e-6)):
            sys.exit(f"restride.sh: {sys.argv[3]}: {h} differs: {x} vs {y}")
PY
  n=$((n + 1))
done
# every record checked: now replace them
i=0
for d in "$@"; do
  d="${d%/}"; f="$d/results.jsonl.gz"
  before=$((before + $(stat -c %s "$f")))
  echo "$(sha256sum "$f" | cut -d' ' -f1)  $f" >> "$here/ARCHIVE.sha256"
  gzip -9 -n -c "$tmp/$i/results.jsonl" > "$f"
  after=$((after + $(stat -c %s "$f")))
  git add "$f"
  i=$((i + 1))
done
list="$*"; [ ${#list} -le 120 ] || list="${1%/} and $((n - 1)) more (paths in ARCHIVE.sha256)"
printf '| %s | %s | %s -> %s | `%s` |\n' "\`${list}\`" "$k" "$before" "$after" "${head:0:12}" >> "$here/ARCHIVE.md"
git add "$here/ARCHIVE.md" "$here/ARCHIVE.sha256"
echo "restrided $n records at K=$k: $before -> $after bytes; per-step originals in commit ${head:0:12}"
