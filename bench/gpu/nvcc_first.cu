// The nvcc comparison for "process start → first kernel result": the 160 kernels of
// Kernels/gemm_variants.cl compiled by nvcc into this program's fatbin (same -gencode targets as
// the Kiln bundle), run through the CUDA runtime with its default module loading (lazy since
// CUDA 12.2, unless CUDA_MODULE_LOADING says otherwise). It does what bench/gpu/floor.c and
// `GPUCheck first-result` do: 64×64 inputs, one launch of gemm_t8_w1_u1_plain, element 0 checked.
#include <cuda_runtime.h>
#include <cmath>
#include <cstdio>
#include <cstdlib>

extern "C" __global__ void gemm_t8_w1_u1_plain(const float* A, const float* B, float* C, int M, int N, int K,
                                               float alpha, float beta);

#define CHECK(call) do { cudaError_t e_ = (call); if (e_ != cudaSuccess) { \
    fprintf(stderr, "%s failed: %s\n", #call, cudaGetErrorString(e_)); return 1; } } while (0)

int main() {
    int n = 64; float alpha = 1.0f, beta = 0.0f;
    size_t bytes = (size_t)n * n * sizeof(float);
    float *a = (float*)malloc(bytes), *b = (float*)malloc(bytes), *c = (float*)malloc(bytes);
    for (int i = 0; i < n * n; i++) { a[i] = (float)rand() / RAND_MAX - 0.5f; b[i] = (float)rand() / RAND_MAX - 0.5f; c[i] = NAN; }
    float *da, *db, *dc;
    CHECK(cudaMalloc(&da, bytes)); CHECK(cudaMalloc(&db, bytes)); CHECK(cudaMalloc(&dc, bytes));
    CHECK(cudaMemcpy(da, a, bytes, cudaMemcpyHostToDevice)); CHECK(cudaMemcpy(db, b, bytes, cudaMemcpyHostToDevice));
    CHECK(cudaMemcpy(dc, c, bytes, cudaMemcpyHostToDevice));
    gemm_t8_w1_u1_plain<<<dim3(n / 8, n / 8), dim3(8, 8)>>>(da, db, dc, n, n, n, alpha, beta);
    CHECK(cudaGetLastError());
    CHECK(cudaMemcpy(c, dc, bytes, cudaMemcpyDeviceToHost));
    double ref = 0; for (int q = 0; q < n; q++) ref += (double)a[q] * b[q * n];
    if (fabs(c[0] - ref) > 1e-4) { fprintf(stderr, "wrong result %f vs %f\n", c[0], ref); return 1; }
    printf("nvcc ok\n");
    return 0;
}
