// The CUDA prelude that Kiln used before OpenCL C went through clang + libclc (kept only so that
// bench/gpu/bench.sh can compile Kiln's plain reference kernels with nvcc, for the fatbin size and
// startup comparison). Kiln itself no longer uses it.
// kiln_opencl.h — lets OpenCL C 1.2 kernels compile as CUDA C++ under NVRTC.
// Only the double-underscore qualifier spellings are supported: the bare words
// `kernel`, `global`, `local`, `constant` must NOT be macros, because CUDA's own
// `__global__` / `__constant__` expand to `__attribute__((global))` etc.
#pragma once

// ---- address-space qualifiers and kernel marker --------------------------------
#define __kernel   extern "C" __global__      // OpenCL kernels have C linkage names
#define __global                               // generic pointers in CUDA
#define __local    __shared__                  // only for arrays/scalars declared in a kernel body
#define __constant const                       // params: const T*; program scope: read-only global
#define __private
#define restrict   __restrict__

// ---- scalar types ----------------------------------------------------------------
typedef unsigned char  uchar;
typedef unsigned short ushort;
typedef unsigned int   uint;
typedef unsigned long long ulong;              // OpenCL ulong is always 64-bit

// ---- special values (constant expressions, usable in __constant initializers) -----
#define INFINITY   __builtin_bit_cast(float, 0x7f800000u)
#define NAN        __builtin_bit_cast(float, 0x7fc00000u)
#define HUGE_VALF  INFINITY
#define MAXFLOAT   3.402823466e+38f
#define FLT_MAX    3.402823466e+38f
#define FLT_MIN    1.175494351e-38f
#define FLT_EPSILON 1.192092896e-07f
#define INT_MAX    2147483647
#define INT_MIN    (-2147483647 - 1)
#define UINT_MAX   0xffffffffu
#define M_PI_F     3.14159265358979323846f
#define M_E_F      2.71828182845904523536f
#define M_LN2_F    0.69314718055994530942f
#define M_SQRT2_F  1.41421356237309504880f

// ---- work-item functions (global offset is always 0; max 3 dimensions) ------------
#define KILN_DIM3(v, d) ((d) == 0 ? (v).x : (d) == 1 ? (v).y : (d) == 2 ? (v).z : 0u)
__device__ __forceinline__ size_t get_local_id(uint d)    { return KILN_DIM3(threadIdx, d); }
__device__ __forceinline__ size_t get_group_id(uint d)    { return KILN_DIM3(blockIdx, d); }
__device__ __forceinline__ size_t get_local_size(uint d)  { return d < 3 ? KILN_DIM3(blockDim, d) : 1u; }
__device__ __forceinline__ size_t get_num_groups(uint d)  { return d < 3 ? KILN_DIM3(gridDim, d) : 1u; }
__device__ __forceinline__ size_t get_global_id(uint d)   { return get_group_id(d) * get_local_size(d) + get_local_id(d); }
__device__ __forceinline__ size_t get_global_size(uint d) { return get_num_groups(d) * get_local_size(d); }
__device__ __forceinline__ size_t get_global_offset(uint)  { return 0; }

// ---- synchronization --------------------------------------------------------------
typedef uint cl_mem_fence_flags;
#define CLK_LOCAL_MEM_FENCE  1u
#define CLK_GLOBAL_MEM_FENCE 2u
__device__ __forceinline__ void barrier(cl_mem_fence_flags) { __syncthreads(); }
__device__ __forceinline__ void mem_fence(cl_mem_fence_flags f) {
  if (f & CLK_GLOBAL_MEM_FENCE) __threadfence(); else __threadfence_block();
}
#define read_mem_fence(f)  mem_fence(f)
#define write_mem_fence(f) mem_fence(f)

// ---- math not spelled the same in CUDA (CUDA already has exp/tanh/sqrt/fmax/...) ---
__device__ __forceinline__ float mad(float a, float b, float c)  { return fmaf(a, b, c); }
__device__ __forceinline__ float clamp(float x, float lo, float hi) { return fminf(fmaxf(x, lo), hi); }
__device__ __forceinline__ int   clamp(int x, int lo, int hi)   { return min(max(x, lo), hi); }
__device__ __forceinline__ float mix(float a, float b, float t) { return a + (b - a) * t; }
__device__ __forceinline__ float sign(float x) { return x > 0.f ? 1.f : x < 0.f ? -1.f : x; }
__device__ __forceinline__ float native_exp(float x)   { return __expf(x); }
__device__ __forceinline__ float native_log(float x)   { return __logf(x); }
__device__ __forceinline__ float native_sqrt(float x)  { return sqrtf(x); }
__device__ __forceinline__ float native_recip(float x) { return __frcp_rn(x); }
__device__ __forceinline__ float native_divide(float a, float b) { return __fdividef(a, b); }
__device__ __forceinline__ float as_float(int x)  { return __int_as_float(x); }
__device__ __forceinline__ float as_float(uint x) { return __uint_as_float(x); }
__device__ __forceinline__ int   as_int(float x)  { return __float_as_int(x); }
__device__ __forceinline__ uint  as_uint(float x) { return __float_as_uint(x); }
#define convert_int(x)   ((int)(x))
#define convert_uint(x)  ((uint)(x))
#define convert_float(x) ((float)(x))

// ---- 32-bit atomics on __global / __local int and uint (return the old value) ------
#define KILN_ATOMIC2(name, cuda)                                                          \
  __device__ __forceinline__ int  name(volatile int* p, int v)   { return cuda((int*)p, v); }  \
  __device__ __forceinline__ uint name(volatile uint* p, uint v) { return cuda((uint*)p, v); }
KILN_ATOMIC2(atomic_add,  atomicAdd)
KILN_ATOMIC2(atomic_sub,  atomicSub)
KILN_ATOMIC2(atomic_xchg, atomicExch)
KILN_ATOMIC2(atomic_min,  atomicMin)
KILN_ATOMIC2(atomic_max,  atomicMax)
KILN_ATOMIC2(atomic_and,  atomicAnd)
KILN_ATOMIC2(atomic_or,   atomicOr)
KILN_ATOMIC2(atomic_xor,  atomicXor)
#undef KILN_ATOMIC2
__device__ __forceinline__ float atomic_xchg(volatile float* p, float v) { return atomicExch((float*)p, v); }
__device__ __forceinline__ int  atomic_inc(volatile int* p)  { return atomicAdd((int*)p, 1); }
__device__ __forceinline__ uint atomic_inc(volatile uint* p) { return atomicAdd((uint*)p, 1u); }
__device__ __forceinline__ int  atomic_dec(volatile int* p)  { return atomicSub((int*)p, 1); }
__device__ __forceinline__ uint atomic_dec(volatile uint* p) { return atomicSub((uint*)p, 1u); }
__device__ __forceinline__ int  atomic_cmpxchg(volatile int* p, int cmp, int v)    { return atomicCAS((int*)p, cmp, v); }
__device__ __forceinline__ uint atomic_cmpxchg(volatile uint* p, uint cmp, uint v) { return atomicCAS((uint*)p, cmp, v); }
#define atom_add     atomic_add
#define atom_sub     atomic_sub
#define atom_inc     atomic_inc
#define atom_dec     atomic_dec
#define atom_xchg    atomic_xchg
#define atom_cmpxchg atomic_cmpxchg
#define atom_min     atomic_min
#define atom_max     atomic_max
