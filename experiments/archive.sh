#!/usr/bin/env bash
# Moves committed records of superseded runs out of the working tree into the history (see ARCHIVE.md).
# For each run directory: writes summary.csv beside it (`lobench report DIR --format csv` of the record), adds a row
# (path, cells, bytes, SHA-256, the commit that still holds it = HEAD now) to ARCHIVE.md, and `git rm`s the record.
# Then commit. Refuses a record that is not committed unchanged (its bytes must be in HEAD to be restorable).
#   experiments/archive.sh RUN_DIR...
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"
head="$(git rev-parse HEAD)"
for d in "$@"; do
  d="${d%/}"
  f="$d/results.jsonl.gz"
  [ -f "$f" ] || { echo "archive.sh: $f does not exist" >&2; exit 2; }
  git diff --quiet HEAD -- "$f" && git ls-files --error-unmatch "$f" >/dev/null 2>&1 \
    || { echo "archive.sh: $f is not committed unchanged; commit it first" >&2; exit 2; }
  ./lobench report "$d" --format csv > "$d/summary.csv" 2>/dev/null
  cells="$(zcat "$f" | grep -c '"type":"cell"')"
  bytes="$(stat -c %s "$f")"
  sha="$(sha256sum "$f" | cut -d' ' -f1)"
  printf '| `%s` | %s | %s | `%s` | `%s` |\n' "$f" "$cells" "$bytes" "$sha" "${head:0:12}" >> "$here/ARCHIVE.md"
  git rm -q "$f"
  git add "$d/summary.csv"
  echo "archived $f ($cells cells, $bytes bytes; restore: git checkout ${head:0:12} -- $f)"
done
git add "$here/ARCHIVE.md"
