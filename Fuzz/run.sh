#!/usr/bin/env bash
# Builds the fuzz target (libFuzzer, -sanitize=fuzzer) and runs it for SECONDS (default 60) over
# Fuzz/Corpus plus a working corpus in Fuzz/.build/corpus (new inputs go there, the committed
# corpus is left alone). Run scripts/setup.sh once first. Usage: Fuzz/run.sh [SECONDS] [libFuzzer flags…]
#
# Stops at the first crash, trap, wrong bytes (the target traps on them), input slower than 1 s
# (-timeout=1) or RSS over 2 GiB, and leaves it in Fuzz/.build/artifacts; exits non-zero then.
# The last line is a summary: inputs run, exec/s, peak RSS, slowest input, result.
set -uo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
shift || true
out=.build/fuzz-run
mkdir -p .build/corpus .build/artifacts "$out"
# libFuzzer may write into any corpus folder it is given; it gets only the working one, seeded here.
cp -n Corpus/* .build/corpus/

start=$(date +%s)
swift build -c release --product FuzzBundle \
  -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library -Xswiftc -enable-testing >&2 || exit 2
echo "fuzz: build took $(( $(date +%s) - start )) s" >&2

log=$out/fuzz.log
# No Swift backtracer: libFuzzer's own handlers report the crash and write its input.
SWIFT_BACKTRACE=enable=no KILN_FUZZ_SLOWEST=$out/slowest-input \
  .build/release/FuzzBundle .build/corpus \
  -max_total_time="$seconds" -timeout=1 -rss_limit_mb=2048 -max_len=65536 \
  -print_final_stats=1 -artifact_prefix=.build/artifacts/ "$@" 2>&1 | tee "$log" | grep -v '^#[0-9]*[[:space:]]*\(NEW\|REDUCE\)' >&2
status=${PIPESTATUS[0]}

runs=$(grep -o 'stat::number_of_executed_units:[[:space:]]*[0-9]*' "$log" | awk '{print $NF}')
rate=$(grep -o 'stat::average_exec_per_sec:[[:space:]]*[0-9]*' "$log" | awk '{print $NF}')
rss=$(grep -o 'stat::peak_rss_mb:[[:space:]]*[0-9]*' "$log" | awk '{print $NF}')
slow=$(grep -o 'slowest input [0-9.]* ms, [0-9]* bytes' "$log" | tail -1)
result=clean
[ "$status" -eq 0 ] || result="FAILED (status $status; see $log and .build/artifacts)"
echo "fuzz summary: ${seconds} s, ${runs:-?} inputs, ${rate:-?} exec/s, peak RSS ${rss:-?} MB, ${slow:-slowest input ?}, $result"
exit "$status"
