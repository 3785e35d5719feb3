// Math builtins, checked against float64 within OpenCL's ULP limits; native_* within 1e-3.
kernel void math(global const float* in, global float* out) {
    size_t i = get_global_id(0);
    float x = in[i];
    global float* o = out + i * 12;
    o[0] = exp(x);
    o[1] = log(x);
    o[2] = sin(x);
    o[3] = cos(x);
    o[4] = pow(x, 1.7f);
    o[5] = sqrt(x);
    o[6] = rsqrt(x);
    o[7] = tanh(x);
    o[8] = atan2(x, 1.5f);
    o[9] = fma(x, x, 1.0f);
    o[10] = native_exp(x);
    o[11] = native_sin(x) + native_log(x);
}
