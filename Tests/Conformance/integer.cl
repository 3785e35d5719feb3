// Integer builtins: mul24, mad24, mul_hi, rotate, popcount, clz, add_sat, abs_diff.
kernel void integer_ops(global const uint* a, global const uint* b, global uint* out) {
    size_t i = get_global_id(0);
    uint x = a[i], y = b[i];
    global uint* o = out + i * 8;
    o[0] = mul24(x & 0xFFFFFFu, y & 0xFFFFFFu);
    o[1] = mad24(x & 0xFFFFFFu, y & 0xFFFFFFu, x);
    o[2] = mul_hi(x, y);
    o[3] = rotate(x, y & 31u);
    o[4] = popcount(x);
    o[5] = clz(x);
    o[6] = add_sat(x, y);
    o[7] = abs_diff((int)x, (int)y);
}
