// Relational builtins: vector comparisons, any, all, select, isnan, signbit, bitselect.
kernel void relational(global const float4* in, global int* out) {
    size_t i = get_global_id(0);
    float4 v = in[i];
    int4 positive = isgreater(v, (float4)(0.0f));
    global int* o = out + i * 6;
    o[0] = any(positive);
    o[1] = all(positive);
    o[2] = select(1, 2, (int)(v.x > v.y));
    o[3] = isnan(sqrt(v.z));
    o[4] = signbit(v.w);
    o[5] = bitselect(as_int(v.x), as_int(v.y), 0x0F0F0F0F);
}
