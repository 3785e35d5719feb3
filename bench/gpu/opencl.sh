#!/usr/bin/env bash
# Runs on the GPU machine (the device tool), from the repo root, with .gpu/ carried (bench/gpu/pack.sh):
# OpenCL C compiled by clang + libclc + nvJitLink, on the GPU. 1. the NVIDIA proof; 2. `kiln verify`
# of the reference kernels from the sm_90 cubins and through the driver's JIT of compute_90 PTX;
# 3. the conformance suite (Tests/Conformance) from sm_90 cubins and from compute_80 PTX, on the GPU
# and on the machine's own PoCL (from source) — each kernel against its reference; 4. the float4
# elementwise kernels against copy bandwidth. Writes $OUT/opencl-c-results.txt and the JSON reports.
set -u
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
source bench/gpu/unpack.sh
exec > >(tee "$OUT/opencl-c-results.txt") 2>&1
date -u +"date: %Y-%m-%dT%H:%M:%SZ"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
clinfo -l 2>/dev/null | head -5
status=0
fresh() { KILN_CACHE_DIR=$(mktemp -d) "$@"; }
echo "== 1. proof"; fresh .gpu/GPUCheck proof .gpu/bundles || status=1
echo "== 2. kiln verify Kernels/ (sm_90 cubins; OpenCL hidden)"
fresh env OCL_ICD_VENDORS=/nonexistent .gpu/kiln verify .gpu/bundles/kernels.kiln || status=1
echo "== 2. kiln verify Kernels/ --jit always (compute_90 PTX through the driver; OpenCL hidden)"
fresh env OCL_ICD_VENDORS=/nonexistent .gpu/kiln verify .gpu/bundles/kernels.kiln --jit always || status=1
echo "== 3. conformance: sm_90 cubins on the GPU, the source on this machine's PoCL"
fresh .gpu/kiln verify .gpu/bundles/conformance.kiln || status=1
fresh .gpu/kiln verify .gpu/bundles/conformance.kiln --json > "$OUT/conformance-aot.json" 2>/dev/null
echo "== 3. conformance --jit always: compute_80 PTX through the driver on the GPU"
fresh .gpu/kiln verify .gpu/bundles/conformance.kiln --jit always || status=1
fresh .gpu/kiln verify .gpu/bundles/conformance.kiln --jit always --json > "$OUT/conformance-jit.json" 2>/dev/null
echo "== 4. float4 elementwise kernels against copy bandwidth"
.gpu/GPUCheck vector-speed .gpu/bundles/vector.kiln || status=1
echo "== 5. this machine's PoCL on Kernels/ (from source, CUDA hidden): its default work-group method, and cbs"
clinfo 2>/dev/null | grep -m1 "PoCL"
for method in "" cbs; do
  echo "POCL_WORK_GROUP_METHOD=${method:-(default)}:"
  fresh env CUDA_VISIBLE_DEVICES= ${method:+POCL_WORK_GROUP_METHOD=$method} .gpu/kiln verify .gpu/bundles/kernels.kiln 2>&1 | grep -E "gemm_variants" | cut -c1-300
done
echo "status: $status"
exit $status
