#!/usr/bin/env bash
# Two builds of KilnStartupProbe side by side on this machine's PoCL, interleaved: the same
# 160-kernel cpu bundle (Kernels/gemm_variants.cl), ROUNDS fresh processes of each (default 15),
# each traced (KILN_TRACE) and timed. Prints each one's median wall time and phases, so a change
# is measured against the build before it under the same load. Build the older probe with
#   git worktree add --detach ../kiln-old REV && (cd ../kiln-old && swift build -c release \
#     --static-swift-stdlib --scratch-path .build-release --product KilnStartupProbe)
#   bash bench/startup/compare.sh ../kiln-old/.build-release/release/KilnStartupProbe \
#        .build-release/release/KilnStartupProbe [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
old=$1 new=$2 rounds=${3:-15}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
swift build --product kiln >&2
"$(swift build --show-bin-path)/kiln" build Kernels/gemm_variants.cl --devices cpu -o "$W/gemm_cpu.kiln" >&2
export KILN_CACHE_DIR="$W/cache"
mkdir -p "$W/old" "$W/new"
for probe in "$old" "$new"; do "$probe" first-kernel "$W/gemm_cpu.kiln" > /dev/null; done  # page cache and PoCL's files warm
for ((r = 1; r <= rounds; r++)); do
  for side in old new; do
    probe=$old; [ $side = new ] && probe=$new
    s=$(date +%s%N)
    KILN_TRACE="$W/$side/$(printf %03d "$r").jsonl" "$probe" first-kernel "$W/gemm_cpu.kiln" > /dev/null
    e=$(date +%s%N); echo $(( (e - s) / 1000 )) >> "$W/$side-walls.txt"
  done
done
date -u +"date: %Y-%m-%dT%H:%M:%SZ"; uptime
ls -l "$old" "$new"
for side in old new; do
  echo "== $side"
  python3 bench/gpu/trace_medians.py "$W/$side" "$W/$side-walls.txt" > "$W/$side.json"
  python3 - "$W/$side.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
print(f"wall {p['median_wall_ms']} ms, outside main {p['median_outside_main_ms']} ms ({p['runs']} runs)")
for ph in p["phases"]:
    print(f"  {ph['phase']:<22} {ph['median_ms']:>9.3f} ms")
PY
done
