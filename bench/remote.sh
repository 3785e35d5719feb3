#!/usr/bin/env bash
# The remote cache on a real store (the nginx of scripts/services/nginx.sh), two measurements:
#  1. Two machines (two fresh local caches) sharing one store: `kiln build Kernels/` for five
#     targets on the first, then on the second — which should compile nothing; time ratio.
#  2. A fleet: 8 `kiln verify --jit always` (a program's JIT, PoCL from source) on 2 fresh local
#     caches (4 processes each) behind one store, started together, then again staggered
#     (the second machine's 4 after the first's): compiles per module across all 8.
# Usage: bash bench/remote.sh KILN [LABEL]   Writes bench/results/remote-cache-LABEL.json.
set -euo pipefail
cd "$(dirname "$0")/.."
kiln=$(realpath "$1"); label=${2:-current}
devices=${DEVICES:-sm_80,sm_90,pvc,ats-m150,cpu}
bash scripts/services/nginx.sh
store="http://127.0.0.1:${KILN_TEST_REMOTE_PORT:-18080}/bench-$(date +%s)-$$"
work=$(mktemp -d)
source bench/timing.sh
TIMED_OUTPUT=$work/out
build() { KILN_CACHE_DIR="$1" KILN_REMOTE_CACHE="$store/build" "$kiln" build Kernels --devices "$devices" -o "$2"; }
first=$(seconds build "$work/m1" "$work/one.kiln"); firstLine=$(cat "$work/out")
second=$(seconds build "$work/m2" "$work/two.kiln"); secondLine=$(cat "$work/out")
identical=false; cmp -s "$work/one.kiln" "$work/two.kiln" && identical=true
hits=$(KILN_CACHE_DIR="$work/m2" "$kiln" cache stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["build"]["counters"]["remoteHits"])')

# The fleet: a bundle whose cpu modules must JIT (--jit always: from the source image).
"$kiln" build Kernels --devices sm_90 -o "$work/fleet.kiln" --no-cache > /dev/null 2>&1
fleet() {  # $1: prefix, $2: together|staggered → prints compiles per module as JSON
  local pids=() n=0
  for machine in a b; do
    for i in 1 2 3 4; do
      KILN_CACHE_DIR="$work/fleet-$1-$machine" KILN_REMOTE_CACHE="$store/fleet-$1" \
        "$kiln" verify "$work/fleet.kiln" --jit always --json > "$work/fleet-$1-$machine-$i.json" 2>/dev/null &
      pids+=($!)
    done
    if [ "$2" = staggered ]; then wait "${pids[@]}"; pids=(); fi
  done
  [ ${#pids[@]} -eq 0 ] || wait "${pids[@]}"
  python3 - "$work" "$1" <<'PY'
import glob, json, sys, collections
compiles = collections.Counter(); processes = 0
for path in glob.glob(f"{sys.argv[1]}/fleet-{sys.argv[2]}-*-*.json"):
    report = json.load(open(path)); processes += 1
    cpu = next(d for d in report["devices"] if d["target"] == "cpu")
    for m in cpu["modules"]:
        compiles[m["module"]] += m["resolution"]["path"] == "jit"
print(json.dumps({"processes": processes, "compilesPerModule": dict(sorted(compiles.items()))}))
PY
}
together=$(fleet t together)
staggered=$(fleet s staggered)
mkdir -p bench/results
out=bench/results/remote-cache-$label.json
cat > "$out" <<JSON
{"benchmark": "remote-cache", "label": "$label", "date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
 "machine": "$(uname -n), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores shared with other engineers' builds: times are noisy",
 "store": "nginx $(nginx -v 2>&1 | cut -d/ -f2) on loopback, WebDAV PUT",
 "twoMachines": {"sources": "Kernels/ (11 modules)", "devices": "$devices",
   "firstSeconds": $first, "secondSeconds": $second,
   "ratio": $(awk -v a="$first" -v b="$second" 'BEGIN { printf "%.3f", b / a }'),
   "first": "$firstLine", "second": "$secondLine", "secondRemoteHits": $hits, "bundlesIdentical": $identical},
 "fleetTogether": $together,
 "fleetStaggered": $staggered}
JSON
cat "$out"
rm -rf "$work"
