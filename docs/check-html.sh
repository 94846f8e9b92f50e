#!/usr/bin/env bash
# Screenshot check of the HTML reports (by hand, not a CI step): renders the three kinds of report from the
# records under experiments/ and screenshots each in headless Chromium at 1400 px width, for a person to look at
# (axes readable, figures as wide as the page, tables not running off it).
#
#   docs/check-html.sh [OUT_DIR]      (default OUT_DIR: a new temp dir)
#
# Writes OUT_DIR/{report,meta-report,stability}.{html,png} and the plots as SVG files under OUT_DIR/svg/.
# Needs chromium (Debian: apt-get install -y chromium); without it only the HTML and SVG files are written
# (exit 3). The browser runs offline: the pages must render without external resources.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out="${1:-$(mktemp -d)}"
mkdir -p "$out"
run() { nice -n 15 ./lobench "$@" > /dev/null; }
run report experiments/meta-training/eval/fmnist8-mlp32-2000 --html "$out/report.html" --svg "$out/svg/report"
run meta-report --eval experiments/star-paper-task/eval --eval-reference experiments/star-paper-task/eval/adam-reference \
  --html "$out/meta-report.html" --svg "$out/svg/meta-report"
run report experiments/stability/default --html "$out/stability.html" --svg "$out/svg/stability"
browser="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$browser" ]; then
  echo "check-html: chromium not found (apt-get install -y chromium); HTML and SVG files in $out" >&2
  exit 3
fi
for page in report meta-report stability; do
  profile="$(mktemp -d)"
  nice -n 15 "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --user-data-dir="$profile" \
    --screenshot="$out/$page.png" --window-size=1400,2400 "file://$(cd "$out" && pwd)/$page.html" 2>/dev/null
  rm -rf "$profile"
  [ -s "$out/$page.png" ] || { echo "check-html: no screenshot of $page.html" >&2; exit 1; }
done
echo "check-html: screenshots in $out: report.png meta-report.png stability.png"
