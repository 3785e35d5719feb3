// Ordinary input: a byte-order mark, CRLF line ends, a header from -I and a macro from -D.
#include "conformance.h"

kernel void scaled(global float* x) { // scaled by -D KILN_SCALE and the header
    x[get_global_id(0)] *= KILN_SCALE * HEADER_FACTOR;
}

#ifdef KILN_NEVER
kernel void never_listed(global float* x) {}
#endif
