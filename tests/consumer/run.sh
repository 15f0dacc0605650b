#!/usr/bin/env bash
# Installs the built library into a fresh prefix, then builds and runs
# consumer/main.c against that prefix twice: through find_package(ivm)
# (target ivm::ivm) and through `pkg-config --cflags --libs ivm`.
#
#   run.sh SOURCE_DIR BUILD_DIR
set -euo pipefail

src=$1
build=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/ivm-consumer.XXXXXX")
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix

cmake --install "$build" --prefix "$prefix" >/dev/null

echo "== find_package(ivm)"
cmake -S "$here" -B "$work/cmake" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/cmake" >/dev/null
"$work/cmake/consumer"

echo "== pkg-config ivm"
pcdir=$(dirname "$(find "$prefix" -name ivm.pc | head -n 1)")
flags=$(PKG_CONFIG_PATH=$pcdir pkg-config --cflags --libs ivm)
cc -std=c11 "$here/main.c" $flags -o "$work/consumer-pc"
# The shared library is in the temporary prefix, not on the loader's path.
libdir=$(PKG_CONFIG_PATH=$pcdir pkg-config --variable=libdir ivm)
LD_LIBRARY_PATH=$libdir "$work/consumer-pc"
echo "consumer: ok (installed from $src)"
