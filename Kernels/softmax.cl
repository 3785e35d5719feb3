// Softmax over each row of a rows × cols matrix: one work-group of 256 per row, the row's
// maximum and sum reduced in local memory.
__kernel void softmax(__global const float* in, __global float* out, int cols) {
    __local float scratch[256];
    int row = get_group_id(0);
    int lid = get_local_id(0);
    __global const float* x = in + row * cols;
    __global float* y = out + row * cols;
    float m = -INFINITY;
    for (int c = lid; c < cols; c += 256) m = fmax(m, x[c]);
    scratch[lid] = m;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int s = 128; s > 0; s >>= 1) {
        if (lid < s) scratch[lid] = fmax(scratch[lid], scratch[lid + s]);
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    m = scratch[0];
    barrier(CLK_LOCAL_MEM_FENCE);
    float sum = 0.0f;
    for (int c = lid; c < cols; c += 256) sum += exp(x[c] - m);
    scratch[lid] = sum;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int s = 128; s > 0; s >>= 1) {
        if (lid < s) scratch[lid] += scratch[lid + s];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    float inv = 1.0f / scratch[0];
    for (int c = lid; c < cols; c += 256) y[c] = exp(x[c] - m) * inv;
}
