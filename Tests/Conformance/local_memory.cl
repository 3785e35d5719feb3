// Work-group memory: a tree reduction through a local pointer parameter, and two local
// parameters that must not overlap.
kernel void block_sum(global const float* in, global float* out, local float* tile) {
    size_t l = get_local_id(0);
    tile[l] = in[get_global_id(0)];
    barrier(CLK_LOCAL_MEM_FENCE);
    for (size_t s = get_local_size(0) / 2; s > 0; s >>= 1) {
        if (l < s) tile[l] += tile[l + s];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (l == 0) out[get_group_id(0)] = tile[0];
}

kernel void two_locals(global const int* in, global int* out, local int* a, local int* b) {
    size_t l = get_local_id(0), n = get_local_size(0);
    int v = in[get_global_id(0)];
    a[l] = v;
    b[l] = 2 * v;
    barrier(CLK_LOCAL_MEM_FENCE);
    out[get_global_id(0)] = a[(l + 1) % n] + b[l];
}
