#!/usr/bin/env bash
# Installs what building, testing and profiling ivm need. Idempotent: when
# everything is present it only checks and returns within a second or two.
set -euo pipefail

need_apt=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
for p in build-essential cmake pkg-config clang-14 libclang-rt-14-dev \
         libbenchmark-dev libgoogle-perftools-dev google-perftools \
         zlib1g-dev golang-go valgrind libabsl-dev libboost-dev python3; do
  have_pkg "$p" || need_apt+=("$p")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "bootstrap: installing ${need_apt[*]}" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

# just is not packaged by Debian; the npm package ships the real binary. Link
# that binary onto PATH directly because the npm wrapper adds ~100 ms a call.
if ! command -v just >/dev/null 2>&1; then
  echo "bootstrap: installing just" >&2
  npm install -g --silent rust-just >/dev/null
  root=$(npm root -g)
  bin=$(find "$root" -path '*rust-just*' -type f -name just -perm -u+x 2>/dev/null | head -n 1)
  [ -n "$bin" ] || { echo "bootstrap: could not find the just binary under $root" >&2; exit 1; }
  ln -sf "$bin" /usr/local/bin/just
fi
just --version >/dev/null
