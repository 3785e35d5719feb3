// For the checked mode (KILN_CHECKED=1, GPUCheck checked): one kernel writes one element past
// the end of y, one writes one before its start, one stays inside.
__kernel void past_end(__global float* y, int n) { int i = get_global_id(0); if (i <= n) y[i] = 7.0f; }
__kernel void before_start(__global float* y, int n) { int i = get_global_id(0); if (i < n) y[i - 1] = 7.0f; }
__kernel void in_bounds(__global float* y, int n) { int i = get_global_id(0); if (i < n) y[i] = 7.0f; }
