#!/usr/bin/env bash
# Installs what Kiln needs on Debian or Ubuntu, then builds it. Safe to run again: it installs
# only what is missing. Needs root (or sudo) the first time, for apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: zstd for bundles.
packages=(libzstd-dev pkg-config)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if [ -n "$sudo" ] && ! command -v sudo >/dev/null; then
    echo "Kiln needs: ${missing[*]}. Install them as root: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "installing ${missing[*]} …" >&2
  $sudo apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}" >&2
fi

command -v swift >/dev/null || { echo "Kiln needs a Swift 6 toolchain on PATH (swift.org/install)." >&2; exit 1; }
swift build --build-tests -q >&2
