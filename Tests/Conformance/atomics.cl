// Atomics on local memory (a local pointer parameter) and on global memory, with barriers.
kernel void atomics(global int* counters, global const int* values, local int* scratch) {
    int v = values[get_global_id(0)];
    if (get_local_id(0) == 0) {
        scratch[0] = 0;
        scratch[1] = INT_MIN;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    atomic_add(&scratch[0], v);
    atomic_max(&scratch[1], v);
    barrier(CLK_LOCAL_MEM_FENCE);
    if (get_local_id(0) == 0) {
        atomic_add(&counters[0], scratch[0]);
        atomic_max(&counters[1], scratch[1]);
    }
    atomic_inc(&counters[2]);
    atomic_min(&counters[3], v);
    atomic_or(&counters[4], 1 << (v & 31));
}
