#!/usr/bin/env bash
# Prepares .gpu/ for bench/gpu/run.sh, bench.sh and startup.sh on the GPU machine (which has no Swift toolchain):
# static release builds of kiln, GPUCheck and KilnStartupProbe, stripped and packed in one xz stream, and the bundles the proof
# and the benchmarks (run.sh, bench.sh) use, built here with NVRTC. Name ".gpu" in the device tool's `carry`.
set -euo pipefail
cd "$(dirname "$0")/../.."
exclude=$(git rev-parse --git-path info/exclude)  # .git/info/exclude, also in a worktree (where .git is a file)
grep -qx '/.gpu/' "$exclude" 2>/dev/null || echo '/.gpu/' >> "$exclude"
rm -rf .gpu && mkdir -p .gpu/bundles
# A scratch folder of its own, so a debug build in .build can run beside it.
release=(-c release --static-swift-stdlib --scratch-path .build-release)
swift build "${release[@]}" --product kiln >&2
strip -o .gpu/kiln "$(swift build "${release[@]}" --show-bin-path)/kiln"
# The start-up probe (bench/gpu/startup.sh): a program that links KilnRuntime alone, as a user's would.
swift build "${release[@]}" --product KilnStartupProbe >&2
strip -o .gpu/KilnStartupProbe "$(swift build "${release[@]}" --show-bin-path)/KilnStartupProbe"
(cd Benchmarks && swift build -c release --static-swift-stdlib --product GPUCheck >&2)
strip -o .gpu/GPUCheck "$(cd Benchmarks && swift build -c release --show-bin-path)/GPUCheck"
kiln="$(swift build "${release[@]}" --show-bin-path)/kiln"
proof=(Kernels/saxpy.cl Kernels/transpose.cl Kernels/reduce_sum.cl Kernels/histogram.cl Tests/KilnCompilerTests/Fixtures/gemm_tiles.cu)
"$kiln" build "${proof[@]}" --devices sm_90 -o .gpu/bundles/aot.kiln
"$kiln" build "${proof[@]}" --devices sm_80 -o .gpu/bundles/jit.kiln
"$kiln" build "${proof[@]}" --devices sm_80,no-ptx,no-source -o .gpu/bundles/nojit.kiln
"$kiln" build Kernels/gemm_variants.cl --devices sm_90,no-ptx,no-source -o .gpu/bundles/gemm_aot.kiln
"$kiln" build Kernels/gemm_variants.cl --devices compute_90,no-source -o .gpu/bundles/gemm_jit.kiln
"$kiln" build Kernels --devices sm_90 -o .gpu/bundles/kernels.kiln
# Six NVIDIA targets: every module's sm_90 cubin is stored against a neighbour, gemm_variants'
# and layernorm's coded against the neighbour coded the same way (format 4).
"$kiln" build Kernels --devices sm_80,sm_86,sm_89,sm_90,sm_100,sm_120 -o .gpu/bundles/kernels6.kiln
# For bench/gpu/bench.sh: the same 160 kernels with the nvcc comparison's targets, the speed
# bundles (AOT = sm_90 cubins only, JIT = compute_90 PTX only, same modules), and the prelude as
# a header for nvcc.
"$kiln" build Kernels/gemm_variants.cl --devices sm_80,sm_90,compute_90,no-source -o .gpu/bundles/gemm_multi.kiln
"$kiln" build Kernels/gemm_variants.cl --devices sm_80,sm_90,no-ptx,no-source -o .gpu/bundles/gemm_cubins.kiln  # bench/gpu/size.sh
speed=(bench/gpu/kernels/copy.cl Kernels/saxpy.cl Kernels/add.cl Kernels/gemm.cl Kernels/gemm_variants.cl)
"$kiln" build "${speed[@]}" --devices sm_90,no-ptx,no-source -o .gpu/bundles/speed_aot.kiln
"$kiln" build "${speed[@]}" --devices compute_90,no-source -o .gpu/bundles/speed_jit.kiln
cp bench/gpu/kiln_opencl.h .gpu/kiln_opencl.h
# For bench/gpu/opencl.sh: the OpenCL C conformance suite (AOT sm_90 and compute_80 PTX; the
# machine's PoCL JITs the source), and the float4 elementwise kernels beside the 4-byte copy.
"$kiln" build Tests/Conformance -D KILN_SCALE=3 -I Tests/Conformance/include --devices sm_80,sm_90,cpu -o .gpu/bundles/conformance.kiln
"$kiln" build bench/gpu/kernels/copy.cl bench/gpu/kernels/elementwise4.cl --devices sm_90,no-ptx,no-source -o .gpu/bundles/vector.kiln
# For the checked mode (GPUCheck checked): kernels that write outside their buffer.
"$kiln" build bench/gpu/kernels/overrun.cl --devices sm_90 -o .gpu/bundles/overrun.kiln
# For the launch-limit check (KilnStartupProbe launch-limits): __launch_bounds__(64) and local memory.
"$kiln" build bench/gpu/kernels/launch_bounds.cu bench/gpu/kernels/local_limits.cl --devices sm_90 -o .gpu/bundles/limits.kiln
# For the CUDA-source check (KilnStartupProbe cuda-source): a .cu module with no PTX and no cubin.
"$kiln" build bench/gpu/kernels/cuda_source.cu --devices none,no-ptx -o .gpu/bundles/cuda_source.kiln
"$kiln" --version > .gpu/kiln-version.txt 2>&1 || true
# The commit the binaries were built from, "+changes" when the working tree differed, for the result files.
echo "$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- Sources Tests Package.swift || echo +changes)" > .gpu/commit.txt
# One xz stream: the three binaries share most of their bytes (bench/gpu/unpack.sh unpacks it).
tar cf - -C .gpu kiln GPUCheck KilnStartupProbe | xz -9e -T0 > .gpu/binaries.tar.xz
rm .gpu/kiln .gpu/GPUCheck .gpu/KilnStartupProbe
du -sh .gpu/* .gpu/bundles/*
