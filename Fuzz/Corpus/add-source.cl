#line 1 "Kernels/add.cl"
// out = a + b, one element per work-item.
__kernel void add(__global const float* a, __global const float* b, __global float* out, int n) {
    int i = get_global_id(0);
    if (i < n) out[i] = a[i] + b[i];
}
