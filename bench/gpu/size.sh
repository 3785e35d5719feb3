#!/usr/bin/env bash
# Issue 13's size goal, side by side in one run on the GPU machine (from the repo root, .gpu/
# carried; bench/gpu/pack.sh built the bundles there): nvcc 13's smallest fatbins
# (--compress-mode=size) of gemm_variants.cl (160 kernels, through Kiln's prelude) against
# Kiln's bundles of the same module for the same targets:
#   sm_80,sm_90 + compute_90 PTX; sm_90 alone; sm_80,sm_90 (cubins only).
# Writes $OUT/size.json and $OUT/size-log.txt.
set -u
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
exec > >(tee "$OUT/size-log.txt") 2>&1
NVCC=/usr/local/cuda/bin/nvcc; W=/tmp/nvsize; mkdir -p $W
G90='-gencode=arch=compute_90,code=sm_90'
date -u +"date: %Y-%m-%dT%H:%M:%SZ"
card=$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)
nvccver=$($NVCC --version | grep -o 'release [0-9.]*, V[0-9.]*')
echo "$card; nvcc $nvccver; kiln $(cat .gpu/kiln-version.txt)"
source bench/gpu/prelude.sh
declare -A GENCODE=(
  [multi]='-gencode=arch=compute_80,code=sm_80 -gencode=arch=compute_90,code=[sm_90,compute_90]'
  [sm_90]="$G90"
  [sm_80_sm_90]='-gencode=arch=compute_80,code=sm_80 -gencode=arch=compute_90,code=sm_90'
)
declare -A KILN=([multi]=gemm_multi.kiln [sm_90]=gemm_aot.kiln [sm_80_sm_90]=gemm_cubins.kiln)
for key in multi sm_90 sm_80_sm_90; do
  timeout 170 $NVCC -fatbin --threads 0 --compress-mode=size ${GENCODE[$key]} -x cu $PRE Kernels/gemm_variants.cl -o $W/$key.fatbin &
done
wait
rows=()
for key in multi sm_90 sm_80_sm_90; do
  n=$(stat -c %s $W/$key.fatbin 2>/dev/null || echo 0); k=$(stat -c %s .gpu/bundles/${KILN[$key]})
  ratio=$(python3 -c "print(round($k / $n, 3) if $n else 'null')")
  echo "$key: nvcc --compress-mode=size $n B, kiln $k B, kiln ÷ nvcc $ratio"
  rows+=("\"$key\": {\"nvccSize\": $n, \"kiln\": $k, \"kilnOverNvcc\": $ratio, \"kilnBundle\": \"${KILN[$key]}\"}")
done
{ echo "{\"card\": \"$card\", \"nvcc\": \"$nvccver\", \"prelude\": \"$prelude\", \"date\": \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\","
  echo " \"module\": \"Kernels/gemm_variants.cl (160 kernels)\", \"kiln\": \"$(cat .gpu/kiln-version.txt)\","
  echo " \"targets\": {\"multi\": \"sm_80,sm_90 + compute_90 PTX\", \"sm_90\": \"sm_90 cubin\", \"sm_80_sm_90\": \"sm_80,sm_90 cubins\"},"
  (IFS=,; echo " ${rows[*]}}"); } > "$OUT/size.json"
cat "$OUT/size.json"
