#!/usr/bin/env bash
# Runs on the GPU machine (the device tool), from the repo root, with .gpu/ carried:
#   .gpu/kiln.gz, .gpu/GPUCheck.gz (from bench/gpu/pack.sh) and .gpu/bundles/*.kiln.
# 1. the NVIDIA proof (GPUCheck proof); 2. `kiln devices`; 3. time from process start to the
# first kernel result for the 160-kernel module: AOT, JIT (driver cache off), JIT (driver cache
# warm), and the C floor. Writes $OUT/gpu-results.txt and $OUT/startup.json.
set -u
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
for f in .gpu/*.gz; do gunzip -f "$f"; done; chmod +x .gpu/kiln .gpu/GPUCheck
exec > >(tee "$OUT/gpu-results.txt") 2>&1
date -u +"date: %Y-%m-%dT%H:%M:%SZ"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
echo "== kiln devices"; .gpu/kiln devices .gpu/bundles/aot.kiln
echo "== kiln devices --json"; .gpu/kiln devices --json | head -30
echo "== proof"; .gpu/GPUCheck proof .gpu/bundles; proof=$?

echo "== startup benchmark (160-kernel module, median of 7 fresh processes)"
.gpu/GPUCheck extract .gpu/bundles/gemm_aot.kiln gemm_variants sm_90 /tmp/gemm.cubin
gcc -O2 -I/usr/local/cuda/include bench/gpu/floor.c -L/usr/local/cuda/lib64/stubs -lcuda -lm -o /tmp/floor 2>/dev/null \
  || /usr/local/cuda/bin/nvcc -O2 bench/gpu/floor.c -lcuda -o /tmp/floor
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
measure() {  # prints the median milliseconds of 7 runs of "$@"
  for i in 1 2 3 4 5 6 7; do
    s=$(date +%s%N); "$@" > /tmp/last.txt 2>&1 || { cat /tmp/last.txt >&2; echo 999999; continue; }; e=$(date +%s%N)
    echo $(( (e - s) / 1000 ))
  done | median | awk '{printf "%.1f\n", $1 / 1000}'
}
floor=$(measure /tmp/floor /tmp/gemm.cubin gemm_t8_w1_u1_plain)
aot=$(measure .gpu/GPUCheck first-result .gpu/bundles/gemm_aot.kiln); cat /tmp/last.txt
jit=$(CUDA_CACHE_DISABLE=1 measure .gpu/GPUCheck first-result .gpu/bundles/gemm_jit.kiln); cat /tmp/last.txt
export CUDA_CACHE_PATH=/tmp/cuda-cache; rm -rf $CUDA_CACHE_PATH
.gpu/GPUCheck first-result .gpu/bundles/gemm_jit.kiln > /dev/null
jitwarm=$(measure .gpu/GPUCheck first-result .gpu/bundles/gemm_jit.kiln); cat /tmp/last.txt
unset CUDA_CACHE_PATH
card=$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)
driver=$(nvidia-smi --query-gpu=driver_version --format=csv,noheader | head -1)
printf "%-42s %10s ms\n" "C floor (cuModuleLoadData of the cubin)" "$floor" "Kiln AOT (sm_90 cubin from the bundle)" "$aot" \
  "Kiln JIT (compute_90 PTX, driver cache off)" "$jit" "Kiln JIT (driver ComputeCache warm)" "$jitwarm"
awk -v f="$floor" -v a="$aot" -v j="$jit" -v w="$jitwarm" 'BEGIN { printf "ratios: AOT/floor %.2f, JIT/AOT %.1f, JIT-warm/AOT %.2f\n", a/f, j/a, w/a }'
cat > "$OUT/startup.json" <<JSON
{"benchmark": "nvidia-first-kernel-160", "card": "$card", "driver": "$driver", "date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
 "module": "Kernels/gemm_variants.cl (160 kernels)", "runs": 7, "statistic": "median wall ms, process start to checked result",
 "floorMs": $floor, "aotMs": $aot, "jitDriverCacheOffMs": $jit, "jitDriverCacheWarmMs": $jitwarm}
JSON
exit $proof
