// vload/vstore of every width, unaligned offsets, and half through vload_half/vstore_half.
kernel void vector_memory(global const float* in, global float* out, global half* h) {
    size_t i = get_global_id(0);
    float4 four = vload4(i, in + 1);
    float2 two = vload2(i, in);
    float8 eight = vload8(0, in + i);
    float16 sixteen = vload16(0, in + i);
    vstore4(four * 2.0f, i, out);
    size_t n = get_global_size(0);
    out[4 * n + i] = two.y + eight.s7 + sixteen.sf;
    vstore_half(in[i], i, h);
    out[5 * n + i] = vload_half(i, h);
}
