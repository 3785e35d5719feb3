// Tiled single-precision GEMM, C = A·B for row-major A (M×K), B (K×N), C (M×N): 16 × 16 tiles
// of A and B in local memory, one output per work-item; local size (16, 16).
#define TS 16
__kernel void gemm(__global const float* A, __global const float* B, __global float* C, int M, int N, int K) {
    __local float As[TS][TS + 1];
    __local float Bs[TS][TS + 1];
    int tx = get_local_id(0), ty = get_local_id(1);
    int col = get_group_id(0) * TS + tx;
    int row = get_group_id(1) * TS + ty;
    float acc = 0.0f;
    for (int t = 0; t < K; t += TS) {
        As[ty][tx] = (row < M && t + tx < K) ? A[row * K + t + tx] : 0.0f;
        Bs[ty][tx] = (t + ty < K && col < N) ? B[(t + ty) * N + col] : 0.0f;
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int k = 0; k < TS; k++) acc += As[ty][k] * Bs[k][tx];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (row < M && col < N) C[row * N + col] = acc;
}
