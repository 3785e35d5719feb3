#!/usr/bin/env bash
# JIT cache on PoCL: `kiln cache warm` (process start → every module loaded) on a bundle with no
# cpu image, so every module goes through the JIT: a cold Kiln cache (the compile) vs a warm one
# (a hit). PoCL's own kernel cache is off. Median of 3 fresh processes each.
# Writes bench/results/pocl-jit-cache.json. Run from the repo root after scripts/setup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
kiln=${1:-$(swift build --show-bin-path)/kiln}
work=$(mktemp -d)
sources=$(ls Kernels/*.cl | grep -v gemm_variants)
"$kiln" build $sources --devices sm_90 -o "$work/ref.kiln" > /dev/null
export POCL_KERNEL_CACHE=0
ms() { local s=$(date +%s%N); "$@" > /dev/null; echo $(( ($(date +%s%N) - s) / 1000000 )); }
median() { sort -n | sed -n 2p; }
cold=$(for i in 1 2 3; do KILN_CACHE_DIR="$work/cold$i" ms "$kiln" cache warm "$work/ref.kiln"; done | median)
KILN_CACHE_DIR="$work/warm" "$kiln" cache warm "$work/ref.kiln" > /dev/null
warm=$(for i in 1 2 3; do KILN_CACHE_DIR="$work/warm" ms "$kiln" cache warm "$work/ref.kiln"; done | median)
cpu=$(grep -m1 "model name" /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
cat > bench/results/pocl-jit-cache.json <<JSON
{"benchmark": "pocl-jit-cache", "date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)", "machine": "$cpu, $(nproc) cores", "pocl": "$(dpkg-query -W -f='${Version}' pocl-opencl-icd 2>/dev/null)",
 "bundle": "Kernels/ without gemm_variants (10 modules), built for sm_90 only: every module JITs from source on PoCL",
 "statistic": "median of 3 fresh processes of kiln cache warm, ms", "missMs": $cold, "hitMs": $warm,
 "ratio": $(awk -v c="$cold" -v w="$warm" 'BEGIN{printf "%.1f", c/w}')}
JSON
cat bench/results/pocl-jit-cache.json
rm -rf "$work"
