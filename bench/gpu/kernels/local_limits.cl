// For the launch-limit checks (KilnStartupProbe launch-limits; bench/gpu/check.sh and the CPU
// tests): `staged` declares 1 KiB of local memory and takes more at launch, so a launch that asks
// for more than the device's local memory less that 1 KiB must be refused before the driver.
__kernel void staged(__global int* out, __local int* scratch) {
    __local int tile[256];
    int i = get_local_id(0);
    tile[i % 256] = i;
    scratch[i] = 2 * i;
    barrier(CLK_LOCAL_MEM_FENCE);
    out[get_global_id(0)] = tile[i % 256] + scratch[i];
}
