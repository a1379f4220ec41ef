#!/usr/bin/env bash
# Render a seedlint HTML report to PNG with headless Chromium (Debian's `chromium` package), so that the
# page is looked at, not only parsed.
#   bash scripts/render-report.sh REPORT.html OUT.png [WIDTH] [HEIGHT]
# WIDTH defaults to 1280 (a desktop); 390 shows the page as a phone does. HEIGHT defaults to 6000
# (the whole page of a large corpus; the screenshot is cut there).
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: bash scripts/render-report.sh REPORT.html OUT.png [WIDTH] [HEIGHT]" >&2
  exit 2
fi
report=$(realpath "$1")
out=$(realpath -m "$2")
width=${3:-1280}
height=${4:-6000}
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "render-report: chromium is not installed (apt-get install chromium)" >&2
  exit 2
fi
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
# --no-sandbox: required as root; the network flags keep Chromium from reaching out (the page needs nothing).
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --hide-scrollbars --user-data-dir="$profile" \
  --window-size="$width,$height" --screenshot="$out" "file://$report" >/dev/null 2>&1
if [ ! -s "$out" ]; then
  echo "render-report: chromium wrote no screenshot" >&2
  exit 1
fi
echo "render-report: $out"
