// A tiled single-precision GEMM, C = A·B (row-major, M×K times K×N), one tile size per instantiation.
// kiln: instantiate gemm<16,16>, gemm<32,8>
template <int TM, int TN>
__global__ void __launch_bounds__(TM * TN) gemm(const float* __restrict__ a, const float* __restrict__ b,
                                                float* c, int m, int n, int k) {
    int row = blockIdx.y * TM + threadIdx.y;
    int col = blockIdx.x * TN + threadIdx.x;
    if (row >= m || col >= n) return;
    float sum = 0.0f;
    for (int i = 0; i < k; ++i) sum += a[row * k + i] * b[i * n + col];
    c[row * n + col] = sum;
}

extern "C" __global__ void scale(float* data, float factor, unsigned int count) {
    unsigned int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < count) data[i] *= factor;
}
