// The elementwise kernels with 16-byte vector accesses (float4), which OpenCL C through clang can
// now express on NVIDIA; measured against copy bandwidth (GPUCheck vector-speed, bench/gpu).
kernel void copy4(global const float4* in, global float4* out, int n4) {
    int i = get_global_id(0);
    if (i < n4) out[i] = in[i];
}

kernel void saxpy4(float a, global const float4* x, global float4* y, int n4) {
    int i = get_global_id(0);
    if (i < n4) y[i] = a * x[i] + y[i];
}

kernel void add4(global const float4* a, global const float4* b, global float4* out, int n4) {
    int i = get_global_id(0);
    if (i < n4) out[i] = a[i] + b[i];
}
