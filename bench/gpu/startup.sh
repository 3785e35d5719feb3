#!/usr/bin/env bash
# Issue 13's start-up benchmark, on the GPU machine (the device tool), from the repo root, with
# .gpu/ carried (bench/gpu/pack.sh builds KilnStartupProbe into .gpu/binaries.tar.xz, and .gpu/bundles/gemm_aot.kiln):
#
#   time from process start to a checked first result, 160-kernel module (Kernels/gemm_variants.cl),
#   on GPU 0, ROUNDS rounds (default 21, at least 15) of one fresh process per row, the rows'
#   order rotated each round:
#     floor        bench/gpu/floor.c: cuInit, primary context, cuModuleLoadData of the sm_90 cubin
#                  (extracted from the same bundle), one launch, copy back (sync), check
#     aot          KilnStartupProbe first-kernel: ComputeDevice.first(), BundleSession, the same
#                  kernel and check; statically linked Swift, KILN_TRACE unset
#     aot_traced   the same with KILN_TRACE=FILE, for the phases (and what the trace costs)
#     aot_every    the same, KILN_TRACE unset, with the device taken from ComputeDevice.all() — every
#                  family enumerated (what a CUDA program paid before the cut)
#
# Writes $OUT/startup-log.txt and $OUT/startup.json: medians, the ratio aot ÷ floor (target ≤ 1.03)
# as a ratio of medians and as the median of each round's own ratio (pairedAotOverFloor),
# every sample, and the median of each traced phase. Exits 1 if a run fails, or if a traced run
# enumerated OpenCL (ComputeDevice.first() must not, having found the GPU).
set -u
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
ROUNDS=${ROUNDS:-21}
[ "$ROUNDS" -ge 15 ] || { echo "ROUNDS must be at least 15"; exit 2; }
source bench/gpu/unpack.sh
exec > >(tee "$OUT/startup-log.txt") 2>&1
date -u +"date: %Y-%m-%dT%H:%M:%SZ"
echo "kiln built from commit $(cat .gpu/commit.txt 2>/dev/null || echo unknown)"
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm --format=csv,noheader
card=$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)
driver=$(nvidia-smi --query-gpu=driver_version --format=csv,noheader | head -1)
export CUDA_VISIBLE_DEVICES=${CUDA_VISIBLE_DEVICES:-0}
bundle=.gpu/bundles/gemm_aot.kiln
W=/tmp/startup; rm -rf $W; mkdir -p $W/trace
.gpu/GPUCheck extract $bundle gemm_variants sm_90 $W/gemm.cubin || exit 1
gcc -O2 -I/usr/local/cuda/include bench/gpu/floor.c -L/usr/local/cuda/lib64/stubs -lcuda -lm -o $W/floor 2>/dev/null \
  || /usr/local/cuda/bin/nvcc -O2 bench/gpu/floor.c -lcuda -o $W/floor || exit 1
ls -l .gpu/KilnStartupProbe $W/gemm.cubin $bundle
echo "the probe's shared libraries: $(ldd .gpu/KilnStartupProbe | awk '{print $1}' | tr '\n' ' ')"
echo "OpenCL ICDs here: $(ls /etc/OpenCL/vendors 2>/dev/null | tr '\n' ' ')"

names=(floor aot aot_traced aot_every)
cmd() {  # one run of row $1 in round $2
  case $1 in
    floor) $W/floor $W/gemm.cubin gemm_t8_w1_u1_plain ;;
    aot) KILN_CACHE_DIR=$W/cache .gpu/KilnStartupProbe first-kernel $bundle ;;
    aot_traced) KILN_CACHE_DIR=$W/cache KILN_TRACE=$W/trace/$(printf %03d "$2").jsonl .gpu/KilnStartupProbe first-kernel $bundle ;;
    aot_every) KILN_CACHE_DIR=$W/cache .gpu/KilnStartupProbe first-kernel $bundle --every-device ;;
  esac
}
# one of each, untimed: page cache and driver files warm for every row alike
for name in "${names[@]}"; do cmd $name 0 > $W/warm-$name.txt 2>&1 || { echo "FAILED $name:"; cat $W/warm-$name.txt; exit 1; }; done
rm -f $W/trace/*
failed=0
declare -A T
for ((r = 1; r <= ROUNDS; r++)); do
  for ((i = 0; i < ${#names[@]}; i++)); do
    name=${names[$(( (i + r) % ${#names[@]} ))]}
    s=$(date +%s%N)
    if cmd $name $r > $W/last-$name.txt 2>&1; then
      e=$(date +%s%N); us=$(( (e - s) / 1000 )); T[$name]+="$us "
      [ $name = aot_traced ] && echo $us >> $W/traced-walls.txt
    else
      echo "FAILED $name (round $r):"; cat $W/last-$name.txt; failed=1
    fi
  done
done
for name in "${names[@]}"; do echo "-- $name: $(tail -1 $W/last-$name.txt)"; done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)] / 1000}'; }
declare -A M
for name in "${names[@]}"; do M[$name]=$(median <<<"${T[$name]:-}"); printf "%-12s median %8s ms over %s runs\n" $name "${M[$name]}" "$(wc -w <<<"${T[$name]:-}")"; done
ratio=$(awk -v a="${M[aot]}" -v f="${M[floor]}" 'BEGIN { printf "%.3f", a / f }')
echo "aot / floor = $ratio (target <= 1.03)"
# The same rounds paired: each round's aot ÷ its own floor, then the median. The floor drifts by tens
# of ms between runs and within one; a round's rows run back to back, so pairing cancels the drift.
paired=$(python3 -c 'import sys, statistics; a, f = ([int(x) for x in s.split()] for s in sys.argv[1:3]); print(f"{statistics.median(x / y for x, y in zip(a, f)):.3f}")' "${T[aot]:-}" "${T[floor]:-}")
echo "median over rounds of aot / floor in the same round = $paired"
awk -v a="${M[aot]}" -v t="${M[aot_traced]}" -v e="${M[aot_every]}" 'BEGIN { printf "trace costs %.2f ms; enumerating every family costs %.2f ms\n", t - a, e - a }'
python3 bench/gpu/trace_medians.py $W/trace $W/traced-walls.txt > $W/phases.json
# The rule under test: a CUDA program that found its GPU never enumerates OpenCL.
if grep -q '"opencl.enumerate"' $W/trace/*.jsonl; then echo "FAIL: a traced run enumerated OpenCL though it found a CUDA GPU"; failed=1
else echo "PASS: no traced run enumerated OpenCL"; fi
# The rule under test: the context is being made while the bundle is opened and read (BundleSession
# starts it on a thread of its own first), so it begins before the bundle's opening ends.
python3 - $W/trace <<'PY' || failed=1
import glob, json, sys
late = []
for path in sorted(glob.glob(sys.argv[1] + "/*.jsonl")):
    first = {}
    for line in open(path):
        phase = json.loads(line)
        first.setdefault(phase["phase"], phase)
    context, opened = first.get("cuda.context"), first.get("bundle.open")
    if context is None or opened is None or context["at_ms"] > opened["at_ms"] + opened["ms"]:
        late.append(path.rsplit("/", 1)[-1])
if late:
    print(f"FAIL: the context began after the bundle was opened in {len(late)} traced runs: {', '.join(late[:5])}")
    sys.exit(1)
print("PASS: in every traced run the context began before the bundle's opening ended")
PY
python3 - $W/phases.json <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
print(f"traced runs: {p['runs']}; wall {p.get('median_wall_ms')} ms, outside main (exec, loading, runtime start, exit) {p.get('median_outside_main_ms')} ms")
for ph in p["phases"]:
    print(f"  {ph['phase']:<22} {ph['median_ms']:>9.3f} ms   at {ph['median_at_ms']:>9.3f} ms   ({ph['runs']} runs)")
PY
{ echo "{\"benchmark\": \"nvidia-startup-160\", \"card\": \"$card\", \"driver\": \"$driver\", \"kiln\": \"$(cat .gpu/kiln-version.txt 2>/dev/null)\", \"commit\": \"$(cat .gpu/commit.txt 2>/dev/null)\","
  echo " \"date\": \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\", \"module\": \"Kernels/gemm_variants.cl (160 kernels), sm_90 cubin\", \"rounds\": $ROUNDS,"
  echo " \"statistic\": \"median wall ms, process start to checked result; one fresh process per row per round, order rotated\","
  echo " \"aotOverFloor\": $ratio, \"pairedAotOverFloor\": $paired, \"medianMs\": {"; first=1
  for name in "${names[@]}"; do [ $first = 1 ] || echo ","; first=0; printf '  "%s": %s' $name "${M[$name]}"; done
  echo " },"; echo " \"samplesUs\": {"; first=1
  for name in "${names[@]}"; do [ $first = 1 ] || echo ","; first=0; printf '  "%s": [%s]' $name "$(sed 's/ $//; s/ /, /g' <<<"${T[$name]:-}")"; done
  echo " },"; echo " \"tracedPhases\": $(cat $W/phases.json)"; echo "}"; } > "$OUT/startup.json"
python3 -m json.tool "$OUT/startup.json" > /dev/null || echo "startup.json is not valid JSON"
echo "== done"
exit $failed
