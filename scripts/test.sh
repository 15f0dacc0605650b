#!/usr/bin/env bash
# The test stages of `just test`, run after the build:
#   ctest       every ctest entry of BUILD_DIR (unit, differential,
#               alloc_failure, consumer and what the harness registers)
#   sanitizers  ivm-tests built with -DIVM_SANITIZE=ON (ASan + UBSan) in
#               build-tests-asan, at IVM_TEST_SCALE=${IVM_ASAN_SCALE:-0.25}
#   fuzz        scripts/fuzz.sh for ${IVM_FUZZ_SECONDS:-60} seconds
# Every stage runs even when an earlier one failed; the last line sums up and
# the exit status is non-zero when any stage failed.
#
#   scripts/test.sh [BUILD_DIR [STAGE...]]     (default: build, all stages)
set -uo pipefail

cd "$(dirname "$0")/.."
build=${1:-build}
shift || true
stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(ctest sanitizers fuzz)
jobs=${IVM_TEST_JOBS:-2}

stage_ctest() {
  [ -d "$build" ] || { echo "test: $build is not built" >&2; return 1; }
  (cd "$build" && ctest --output-on-failure -j "$jobs")
}

stage_sanitizers() {
  local dir=build-tests-asan
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIVM_SANITIZE=ON \
    -DIVM_WERROR=ON -DIVM_BUILD_HARNESS=OFF >/dev/null || return 1
  cmake --build "$dir" -j "$jobs" --target ivm-tests >"$dir/build.log" 2>&1 || {
    tail -n 40 "$dir/build.log" >&2
    return 1
  }
  IVM_TEST_SCALE=${IVM_ASAN_SCALE:-0.25} \
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$dir/tests/ivm-tests"
}

stage_fuzz() {
  bash scripts/fuzz.sh "${IVM_FUZZ_SECONDS:-60}" build-tests-fuzz
}

summary=()
failed=0
for s in "${stages[@]}"; do
  if ! declare -F "stage_$s" >/dev/null; then
    echo "test: unknown stage '$s' (ctest, sanitizers, fuzz)" >&2
    exit 2
  fi
  echo "==== test stage: $s"
  start=$SECONDS
  if "stage_$s"; then
    summary+=("$s ok ($((SECONDS - start))s)")
  else
    summary+=("$s FAILED ($((SECONDS - start))s)")
    failed=$((failed + 1))
  fi
done

line=$(IFS=','; echo "${summary[*]}" | sed 's/,/, /g')
if [ "$failed" -eq 0 ]; then
  echo "test: PASSED: $line"
else
  echo "test: FAILED ($failed of ${#stages[@]} stages): $line"
  exit 1
fi
