#!/usr/bin/env bash
# Installs what Kiln needs on Debian or Ubuntu, then builds it. Safe to run again: it installs
# only what is missing. Needs root (or sudo) the first time, for apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: zstd for bundles; OpenSSL 3's libcrypto for SHA-256 and bundle signatures; the
# OpenCL ICD loader, PoCL (the cpu target and CPU runs) and Intel's OpenCL driver with ocloc (Intel
# targets); clinfo to see what OpenCL finds; clang 16 and libclc 16, which compile OpenCL C for
# NVIDIA and list every .cl module's kernels; libcurl, which the remote cache opens at run time
# (never linked).
packages=(libcurl4 libzstd-dev libssl-dev pkg-config ocl-icd-libopencl1 pocl-opencl-icd intel-opencl-icd clinfo clang-16 libclc-16)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if [ -n "$sudo" ] && ! command -v sudo >/dev/null; then
    echo "Kiln needs: ${missing[*]}. Install them as root: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "installing ${missing[*]} …" >&2
  $sudo apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}" >&2
fi

# NVRTC 13.0.88 from PyPI, into .toolchains/nvrtc (Kiln finds it there; KILN_NVRTC overrides).
# Its second build (the .alt libraries) is not used and is removed, which halves the 218 MiB.
nvrtc=.toolchains/nvrtc
if [ ! -f "$nvrtc/nvidia/cu13/lib/libnvrtc.so.13" ]; then
  command -v python3 >/dev/null || { echo "Kiln's NVIDIA builds need python3 and pip to install NVRTC" >&2; exit 1; }
  echo "installing NVRTC 13.0.88 into $nvrtc …" >&2
  python3 -m pip install -q --disable-pip-version-check --no-deps --target "$nvrtc" nvidia-cuda-nvrtc==13.0.88 >&2
  rm -f "$nvrtc"/nvidia/cu13/lib/*.alt.*
fi

# The CUDA 13.0 headers from PyPI (cuda_fp16.h, cuda_bf16.h, mma.h, cooperative_groups.h, libcu++),
# into .toolchains/cuda-headers: what .cu modules include through NVRTC.
headers=.toolchains/cuda-headers
if [ ! -f "$headers/nvidia/cu13/include/cuda_fp16.h" ]; then
  echo "installing the CUDA 13.0 headers into $headers …" >&2
  python3 -m pip install -q --disable-pip-version-check --no-deps --target "$headers" \
    nvidia-cuda-runtime==13.0.88 nvidia-cuda-crt==13.0.88 nvidia-cuda-cccl==13.0.85 >&2
fi

# nvJitLink 13.0.88 from PyPI, into .toolchains/nvjitlink: links clang's PTX into cubins for every sm_XY.
nvjitlink=.toolchains/nvjitlink
if [ ! -f "$nvjitlink/nvidia/cu13/lib/libnvJitLink.so.13" ]; then
  command -v python3 >/dev/null || { echo "Kiln's NVIDIA builds need python3 and pip to install nvJitLink" >&2; exit 1; }
  echo "installing nvJitLink 13.0.88 into $nvjitlink …" >&2
  python3 -m pip install -q --disable-pip-version-check --no-deps --target "$nvjitlink" nvidia-nvjitlink==13.0.88 >&2
fi

# Intel's CPU OpenCL runtime 2026.2.0 from PyPI (with its TBB and compiler runtime), into
# .toolchains/intel-ocl: a second CPU driver, which takes SPIR-V (PoCL 3.1 does not), so the
# spirv images run on an Intel driver here. It is not registered system-wide: point the ICD loader
# at it with OCL_ICD_VENDORS=$PWD/.toolchains/intel-ocl/vendors (what the tests do).
intel=.toolchains/intel-ocl
if [ ! -f "$intel/vendors/intel-cpu.icd" ]; then
  echo "installing Intel's CPU OpenCL runtime 2026.2.0 into $intel …" >&2
  wheels=$(mktemp -d)
  python3 -m pip download -q --disable-pip-version-check --no-deps -d "$wheels" \
    intel-opencl-rt==2026.2.0 tbb==2023.2.0 intel-cmplr-lib-rt==2026.2.0 >&2
  rm -rf "$intel" && mkdir -p "$intel/lib" "$intel/vendors"
  (cd "$intel/lib" && for wheel in "$wheels"/*.whl; do
     python3 - "$wheel" <<'PY'
import sys, zipfile
keep = ("libintelocl.so.2026", "libcommon_clang.so.2026", "libocl_svml_", "cl.cfg", "clbltfn", "cllibrary",
        "libtbb.so.12", "libimf.so", "libintlc.so.5", "libirng.so", "libsvml.so")
with zipfile.ZipFile(sys.argv[1]) as wheel:
    for name in wheel.namelist():
        base = name.rsplit("/", 1)[-1]
        if "/data/lib/" in name and base.startswith(keep) and not base.endswith(".py"):
            open(base, "wb").write(wheel.read(name))
PY
   done)
  rm -rf "$wheels"
  echo "$PWD/$intel/lib/libintelocl.so.2026.22.10.0" > "$intel/vendors/intel-cpu.icd"
fi

command -v swift >/dev/null || { echo "Kiln needs a Swift 6 toolchain on PATH (swift.org/install)." >&2; exit 1; }
swift build --build-tests -q >&2
