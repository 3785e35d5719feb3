// libcurl's variadic entry points, called through pointers that Kiln takes from the library it
// opens with dlopen (libcurl is never linked: a program that does not use the remote cache never
// loads it). Swift cannot call a C variadic function through a pointer, so these inline wrappers
// make each call with the one argument type the option takes.
#ifndef KILN_CCURL_SHIM_H
#define KILN_CCURL_SHIM_H

#include <stdint.h>

typedef int (*kiln_curl_variadic)(void *handle, int option, ...);

/// curl_easy_setopt with a `long` argument.
static inline int kiln_curl_setopt_long(void *function, void *handle, int option, long value) {
    return ((kiln_curl_variadic)function)(handle, option, value);
}

/// curl_easy_setopt with a pointer argument (strings, lists, callbacks, callback data).
static inline int kiln_curl_setopt_pointer(void *function, void *handle, int option, const void *value) {
    return ((kiln_curl_variadic)function)(handle, option, value);
}

/// curl_easy_setopt with a `curl_off_t` (64-bit) argument.
static inline int kiln_curl_setopt_offset(void *function, void *handle, int option, int64_t value) {
    return ((kiln_curl_variadic)function)(handle, option, value);
}

/// curl_easy_getinfo of a `long`.
static inline int kiln_curl_getinfo_long(void *function, void *handle, int info, long *value) {
    return ((kiln_curl_variadic)function)(handle, info, value);
}

#endif
