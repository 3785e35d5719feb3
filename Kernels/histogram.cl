// Counts bytes into 256 bins: per-work-group counts in local memory, then atomics to global.
__kernel void histogram(__global const uchar* data, int n, __global int* bins) {
    __local int local_bins[256];
    int lid = get_local_id(0);
    for (int b = lid; b < 256; b += get_local_size(0)) local_bins[b] = 0;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int i = get_global_id(0); i < n; i += get_global_size(0))
        atomic_inc(&local_bins[data[i]]);
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int b = lid; b < 256; b += get_local_size(0))
        if (local_bins[b]) atomic_add(&bins[b], local_bins[b]);
}
