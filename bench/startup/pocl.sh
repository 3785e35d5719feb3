#!/usr/bin/env bash
# The start-up trace on this machine's PoCL CPU device (no GPU needed): the 160-kernel module
# (Kernels/gemm_variants.cl) built for `cpu`, run ROUNDS times (default 15) by KilnStartupProbe —
# statically linked, release, as bench/gpu/pack.sh builds it for the GPU machine — each a fresh
# process with KILN_TRACE to a file; prints the median of each phase (bench/gpu/trace_medians.py)
# and of the wall time and "outside main". On a shared machine the times are noisy.
#   bash bench/startup/pocl.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
release=(-c release --static-swift-stdlib --scratch-path .build-release)
swift build "${release[@]}" --product KilnStartupProbe >&2
probe="$(swift build "${release[@]}" --show-bin-path)/KilnStartupProbe"
swift build --product kiln >&2
"$(swift build --show-bin-path)/kiln" build Kernels/gemm_variants.cl --devices cpu -o "$W/gemm_cpu.kiln" >&2
mkdir "$W/trace"
export KILN_CACHE_DIR="$W/cache"
"$probe" first-kernel "$W/gemm_cpu.kiln"  # once untimed: page cache and PoCL's files warm
for ((r = 1; r <= ${1:-15}; r++)); do
  s=$(date +%s%N)
  KILN_TRACE="$W/trace/$(printf %03d "$r").jsonl" "$probe" first-kernel "$W/gemm_cpu.kiln" > /dev/null
  e=$(date +%s%N); echo $(( (e - s) / 1000 )) >> "$W/walls.txt"
done
date -u +"date: %Y-%m-%dT%H:%M:%SZ"; uptime
python3 bench/gpu/trace_medians.py "$W/trace" "$W/walls.txt"
