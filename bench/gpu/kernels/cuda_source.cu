// For bench/gpu/check.sh: a module shipped as CUDA source only (`kiln build --devices none,no-ptx`),
// which the runtime compiles with NVRTC on the GPU. A C++ kernel (mangled symbol) and a template
// instantiation, whose symbols the bundle does not record: the run-time compile lowers them.
__global__ void saxpy(float* y, const float* x, float a, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) y[i] += a * x[i];
}

template <int K> __global__ void scale(float* y, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) y[i] *= K;
}
// kiln: instantiate scale<3>
