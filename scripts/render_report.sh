#!/usr/bin/env bash
# Renders an HTML report in headless Chromium and saves a screenshot, to check that the page
# draws (no network is needed: the report is one self-contained file).
#
# Usage: scripts/render_report.sh REPORT.html [OUT.png] [WIDTHxHEIGHT]
#   OUT.png defaults to REPORT.png beside the report; the window defaults to 1400x2400.
#
# Needs Debian's `chromium`. If /usr/bin/chromium is missing the script installs it with
# `apt-get install -y chromium` (as root; run `apt-get update` first on a fresh machine).
# It installs nothing else. Exit status: 0 when the screenshot was written.
set -euo pipefail

if [ $# -lt 1 ]; then
    sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
fi
html=$(realpath "$1")
out=${2:-${html%.html}.png}
size=${3:-1400x2400}
[ -f "$html" ] || { echo "render_report: no such file: $html" >&2; exit 2; }

if [ ! -x /usr/bin/chromium ]; then
    echo "render_report: /usr/bin/chromium is missing; installing Debian's chromium" >&2
    apt-get install -y chromium >&2 || { apt-get update >&2 && apt-get install -y chromium >&2; }
fi

profile=$(mktemp -d)
log=$(mktemp)
trap 'rm -rf "$profile" "$log"' EXIT
out_abs=$(realpath -m "$out")
rm -f "$out_abs"
/usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --user-data-dir="$profile" \
    --hide-scrollbars --screenshot="$out_abs" --window-size="${size/x/,}" "file://$html" >"$log" 2>&1 || true
if [ ! -s "$out_abs" ]; then
    cat "$log" >&2
    echo "render_report: chromium wrote no screenshot" >&2
    exit 1
fi
echo "$out_abs"
