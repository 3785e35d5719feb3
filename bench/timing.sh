# Sourced by the bench/ scripts. `seconds CMD…` runs CMD, its standard output thrown away (or
# written to the file $TIMED_OUTPUT names), and prints how long it took in seconds. A CMD that
# fails stops the benchmark: a failed build is never recorded as a time.
seconds() {
  local start; start=$(date +%s%N)
  if ! "$@" > "${TIMED_OUTPUT:-/dev/null}"; then
    echo "bench: '$*' failed, so no time is recorded" >&2
    exit 1
  fi
  awk -v s="$start" -v e="$(date +%s%N)" 'BEGIN { printf "%.3f\n", (e - s) / 1e9 }'
}
