#!/usr/bin/env bash
# Serial against parallel cold builds (issue 13: `--jobs 2` ÷ serial ≤ 0.6 on a quiet 2-core
# machine): Kernels/ for DEVICES (default sm_80,sm_90,pvc,cpu), every run cold — Kiln's build
# cache off (--no-cache) and a fresh KILN_CACHE_DIR, so PoCL's kernel cache for builds
# (CACHE_ROOT/pocl-build) starts empty too — ROUNDS rounds (default 3) of --jobs 1 and
# --jobs N (N = cores), their order alternating. Prints each time and the ratio of the medians,
# with the load average before and after; writes bench/results/jobs-DATE.json (DATEb, DATEc, …
# when that exists).
#   bash bench/jobs.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
devices=${DEVICES:-sm_80,sm_90,pvc,cpu}
rounds=${1:-3}
swift build -c release --product kiln >&2
kiln="$(swift build -c release --product kiln --show-bin-path)/kiln"
cores=$(nproc)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
source bench/timing.sh
run() {  # $1 = jobs; prints seconds
  local cache; cache=$(mktemp -d "$work/cache.XXXX")
  seconds env KILN_CACHE_DIR="$cache" "$kiln" build Kernels --devices "$devices" -o "$work/out.kiln" --no-cache --jobs "$1"
}
serial=() parallel=()
for ((r = 1; r <= rounds; r++)); do
  if ((r % 2)); then serial+=("$(run 1)"); parallel+=("$(run "$cores")")
  else parallel+=("$(run "$cores")"); serial+=("$(run 1)"); fi
  echo "round $r: --jobs 1 ${serial[-1]} s, --jobs $cores ${parallel[-1]} s" >&2
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ms=$(median "${serial[@]}") mp=$(median "${parallel[@]}")
ratio=$(awk -v p="$mp" -v s="$ms" 'BEGIN { printf "%.3f", p / s }')
cpu=$(grep -m1 "model name" /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
echo "median --jobs 1 $ms s, --jobs $cores $mp s: ratio $ratio (load $load_before → $load_after)"
join() { local IFS=,; echo "$*"; }
out="bench/results/jobs-$(date -u +%Y-%m-%d).json"
for suffix in b c d e f g h; do [[ -e $out ]] || break; out="bench/results/jobs-$(date -u +%Y-%m-%d)$suffix.json"; done
cat > "$out" <<JSON
{"benchmark": "cold build, serial vs parallel", "date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)", "machine": "$cpu", "cores": $cores,
 "kiln": "$(git rev-parse --short HEAD)", "sources": "Kernels/ (11 modules, 170 kernels)", "devices": "$devices",
 "loadAverageBefore": "$load_before", "loadAverageAfter": "$load_after",
 "serialSeconds": [$(join "${serial[@]}")], "parallelSeconds": [$(join "${parallel[@]}")],
 "medianSerialSeconds": $ms, "medianParallelSeconds": $mp, "parallelOverSerial": $ratio}
JSON
