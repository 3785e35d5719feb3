#!/usr/bin/env bash
# Bundle bytes as the NVIDIA device list of Kernels/ grows from 1 to 6 targets
# (sm_80; sm_80,sm_86; …; sm_80,sm_86,sm_89,sm_90,sm_100,sm_120), each + PTX, with and without
# the source form; then the read speed of the largest bundle (Benchmarks' BundleReadBenchmark).
# Usage: bash bench/size/reference_growth.sh KILN [LABEL] [READ_BENCHMARK]
# SEED_CACHE=folder starts from a copy of a build cache that holds the compiled images (byte
# counts do not depend on it; it only saves the compiles).
# Writes bench/results/reference-growth-LABEL.json (and the read speed beside it).
set -euo pipefail
cd "$(dirname "$0")/../.."
kiln=$1; label=${2:-current}; reader=${3:-}
work=$(mktemp -d); cache="$work/cache"
if [ -n "${SEED_CACHE:-}" ]; then cp -r "$SEED_CACHE" "$cache"; fi
archs=(sm_80 sm_86 sm_89 sm_90 sm_100 sm_120)
rows=(); list=""
for n in 1 2 3 4 5 6; do
  list="${list:+$list,}${archs[$((n-1))]}"
  "$kiln" build Kernels --devices "$list" -o "$work/s$n.kiln" --build-cache "$cache" >&2
  "$kiln" build Kernels --devices "$list,no-source" -o "$work/p$n.kiln" --build-cache "$cache" >&2
  s=$(stat -c %s "$work/s$n.kiln"); p=$(stat -c %s "$work/p$n.kiln")
  echo "$label targets=$n ($list): +PTX+source $s B, +PTX $p B" >&2
  rows+=("{\"targets\": $n, \"deviceList\": \"$list\", \"bytesWithPTXAndSource\": $s, \"bytesWithPTX\": $p}")
done
"$kiln" inspect "$work/p6.kiln" >&2 || true
mkdir -p bench/results
out=bench/results/reference-growth-$label.json
{
  echo "{\"benchmark\": \"reference-growth\", \"label\": \"$label\", \"machine\": \"$(uname -n), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores shared with other builds (no GPU)\","
  echo " \"date\": \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\", \"sources\": \"Kernels/ (11 modules)\", \"compressionLevel\": 19,"
  echo " \"growth\": ["; (IFS=$'\n'; echo "${rows[*]}" | sed '$!s/$/,/'); echo " ]}"
} > "$out"
cat "$out"
if [ -n "$reader" ]; then
  "$reader" "$work/p6.kiln" 30 | tee "bench/results/bundle-read-$label.json"
fi
rm -rf "$work"
