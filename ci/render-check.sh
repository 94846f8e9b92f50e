#!/usr/bin/env bash
# Render check for the HTML report (not run in CI): builds a report of RESULTS as one self-contained HTML file
# and screenshots it with headless Chromium, so a person can look at the PNG.
#
#   ci/render-check.sh RESULTS [OUT_DIR]      (default OUT_DIR: a new temp dir)
#
# Needs chromium (Debian: apt-get install -y chromium). Networking is disabled for the browser: the page must
# render offline (no external JS/CSS/fonts). Writes OUT_DIR/report.html and OUT_DIR/report.png.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ $# -ge 1 ] || { echo "usage: ci/render-check.sh RESULTS [OUT_DIR]" >&2; exit 2; }
results="$1"
out="${2:-$(mktemp -d)}"
mkdir -p "$out"
./lobench report "$results" --html "$out/report.html" > /dev/null
if grep -Eq '<script|<link|src="http|href="http' "$out/report.html"; then
  echo "render-check: report.html references external resources or scripts" >&2
  exit 1
fi
browser="$(command -v chromium || command -v chromium-browser || true)"
[ -n "$browser" ] || { echo "render-check: chromium not found (apt-get install -y chromium)" >&2; exit 2; }
profile="$(mktemp -d)"
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$profile" \
  --screenshot="$out/report.png" --window-size=1400,2000 "file://$(cd "$out" && pwd)/report.html" 2>/dev/null
rm -rf "$profile"
[ -s "$out/report.png" ] || { echo "render-check: no screenshot written" >&2; exit 1; }
echo "render-check: $out/report.html -> $out/report.png"
