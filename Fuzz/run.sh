#!/usr/bin/env bash
# Builds the fuzz target (libFuzzer, -sanitize=fuzzer) and runs it for SECONDS (default 60) over
# Fuzz/Corpus plus a working corpus in Fuzz/.build/corpus (new inputs go there, the committed
# corpus is left alone). Run scripts/setup.sh once first. Usage: Fuzz/run.sh [SECONDS] [libFuzzer flags…]
#
# KILN_FUZZ_JOBS=N runs N fuzzing processes side by side (libFuzzer's -jobs/-workers, one shared
# corpus), each for SECONDS; the summary adds them up. KILN_FUZZ_BINARY=PATH runs a FuzzBundle
# built elsewhere (e.g. a --static-swift-stdlib build carried to a machine with no Swift) and
# skips the build.
#
# Stops at the first crash, trap, wrong bytes (the target traps on them), input slower than 1 s
# (-timeout=1) or RSS over 2 GiB, and leaves it in Fuzz/.build/artifacts; exits non-zero then.
# The last line is a summary: inputs run, exec/s, peak RSS, slowest input, result.
set -uo pipefail
# A prebuilt binary is named relative to where run.sh was started.
binary=${KILN_FUZZ_BINARY:+$(realpath "$KILN_FUZZ_BINARY")}
cd "$(dirname "$0")"
seconds=${1:-60}
shift || true
jobs=${KILN_FUZZ_JOBS:-1}
out=.build/fuzz-run
rm -rf "$out"
mkdir -p .build/corpus .build/artifacts "$out"
touch "$out/started"   # artifacts newer than this are this run's
# libFuzzer may write into any corpus folder it is given; it gets only the working one, seeded here.
cp -n Corpus/* .build/corpus/

if [ -z "$binary" ]; then
  start=$(date +%s)
  swift build -c release --product FuzzBundle \
    -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library -Xswiftc -enable-testing >&2 || exit 2
  echo "fuzz: build took $(( $(date +%s) - start )) s" >&2
  binary=$PWD/.build/release/FuzzBundle
fi

flags=(-max_total_time="$seconds" -timeout=1 -rss_limit_mb=2048 -max_len=65536
       -print_final_stats=1 -artifact_prefix="$PWD/.build/artifacts/")
# No Swift backtracer: libFuzzer's own handlers report the crash and write its input.
export SWIFT_BACKTRACE=enable=no KILN_FUZZ_SLOWEST="$PWD/$out/slowest-%p"
if [ "$jobs" -gt 1 ]; then
  # Each job logs to fuzz-J.log in the working folder; all of them run to the end unless one fails.
  (cd "$out" && "$binary" "$PWD/../corpus" -jobs="$jobs" -workers="$jobs" "${flags[@]}" "$@" >/dev/null 2>&1)
  status=$?
  cat "$out"/fuzz-*.log > "$out/fuzz.log"
  for log in "$out"/fuzz-*.log; do
    grep -q 'stat::number_of_executed_units' "$log" || { echo "fuzz: $log has no final stats" >&2; [ "$status" -ne 0 ] || status=1; }
  done
else
  "$binary" .build/corpus "${flags[@]}" "$@" 2>&1 | tee "$out/fuzz.log" | grep -v '^#[0-9]*[[:space:]]*\(NEW\|REDUCE\)' >&2
  status=${PIPESTATUS[0]}
fi
log=$out/fuzz.log

sum() { grep -o "stat::$1:[[:space:]]*[0-9]*" "$log" | awk '{s += $NF} END {print s + 0}'; }
max() { grep -o "stat::$1:[[:space:]]*[0-9]*" "$log" | awk '$NF > m {m = $NF} END {print m + 0}'; }
runs=$(sum number_of_executed_units)
rate=$(sum average_exec_per_sec)
rss=$(max peak_rss_mb)
# The target's own timer: each process prints its slowest input at exit (and writes it to
# slowest-PID); keep the slowest of all.
slowest=$(grep -o 'kiln-fuzz\[[0-9]*\]: .*slowest input [0-9.]* ms, [0-9]* bytes' "$log" | sort -t' ' -k9 -g | tail -1)
slow=$(grep -o 'slowest input [0-9.]* ms, [0-9]* bytes' <<<"$slowest")
pid=$(grep -o '^kiln-fuzz\[[0-9]*' <<<"$slowest" | tr -dc 0-9)
[ -n "$pid" ] && [ -f "$out/slowest-$pid" ] && cp "$out/slowest-$pid" "$out/slowest-input"
crashes=$(find .build/artifacts -type f -newer "$out/started" | wc -l)
result=clean
[ "$status" -eq 0 ] && [ "$crashes" -eq 0 ] || result="FAILED (status $status, $crashes artifacts; see $log and .build/artifacts)"
echo "fuzz summary: ${seconds} s × ${jobs} job(s), ${runs} inputs, ${rate} exec/s, peak RSS ${rss} MB (one process), ${slow:-slowest input ?}, $result"
[ "$result" = clean ]
