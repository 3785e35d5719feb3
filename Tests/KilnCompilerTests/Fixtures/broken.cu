extern "C" __global__ void broken(float* p) {
    p[0] = undefined_thing + 1;
}
