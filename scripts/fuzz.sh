#!/usr/bin/env bash
# Builds the libFuzzer target tests/fuzz_ivm.c with clang-14 (ASan + UBSan,
# the library instrumented for coverage) and fuzzes for a bounded time.
#
#   scripts/fuzz.sh [SECONDS] [BUILD_DIR]      (defaults: 60, build-tests-fuzz)
#
# The corpus lives in BUILD_DIR/fuzz-corpus and grows from run to run; it is
# seeded with a few inputs written below. A finding is saved under
# BUILD_DIR/fuzz-artifacts/ and the script exits non-zero; replay it with
#   BUILD_DIR/tests/fuzz_ivm BUILD_DIR/fuzz-artifacts/crash-...
set -euo pipefail

seconds=${1:-60}
dir=${2:-build-tests-fuzz}
cd "$(dirname "$0")/.."

if ! command -v clang-14 >/dev/null 2>&1; then
  echo "fuzz: clang-14 is not installed (scripts/bootstrap.sh installs it)" >&2
  exit 1
fi
CC=clang-14 cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DIVM_FUZZ=ON -DIVM_SANITIZE=ON -DIVM_WERROR=ON -DIVM_BUILD_HARNESS=OFF \
  -DCMAKE_C_FLAGS=-fsanitize=fuzzer-no-link >/dev/null
cmake --build "$dir" -j 2 --target fuzz_ivm >/dev/null

corpus=$dir/fuzz-corpus
artifacts=$dir/fuzz-artifacts
mkdir -p "$corpus" "$artifacts"
# Seeds in the input format of fuzz_ivm.c: a header byte (bit 0: domain),
# then per operation a head byte (kind = head % 11) and its arguments; a
# coordinate is a tag byte (tag % 8 in 0..2: one signed byte follows, 5: an
# int64 extreme by index) and a length tag in 0..2 means 1 + tag / 8 % 16.
seed() { printf "$2" >"$corpus/seed-$1"; }
# release(0,100) reserve(10,20) release(15,35) find(0,8)
seed merge '\x00\x00\x00\x00\x00\x00\x64\x01\x00\x0a\x00\x14\x00\x00\x0f\x00\x23\x02\x00\x00\x38'
# release(0,20) release(30,40) strict reserve(15,35) largest()
seed strict '\x00\x00\x00\x00\x00\x14\x00\x00\x1e\x00\x28\x21\x00\x0f\x00\x23\x07'
# domain [0,100): release(0,100) reserve(-5,5) allocate(0,8) stats via intervals
seed domain '\x01\x00\x00\x00\x64\x00\x00\x00\x00\x64\x01\x00\xfb\x00\x05\x04\x00\x00\x38\x0a\x08'
# release(INT64_MIN,-1) release(-1,INT64_MAX): the second overflows the total
seed extremes '\x00\x00\x15\x00\x15\x02\x00\x15\x02\x15\x06'

echo "fuzz: running $dir/tests/fuzz_ivm for ${seconds}s"
"$dir/tests/fuzz_ivm" -max_total_time="$seconds" -timeout=20 -max_len=1024 \
  -artifact_prefix="$artifacts/" -print_final_stats=1 "$corpus" \
  >"$dir/fuzz.log" 2>&1 || {
  grep -v -E '^#[0-9]+' "$dir/fuzz.log" | tail -n 40 >&2
  echo "fuzz: FAILED; the input is in $artifacts/, the log in $dir/fuzz.log" >&2
  exit 1
}
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/fuzz.log")
echo "fuzz: ${runs:-?} inputs in ${seconds}s, no disagreement"
