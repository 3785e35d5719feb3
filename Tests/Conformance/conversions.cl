// Conversions with rounding modes and saturation, and reinterpretation with as_*.
kernel void conversions(global const float* in, global int* out) {
    size_t i = get_global_id(0);
    float x = in[i];
    global int* o = out + i * 6;
    o[0] = convert_int_sat_rte(x * 1000.0f);
    o[1] = convert_int_rtz(x * 100.0f);
    o[2] = convert_uchar_sat(convert_int_rtn(x * 300.0f));
    o[3] = as_int(x);
    o[4] = convert_short_sat(convert_int_sat(x * 100000.0f));
    o[5] = convert_int4_rtp((float4)(x, x * 2.0f, x * 3.0f, x * 4.0f)).w;
}
