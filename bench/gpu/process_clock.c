// Preloaded (LD_PRELOAD) by bench/gpu/process_split.py: appends to $SPLIT_FILE the CLOCK_BOOTTIME
// (ns) at which a process's libraries are loaded and relocated (this library's constructor, before
// main) and at which it finishes (its destructor, after main and the atexit handlers, CUDA's among them).
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>
static long long now(void) { struct timespec t; clock_gettime(CLOCK_BOOTTIME, &t); return t.tv_sec * 1000000000LL + t.tv_nsec; }
static void put(const char* what) {
  const char* f = getenv("SPLIT_FILE"); if (!f) return;
  int fd = open(f, O_WRONLY | O_APPEND | O_CREAT, 0644); if (fd < 0) return;
  char b[64]; int n = snprintf(b, sizeof b, "%s %lld\n", what, now()); if (write(fd, b, n) != n) { /* the row then fails for a missing line */ } close(fd);
}
__attribute__((constructor)) static void loaded(void) { put("loaded"); }
__attribute__((destructor)) static void finished(void) { put("fini"); }
