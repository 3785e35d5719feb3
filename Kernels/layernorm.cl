// Layer norm over each row: y = (x − mean) / √(var + eps) · gamma + beta; one work-group of
// 256 per row, mean and variance reduced in local memory.
__kernel void layernorm(__global const float* in, __global const float* gamma, __global const float* beta,
                        __global float* out, int cols, float eps) {
    __local float scratch[256];
    int row = get_group_id(0);
    int lid = get_local_id(0);
    __global const float* x = in + row * cols;
    __global float* y = out + row * cols;
    float sum = 0.0f;
    for (int c = lid; c < cols; c += 256) sum += x[c];
    scratch[lid] = sum;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int s = 128; s > 0; s >>= 1) {
        if (lid < s) scratch[lid] += scratch[lid + s];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    float mean = scratch[0] / cols;
    barrier(CLK_LOCAL_MEM_FENCE);
    float sq = 0.0f;
    for (int c = lid; c < cols; c += 256) { float d = x[c] - mean; sq += d * d; }
    scratch[lid] = sq;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int s = 128; s > 0; s >>= 1) {
        if (lid < s) scratch[lid] += scratch[lid + s];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    float inv = 1.0f / sqrt(scratch[0] / cols + eps);
    for (int c = lid; c < cols; c += 256) y[c] = (x[c] - mean) * inv * gamma[c] + beta[c];
}
