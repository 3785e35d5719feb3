// The floor for "process start → first kernel result": a minimal C program that creates the
// primary context, loads a cubin with cuModuleLoadData, runs one GEMM kernel on 64×64 inputs
// and checks one element. Built on the GPU machine by bench/gpu/run.sh.
#include <cuda.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>

#define CHECK(call) do { CUresult r_ = (call); if (r_ != CUDA_SUCCESS) { const char* s_ = "?"; \
    cuGetErrorName(r_, &s_); fprintf(stderr, "%s failed: %s\n", #call, s_); return 1; } } while (0)

int main(int argc, char** argv) {
    if (argc != 3) { fprintf(stderr, "usage: floor CUBIN KERNEL\n"); return 2; }
    FILE* f = fopen(argv[1], "rb");
    if (!f) { perror(argv[1]); return 1; }
    fseek(f, 0, SEEK_END); long size = ftell(f); fseek(f, 0, SEEK_SET);
    char* image = malloc(size);
    if (fread(image, 1, size, f) != (size_t)size) { perror("read"); return 1; }
    fclose(f);

    CUdevice device; CUcontext context; CUmodule module; CUfunction function;
    CHECK(cuInit(0));
    CHECK(cuDeviceGet(&device, 0));
    CHECK(cuDevicePrimaryCtxRetain(&context, device));
    CHECK(cuCtxSetCurrent(context));
    CHECK(cuModuleLoadData(&module, image));
    CHECK(cuModuleGetFunction(&function, module, argv[2]));

    int n = 64; float alpha = 1.0f, beta = 0.0f;
    size_t bytes = (size_t)n * n * sizeof(float);
    float *a = malloc(bytes), *b = malloc(bytes), *c = malloc(bytes);
    for (int i = 0; i < n * n; i++) { a[i] = (float)rand() / RAND_MAX - 0.5f; b[i] = (float)rand() / RAND_MAX - 0.5f; c[i] = NAN; }
    CUdeviceptr da, db, dc;
    CHECK(cuMemAlloc(&da, bytes)); CHECK(cuMemAlloc(&db, bytes)); CHECK(cuMemAlloc(&dc, bytes));
    CHECK(cuMemcpyHtoD(da, a, bytes)); CHECK(cuMemcpyHtoD(db, b, bytes)); CHECK(cuMemcpyHtoD(dc, c, bytes));
    void* params[] = { &da, &db, &dc, &n, &n, &n, &alpha, &beta };
    CHECK(cuLaunchKernel(function, n / 8, n / 8, 1, 8, 8, 1, 0, 0, params, 0));
    CHECK(cuMemcpyDtoH(c, dc, bytes));
    double ref = 0; for (int q = 0; q < n; q++) ref += (double)a[q] * b[q * n];
    if (fabs(c[0] - ref) > 1e-4) { fprintf(stderr, "wrong result %f vs %f\n", c[0], ref); return 1; }
    printf("floor ok\n");
    return 0;
}
