#!/usr/bin/env bash
# The static size of the `kiln` command-line tool: a release build with --static-swift-stdlib, then
# stripped, then gzip -9; and which of the toolchain's Foundation libraries it carries, counted by
# the symbols of each (Swift symbols by their mangled module name, CoreFoundation's by their `CF`
# prefix, ICU's by its C++ namespace `icu_NN`) and the size of ICU's data table (`icudtNN_dat`).
# Usage: bash bench/size/kiln_size.sh [CHECKOUT]   (default: this one; scratch path CHECKOUT/.build-release)
# Two lines on stdout: unstripped, stripped and gzip -9 bytes; then symbols per Foundation library.
set -euo pipefail
cd "${1:-.}"
swift build -c release --static-swift-stdlib --scratch-path .build-release --product kiln >&2
bin=.build-release/release/kiln
stripped=$(mktemp)
symbols=$(mktemp)
trap 'rm -f "$stripped" "$symbols"' EXIT
strip -o "$stripped" "$bin"
nm "$bin" > "$symbols"
count() { grep -c -E "$1" "$symbols" || true; }
echo "unstripped $(stat -c %s "$bin") B, stripped $(stat -c %s "$stripped") B, gzip -9 $(gzip -9 -c "$stripped" | wc -c) B"
icuhex=$(nm -S "$bin" | awk '$4 ~ /^icudt[0-9]+_dat$/ { print $2 }')
icudata=$((16#${icuhex:-0}))
echo "symbols: Foundation $(count ' \$s10Foundation'), FoundationEssentials $(count ' \$s20FoundationEssentials'), FoundationInternationalization $(count ' \$s30FoundationInternationalization'), CoreFoundation $(count ' _?CF[A-Z][A-Za-z]+$'), ICU $(count 'icu_[0-9]+'), ICU data $icudata B, swift-subprocess $(count ' \$s10Subprocess')"
