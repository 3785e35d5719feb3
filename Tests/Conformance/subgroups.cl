// Subgroups where the device has them (cl_khr_subgroups, cl_intel_subgroups).
kernel void lane_count(global int* out) {
    out[get_global_id(0)] = (int)get_local_size(0);
}

#if defined(cl_khr_subgroups) || defined(cl_intel_subgroups)
kernel void subgroup_sum(global const int* in, global int* out, global int* sizes) {
    size_t i = get_global_id(0);
    out[i] = sub_group_reduce_add(in[i]);
    sizes[i] = (int)get_sub_group_size();
}
#endif
