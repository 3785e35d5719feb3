#!/usr/bin/env bash
# The GPU benchmark of issue 6, on the GPU machine (the device tool), from the repo root, with
# .gpu/ carried (bench/gpu/pack.sh). Everything in one call:
#   1. time to first kernel (160-kernel module, process start → checked result, median of 7 fresh
#      processes, the rows interleaved round by round): C floor, Kiln AOT (sm_90; sm_80,sm_90,
#      compute_90), nvcc-built programs with the same kernels in their fatbin through the CUDA
#      runtime (lazy loading by default; eager too), Kiln JIT with no cache, Kiln's cache warm,
#      the driver's cache warm;
#   2. nvcc fatbin sizes of the same kernels (default compression, --compress-mode=size, none);
#   3. kernel speed: copy/saxpy/add/gemm/best gemm variant, AOT cubin vs JIT image (GPUCheck
#      speed), and the ceilings through PyTorch (copy_, cuBLAS SGEMM).
# FATBIN_ONLY=1 runs the prelude check and step 2 alone.
# Writes $OUT/bench-log.txt, first-kernel.json, fatbin-size.json, speed.json, torch.json.
set -u
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
source bench/gpu/unpack.sh
exec > >(tee "$OUT/bench-log.txt") 2>&1
NVCC=/usr/local/cuda/bin/nvcc
date -u +"date: %Y-%m-%dT%H:%M:%SZ"
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm --format=csv,noheader
card=$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)
driver=$(nvidia-smi --query-gpu=driver_version --format=csv,noheader | head -1)
nvccver=$($NVCC --version | grep -o 'release [0-9.]*, V[0-9.]*')
echo "nvcc: $nvccver"; echo "kiln: $(cat .gpu/kiln-version.txt)"
echo "== nvcc --help, compression options"; $NVCC --help | grep -i -A4 'compress' | head -40
W=/tmp/nv; mkdir -p $W
G90='-gencode=arch=compute_90,code=sm_90'
GMULTI='-gencode=arch=compute_80,code=sm_80 -gencode=arch=compute_90,code=[sm_90,compute_90]'

echo "== 1. the prelude"
source bench/gpu/prelude.sh
if [ -z "${FATBIN_ONLY:-}" ]; then  # FATBIN_ONLY=1: the prelude check and the fatbin sizes alone
$NVCC -O3 $G90 -c bench/gpu/nvcc_first.cu -o $W/m90.o && $NVCC $G90 $W/m90.o $W/k90.o -o $W/nvcc_sm90
$NVCC -O3 --threads 0 $GMULTI -x cu $PRE -c Kernels/gemm_variants.cl -o $W/kmulti.o \
  && $NVCC -O3 $GMULTI -c bench/gpu/nvcc_first.cu -o $W/mmulti.o && $NVCC $GMULTI $W/mmulti.o $W/kmulti.o -o $W/nvcc_multi
ls -l $W/nvcc_sm90 $W/nvcc_multi
$NVCC --list-gpu-code 2>/dev/null | tr '\n' ' '; echo
/usr/local/cuda/bin/cuobjdump --list-elf --list-ptx $W/nvcc_multi | sort | uniq -c | head

echo "== 3. time to first kernel (median of 7, rows interleaved)"
.gpu/GPUCheck extract .gpu/bundles/gemm_aot.kiln gemm_variants sm_90 /tmp/gemm.cubin
gcc -O2 -I/usr/local/cuda/include bench/gpu/floor.c -L/usr/local/cuda/lib64/stubs -lcuda -lm -o /tmp/floor 2>/dev/null \
  || $NVCC -O2 bench/gpu/floor.c -lcuda -o /tmp/floor
export CUDA_CACHE_PATH=/tmp/cuda-cache-warm; rm -rf $CUDA_CACHE_PATH /tmp/kiln-warm
# warm the two caches once (Kiln's, with the driver's off; the driver's, with Kiln's fresh)
KILN_CACHE_DIR=/tmp/kiln-warm CUDA_CACHE_DISABLE=1 .gpu/GPUCheck first-result .gpu/bundles/gemm_jit.kiln
KILN_CACHE_DIR=$(mktemp -d) .gpu/GPUCheck first-result .gpu/bundles/gemm_jit.kiln
unset CUDA_CACHE_PATH
names=(floor aot_sm90 aot_multi nvcc_sm90_lazy nvcc_multi_lazy nvcc_sm90_eager nvcc_multi_eager jit_nocache jit_kilncache jit_drivercache)
cmd() {  # one run of row $1, fresh Kiln cache unless the row measures Kiln's
  local fresh; fresh=$(mktemp -d)
  case $1 in
    floor) KILN_CACHE_DIR=$fresh /tmp/floor /tmp/gemm.cubin gemm_t8_w1_u1_plain ;;
    aot_sm90) KILN_CACHE_DIR=$fresh .gpu/GPUCheck first-result .gpu/bundles/gemm_aot.kiln ;;
    aot_multi) KILN_CACHE_DIR=$fresh .gpu/GPUCheck first-result .gpu/bundles/gemm_multi.kiln ;;
    nvcc_sm90_lazy) $W/nvcc_sm90 ;;
    nvcc_multi_lazy) $W/nvcc_multi ;;
    nvcc_sm90_eager) CUDA_MODULE_LOADING=EAGER $W/nvcc_sm90 ;;
    nvcc_multi_eager) CUDA_MODULE_LOADING=EAGER $W/nvcc_multi ;;
    jit_nocache) KILN_CACHE_DIR=$fresh CUDA_CACHE_DISABLE=1 .gpu/GPUCheck first-result .gpu/bundles/gemm_jit.kiln ;;
    jit_kilncache) KILN_CACHE_DIR=/tmp/kiln-warm CUDA_CACHE_DISABLE=1 .gpu/GPUCheck first-result .gpu/bundles/gemm_jit.kiln ;;
    jit_drivercache) KILN_CACHE_DIR=$fresh CUDA_CACHE_PATH=/tmp/cuda-cache-warm .gpu/GPUCheck first-result .gpu/bundles/gemm_jit.kiln ;;
  esac
}
declare -A T
for r in 1 2 3 4 5 6 7; do
  for name in "${names[@]}"; do
    s=$(date +%s%N); if cmd $name > /tmp/last-$name.txt 2>&1; then e=$(date +%s%N); T[$name]+="$(( (e - s) / 1000 )) "
    else echo "FAILED $name:"; cat /tmp/last-$name.txt; T[$name]+="-1 "; fi
  done
done
for name in "${names[@]}"; do echo "-- $name: $(tail -1 /tmp/last-$name.txt)"; done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)] / 1000}'; }
{ echo "{\"benchmark\": \"nvidia-first-kernel-160\", \"card\": \"$card\", \"driver\": \"$driver\", \"nvcc\": \"$nvccver\", \"kiln\": \"$(cat .gpu/kiln-version.txt)\","
  echo " \"date\": \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\", \"module\": \"Kernels/gemm_variants.cl (160 kernels)\", \"runs\": 7, \"statistic\": \"median wall ms, process start to checked result; rows interleaved round by round\", \"prelude\": \"$prelude\","
  echo " \"medianMs\": {"; first=1
  for name in "${names[@]}"; do [ $first = 1 ] || echo ","; first=0; printf '  "%s": %s' $name "$(median <<<"${T[$name]}")"; done
  echo " },"; echo " \"samplesUs\": {"; first=1
  for name in "${names[@]}"; do [ $first = 1 ] || echo ","; first=0; printf '  "%s": [%s]' $name "$(sed 's/ $//; s/ /, /g' <<<"${T[$name]}")"; done
  echo " }}"; } > "$OUT/first-kernel.json"
cat "$OUT/first-kernel.json"

echo "== 4. kernel speed: AOT vs JIT, Kiln kernels (GPUCheck speed)"
KILN_CACHE_DIR=$(mktemp -d) CUDA_CACHE_DISABLE=1 .gpu/GPUCheck speed .gpu/bundles/speed_aot.kiln .gpu/bundles/speed_jit.kiln "$OUT/speed.json"
echo "== 5. ceilings through PyTorch (copy_, cuBLAS SGEMM fp32, TF32 off)"
PYTHONUNBUFFERED=1 python3 bench/gpu/torch_ref.py "$OUT/torch.json" || echo "torch reference failed"
nvidia-smi --query-gpu=name,clocks.sm,clocks.mem,temperature.gpu,power.draw --format=csv,noheader
fi
echo "== 2. fatbin sizes (gemm_variants.cl, 160 kernels), built last, 3 at a time, each under a 150 s timeout (the first try, all at once, ran past 9 minutes)"
fat() {  # name, compress flag ('' = nvcc's default), gencode flags...
  local name=$1 flag=$2; shift 2
  local s0; s0=$(date +%s); timeout ${FATLIMIT:-150} $NVCC -fatbin --threads 0 $flag "$@" -x cu $PRE Kernels/gemm_variants.cl -o $W/$name.fatbin 2> $W/$name.err \
    && echo "$name: $(( $(date +%s) - s0 )) s" || { echo "FAILED or timed out: $name $flag"; grep -m5 error $W/$name.err; }
}
declare -A SETS=(
  [sm_80,sm_90]='-gencode=arch=compute_80,code=sm_80 -gencode=arch=compute_90,code=sm_90'
  [sm_80,sm_90+compute_90]="$GMULTI"
  [sm_90]='-gencode=arch=compute_90,code=sm_90'
  [8cubins]='-gencode=arch=compute_75,code=sm_75 -gencode=arch=compute_80,code=sm_80 -gencode=arch=compute_86,code=sm_86 -gencode=arch=compute_89,code=sm_89 -gencode=arch=compute_90,code=sm_90 -gencode=arch=compute_100,code=sm_100 -gencode=arch=compute_103,code=sm_103 -gencode=arch=compute_120,code=sm_120'
)
modes=("default|" "size|--compress-mode=size" "none|--compress-mode=none")
t0=$(date +%s)
for key in "sm_80,sm_90+compute_90" "sm_80,sm_90" "sm_90" "8cubins"; do for m in "${modes[@]}"; do
  safe=$(tr ',+' '__' <<<"$key")_${m%%|*}
  left=$(( 560 - SECONDS )); [ $left -gt 150 ] && left=150
  [ $left -lt 30 ] && { echo "skipped $safe: the call's time is nearly spent"; continue; }
  FATLIMIT=$left fat "$safe" "${m#*|}" ${SETS[$key]} &
  while [ $(jobs -rp | wc -l) -ge 3 ]; do sleep 1; done
done; done; wait $(jobs -p)  # not a bare `wait`: bash 5.1+ would also wait for the tee above, forever
echo "fatbins built in $(( $(date +%s) - t0 )) s"
{ echo "{\"card\": \"$card\", \"driver\": \"$driver\", \"nvcc\": \"$nvccver\", \"prelude\": \"$prelude\", \"module\": \"Kernels/gemm_variants.cl (160 kernels)\", \"bytes\": {"
  first=1
  for key in "${!SETS[@]}"; do for m in "${modes[@]}"; do
    safe=$(tr ',+' '__' <<<"$key")_${m%%|*}; [ -f $W/$safe.fatbin ] || continue
    [ $first = 1 ] || echo ","; first=0
    printf '  "%s %s": %s' "$key" "${m%%|*}" "$(stat -c %s $W/$safe.fatbin)"
  done; done
  echo "}}"; } > "$OUT/fatbin-size.json"
cat "$OUT/fatbin-size.json"

echo "== done"
