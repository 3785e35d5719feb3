#!/usr/bin/env bash
# Builds a Kiln bundle on Slurm: a job array of N shards (build.sbatch), then a job that merges
# the parts once every shard succeeded (merge.sbatch, --dependency=afterok). The bundle is byte for
# byte the one a single `kiln build` of the same inputs writes.
#
#   Examples/slurm/submit.sh OUTPUT.kiln SHARDS SOURCES… [kiln build options…]
#   e.g. Examples/slurm/submit.sh app.kiln 4 Kernels/ --devices sm_80,sm_90
#
# Prints the merge job's id. Environment: KILN, the kiln executable (default: kiln on PATH; use an
# absolute path, the jobs run on the compute nodes); KILN_PARTS, the folder for the parts and logs
# (default: OUTPUT.parts; it must be on a file system every node sees); KILN_MERGE_OPTIONS, extra
# options for `kiln merge` (e.g. "--sign release.key"); KILN_SLURM_WAIT=1 to wait for the merge and
# exit with its status. The parts, folder and output are given to the jobs as absolute paths.
set -euo pipefail
if [ $# -lt 3 ]; then
  echo "usage: $0 OUTPUT.kiln SHARDS SOURCES… [kiln build options…]" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
output=$(realpath -m "$1") shards=$2
shift 2
case "$shards" in ''|*[!0-9]*) echo "SHARDS must be a number of shards, not '$shards'" >&2; exit 2;; esac
parts=$(realpath -m "${KILN_PARTS:-$output.parts}")
mkdir -p "$parts"
rm -f "$parts"/part-*.kiln

array=$(sbatch --parsable --array=0-$((shards - 1)) --chdir="$PWD" --output="$parts/shard-%a.log" \
    "$here/build.sbatch" "$parts" "$@")
array=${array%%;*}
wait=()
[ "${KILN_SLURM_WAIT:-}" = 1 ] && wait=(--wait)
# shellcheck disable=SC2086  # KILN_MERGE_OPTIONS is a list of options
merge=$(sbatch --parsable "${wait[@]}" --dependency="afterok:$array" --kill-on-invalid-dep=yes \
    --chdir="$PWD" --output="$parts/merge.log" "$here/merge.sbatch" "$parts" "$output" ${KILN_MERGE_OPTIONS:-})
echo "${merge%%;*}"
