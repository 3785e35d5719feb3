// A device-to-device copy in Kiln's dialect, one float per work-item, the same shape as saxpy
// and add: the bandwidth ceiling the elementwise kernels are measured against (bench/gpu/bench.sh).
__kernel void copy_f32(__global const float* in, __global float* out, int n) {
    int i = get_global_id(0);
    if (i < n) out[i] = in[i];
}
