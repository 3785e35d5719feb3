#!/usr/bin/env bash
# Renders bench/report.html (regenerated first from bench/results/) with headless Chromium into a
# PNG, so a person can look at the charts: bash scripts/render_report.sh [OUT.png] [WIDTH]
# Installs Debian's `chromium` when it is missing (as scripts/setup.sh installs its packages: root
# or sudo). The PNG is not committed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/.build/report.png}"
width="${2:-1100}"
browser="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$browser" ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    if [ -n "$sudo" ] && ! command -v sudo >/dev/null; then
        echo "render_report.sh: no chromium on PATH — install it as root: apt-get install -y chromium" >&2
        exit 1
    fi
    echo "installing chromium …" >&2
    $sudo apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q chromium >&2
    browser="$(command -v chromium)"
fi
python3 "$root/scripts/bench_report.py"
mkdir -p "$(dirname "$out")"
# The page's height: long enough for every chart; Chromium clips at the window's height.
height="$(python3 -c "import re,sys; s=open(sys.argv[1]).read(); print(300 + sum(int(h) + 120 for h in re.findall(r'<svg width=\"\\d+\" height=\"(\\d+)\"', s)) + 40 * s.count('<tr>') + 30 * s.count('<li>'))" "$root/bench/report.html")"
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size="$width,$height" \
    --screenshot="$out" "file://$root/bench/report.html" 2>/dev/null
echo "rendered $root/bench/report.html into $out (${width}×${height})"
