#!/usr/bin/env bash
# What Kiln's build plugin costs an app's `swift build` (issue 14, item 2): a fresh copy of the
# checkout's Examples/ (it depends on Kiln by path "..", so the copy lives in the checkout, in
# .build-plugin-bench/, which git ignores) with its own empty .build, built step by step:
#   resolve          `swift package resolve` (fetching the dependencies; not part of a build)
#   first            the first `swift build`
#   devlist_set      `KILN_AOT_DEVLIST=sm_90,cpu swift build`
#   devlist_unset    `swift build` with KILN_AOT_DEVLIST unset again
#   config_added     a kiln.json added to the target ({"devices": "sm_90,cpu"})
#   config_edited    the kiln.json edited ({"devices": "sm_90,sm_80,cpu"})
#   nothing_changed  `swift build` again
# Each step: wall seconds; the C/C++/assembly compile commands SwiftPM ran (its "Compiling x.c"
# lines: a file compiled for the planning pass and again for the build counts twice); the C/asm and
# Swift object files written (newer than a stamp taken before the step); the load average before
# and after it.
# Usage: bash bench/plugin_build.sh CHECKOUT LABEL [OUT]
#   CHECKOUT  the Kiln checkout to measure (this one, or a worktree of an older commit)
#   LABEL     the run's name in OUT ("before", "after")
#   OUT       the JSON file the run is added to (replacing a run of the same label);
#             default bench/results/plugin-build-<today>.json of this checkout
# The build logs stay in CHECKOUT/.build-plugin-bench/logs/ for finding out what was rebuilt.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
checkout=$(cd "${1:?usage: bash bench/plugin_build.sh CHECKOUT LABEL [OUT]}" && pwd)
label=${2:?usage: bash bench/plugin_build.sh CHECKOUT LABEL [OUT]}
out=${3:-$here/bench/results/plugin-build-$(date -u +%F).json}
[[ -f $checkout/Examples/Package.swift ]] || { echo "'$checkout' has no Examples/Package.swift — give a Kiln checkout" >&2; exit 2; }
command -v jq > /dev/null || { echo "bench/plugin_build.sh needs jq (apt-get install -y jq)" >&2; exit 2; }

app=$checkout/.build-plugin-bench
rm -rf "$app"
mkdir -p "$app"
cp -r "$checkout/Examples/." "$app/"
rm -rf "$app/.build" "$app/Package.resolved"
mkdir -p "$app/logs"
config=$app/Sources/Saxpy/kiln.json
unset KILN_AOT_DEVLIST

steps='[]'
# step NAME COMMAND…: runs the command in the app's folder and adds its measurements to $steps.
step() {
  local name=$1; shift
  local stamp=$app/logs/$name.stamp load_before load_after start end status=0
  touch "$stamp"; sleep 1  # object files written in this step are strictly newer than the stamp
  load_before=$(cut -d' ' -f1-3 /proc/loadavg)
  start=$(date +%s%N)
  (cd "$app" && "$@") > "$app/logs/$name.log" 2>&1 || status=$?
  end=$(date +%s%N)
  load_after=$(cut -d' ' -f1-3 /proc/loadavg)
  if (( status != 0 )); then
    echo "step $name failed with status $status; its log: $app/logs/$name.log" >&2
    tail -20 "$app/logs/$name.log" >&2
    exit 1
  fi
  local compiles c swift
  compiles=$(grep -cE '^\[[0-9]+/[0-9]+\] Compiling ([^ ]+ )?[^ ]+\.(c|cc|cpp|S|s)$' "$app/logs/$name.log" || true)
  c=$(find "$app/.build" -type f -newer "$stamp" -regex '.*\.\(c\|cc\|cpp\|S\|s\)\.o' | wc -l)
  swift=$(find "$app/.build" -type f -newer "$stamp" -name '*.swift.o' | wc -l)
  local seconds
  seconds=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", (e - s) / 1e9 }')
  echo "$label $name: ${seconds} s, $compiles C/asm compiles, $c C/asm objects, $swift Swift objects (load $load_before → $load_after)" >&2
  steps=$(jq -c --arg name "$name" --argjson seconds "$seconds" --argjson compiles "$compiles" --argjson c "$c" --argjson swift "$swift" \
    --arg before "$load_before" --arg after "$load_after" \
    '. + [{step: $name, seconds: $seconds, c_asm_compiles: $compiles, c_asm_objects: $c, swift_objects: $swift, load_before: $before, load_after: $after}]' <<<"$steps")
}

step resolve swift package resolve
step first swift build
step devlist_set env KILN_AOT_DEVLIST=sm_90,cpu swift build
step devlist_unset swift build
printf '{"devices": "sm_90,cpu"}\n' > "$config"
step config_added swift build
printf '{"devices": "sm_90,sm_80,cpu"}\n' > "$config"
step config_edited swift build
step nothing_changed swift build

run=$(jq -n --arg run_label "$label" --arg commit "$(git -C "$checkout" rev-parse HEAD)" \
  --arg dirty "$(git -C "$checkout" status --porcelain --untracked-files=no | wc -l)" \
  --arg date "$(date -u +%FT%TZ)" --arg cpu "$(lscpu | sed -n 's/^Model name: *//p' | head -1)" \
  --argjson cores "$(nproc)" --arg memory "$(free -g | awk '/^Mem:/ { print $2 " GiB" }')" \
  --arg swift "$(swift --version 2>&1 | head -1)" --argjson steps "$steps" \
  '{"label": $run_label, "commit": $commit, "uncommitted_changed_files": ($dirty | tonumber), "date": $date,
    "machine": {"cpu": $cpu, "cores": $cores, "memory": $memory}, "swift": $swift, "steps": $steps}')
mkdir -p "$(dirname "$out")"
[[ -s $out ]] || echo '{"runs": []}' > "$out"
jq --argjson run "$run" '.runs = ([.runs[] | select(.label != $run.label)] + [$run])' "$out" > "$out.tmp"
mv "$out.tmp" "$out"
echo "wrote run '$label' to $out" >&2
