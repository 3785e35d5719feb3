#!/usr/bin/env bash
# The GPU checks to rerun after a change, in about 5 minutes (one device-tool call), on the GPU
# machine from the repo root with .gpu/ carried (bench/gpu/pack.sh): the start-up benchmark
# (startup.sh), the NVIDIA proof, `kiln verify` of the reference kernels from sm_90 cubins and
# through the driver's JIT of compute_90 PTX, the same under KILN_CHECKED=1 (no false alarms),
# the checked mode catching overruns on the GPU, launches over a kernel's own limits refused
# (KilnStartupProbe launch-limits), and the OpenCL C conformance suite from sm_90 cubins and from
# compute_80 PTX, and a bundle holding only CUDA source run through NVRTC at run time, then from
# the JIT cache (KilnStartupProbe cuda-source). (run.sh and opencl.sh add the slower speed and PoCL runs.)
# Writes $OUT/check-results.txt beside startup.sh's files; exits 1 if any check failed.
set -u
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
source bench/gpu/unpack.sh
status=0
ROUNDS=${ROUNDS:-21} bash bench/gpu/startup.sh || status=1
exec > >(tee "$OUT/check-results.txt") 2>&1
date -u +"date: %Y-%m-%dT%H:%M:%SZ"
echo "kiln built from commit $(cat .gpu/commit.txt 2>/dev/null || echo unknown)"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
# The machine's PoCL 5.0 mis-compiles some GEMM variants under its default work-group method (a
# known issue `kiln verify` names); its documented workaround keeps the OpenCL rows meaningful.
export POCL_WORK_GROUP_METHOD=cbs
fresh() { KILN_CACHE_DIR=$(mktemp -d) "$@"; }
step() { echo "== $1"; shift; fresh "$@" || { echo "FAILED: $*"; status=1; }; }
step "proof" .gpu/GPUCheck proof .gpu/bundles
step "kiln verify Kernels/ (sm_90 cubins; PoCL from source)" .gpu/kiln verify .gpu/bundles/kernels.kiln
step "kiln verify Kernels/ --jit always (compute_90 PTX; PoCL from source)" .gpu/kiln verify .gpu/bundles/kernels.kiln --jit always
step "kiln verify Kernels/ for 6 targets (each sm_90 cubin stored against a neighbour; format 4)" .gpu/kiln verify .gpu/bundles/kernels6.kiln
step "kiln verify Kernels/ with KILN_CHECKED=1 (guarded buffers, no false alarms)" env KILN_CHECKED=1 .gpu/kiln verify .gpu/bundles/kernels.kiln
step "checked mode catches overruns on the GPU" env KILN_CHECKED=1 .gpu/GPUCheck checked .gpu/bundles/overrun.kiln
# On the GPU only: this machine's PoCL 5.0 reports 0 bytes of CL_KERNEL_LOCAL_MEM_SIZE for a kernel's
# __local arrays, and under the cbs method above computes local_limits.cl's `staged` wrong (PoCL 3.1
# and Intel's CPU runtime are checked by the tests, KernelLimitsDriverTests).
step "launch limits: Kiln refuses block 128 for __launch_bounds__(64) and local memory over the device's (PASS/FAIL lines)" .gpu/KilnStartupProbe launch-limits .gpu/bundles/limits.kiln nvidia
# The conformance suite under PoCL 5.0's default method: with cbs (above) that PoCL aborts the
# process on subgroup_sum (its work-group function lacks __pocl_work_group_alloca; 2026-12-03).
step "conformance: sm_90 cubins (and this machine's PoCL from source)" env -u POCL_WORK_GROUP_METHOD .gpu/kiln verify .gpu/bundles/conformance.kiln
step "conformance --jit always: compute_80 PTX through the driver" env -u POCL_WORK_GROUP_METHOD .gpu/kiln verify .gpu/bundles/conformance.kiln --jit always
# CUDA source through NVRTC at run time: the bundle holds cuda_source.cu as source only (no PTX, no
# cubin); the first run compiles it (jit), a second process with the same cache takes the cubin (jit-cached).
nvrtc_cache=$(mktemp -d)
step "CUDA source only: NVRTC compiles it at run time (jit), results checked" env KILN_CACHE_DIR="$nvrtc_cache" .gpu/KilnStartupProbe cuda-source .gpu/bundles/cuda_source.kiln jit
step "CUDA source only, second run: from the JIT cache (jit-cached), results checked" env KILN_CACHE_DIR="$nvrtc_cache" .gpu/KilnStartupProbe cuda-source .gpu/bundles/cuda_source.kiln jit-cached
echo "check status: $status"
exit $status
