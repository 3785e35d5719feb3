"""Where a fresh process's wall time goes, for the floor and Kiln's AOT probe: run after
bench/gpu/startup.sh (which builds /tmp/startup/floor and gemm.cubin), with bench/gpu/process_clock.c
built as /tmp/clock.so:

  load   spawn -> the process's libraries loaded and relocated (before main)
  main   -> main returned and the atexit handlers ran (CUDA's teardown among them)
  after  -> the parent saw it exit (library destructors, the kernel's teardown)

ROUNDS (argument, default 31) rounds of one process per row, the order alternated; medians in ms."""
import subprocess, time, os, sys, statistics
W = "/tmp/startup"; bundle = ".gpu/bundles/gemm_aot.kiln"
rows = {
  "floor": [f"{W}/floor", f"{W}/gemm.cubin", "gemm_t8_w1_u1_plain"],
  "aot": [".gpu/KilnStartupProbe", "first-kernel", bundle],
}
res = {k: {"load": [], "main": [], "after": [], "wall": []} for k in rows}
rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 31
for r in range(rounds):
  for name in (rows if r % 2 == 0 else list(rows)[::-1]):
    f = f"/tmp/split-{name}.txt"
    if os.path.exists(f): os.remove(f)
    env = dict(os.environ, LD_PRELOAD="/tmp/clock.so", SPLIT_FILE=f, KILN_CACHE_DIR=f"{W}/cache")
    s = time.clock_gettime_ns(time.CLOCK_BOOTTIME)
    p = subprocess.run(rows[name], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    e = time.clock_gettime_ns(time.CLOCK_BOOTTIME)
    assert p.returncode == 0, name
    t = dict(l.split() for l in open(f))
    L, F = int(t["loaded"]), int(t["fini"])
    res[name]["load"].append((L - s) / 1e6); res[name]["main"].append((F - L) / 1e6)
    res[name]["after"].append((e - F) / 1e6); res[name]["wall"].append((e - s) / 1e6)
for k, v in res.items():
  print(k, {p: round(statistics.median(x), 2) for p, x in v.items()})
