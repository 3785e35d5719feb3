#!/usr/bin/env bash
# The static size of KilnStartupProbe, a program that links only KilnRuntime (what an app carries):
# a release build with --static-swift-stdlib, then stripped, then gzip -9. Also counts the
# verifier's symbols in it (`Verifier`, `ReferenceCheck…`, `ConformanceChecks`), which an app must not carry.
# Usage: bash bench/size/probe_size.sh [CHECKOUT]   (default: this one; scratch path CHECKOUT/.build-release)
# One line on stdout: unstripped, stripped and gzip -9 bytes, and the verifier symbol count.
set -euo pipefail
cd "${1:-.}"
swift build -c release --static-swift-stdlib --scratch-path .build-release --product KilnStartupProbe >&2
bin=.build-release/release/KilnStartupProbe
stripped=$(mktemp)
trap 'rm -f "$stripped"' EXIT
strip -o "$stripped" "$bin"
verifier=$(nm "$bin" | grep -c -E 'Verifier|ReferenceCheck|ConformanceChecks' || true)
echo "unstripped $(stat -c %s "$bin") B, stripped $(stat -c %s "$stripped") B, gzip -9 $(gzip -9 -c "$stripped" | wc -c) B, verifier symbols $verifier"
