# Sourced by bench.sh and size.sh on the GPU machine: can nvcc compile Kiln's OpenCL C kernels
# as CUDA with Kiln's prelude? Sets PRE (the nvcc flags that include it) and prelude (plain,
# wrapped or failed), using $NVCC, $W and $G90.
echo "== does nvcc compile the .cl with the plain prelude? (nvcc -x cu -include kiln_opencl.h)"
PRE="-include .gpu/kiln_opencl.h"
if $NVCC -O3 $G90 -x cu $PRE -c Kernels/gemm_variants.cl -o $W/k90.o 2> $W/plain.err; then
  echo "yes: the plain prelude compiles under nvcc"; prelude=plain
else
  grep -m8 -A3 'error' $W/plain.err
  echo "no; retrying with bench/gpu/nvcc_prelude.h (glibc ulong clash worked around)"
  PRE="-I.gpu -include bench/gpu/nvcc_prelude.h"; prelude=wrapped
  $NVCC -O3 $G90 -x cu $PRE -c Kernels/gemm_variants.cl -o $W/k90.o || { echo "nvcc cannot compile the kernels"; prelude=failed; }
fi
