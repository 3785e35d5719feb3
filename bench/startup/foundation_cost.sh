#!/usr/bin/env bash
# What Foundation costs a statically linked Swift program at start-up, on this machine: the same
# trivial program four ways — C, Swift (standard library only), Swift + FoundationEssentials
# (decoding a small JSON object, as KilnBundle decodes its manifest), Swift + all of Foundation —
# each run ROUNDS × 100 times by spawn_median.c, the four interleaved round by round. Prints wall
# and CPU (user + system) times in ms; on a shared machine trust the CPU times and the minima.
#   bash bench/startup/foundation_cost.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")"
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
gcc -O2 spawn_median.c -o "$W/spawn_median"
printf '#include <stdio.h>\nint main(void) { puts("ok"); return 0; }\n' > "$W/c.c"
gcc -O2 "$W/c.c" -o "$W/c"
echo 'print("ok")' > "$W/swift.swift"
cat > "$W/essentials.swift" <<'SWIFT'
import FoundationEssentials
struct Manifest: Decodable { var modules: [String] }
let manifest = try! JSONDecoder().decode(Manifest.self, from: Data("{\"modules\":[\"a\",\"b\"]}".utf8))
print(manifest.modules.count)
SWIFT
sed 's/import FoundationEssentials/import Foundation/' "$W/essentials.swift" > "$W/foundation.swift"
for name in swift essentials foundation; do
  swiftc -O -static-stdlib "$W/$name.swift" -o "$W/$name" 2> /dev/null
done
ls -l "$W/c" "$W/swift" "$W/essentials" "$W/foundation" | awk '{print $5, $9}'
echo "program     wall: median min max   cpu: median min   (ms, 100 runs)"
for ((r = 1; r <= ${1:-3}; r++)); do
  for name in c swift essentials foundation; do
    printf "%-11s %s\n" "$name" "$("$W/spawn_median" 100 "$W/$name")"
  done
done
