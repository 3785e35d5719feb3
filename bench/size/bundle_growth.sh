#!/usr/bin/env bash
# Bundle size for Kernels/gemm_variants.cl (160 kernels) as the NVIDIA device list grows
# (1, 2, 4, 8 targets), with Kiln's default portable forms (PTX at the lowest target + source)
# and with cubins only; plus the bundles the nvcc fatbin comparison uses (sm_80,sm_90 + PTX).
# Runs here (NVRTC from .toolchains); writes bench/results/kiln-bundle-size.json.
# Usage: bash bench/size/bundle_growth.sh [KILN]
set -euo pipefail
cd "$(dirname "$0")/../.."
kiln=${1:-$(swift build -c release --show-bin-path)/kiln}
out=$(mktemp -d)
sets=("sm_90" "sm_80,sm_90" "sm_75,sm_80,sm_89,sm_90" "sm_75,sm_80,sm_86,sm_89,sm_90,sm_100,sm_103,sm_120")
rows=()
for s in "${sets[@]}"; do
  n=$(awk -F, '{print NF}' <<<"$s")
  "$kiln" build Kernels/gemm_variants.cl --devices "$s" -o "$out/d$n.kiln" >&2
  "$kiln" build Kernels/gemm_variants.cl --devices "$s,no-ptx,no-source" -o "$out/c$n.kiln" >&2
  "$kiln" build Kernels/gemm_variants.cl --devices "$s,no-source" -o "$out/p$n.kiln" >&2
  d=$(stat -c %s "$out/d$n.kiln"); c=$(stat -c %s "$out/c$n.kiln"); p=$(stat -c %s "$out/p$n.kiln")
  echo "targets=$n ($s): default portable forms $d B, PTX no source $p B, cubins only $c B" >&2
  rows+=("{\"targets\": $n, \"deviceList\": \"$s\", \"bytesWithPTXAndSource\": $d, \"bytesWithPTXNoSource\": $p, \"bytesCubinsOnly\": $c}")
done
# The like-for-like set for the nvcc fatbin: sm_80 and sm_90 cubins + compute_90 PTX.
"$kiln" build Kernels/gemm_variants.cl --devices sm_80,sm_90,compute_90,no-source -o "$out/fat.kiln" >&2
"$kiln" build Kernels/gemm_variants.cl --devices sm_80,sm_90,no-ptx,no-source -o "$out/fatnoptx.kiln" >&2
"$kiln" build Kernels/gemm_variants.cl --devices sm_80,sm_90,compute_90 -o "$out/fatsrc.kiln" >&2
"$kiln" inspect "$out/fat.kiln" >&2 || true
"$kiln" inspect "$out/d8.kiln" >&2 || true
ver=$("$kiln" --version 2>/dev/null | head -1)
nvrtc=$(ls .toolchains/nvrtc 2>/dev/null | tr '\n' ' ')
src=$(stat -c %s Kernels/gemm_variants.cl)
mkdir -p bench/results
{
  echo "{\"benchmark\": \"kiln-bundle-size\", \"machine\": \"$(uname -n) (build machine, no GPU)\", \"date\": \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\","
  echo " \"kiln\": \"$ver\", \"nvrtc\": \"pip nvidia-cuda-nvrtc 13.0.88 in .toolchains/nvrtc ($nvrtc)\", \"module\": \"Kernels/gemm_variants.cl (160 kernels, $src B of source)\","
  echo " \"growth\": ["; (IFS=$'\n'; echo "${rows[*]}" | sed '$!s/$/,/'); echo " ],"
  echo " \"fatbinComparison\": {\"sm_80,sm_90,compute_90 no-source\": $(stat -c %s "$out/fat.kiln"), \"sm_80,sm_90 cubins only\": $(stat -c %s "$out/fatnoptx.kiln"), \"sm_80,sm_90,compute_90 + source\": $(stat -c %s "$out/fatsrc.kiln")}}"
} > bench/results/kiln-bundle-size.json
cat bench/results/kiln-bundle-size.json
