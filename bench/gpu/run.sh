#!/usr/bin/env bash
# Runs on the GPU machine (the device tool), from the repo root, with .gpu/ carried:
#   .gpu/binaries.tar.xz (kiln, GPUCheck; from bench/gpu/pack.sh) and .gpu/bundles/*.kiln.
# 1. the NVIDIA proof (GPUCheck proof), the checked mode (GPUCheck checked); 2. `kiln devices`; 3. time from process start to the
# first kernel result for the 160-kernel module: the C floor, AOT, JIT with no cache, JIT with
# Kiln's cache warm, JIT with the driver's ComputeCache warm (each run in a fresh KILN_CACHE_DIR
# unless Kiln's cache is the one measured). Writes $OUT/gpu-results.txt and $OUT/startup.json.
set -u
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
source bench/gpu/unpack.sh
exec > >(tee "$OUT/gpu-results.txt") 2>&1
date -u +"date: %Y-%m-%dT%H:%M:%SZ"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
echo "== kiln devices"; .gpu/kiln devices .gpu/bundles/aot.kiln
echo "== kiln devices --json"; .gpu/kiln devices --json | head -30
echo "== proof"; KILN_CACHE_DIR=$(mktemp -d) .gpu/GPUCheck proof .gpu/bundles; proof=$?
echo "== kiln verify (AOT sm_90 images as shipped; PoCL here JITs the source)"; KILN_CACHE_DIR=$(mktemp -d) .gpu/kiln verify .gpu/bundles/kernels.kiln || proof=1
echo "== kiln verify --jit always (the GPU compiles compute_90 PTX; OpenCL hidden)"; KILN_CACHE_DIR=$(mktemp -d) OCL_ICD_VENDORS=/nonexistent .gpu/kiln verify .gpu/bundles/kernels.kiln --jit always || proof=1
echo "== checked mode (KILN_CHECKED=1): overruns caught on the GPU"; KILN_CACHE_DIR=$(mktemp -d) KILN_CHECKED=1 .gpu/GPUCheck checked .gpu/bundles/overrun.kiln || proof=1
echo "== KILN_REPORT=1 (GPUCheck writes the report as its last step)"; KILN_CACHE_DIR=$(mktemp -d) KILN_REPORT=1 .gpu/GPUCheck first-result .gpu/bundles/gemm_jit.kiln

echo "== startup benchmark (160-kernel module, median of 7 fresh processes)"
.gpu/GPUCheck extract .gpu/bundles/gemm_aot.kiln gemm_variants sm_90 /tmp/gemm.cubin
gcc -O2 -I/usr/local/cuda/include bench/gpu/floor.c -L/usr/local/cuda/lib64/stubs -lcuda -lm -o /tmp/floor 2>/dev/null \
  || /usr/local/cuda/bin/nvcc -O2 bench/gpu/floor.c -lcuda -o /tmp/floor
fresh() { KILN_CACHE_DIR=$(mktemp -d) "$@"; }  # a run with an empty Kiln cache
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
measure() {  # prints the median milliseconds of 7 runs of "$@"
  for i in 1 2 3 4 5 6 7; do
    s=$(date +%s%N); "$@" > /tmp/last.txt 2>&1 || { cat /tmp/last.txt >&2; echo 999999; continue; }; e=$(date +%s%N)
    echo $(( (e - s) / 1000 ))
  done | median | awk '{printf "%.1f\n", $1 / 1000}'
}
floor=$(measure fresh /tmp/floor /tmp/gemm.cubin gemm_t8_w1_u1_plain)
aot=$(measure fresh .gpu/GPUCheck first-result .gpu/bundles/gemm_aot.kiln); cat /tmp/last.txt
# JIT with nothing cached: a fresh Kiln cache per run, the driver's cache off.
jit=$(CUDA_CACHE_DISABLE=1 measure fresh .gpu/GPUCheck first-result .gpu/bundles/gemm_jit.kiln); cat /tmp/last.txt
# Kiln's JIT cache warm, the driver's off.
export KILN_CACHE_DIR=/tmp/kiln-cache; rm -rf $KILN_CACHE_DIR
CUDA_CACHE_DISABLE=1 .gpu/GPUCheck first-result .gpu/bundles/gemm_jit.kiln > /dev/null
kilnwarm=$(CUDA_CACHE_DISABLE=1 measure .gpu/GPUCheck first-result .gpu/bundles/gemm_jit.kiln); cat /tmp/last.txt
unset KILN_CACHE_DIR
# The driver's ComputeCache warm, Kiln's cold (fresh per run).
export CUDA_CACHE_PATH=/tmp/cuda-cache; rm -rf $CUDA_CACHE_PATH
fresh .gpu/GPUCheck first-result .gpu/bundles/gemm_jit.kiln > /dev/null
jitwarm=$(measure fresh .gpu/GPUCheck first-result .gpu/bundles/gemm_jit.kiln); cat /tmp/last.txt
unset CUDA_CACHE_PATH
card=$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)
driver=$(nvidia-smi --query-gpu=driver_version --format=csv,noheader | head -1)
printf "%-42s %10s ms\n" "C floor (cuModuleLoadData of the cubin)" "$floor" "Kiln AOT (sm_90 cubin from the bundle)" "$aot" \
  "Kiln JIT (compute_90 PTX, no cache)" "$jit" "Kiln JIT, Kiln's JIT cache warm" "$kilnwarm" \
  "Kiln JIT, driver ComputeCache warm" "$jitwarm"
awk -v f="$floor" -v a="$aot" -v j="$jit" -v k="$kilnwarm" -v w="$jitwarm" 'BEGIN { printf "ratios: AOT/floor %.2f, JIT/AOT %.1f, JIT-miss/Kiln-cache-hit %.1f, Kiln-cache-hit/AOT %.2f, driver-cache-hit/AOT %.2f\n", a/f, j/a, j/k, k/a, w/a }'
cat > "$OUT/startup.json" <<JSON
{"benchmark": "nvidia-first-kernel-160", "card": "$card", "driver": "$driver", "date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
 "module": "Kernels/gemm_variants.cl (160 kernels)", "runs": 7, "statistic": "median wall ms, process start to checked result",
 "floorMs": $floor, "aotMs": $aot, "jitNoCacheMs": $jit, "jitKilnCacheHitMs": $kilnwarm, "jitDriverCacheHitMs": $jitwarm}
JSON
exit $proof
