#!/usr/bin/env bash
# Rebuild times of Kernels/ for sm_80,sm_90,pvc,ats-m150,cpu at the default level (19):
# cold serial (--jobs 1) and cold --jobs 2 (fresh build caches), then no-change rebuilds and
# one-module-touched rebuilds, each repeated, with --jobs 1 and 2; medians reported.
# Usage: bash bench/rebuild.sh KILN [LABEL] [REPEATS]   Writes bench/results/rebuild-LABEL.json.
set -euo pipefail
cd "$(dirname "$0")/.."
kiln=$1; label=${2:-current}; repeats=${3:-5}
devices=${DEVICES:-sm_80,sm_90,pvc,ats-m150,cpu}
work=$(mktemp -d); cp -r Kernels "$work/src"
source bench/timing.sh
median() { tr ' ' '\n' <<<"$*" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
build() { "$kiln" build "$work/src" --devices "$devices" -o "$work/a.kiln" "$@"; }
# Each cold build gets a cache root of its own, so PoCL's and ocloc's caches start empty too.
cold1=$(KILN_CACHE_DIR="$work/root1" seconds build --build-cache "$work/c1" --jobs 1)
export KILN_CACHE_DIR="$work/root2"
cold2=$(seconds build --build-cache "$work/c2" --jobs 2)
same1=(); same2=(); touched1=(); touched2=()
for i in $(seq "$repeats"); do
  same1+=("$(seconds build --build-cache "$work/c2" --jobs 1)")
  same2+=("$(seconds build --build-cache "$work/c2" --jobs 2)")
done
for i in $(seq "$repeats"); do
  echo "// touched $i a" >> "$work/src/saxpy.cl"
  touched1+=("$(seconds build --build-cache "$work/c2" --jobs 1)")
  echo "// touched $i b" >> "$work/src/saxpy.cl"
  touched2+=("$(seconds build --build-cache "$work/c2" --jobs 2)")
done
bytes=$(stat -c %s "$work/a.kiln")
mkdir -p bench/results
out=bench/results/rebuild-$label.json
cat > "$out" <<JSON
{"benchmark": "rebuild", "label": "$label", "date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
 "machine": "$(uname -n), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores shared with other engineers' builds: times are noisy",
 "sources": "Kernels/ (11 modules)", "devices": "$devices", "compressionLevel": 19, "bundleBytes": $bytes, "repeats": $repeats,
 "coldJobs1Seconds": $cold1, "coldJobs2Seconds": $cold2,
 "noChangeJobs1MedianSeconds": $(median "${same1[*]}"), "noChangeJobs2MedianSeconds": $(median "${same2[*]}"),
 "oneModuleTouchedJobs1MedianSeconds": $(median "${touched1[*]}"), "oneModuleTouchedJobs2MedianSeconds": $(median "${touched2[*]}"),
 "samples": {"noChangeJobs1": [$(IFS=,; echo "${same1[*]}")], "noChangeJobs2": [$(IFS=,; echo "${same2[*]}")],
             "oneModuleTouchedJobs1": [$(IFS=,; echo "${touched1[*]}")], "oneModuleTouchedJobs2": [$(IFS=,; echo "${touched2[*]}")]}}
JSON
cat "$out"
rm -rf "$work"
