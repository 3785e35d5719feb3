#!/usr/bin/env python3
"""Medians of Kiln's start-up trace (KILN_TRACE lines) over many runs.

usage: trace_medians.py TRACE_DIR [WALL_US_FILE]

TRACE_DIR holds one file per run (*.jsonl, the lines of one process). For each phase, the median
of its `ms` over the runs that have it, how many runs had it, and the median of when it began
(`at_ms`). With WALL_US_FILE (one wall-clock time in microseconds per line, in the order of the
sorted trace files), also the median of "outside main": the process's wall time less the probe's
`first-result` phase — exec, loading, language runtime start and exit. Prints JSON.
"""
import glob, json, os, statistics, sys

def main():
    files = sorted(glob.glob(os.path.join(sys.argv[1], "*.jsonl")))
    phases = {}
    order = []
    per_run_total = []
    for path in files:
        seen = {}
        with open(path) as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                record = json.loads(line)
                name = record["phase"]
                if record.get("failed"):
                    name += " (failed)"
                if name not in phases:
                    phases[name] = {"ms": [], "at_ms": []}
                    order.append(name)
                # a phase that runs several times in one process (image reads of several modules) is summed per run
                seen.setdefault(name, [0.0, record.get("at_ms", 0.0)])
                seen[name][0] += record.get("ms", 0.0)
        for name, (ms, at) in seen.items():
            phases[name]["ms"].append(ms)
            phases[name]["at_ms"].append(at)
        per_run_total.append(seen.get("first-result", [None])[0])
    result = {"runs": len(files), "phases": [
        {"phase": name, "runs": len(phases[name]["ms"]),
         "median_ms": round(statistics.median(phases[name]["ms"]), 3),
         "median_at_ms": round(statistics.median(phases[name]["at_ms"]), 3)}
        for name in order]}
    if len(sys.argv) > 2:
        walls = [int(x) / 1000 for x in open(sys.argv[2]).read().split()]
        outside = [w - t for w, t in zip(walls, per_run_total) if t is not None]
        if outside:
            result["median_wall_ms"] = round(statistics.median(walls), 3)
            result["median_outside_main_ms"] = round(statistics.median(outside), 3)
    # one phase a line, so a log reads as a table
    lines = ",\n  ".join(json.dumps(p, ensure_ascii=False) for p in result.pop("phases"))
    rest = json.dumps(result)[1:-1]
    print("{" + rest + ",\n \"phases\": [\n  " + lines + "]}")

if __name__ == "__main__":
    main()
