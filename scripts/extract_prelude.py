#!/usr/bin/env python3
"""Writes OpenCLPrelude.source (Sources/KilnCompiler/OpenCLPrelude.swift) to a header file, so
that nvcc can compile Kiln's .cl kernels as CUDA: nvcc -x cu -include kiln_opencl.h FILE.cl
Usage: python3 scripts/extract_prelude.py OUT.h
"""
import pathlib
import sys

root = pathlib.Path(__file__).resolve().parent.parent
text = (root / "Sources/KilnCompiler/OpenCLPrelude.swift").read_text()
start = text.index('public static let source = #"""\n') + len('public static let source = #"""\n')
end = text.index('\n"""#', start)
pathlib.Path(sys.argv[1]).write_text(text[start:end] + "\n")
print(f"wrote {sys.argv[1]} ({end - start} characters of prelude)")
