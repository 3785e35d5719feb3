// Double and half precision, each only where the device has it (cl_khr_fp64, cl_khr_fp16);
// the single-precision kernel is in every image.
kernel void single_precision(global const float* in, global float* out) {
    size_t i = get_global_id(0);
    out[i] = sqrt(in[i]) * exp(-in[i]);
}

#ifdef cl_khr_fp64
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
kernel void double_precision(global const double* in, global double* out) {
    size_t i = get_global_id(0);
    out[i] = sqrt(in[i]) * exp(-in[i]);
}
#endif

#ifdef cl_khr_fp16
#pragma OPENCL EXTENSION cl_khr_fp16 : enable
kernel void half_precision(global const half* in, global half* out) {
    size_t i = get_global_id(0);
    half x = in[i];
    out[i] = x * (half)2.0f + (half)1.0f;
}
#endif
