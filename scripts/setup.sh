#!/usr/bin/env bash
# Installs what Kiln needs on Debian or Ubuntu, then builds it. Safe to run again: it installs
# only what is missing. Needs root (or sudo) the first time, for apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: zstd for bundles; the OpenCL ICD loader, PoCL (the cpu target and CPU runs)
# and Intel's OpenCL driver with ocloc (Intel targets); clinfo to see what OpenCL finds; clang 16
# and libclc 16, which compile OpenCL C for NVIDIA and list every .cl module's kernels.
packages=(libzstd-dev pkg-config ocl-icd-libopencl1 pocl-opencl-icd intel-opencl-icd clinfo clang-16 libclc-16)
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

# nvJitLink 13.0.88 from PyPI, into .toolchains/nvjitlink: links clang's PTX into cubins for every sm_XY.
nvjitlink=.toolchains/nvjitlink
if [ ! -f "$nvjitlink/nvidia/cu13/lib/libnvJitLink.so.13" ]; then
  command -v python3 >/dev/null || { echo "Kiln's NVIDIA builds need python3 and pip to install nvJitLink" >&2; exit 1; }
  echo "installing nvJitLink 13.0.88 into $nvjitlink …" >&2
  python3 -m pip install -q --disable-pip-version-check --no-deps --target "$nvjitlink" nvidia-nvjitlink==13.0.88 >&2
fi

command -v swift >/dev/null || { echo "Kiln needs a Swift 6 toolchain on PATH (swift.org/install)." >&2; exit 1; }
swift build --build-tests -q >&2
