// GELU with the tanh approximation: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
__kernel void gelu(__global const float* x, __global float* out, int n) {
    int i = get_global_id(0);
    if (i < n) {
        float v = x[i];
        out[i] = 0.5f * v * (1.0f + tanh(0.7978845608f * (v + 0.044715f * v * v * v)));
    }
}
