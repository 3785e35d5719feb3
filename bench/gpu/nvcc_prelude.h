// For nvcc only (bench/gpu/bench.sh falls back to it if the plain prelude does not compile):
// glibc's <sys/types.h>, which nvcc's host side pulls in, already has `typedef unsigned long ulong`,
// and the prelude's OpenCL `typedef unsigned long long ulong` conflicts with it. NVRTC has no glibc.
#include <sys/types.h>
#define ulong kiln_cl_ulong
#include "kiln_opencl.h"
