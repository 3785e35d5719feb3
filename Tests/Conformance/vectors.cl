// Vector types: literals, swizzles (.xyzw, .sN, .lo/.hi, .even/.odd), arithmetic, geometric builtins.
kernel void vector_ops(global const float4* in, global float* out) {
    size_t i = get_global_id(0);
    float4 v = in[i];
    float4 w = (float4)(1.0f, 2.0f, 3.0f, 4.0f);
    float4 r = v.wzyx * w + (float4)(v.lo, v.hi);
    float8 e = (float8)(v, w);
    float3 c = cross(v.xyz, w.xyz);
    global float* o = out + i * 8;
    o[0] = r.x;
    o[1] = r.s1;
    o[2] = dot(v, w);
    o[3] = e.s7 + e.s0;
    o[4] = v.even.y + v.odd.x;
    o[5] = length(v.xyz);
    o[6] = c.x + 2.0f * c.y + 3.0f * c.z;
    o[7] = distance(v, w);
}
