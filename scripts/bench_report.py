#!/usr/bin/env python3
"""Writes bench/report.html from bench/results/: one bar chart per measurement, each naming the
machine or card, the date and the files it came from (linked). Every axis starts at zero and has
ticks; a goal (a results file's, or issue 13's, set below as *_GOAL) is a dashed line; a timed
bar whose file holds its samples (or min and max) carries the spread as a whisker, and the H200
start-up ratio a bootstrap interval computed from the file's samples. A value a file states that
its samples do not give is listed, not drawn silently. Every file in bench/results/ is either
charted or listed at the end with the reason it is not. Standard library only.
Run from anywhere: python3 scripts/bench_report.py (scripts/render_report.sh screenshots it).
"""
import html
import json
import math
import pathlib
import random
import statistics
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
USED = set()  # results files a chart or table read
MISMATCHES = []  # a value a file states that its own samples do not give


def load(name):
    path = RESULTS / name
    if not path.exists():
        return None
    USED.add(name)
    return json.loads(path.read_text())


def nice_max(value):
    """The axis end: the smallest of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^k at or above value."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if step * power >= value * (1 - 1e-9):
            return step * power
    return 10 * power


def tick_count(end):
    """How many intervals split [0, end] at round values (1, 2, 2.5 or 5 × 10^k each)."""
    def is_round(x):
        mantissa = x / 10 ** math.floor(math.log10(x))
        return any(abs(mantissa - r) < 1e-6 for r in (1, 2, 2.5, 5, 10))
    return next((n for n in (5, 4, 6, 3, 8, 2) if is_round(end / n)), 4)


def fmt(value, digits=None):
    """A number for a label: `digits` decimals when given (a ratio's third decimal matters),
    otherwise fewer decimals the larger the number."""
    if digits is not None:
        return f"{value:,.{digits}f}"
    if value == 0:
        return "0"
    if abs(value) >= 100 or float(value).is_integer():
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:,.1f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def wrap(text, width):
    """Splits a label into lines of at most `width` characters: at spaces, and inside a long
    comma-separated list (a device list) after a comma."""
    pieces = []  # (text, whether a space goes before it)
    for word in text.split(" "):
        parts = word.split(",")
        for i, part in enumerate(parts):
            chunk = part + ("," if i < len(parts) - 1 else "")
            pieces.append((chunk, i == 0))
    lines, line = [], ""
    for chunk, spaced in pieces:
        joined = f"{line} {chunk}" if line and spaced else line + chunk
        if line and len(joined) > width:
            lines.append(line)
            line = chunk
        else:
            line = joined
    return lines + [line] if line else lines


def chart(title, subtitle, rows, unit, sources, goal=None, note=None, short=None,
          spread="the min–max of the recorded samples", digits=None):
    """A horizontal bar chart as inline SVG, axis from zero.

    rows: (label, value) or (label, value, low, high) where low–high is the whisker.
    goal: (value, text) drawn as a dashed vertical line.
    unit names the axis and follows each bar's value; short, if given, follows it instead ("" for
    nothing). spread says what the whiskers span; digits, if given, is how many decimals each
    bar's value shows.
    """
    rows = [r for r in rows if r[1] is not None]
    if not rows:
        return ""
    highest = max(max(r[1], r[3] if len(r) > 3 else 0) for r in rows)
    if goal:
        highest = max(highest, goal[0])
    end = nice_max(highest * 1.02)
    width, label_w, plot_w, line_h = 1000, 360, 440, 15
    x0 = label_w + 10
    scale = plot_w / end
    top = 24 if goal else 8
    layout, y = [], top
    for r in rows:
        lines = wrap(r[0], 46)
        h = max(26, line_h * len(lines) + 10)
        layout.append((r, lines, y, h))
        y += h
    plot_bottom = y
    height = plot_bottom + 34
    p = [f'<svg width="{width}" height="{height}" role="img" aria-label="{html.escape(title)}" font-size="13">']
    ticks = tick_count(end)
    for i in range(ticks + 1):
        v = end * i / ticks
        x = x0 + v * scale
        p.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{plot_bottom}" stroke="#e3e3e3"/>')
        p.append(f'<text x="{x:.1f}" y="{plot_bottom + 16}" text-anchor="middle" fill="#555">{fmt(v)}</text>')
    p.append(f'<text x="{x0 + plot_w / 2:.1f}" y="{plot_bottom + 31}" text-anchor="middle" fill="#555">{html.escape(unit)}</text>')
    p.append(f'<line x1="{x0}" y1="{top - 4}" x2="{x0}" y2="{plot_bottom}" stroke="#333"/>')
    for r, lines, y, h in layout:
        label, value = r[0], r[1]
        first = y + h / 2 - (len(lines) - 1) * line_h / 2 + 4
        for i, line in enumerate(lines):
            p.append(f'<text x="{label_w}" y="{first + i * line_h:.1f}" text-anchor="end">{html.escape(line)}</text>')
        w = max(1.0, value * scale)
        p.append(f'<rect x="{x0}" y="{y + 5}" width="{w:.1f}" height="{h - 10}" fill="#3b7dd8" rx="2"/>')
        suffix = unit if short is None else short
        shown = fmt(value, digits) + (f" {suffix}" if suffix else "")
        right = x0 + w
        if len(r) > 3 and r[2] is not None:
            lo, hi = x0 + r[2] * scale, x0 + r[3] * scale
            mid = y + h / 2
            p.append(f'<line x1="{lo:.1f}" y1="{mid}" x2="{hi:.1f}" y2="{mid}" stroke="#111" stroke-width="1.5"/>')
            for x in (lo, hi):
                p.append(f'<line x1="{x:.1f}" y1="{mid - 5}" x2="{x:.1f}" y2="{mid + 5}" stroke="#111" stroke-width="1.5"/>')
            shown += f" ({fmt(r[2], digits)}–{fmt(r[3], digits)})"
            right = max(right, hi)
        p.append(f'<text x="{right + 6:.1f}" y="{y + h / 2 + 4:.1f}">{html.escape(shown)}</text>')
    if goal:
        gx = x0 + goal[0] * scale
        p.append(f'<line x1="{gx:.1f}" y1="{top - 8}" x2="{gx:.1f}" y2="{plot_bottom}" stroke="#d9534f" stroke-width="2" stroke-dasharray="6 4"/>')
        p.append(f'<text x="{gx:.1f}" y="{top - 11}" text-anchor="middle" fill="#d9534f">{html.escape(goal[1])}</text>')
    p.append("</svg>")
    has_spread = any(len(r) > 3 and r[2] is not None for r in rows)
    legend = f" Whiskers: {spread}." if has_spread else " No spread: the file records one value per bar."
    links = ", ".join(f'<a href="results/{html.escape(s)}">{html.escape(s)}</a>' for s in sources)
    notes = f"<p class=note>{html.escape(note)}</p>" if note else ""
    return (f"<section><h2>{html.escape(title)}</h2><p>{html.escape(subtitle + legend)}</p>{notes}{''.join(p)}"
            f"<p class=src>Source: {links}</p></section>")


def spread_of(samples, scale=1.0):
    return (min(samples) * scale, max(samples) * scale) if samples else (None, None)


STARTUP_GOAL = 1.03  # issue 13: Kiln AOT ÷ the C floor, process start to first checked result
STARTUP_BEST = "startup-h200-2026-12-03f.json"  # 121 interleaved rounds: the best estimate
STARTUP_ROWS = {
    "floor": "C floor: cuModuleLoadData of the sm_90 cubin (bench/gpu/floor.c)",
    "aot": "Kiln AOT: KilnStartupProbe, ComputeDevice.first()",
    "aot_traced": "Kiln AOT with KILN_TRACE (its phases are charted below)",
    "aot_every": "Kiln AOT, every device family enumerated",
}


def median(values):
    return statistics.median(list(values))


def median_row(label, samples):
    """A bar: the median of samples, whiskers at their min and max."""
    return (label, median(samples), min(samples), max(samples))


BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED = 4000, 13


def bootstrap(rounds, statistic, resamples=BOOTSTRAP_RESAMPLES, seed=BOOTSTRAP_SEED):
    """The 95% percentile interval of statistic(rounds) over resamples of whole rounds, drawn with
    replacement (a round's rows ran back to back, so they stay together). Seeded: the report
    draws the same interval at every run."""
    rng = random.Random(seed)
    values = sorted(statistic([rng.choice(rounds) for _ in rounds]) for _ in range(resamples))
    return values[int(0.025 * resamples)], values[int(0.975 * resamples) - 1]


def ratio_of_medians(rounds):
    return median(a for a, _ in rounds) / median(f for _, f in rounds)


def paired_ratio(rounds):
    return median(a / f for a, f in rounds)


def startup_rounds(run):
    """(aot µs, floor µs) for each round of a start-up run: the samples are stored in round order."""
    return list(zip(run["samplesUs"]["aot"], run["samplesUs"]["floor"]))


def stated(name, field, value, computed, places=3):
    """computed, after checking it against the value the file states (rounded as the file rounds);
    a difference is printed and listed at the end of the report, never drawn silently."""
    if value is not None and round(computed, places) != round(value, places):
        MISMATCHES.append(f"{name}: {field} is {value}, its samples give {computed:.{places}f}")
        print(f"bench_report: {MISMATCHES[-1]}", file=sys.stderr)
    return computed


def startup_charts():
    """The H200 start-up runs of bench/gpu/startup.sh: the C floor and Kiln AOT in one run, rows
    interleaved round by round."""
    out = []
    best = load(STARTUP_BEST)
    if best:
        samples, medians = best["samplesUs"], best["medianMs"]
        rows = []
        for key, label in STARTUP_ROWS.items():
            lo, hi = spread_of(samples[key], 1e-3)
            rows.append((label, stated(STARTUP_BEST, f"medianMs.{key}", medians[key], median(samples[key]) / 1e3, 2), lo, hi))
        difference = median(a - f for a, f in startup_rounds(best)) / 1e3
        out.append(chart(f'Start-up on the H200: process start → first checked result, {best["rounds"]} interleaved rounds',
                         f'{best["card"]}, driver {best["driver"]}, {best["date"]}; {best["module"]}; {best["statistic"]}.',
                         rows, "ms", [STARTUP_BEST], digits=2,
                         note=f'AOT ÷ floor: {best["aotOverFloor"]:.3f} as a ratio of medians, {best["pairedAotOverFloor"]:.3f} as the median '
                              f'of each round\'s own ratio; the median of each round\'s difference is {difference:.1f} ms.'))
    runs = sorted(((p.name, load(p.name)) for p in RESULTS.glob("startup-h200-*.json")), key=lambda r: r[1]["date"])
    if runs:
        rows, unpaired = [], [name for name, run in runs if "pairedAotOverFloor" not in run]
        for name, run in runs:
            rounds = startup_rounds(run)
            when = f'{run["date"][:10]} {run["date"][11:16]}, {run["rounds"]} rounds{" (best)" if name == STARTUP_BEST else ""}'
            for field, label, statistic in [("aotOverFloor", "medians", ratio_of_medians), ("pairedAotOverFloor", "paired", paired_ratio)]:
                value = stated(name, field, run.get(field), statistic(rounds))
                rows.append((f"{when}: {label}", value, *bootstrap(rounds, statistic)))
        out.append(chart("Start-up on the H200: Kiln AOT ÷ C floor, every run",
                         f'{runs[0][1]["card"]}, driver {runs[0][1]["driver"]}; each run of bench/gpu/startup.sh, {runs[0][1]["module"]}; '
                         f'every file names the build only as kiln {runs[0][1]["kiln"]} (the commit that added it says which). '
                         "medians: the ratio of the medians; paired: the median of each round's own ratio. "
                         f"Intervals are computed here from the file's samples: {BOOTSTRAP_RESAMPLES:,} resamples of whole rounds, "
                         f"seed {BOOTSTRAP_SEED}.",
                         rows, "AOT ÷ floor", [name for name, _ in runs], short="", digits=3,
                         goal=(STARTUP_GOAL, f"goal ≤ {STARTUP_GOAL}"), spread="the bootstrap 95% interval",
                         note="Single samples spread over tens of ms and the floor moves between runs, so short runs swing; "
                              f"the longest run ({STARTUP_BEST}) is the estimate to quote. Files without a pairedAotOverFloor field "
                              f"({', '.join(unpaired) or 'none'}): their paired ratio is computed here from the samples."))
    if best:
        traced = best["tracedPhases"]
        rows = [(f'outside main: exec, loading, runtime start, exit (wall less first-result)', traced["median_outside_main_ms"])]
        rows += [(f'{p["phase"]}{" (the probe: main → checked result)" if p["phase"] == "first-result" else ""}', p["median_ms"])
                 for p in traced["phases"] if p["phase"] != "process"]
        out.append(chart(f'Start-up on the H200: where the traced run\'s {traced["median_wall_ms"]:.0f} ms go, {traced["runs"]} runs',
                         f'{best["card"]}, {best["date"]}; median of each KILN_TRACE phase over the aot_traced rows. '
                         "Phases nest: module.load holds cuda.context, first-result holds every phase after it.",
                         rows, "ms", [STARTUP_BEST], digits=3,
                         note="The trace's 'process' phase (start to Kiln's first traced call) is left out: it is read from "
                              "/proc/self/stat in 10 ms clock ticks (Sources/KilnCore/StartupTrace.swift)."))
    return out


def first_kernel_charts():
    """The older start-up tables: nvcc's programs and the JIT rows on the H200, and the PoCL JIT cache."""
    out = []
    s = load("nvidia-first-kernel-nvcc-h200.json")
    if s:
        m, samples = s["medianMs"], s.get("samplesUs", {})
        rows = []
        for key, meaning in s["rowsMeaning"].items():
            lo, hi = spread_of(samples.get(key, []), 1e-3)
            rows.append((meaning, m.get(key), lo, hi))
        out.append(chart(f'Process start → first checked result, 160-kernel module, against nvcc ({s["date"][:10]}, older binaries)',
                         f'{s["card"]}, driver {s["driver"]}, nvcc {s["nvcc"]}, {s["date"]}; median of {s["runs"]} fresh processes, rows interleaved.',
                         rows, "ms", ["nvidia-first-kernel-nvcc-h200.json"], note=s.get("note", "").split(" nvcc programs:")[0]))
    r = load("nvidia-first-kernel-h200.json")
    if r:
        out.append(chart(f'Process start → first checked result, JIT rows ({r["date"][:10]}, older binaries)',
                         f'{r["card"]}, driver {r["driver"]}, {r["date"]}; median of {r["runs"]} fresh processes.',
                         [("C floor: cuModuleLoadData of the sm_90 cubin", r["floorMs"]), ("Kiln AOT (sm_90 cubin)", r["aotMs"]),
                          ("Kiln JIT from PTX, nothing cached", r["jitNoCacheMs"]), ("Kiln JIT path, Kiln's cache warm", r["jitKilnCacheHitMs"]),
                          ("Kiln JIT path, driver's cache warm", r["jitDriverCacheHitMs"])],
                         "ms", ["nvidia-first-kernel-h200.json"]))
    p = load("pocl-jit-cache.json")
    if p:
        out.append(chart("PoCL: JIT cache miss vs hit (kiln cache warm)",
                         f'{p["machine"]}, PoCL {p["pocl"]}, {p["date"]}; {p["statistic"]}. {p["bundle"]}.',
                         [("cache empty: every module compiles", p["missMs"]), ("cache warm: every module read back", p["hitMs"])],
                         "ms", ["pocl-jit-cache.json"]))
    return out


def speed_charts():
    out = []
    s = load("nvidia-speed-h200.json")
    if not s:
        return out
    copy = s["raw"]["torch"]["copy"][0]
    ceiling = s["copyCeiling"]["torchCopy512MiB_GBps"]
    rows = [(f'PyTorch copy of a {copy["bytesPerCopy"] >> 21} MiB array ({copy["bytesPerCopy"] >> 20} MiB moved), the 100% line', 100.0,
             100 * copy["bytesPerCopy"] / (copy["maxMs"] / 1e3) / 1e9 / ceiling,
             100 * copy["bytesPerCopy"] / (copy["minMs"] / 1e3) / 1e9 / ceiling)]
    gemm = []
    for row in s["raw"]["kiln"]["rows"]:
        t = row["timing"]
        label = f'{row["kernel"]}, {row["image"]}'
        if row.get("bytesPerLaunch") and row.get("GBps"):
            b = row["bytesPerLaunch"] / 1e9
            rows.append((label, 100 * row["GBps"] / ceiling, 100 * b / t["maxS"] / ceiling, 100 * b / t["minS"] / ceiling))
        elif row.get("GFLOPs"):
            flops = row["GFLOPs"] * t["medianS"]
            cublas = s["cublasSgemm4096_GFLOPs"]
            gemm.append((label, 100 * row["GFLOPs"] / cublas, 100 * flops / t["maxS"] / cublas, 100 * flops / t["minS"] / cublas))
    target = s.get("target", "")
    goal = 100 * float(target.split(">=")[1].split()[0]) if ">=" in target else None
    out.append(chart("Kernel speed: elementwise kernels against the card's copy bandwidth",
                     f'{s["card"]}, driver {s["driver"]}, {s["date"]}; bytes read + written per launch, 4-byte accesses; goal: {target}.',
                     rows, "% of PyTorch's copy bandwidth", ["nvidia-speed-h200.json"], short="%",
                     goal=(goal, f"goal {fmt(goal)}%") if goal else None,
                     note="float4 versions of these kernels reach 1.00–1.03 of a float4 copy on the same card (nvidia-h200-opencl-c-2026-11-26.txt, listed below)."))
    if gemm:
        cublas = s["raw"]["torch"]["sgemm"]
        c = s["cublasSgemm4096_GFLOPs"]
        gemm.insert(0, ("cuBLAS SGEMM through PyTorch, TF32 off (the 100% line)", 100.0,
                        100 * c * cublas["medianMs"] / cublas["maxMs"] / c, 100 * c * cublas["medianMs"] / cublas["minMs"] / c))
        out.append(chart("Kernel speed: SGEMM 4096³ against cuBLAS", f'{s["card"]}; cuBLAS {c:,.0f} GFLOP/s.',
                         gemm, "% of cuBLAS", ["nvidia-speed-h200.json"], short="%"))
    return out


SIZE_GOAL = 0.80  # issue 13: Kiln bundle ÷ nvcc's --compress-mode=size fatbin
ADDED_TARGET_GOAL = 0.5  # issue 13: each added NVIDIA target at most half of what it cost before
SIZE_NOW, SIZE_BEFORE = "kiln-bundle-size.json", "kiln-bundle-size-2026-11-26.json"
REFERENCE_GROWTH = [("reference-growth-base.json", "before cross-target references"),
                    ("reference-growth-current.json", "with references"),
                    ("reference-growth-transforms-2026-12-03.json", "with references and format 3's transforms"),
                    ("reference-growth-coded-references-2026-12-03.json", "format 4: coded images against neighbours coded the same way")]


def nvcc_cubins(fatbin, device_list):
    """The bytes of nvcc's --compress-mode=size fatbin of the same cubins, or None where nvcc built none."""
    rows = {"sm_90": "sm_90 size", "sm_80,sm_90": "sm_80,sm_90 size",
            fatbin["8cubins"].split(", ")[0]: "8cubins size"}  # "sm_75,…,sm_120, no PTX"
    return fatbin["bytes"].get(rows.get(device_list, ""))


def size_charts():
    """gemm_variants (160 kernels) against nvcc's fatbins, what each added target costs, and
    Kernels/ over 1…6 NVIDIA targets."""
    out = []
    fatbin, now, before = load("nvidia-fatbin-size.json"), load(SIZE_NOW), load(SIZE_BEFORE)
    if fatbin and now and before:
        nvcc = fatbin["bytes"]["sm_80,sm_90+compute_90 size"]
        key = "sm_80,sm_90,compute_90 no-source"
        out.append(chart("Size: Kiln bundle vs nvcc fatbin, 160 kernels, sm_80 + sm_90 + compute_90 PTX",
                         f'Kiln: {now["machine"]}, {now["nvrtc"].split(" in ")[0]}, {before["date"][:10]} (before) and {now["date"][:10]} (now); '
                         f'nvcc {fatbin["nvcc"]} on the {fatbin["card"]} machine, {fatbin["date"][:10]}. Byte counts are exact.',
                         [(f'Kiln bundle, no source, before ({before["date"][:10]})', before["fatbinComparison"][key]),
                          (f'Kiln bundle, no source, now ({now["date"][:10]})', now["fatbinComparison"][key]),
                          (f'Kiln bundle with the source form, now', now["fatbinComparison"]["sm_80,sm_90,compute_90 + source"]),
                          ("nvcc fatbin, --compress-mode=size", nvcc)],
                         "bytes", ["nvidia-fatbin-size.json", SIZE_NOW, SIZE_BEFORE], short="B",
                         goal=(SIZE_GOAL * nvcc, f"goal ≤ {SIZE_GOAL:.2f} × nvcc's"),
                         note=f'Now ÷ nvcc: {now["fatbinComparison"][key] / nvcc:.3f}. nvcc\'s default fatbin is '
                              f'{fatbin["bytes"]["sm_80,sm_90+compute_90 default"]:,} B and --compress-mode=none '
                              f'{fatbin["bytes"]["sm_80,sm_90+compute_90 none"]:,} B (not drawn: they would flatten the rest). '
                              "The kilnVsNvcc table of nvidia-fatbin-size.json holds Kiln sizes of an older build; the bars use the kiln-bundle-size files."))
        rows = []
        for b, n in zip(before["growth"], now["growth"]):
            rows.append((f'{n["deviceList"]}: Kiln before', b["bytesCubinsOnly"]))
            rows.append((f'{n["deviceList"]}: Kiln now', n["bytesCubinsOnly"]))
            nvcc_bytes = nvcc_cubins(fatbin, n["deviceList"])
            if nvcc_bytes:
                rows.append((f'{n["deviceList"]}: nvcc --compress-mode=size', nvcc_bytes))
        out.append(chart("Size: gemm_variants' cubins by number of NVIDIA targets, Kiln vs nvcc",
                         f'Kiln: {now["machine"]}, {before["date"][:10]} (before) and {now["date"][:10]} (now), {now["module"]}, cubins only; '
                         f'nvcc {fatbin["nvcc"]}, {fatbin["date"][:10]}.',
                         rows, "bytes", [SIZE_NOW, SIZE_BEFORE, "nvidia-fatbin-size.json"], short="B",
                         note="nvcc built no cubins-only fatbin of the 4-target list (its 4-target fatbins carry compute_75 PTX)."))
        rows = []
        for (b0, n0), (b1, n1) in zip(zip(before["growth"], now["growth"]), zip(before["growth"][1:], now["growth"][1:])):
            added = n1["targets"] - n0["targets"]
            cost_before = (b1["bytesCubinsOnly"] - b0["bytesCubinsOnly"]) / added
            cost_now = (n1["bytesCubinsOnly"] - n0["bytesCubinsOnly"]) / added
            rows.append((f'{n1["targets"]} targets ({n1["deviceList"]}): {cost_before:,.0f} → {cost_now:,.0f} B a target', cost_now / cost_before))
        out.append(chart("Size: what each added NVIDIA target costs now, as a share of what it cost before",
                         f'{now["machine"]}; gemm_variants\' cubins, {before["date"][:10]} (before) and {now["date"][:10]} (now); '
                         "each row: bytes added since the row above ÷ targets added.",
                         rows, "now ÷ before", [SIZE_NOW, SIZE_BEFORE], short="", digits=2,
                         goal=(ADDED_TARGET_GOAL, f"goal ≤ {ADDED_TARGET_GOAL}")))
    runs = [(load(name), label) for name, label in REFERENCE_GROWTH]
    if all(run for run, _ in runs):
        rows = [(f'{step["targets"]} target{"s" if step["targets"] > 1 else ""}: {label} ({run["date"][:10]})', step["bytesWithPTX"])
                for steps in zip(*(run["growth"] for run, _ in runs)) for step, (run, label) in zip(steps, runs)]
        last = runs[-1][0]
        out.append(chart("Size: Kernels/ for 1…6 NVIDIA targets",
                         f'{last["machine"]}; {last["sources"]} for {last["growth"][-1]["deviceList"].replace(",", ", ")} (the first 1…6 of them), '
                         f'+ compute_80 PTX, no source, zstd level {last["compressionLevel"]}. Byte counts are exact.',
                         rows, "bytes", [name for name, _ in REFERENCE_GROWTH], short="B"))
    return out


JOBS_GOAL = 0.6  # issue 13: a cold build with --jobs 2 ÷ serial, quiet 2-core machine
NO_CHANGE_GOAL = 1.0  # issue 13: a rebuild of Kernels/ with nothing changed, seconds
JOBS = [("jobs-2026-12-03.json", "compiles in plan order"), ("jobs-2026-12-03b.json", "dearest compile first"),
        ("jobs-2026-12-03c.json", "PoCL in child processes"),
        ("jobs-2026-12-03d.json", "PoCL in child processes, 5 targets (+ ats-m150)")]
REBUILDS = [("rebuild-base.json", "main 72817d7, every image recompressed"),
            ("rebuild-current.json", "compressed frames from the build cache"),
            ("rebuild-transforms-2026-12-03.json", "with format 3's transforms"),
            ("rebuild-format4-2026-12-03.json", "format 4")]


def build_charts():
    """Cold builds serial against --jobs 2 (bench/jobs.sh), and rebuilds (bench/rebuild.sh)."""
    out = []
    runs = [(name, load(name), what) for name, what in JOBS]
    if all(run for _, run, _ in runs):
        seconds, ratios = [], []
        for name, run, what in runs:
            label = f'{run["date"][:10]} {run["date"][11:16]}, {what} ({run["kiln"]}; {run["devices"]})'
            seconds.append(median_row(f"{label}: --jobs 1", run["serialSeconds"]))
            seconds.append(median_row(f'{label}: --jobs {run["cores"]}', run["parallelSeconds"]))
            ratio = stated(name, "parallelOverSerial", run["parallelOverSerial"],
                           median(run["parallelSeconds"]) / median(run["serialSeconds"]))
            ratios.append((f'{label}, load average {run["loadAverageBefore"].split()[0]} → {run["loadAverageAfter"].split()[0]}', ratio))
        first = runs[0][1]
        subtitle = (f'{first["machine"]}, {first["cores"]} cores, quiet; {first["sources"]} for the device list each bar names, '
                    f'every build cold (--no-cache, a fresh KILN_CACHE_DIR); medians of {len(first["serialSeconds"])} rounds.')
        out.append(chart("Cold build: serial vs --jobs 2", subtitle, seconds, "s", [name for name, _ in JOBS], digits=2))
        out.append(chart("Cold build: --jobs 2 ÷ serial", subtitle, ratios, "--jobs 2 ÷ --jobs 1", [name for name, _ in JOBS],
                         short="", digits=3, goal=(JOBS_GOAL, f"goal ≤ {JOBS_GOAL}"),
                         note="Why not 0.6 for four targets: one compile, gemm_variants for cpu through PoCL, takes most of a --jobs 2 build "
                              "on its own, so --jobs 2 cannot end before it does; with ats-m150 added there is more work beside it (jobs-2026-12-03.md)."))
    runs = [(load(name), what) for name, what in REBUILDS]
    if all(run for run, _ in runs):
        rows = []
        for key, label in [("noChangeJobs1", "nothing changed, --jobs 1"), ("noChangeJobs2", "nothing changed, --jobs 2"),
                           ("oneModuleTouchedJobs1", "one module touched, --jobs 1"), ("oneModuleTouchedJobs2", "one module touched, --jobs 2")]:
            for run, what in runs:
                rows.append(median_row(f'{label}: {run["date"][:10]}, {what}', run["samples"][key]))
        last = runs[-1][0]
        out.append(chart(f'Rebuild: {last["sources"]} for {last["devices"]} at zstd level {last["compressionLevel"]}',
                         f'{last["machine"]}; median of {last["repeats"]} runs each.',
                         rows, "s", [name for name, _ in REBUILDS], digits=3,
                         goal=(NO_CHANGE_GOAL, f"goal: nothing changed < {fmt(NO_CHANGE_GOAL)} s"),
                         note="Cold builds are not drawn from these files: bench/rebuild.sh gives the --jobs 2 cold build a fresh "
                              "build cache but the KILN_CACHE_DIR that the --jobs 1 build just filled (PoCL's and ocloc's own caches), "
                              f'so it is not cold ({last["coldJobs1Seconds"]:.1f} s then {last["coldJobs2Seconds"]:.1f} s in the newest file). '
                              "Cold builds are charted above from bench/jobs.sh."))
    return out


READ_GOAL = 1000  # issue 13: decompression, MB/s of raw bytes
READ_REPEATS = 3  # bundle-read-decoder-2026-12-03.json: runs of each build and bundle
BUNDLE_READS = [("bundle-read-no-references.json", "main 72817d7's bundle (format 1, no references)"),
                ("bundle-read-current.json", "cross-target references"),
                ("bundle-read-transforms-2026-12-03.json", "format 3's transforms"),
                ("bundle-read-ptx-spans-2026-12-03.json", "PTX decoded over Spans"),
                ("bundle-read-decoder-2026-12-03.json", "faster PTX decoder, kept zstd contexts"),
                ("bundle-read-format3-2026-12-03.json", "format 3 bundle, evening reader"),
                ("bundle-read-format4-2026-12-03.json", "format 4 bundle (coded against coded), evening reader")]
READ_FIELDS = ["allImagesDecodeOnlyRawMBps", "allImagesRawMBps", "allImagesJobsRawMBps"]


def bundle_reads(name, what):
    """A bundle-read file's measurements, one record per build and bundle: its label, "with PTX"
    or "cubins only", and each field's values (several where the file repeats a run). The files
    come in three shapes: one flat run, runs keyed by bundle, and a list of repeated runs."""
    d = load(name)
    if not d:
        return []
    when = f'{d["date"][:10]} {d["date"][11:16]}'
    kind = lambda description: "cubins only" if "without PTX" in description else "with PTX"
    if "runs" in d:
        runs = [(f'{when}, {what}: {r["build"]}', kind(d["bundles"][r["bundle"]]), r) for r in d["runs"]]
    elif "bundles" in d:
        runs = [(f"{when}, {what}", kind(key), r) for key, r in d["bundles"].items()]
    else:
        runs = [(f"{when}, {what}", kind(d["bundle"]), d)]
    records = {}
    for label, bundle, run in runs:
        record = records.setdefault((label, bundle), {"file": name, "label": label, "bundle": bundle, "values": {"byFormat": {}}})
        for field in READ_FIELDS:
            if field in run:
                record["values"].setdefault(field, []).append(run[field])
        for kind_name, value in run.get("decodeOnlyRawMBpsByFormat", {}).items():
            record["values"]["byFormat"].setdefault(kind_name, []).append(value)
    return list(records.values())


def read_row(label, values):
    """A bar for one measurement or the median of repeated runs, with their min–max."""
    return median_row(label, values) if len(values) > 1 else (label, values[0])


def bundle_charts():
    out = []
    o = load("bundle-open.json")
    if o:
        out.append(chart("Opening a bundle and reading one 64 KiB image: 1 target vs 32",
                         f'{o["machine"]}, {o["cores"]} cores, {o["date"]}; median of {o["rounds"]} rounds; the file records p10 and p90, not min and max.',
                         [(f'{c["name"]} ({c["bundleBytes"]:,} B bundle)', c["medianMicroseconds"], c["p10Microseconds"], c["p90Microseconds"]) for c in o["cases"]],
                         "µs", ["bundle-open.json"], spread="p10–p90 of the recorded samples"))
    reads = [r for name, what in BUNDLE_READS for r in bundle_reads(name, what)]
    if reads:
        sources = lambda drawn: list(dict.fromkeys(r["file"] for r in drawn))
        subtitle = ("Every image of Kernels/ for sm_80,sm_86,sm_89,sm_90,sm_100,sm_120 (+ compute_80 PTX, no source; "
                    "or the same without PTX), a fresh reader each round, median of 50 rounds, by BundleReadBenchmark (Benchmarks/).")
        spread = (f"the min–max of the {READ_REPEATS} alternating runs that bundle-read-decoder-2026-12-03.json holds of each build "
                  "(a bar: their median; the first run of each was in the VM's slow state); the other files hold one run")
        machines = lambda drawn: "The machine, as each file states it: " + "; ".join(
            f'{name}: {load(name)["machine"]}' for name in sources(drawn)) + "."
        for title, field, goal in [("Decompression: every image of a 6-target bundle, one thread, no SHA-256",
                                    "allImagesDecodeOnlyRawMBps", (READ_GOAL, f"goal ≥ {READ_GOAL:,} MB/s")),
                                   ("Reading with checks: every image and its SHA-256, one thread",
                                    "allImagesRawMBps", None),
                                   ("Reading with checks, 2 images at once (as kiln verify reads)",
                                    "allImagesJobsRawMBps", None)]:
            drawn = [r for r in reads if r["values"].get(field)]
            rows = [read_row(f'{r["label"]}: {r["bundle"]}', r["values"][field]) for r in drawn]
            out.append(chart(title, subtitle, rows, "MB/s of raw bytes", sources(drawn), short="MB/s", goal=goal, spread=spread,
                             note=machines(drawn)))
        drawn = [r for r in reads if r["bundle"] == "with PTX" and r["values"]["byFormat"]]
        rows = [read_row(f'{r["label"]}: {kind} images of the bundle with PTX', values)
                for r in drawn for kind, values in r["values"]["byFormat"].items()]
        out.append(chart("Decompression by image format, one thread, no SHA-256", subtitle, rows, "MB/s of raw bytes", sources(drawn),
                         short="MB/s", goal=(READ_GOAL, f"goal ≥ {READ_GOAL:,} MB/s"), spread=spread,
                         note="At run time PTX is read only on the JIT path (where the driver then compiles it for about 2 s); "
                              "the AOT path reads cubins. " + machines(drawn)))
    return out


def conformance_table():
    rows = []
    for name in sorted(p.name for p in RESULTS.glob("conformance-*.json")):
        c = load(name)
        for d in c["devices"]:
            rows.append(f'<tr><td><a href="results/{html.escape(name)}">{html.escape(name)}</a></td><td>{html.escape(d["device"])}</td>'
                        f'<td>{html.escape(c["policy"])}</td><td>{d["checked"]}</td><td>{"pass" if d["passed"] else "FAIL"}</td></tr>')
    if not rows:
        return ""
    return ("<section><h2>Conformance suite on the H200 (pass/fail, not timed)</h2>"
            "<table><tr><th>file</th><th>device</th><th>JIT policy</th><th>kernels checked</th><th>result</th></tr>"
            + "".join(rows) + "</table></section>")


NOT_CHARTED = {  # files with a reason of their own
    "build.json": "superseded: a 2026-11-26 run on a Xeon while a CI build shared the 2 cores; cold builds are charted "
                  "from jobs-2026-12-03*.json, rebuilds from rebuild-*.json",
    "startup-pocl-compare-2026-12-03.txt": "the console log of bench/startup/compare.sh on the VM's PoCL; its numbers are quoted in the README",
}
REASONS = {
    ".md": "a written record with its own tables (not a single measurement to chart)",
    ".txt": "a console log of a GPU run; its numbers are quoted in the README",
}


def mismatches():
    if not MISMATCHES:
        return ""
    items = "".join(f"<li>{html.escape(m)}</li>" for m in MISMATCHES)
    return f"<section><h2>Values a file states that its samples do not give</h2><ul>{items}</ul></section>"


def unlisted():
    items = []
    for path in sorted(RESULTS.iterdir()):
        if path.name in USED:
            continue
        run = path.name.replace("-log.txt", ".json")
        if run != path.name and run in USED:
            reason = f"the console log of the run charted from {run}"
        else:
            reason = NOT_CHARTED.get(path.name) or REASONS.get(path.suffix, "not charted: no chart reads this file yet")
        items.append(f'<li><a href="results/{html.escape(path.name)}">{html.escape(path.name)}</a>: {html.escape(reason)}</li>')
    return f"<section><h2>Results files not charted</h2><ul>{''.join(items)}</ul></section>" if items else ""


def main():
    sections = startup_charts() + first_kernel_charts() + speed_charts() + size_charts() + build_charts() + bundle_charts()
    sections.append(conformance_table())
    sections.append(mismatches())
    sections.append(unlisted())
    page = f"""<!doctype html><meta charset=utf-8><title>Kiln benchmarks</title>
<style>body{{font-family:system-ui,sans-serif;max-width:1020px;margin:2em auto;color:#222}}
h2{{font-size:1.1em;margin-bottom:.2em}}p{{margin:.2em 0;color:#555}}.note{{color:#8a5a00}}.src{{font-size:.85em;color:#888}}
section{{margin:1.8em 0}}table{{border-collapse:collapse;font-size:.9em}}td,th{{border:1px solid #ddd;padding:3px 8px;text-align:left}}</style>
<h1>Kiln benchmarks</h1><p>Generated by <a href="../scripts/bench_report.py">scripts/bench_report.py</a> from
<a href="results/">bench/results/</a>. Each chart names the machine it ran on; every axis starts at zero.</p>
{''.join(s for s in sections if s)}"""
    out = ROOT / "bench" / "report.html"
    out.write_text(page)
    print(f"wrote {out} ({sum(1 for s in sections if s.startswith('<section><h2>') and '<svg' in s)} charts, {len(USED)} results files read)")


if __name__ == "__main__":
    main()
