#!/usr/bin/env python3
"""Writes bench/report.html from bench/results/*.json: one bar chart per measurement, each
naming the machine or card, the date and the file it came from. Standard library only.
Run from anywhere: python3 scripts/bench_report.py
"""
import html
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def load(name):
    path = RESULTS / name
    return json.loads(path.read_text()) if path.exists() else None


def bars(title, subtitle, rows, unit, source, highlight=()):
    """A horizontal bar chart as inline SVG; rows are (label, value)."""
    rows = [(label, value) for label, value in rows if value is not None]
    if not rows:
        return ""
    top = max(value for _, value in rows) or 1
    width, label_w, bar_w, row_h = 900, 330, 460, 26
    height = row_h * len(rows) + 10
    parts = [f'<svg width="{width}" height="{height}" role="img" aria-label="{html.escape(title)}">']
    for i, (label, value) in enumerate(rows):
        y = 5 + i * row_h
        w = max(1, bar_w * value / top)
        color = "#d9534f" if label in highlight else "#3b7dd8"
        parts.append(f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end" font-size="13">{html.escape(label)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}" fill="{color}" rx="2"/>')
        shown = f"{value:,.0f}" if value >= 100 else f"{value:,.2f}"
        parts.append(f'<text x="{label_w + w + 6:.1f}" y="{y + 17}" font-size="13">{shown} {unit}</text>')
    parts.append("</svg>")
    return (f"<section><h2>{html.escape(title)}</h2><p>{html.escape(subtitle)}</p>{''.join(parts)}"
            f"<p class=src>{html.escape(source)}</p></section>")


def main():
    sections = []
    startup = load("nvidia-first-kernel-nvcc-h200.json")
    if startup:
        m = startup["medianMs"]
        sections.append(bars(
            "Process start → first checked result (160-kernel module)",
            f'{startup["card"]}, driver {startup["driver"]}, {startup["date"]}; median of {startup["runs"]} fresh processes, rows interleaved',
            [("C floor: cuModuleLoadData", m.get("floor")), ("Kiln AOT, sm_90 bundle", m.get("aot_sm90")),
             ("Kiln AOT, sm_80+sm_90+PTX bundle", m.get("aot_multi")), ("nvcc fatbin sm_90, lazy", m.get("nvcc_sm90_lazy")),
             ("nvcc fatbin sm_80+sm_90+PTX, lazy", m.get("nvcc_multi_lazy")), ("Kiln JIT, nothing cached", m.get("jit_nocache")),
             ("Kiln JIT, Kiln's cache warm", m.get("jit_kilncache")), ("Kiln JIT, driver's cache warm", m.get("jit_drivercache"))],
            "ms", "bench/results/nvidia-first-kernel-nvcc-h200.json", highlight=("Kiln JIT, nothing cached",)))
    size = load("nvidia-fatbin-size.json")
    growth = load("kiln-bundle-size.json")
    if size and growth:
        kiln = growth.get("fatbinComparison", {})
        b = size["bytes"]
        sections.append(bars(
            "Size: Kiln bundle vs nvcc fatbin, 160 kernels, sm_80 + sm_90 + PTX",
            f'nvcc {size["nvcc"]} on {size["card"]}; Kiln bundles built with NVRTC 13.0.88',
            [("Kiln bundle (zstd per image)", kiln.get("sm_80,sm_90,compute_90 no-source", 0) / 1024),
             ("nvcc fatbin, default", b.get("sm_80,sm_90+compute_90 default", 0) / 1024),
             ("nvcc fatbin, --compress-mode=size", b.get("sm_80,sm_90+compute_90 size", 0) / 1024),
             ("nvcc fatbin, --compress-mode=none", b.get("sm_80,sm_90+compute_90 none", 0) / 1024)],
            "KiB", "bench/results/nvidia-fatbin-size.json, bench/results/kiln-bundle-size.json"))
        sections.append(bars(
            "Size: how a Kiln bundle grows with NVIDIA targets (160 kernels)",
            f'{growth["machine"]}, {growth["date"]}; cubins plus PTX and source',
            [(f'{g["targets"]} target(s): {g["deviceList"]}', g["bytesWithPTXAndSource"] / 1024) for g in growth["growth"]],
            "KiB", "bench/results/kiln-bundle-size.json"))
    speed = load("nvidia-speed-h200.json")
    if speed:
        f = speed["fractions"]
        sections.append(bars(
            "Kernel speed: elementwise kernels against the card's copy bandwidth (target 85%)",
            f'{speed["card"]}, driver {speed["driver"]}, {speed["date"]}; bytes read + written, 512 MiB arrays',
            [(name, 100 * value["ofTorchCopy512MiB"]) for name, value in f.items() if "ofTorchCopy512MiB" in value],
            "% of copy", "bench/results/nvidia-speed-h200.json"))
        gemm = [(name, 100 * value["ofCublasSgemm"]) for name, value in f.items() if "ofCublasSgemm" in value]
        if gemm:
            sections.append(bars("Kernel speed: GEMM 4096³ FP32 against cuBLAS (PyTorch, TF32 off)",
                                 f'{speed["card"]}; cuBLAS {speed["cublasSgemm4096_GFLOPs"]:,.0f} GFLOP/s',
                                 gemm, "% of cuBLAS", "bench/results/nvidia-speed-h200.json"))
    build = load("build.json")
    if build:
        sections.append(bars(
            "Build: Kernels/ (11 modules, 170 kernels)",
            f'{build["machine"]}, {build["cores"]} cores, {build["date"]}; devices {build["devices"]}, {build["images"]} images',
            [("cold, --jobs 1", build["coldSerialSeconds"]), (f'cold, --jobs {build["cores"]}', build["coldParallelSeconds"]),
             ("rebuild, nothing changed", build["rebuildUnchangedSeconds"]),
             ("rebuild, one module touched", build["rebuildOneModuleTouchedSeconds"])],
            "s", "bench/results/build.json"))
    opened = load("bundle-open.json")
    if opened:
        sections.append(bars(
            "Opening a bundle and reading one image: 1 target vs 32",
            f'{opened["machine"]}, {opened["date"]}; median of {opened["rounds"]} rounds, 64 KiB image',
            [(c["name"], c["medianMicroseconds"]) for c in opened["cases"]], "µs", "bench/results/bundle-open.json"))
    page = f"""<!doctype html><meta charset=utf-8><title>Kiln benchmarks</title>
<style>body{{font-family:system-ui,sans-serif;max-width:960px;margin:2em auto;color:#222}}
h2{{font-size:1.1em;margin-bottom:.2em}}p{{margin:.2em 0;color:#555}}.src{{font-size:.8em;color:#888}}section{{margin:1.8em 0}}</style>
<h1>Kiln benchmarks</h1><p>Generated by scripts/bench_report.py from bench/results/. Each chart names the machine it ran on.</p>
{''.join(sections)}"""
    out = ROOT / "bench" / "report.html"
    out.write_text(page)
    print(f"wrote {out} ({len(sections)} charts)")


if __name__ == "__main__":
    main()
