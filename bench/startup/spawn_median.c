// Runs a program N times, one fresh process after another, and prints in milliseconds the median,
// minimum and maximum wall time from spawn to exit, then the median and minimum CPU time (user +
// system, from wait4), which a busy machine disturbs far less than the wall time:
//   spawn_median N PROGRAM [ARGS…]
// Its output goes to /dev/null; a run that fails stops it.
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char** environ;

static int compare(const void* a, const void* b) {
    double x = *(const double*)a, y = *(const double*)b;
    return (x > y) - (x < y);
}

int main(int argc, char** argv) {
    if (argc < 3) { fprintf(stderr, "usage: spawn_median N PROGRAM [ARGS...]\n"); return 2; }
    int n = atoi(argv[1]);
    double* ms = calloc(n, sizeof(double));
    double* cpu = calloc(n, sizeof(double));
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    for (int i = 0; i < n; i++) {
        struct timespec s, e;
        pid_t pid;
        int status;
        clock_gettime(CLOCK_MONOTONIC, &s);
        if (posix_spawn(&pid, argv[2], &actions, NULL, argv + 2, environ) != 0) { perror(argv[2]); return 1; }
        struct rusage usage;
        wait4(pid, &status, 0, &usage);
        clock_gettime(CLOCK_MONOTONIC, &e);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) { fprintf(stderr, "%s failed (run %d)\n", argv[2], i); return 1; }
        ms[i] = (e.tv_sec - s.tv_sec) * 1e3 + (e.tv_nsec - s.tv_nsec) / 1e6;
        cpu[i] = (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e3 + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e3;
    }
    qsort(ms, n, sizeof(double), compare);
    qsort(cpu, n, sizeof(double), compare);
    printf("wall %.3f %.3f %.3f cpu %.3f %.3f\n", ms[n / 2], ms[0], ms[n - 1], cpu[n / 2], cpu[0]);
    return 0;
}
