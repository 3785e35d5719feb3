#!/usr/bin/env bash
# The overhead of a sharded build (kiln build --shard I/N on N "machines", then kiln merge) over
# the single build of the same inputs, on one machine: every run cold (--no-cache), repeated;
# the merged bundle is checked to be the single build's bytes. Reports wall and CPU (user + sys)
# seconds, medians: the single build; the shards one after another (total work) and the slowest
# shard (the wall time on N machines); the merge.
# Usage: bash bench/shards.sh KILN [LABEL] [REPEATS]   Writes bench/results/shards-LABEL.json.
# Environment: DEVICES (default sm_80,sm_90), SHARDS (default 4), JOBS (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."
kiln=$1; label=${2:-current}; repeats=${3:-3}
devices=${DEVICES:-sm_80,sm_90}; shards=${SHARDS:-4}; jobs=${JOBS:-2}
work=$(mktemp -d); cp -r Kernels "$work/src"
# Runs a command; prints "wall cpu" seconds (cpu: its user + sys, children included).
measure() {
  /usr/bin/time -f "%e %U %S" -o "$work/time" "$@" > /dev/null 2>&1
  awk '{ printf "%.2f %.2f\n", $1, $2 + $3 }' "$work/time"
}
median() { tr ' ' '\n' <<<"$*" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
sum() { tr ' ' '\n' <<<"$*" | awk '{s+=$1} END {printf "%.2f", s}'; }
max() { tr ' ' '\n' <<<"$*" | sort -g | tail -n 1; }
single_wall=(); single_cpu=(); shards_wall=(); shards_cpu=(); slowest_wall=(); merge_wall=(); merge_cpu=()
for r in $(seq "$repeats"); do
  read -r w c < <(measure "$kiln" build "$work/src" --devices "$devices" --no-cache --jobs "$jobs" -o "$work/single.kiln")
  single_wall+=("$w"); single_cpu+=("$c")
  walls=(); cpus=()
  for i in $(seq 0 $((shards - 1))); do
    read -r w c < <(measure "$kiln" build "$work/src" --devices "$devices" --no-cache --jobs "$jobs" --shard "$i/$shards" -o "$work/part-$i.kiln")
    walls+=("$w"); cpus+=("$c")
  done
  shards_wall+=("$(sum "${walls[*]}")"); shards_cpu+=("$(sum "${cpus[*]}")"); slowest_wall+=("$(max "${walls[*]}")")
  read -r w c < <(measure "$kiln" merge "$work"/part-*.kiln --no-cache --jobs "$jobs" -o "$work/merged.kiln")
  merge_wall+=("$w"); merge_cpu+=("$c")
  cmp "$work/single.kiln" "$work/merged.kiln" || { echo "the merged bundle differs from the single build" >&2; exit 1; }
done
bytes=$(stat -c %s "$work/single.kiln")
mkdir -p bench/results
out=bench/results/shards-$label.json
cat > "$out" <<JSON
{"benchmark": "shards", "label": "$label", "date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
 "machine": "$(uname -n), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores shared with other engineers' builds: times are noisy",
 "kiln": "$kiln", "sources": "Kernels/ (11 modules)", "devices": "$devices", "shards": $shards, "jobs": $jobs,
 "bundleBytes": $bytes, "mergedEqualsSingle": true, "repeats": $repeats,
 "singleWallSeconds": $(median "${single_wall[*]}"), "singleCPUSeconds": $(median "${single_cpu[*]}"),
 "allShardsWallSeconds": $(median "${shards_wall[*]}"), "allShardsCPUSeconds": $(median "${shards_cpu[*]}"),
 "slowestShardWallSeconds": $(median "${slowest_wall[*]}"),
 "mergeWallSeconds": $(median "${merge_wall[*]}"), "mergeCPUSeconds": $(median "${merge_cpu[*]}"),
 "samples": {"singleWall": [$(IFS=,; echo "${single_wall[*]}")], "allShardsWall": [$(IFS=,; echo "${shards_wall[*]}")],
             "slowestShardWall": [$(IFS=,; echo "${slowest_wall[*]}")], "mergeWall": [$(IFS=,; echo "${merge_wall[*]}")],
             "singleCPU": [$(IFS=,; echo "${single_cpu[*]}")], "allShardsCPU": [$(IFS=,; echo "${shards_cpu[*]}")],
             "mergeCPU": [$(IFS=,; echo "${merge_cpu[*]}")]}}
JSON
rm -rf "$work"
cat "$out"
