#!/usr/bin/env bash
# The build benchmark: cold build of Kernels/ serial (--jobs 1) vs parallel (--jobs = cores),
# rebuild with nothing changed, rebuild after touching one module. Writes bench/results/build.json.
# Run from the repo root after scripts/setup.sh: bash bench/build.sh
set -euo pipefail
cd "$(dirname "$0")/.."
devices=${DEVICES:-sm_80,sm_90,pvc,cpu}
kiln="$(swift build -c release --product kiln --show-bin-path)/kiln"
swift build -c release --product kiln >&2
work=$(mktemp -d); cp -r Kernels "$work/src"
source bench/timing.sh
cores=$(nproc)
serial=$(seconds "$kiln" build "$work/src" --devices "$devices" -o "$work/a.kiln" --no-cache --jobs 1)
parallel=$(seconds "$kiln" build "$work/src" --devices "$devices" -o "$work/a.kiln" --build-cache "$work/cache" --jobs "$cores")
unchanged=$(seconds "$kiln" build "$work/src" --devices "$devices" -o "$work/a.kiln" --build-cache "$work/cache")
echo "// touched" >> "$work/src/saxpy.cl"
touched=$(seconds "$kiln" build "$work/src" --devices "$devices" -o "$work/a.kiln" --build-cache "$work/cache")
images=$("$kiln" inspect "$work/a.kiln" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["totals"]["images"])')
cpu=$(grep -m1 "model name" /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
cat > bench/results/build.json <<JSON
{"benchmark": "build", "date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)", "machine": "$cpu", "cores": $cores,
 "sources": "Kernels/ (11 modules, 170 kernels)", "devices": "$devices", "images": $images,
 "coldSerialSeconds": $serial, "coldParallelSeconds": $parallel, "rebuildUnchangedSeconds": $unchanged,
 "rebuildOneModuleTouchedSeconds": $touched}
JSON
cat bench/results/build.json
rm -rf "$work"
