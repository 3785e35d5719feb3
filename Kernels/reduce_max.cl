// One partial maximum per work-group of 256: a tree reduction in local memory; -INFINITY when empty.
__kernel void reduce_max(__global const float* in, __global float* partial, uint n) {
    __local float scratch[256];
    uint lid = get_local_id(0);
    float v = -INFINITY;
    for (uint i = get_global_id(0); i < n; i += get_global_size(0)) v = fmax(v, in[i]);
    scratch[lid] = v;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (uint s = get_local_size(0) / 2; s > 0; s >>= 1) {
        if (lid < s) scratch[lid] = fmax(scratch[lid], scratch[lid + s]);
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (lid == 0) partial[get_group_id(0)] = scratch[0];
}
