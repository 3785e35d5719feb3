// For the launch-limit check (KilnStartupProbe launch-limits, bench/gpu/check.sh): a kernel that
// allows at most 64 threads per block, so Kiln must refuse a launch with block 128 before the driver.
extern "C" __global__ void __launch_bounds__(64) bounded(int* out, int value) {
    out[blockIdx.x * blockDim.x + threadIdx.x] = value;
}
