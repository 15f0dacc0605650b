# ivm: free-space interval managers and their profiler.
# Every recipe builds what it needs first.

build_dir := "build"
jobs := `nproc`

default:
    @just --list

# Install system packages and just itself (idempotent, quick when present).
bootstrap:
    @bash scripts/bootstrap.sh

# Configure and build the library, tests and harness (optimized, with debug info).
build: bootstrap
    cmake -S . -B {{build_dir}} -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIVM_WERROR=ON > /dev/null
    cmake --build {{build_dir}} -j {{jobs}}

# ctest covers unit, differential, allocation failures, the installed-package
# consumer and the harness tests; the last line of the output sums up.
# Run every test suite: ctest, the tests under ASan+UBSan, a bounded fuzz run.
test: build
    bash scripts/test.sh {{build_dir}}

# The test program built with -DIVM_SANITIZE=ON (ASan + UBSan) and run.
test-asan: bootstrap
    bash scripts/test.sh {{build_dir}} sanitizers

# Findings land in build-tests-fuzz/fuzz-artifacts/.
# Fuzz every implementation against the reference (libFuzzer) for SECONDS.
fuzz SECONDS="600": bootstrap
    bash scripts/fuzz.sh {{SECONDS}}

# Google Benchmark: every implementation x operation on 2^10..2^20 live spans
# with complexity fits, and a replay of every profile. FILTER is a regex over
# benchmark names (e.g. "find|release", "^summary/"), MIN_TIME seconds per
# benchmark. Console, JSON and the fits summary go to a results folder.
gbench FILTER="." MIN_TIME="0.05": build
    #!/usr/bin/env bash
    set -euo pipefail
    out="results/gbench-$(date +%Y%m%d-%H%M%S)"
    mkdir -p "$out"
    {{build_dir}}/ivm-gbench --benchmark_filter={{quote(FILTER)}} \
        --benchmark_min_time={{quote(MIN_TIME)}} --benchmark_color=false \
        --benchmark_out="$out/gbench.json" --benchmark_out_format=json \
        | tee "$out/console.txt"
    python3 tests/gbench/check_gbench.py summary "$out/gbench.json" \
        | tee "$out/summary.txt"
    echo "gbench results in $out: console.txt, gbench.json, summary.txt"

# Quick side-by-side comparison of every implementation: standard, 5k ops.
benchmark: build
    {{build_dir}}/ivmprof compare --profile standard --ops 5000 --repeat 3

# The same figures go to build/test-perf.json as JSON.
# The headline comparison: standard, 10k ops, seed 42, every column.
test-perf: build
    {{build_dir}}/ivmprof compare --profile standard --ops 10000 --seed 42 --repeat 5 --json {{build_dir}}/test-perf.json
    @echo "JSON: {{build_dir}}/test-perf.json"

# Console and JSON of each go to a results folder named at the end.
# Every profile at 100k ops, then standard scaled from 1k to 1M ops.
test-perf-full: build
    #!/usr/bin/env bash
    set -uo pipefail
    out="results/perf-$(date +%Y%m%d-%H%M%S)"
    mkdir -p "$out"
    status=0
    for p in $({{build_dir}}/ivmprof list --profiles); do
        {{build_dir}}/ivmprof compare --profile "$p" --ops 100000 --repeat 3 \
            --json "$out/compare-$p.json" | tee "$out/compare-$p.txt" || status=1
        echo
    done
    {{build_dir}}/ivmprof scale --profile standard --max-ops 1000000 \
        --json "$out/scale-standard.json" | tee "$out/scale-standard.txt" || status=1
    echo "perf results in $out: compare-PROFILE.{txt,json} and scale-standard.{txt,json}"
    exit $status

# ivmprof compare with any options, e.g. `just compare --profile large`.
compare *ARGS: build
    {{build_dir}}/ivmprof compare {{ARGS}}

# ivmprof scale with any options, e.g. `just scale --max-ops 100k`.
scale *ARGS: build
    {{build_dir}}/ivmprof scale {{ARGS}}

# ARGS go to ivmprof profile, e.g. `just profile --sample-rate 0.01 --impl treap`;
# pprof, flame graph and CPU profile files land in a results folder named at the end.
# Where the time goes, every implementation on standard: call statistics and flame charts.
profile *ARGS: build
    #!/usr/bin/env bash
    set -euo pipefail
    out="results/profile-$(date +%Y%m%d-%H%M%S)"
    {{build_dir}}/ivmprof profile --impl all --profile standard --cpu-profile --out "$out" {{ARGS}}
    echo "Open a pprof file with: go tool pprof -http=: $out/IMPL.pb.gz"
    echo "profile results in $out: IMPL.txt, IMPL.pb.gz, IMPL.folded, IMPL.svg, IMPL.cpu.prof, totals.tsv"

# The SVGs, folded stacks and pprof files land in a results folder named at the end.
# Flame graphs of every implementation on standard, from a fresh run.
flamegraph *ARGS: build
    #!/usr/bin/env bash
    set -euo pipefail
    out="results/flamegraph-$(date +%Y%m%d-%H%M%S)"
    {{build_dir}}/ivmprof profile --impl all --profile standard --brief --out "$out" {{ARGS}}
    echo "flame graphs in $out:" $(cd "$out" && ls *.svg)

# ARGS go to ivmprof regress, e.g. `just regress --mode callgrind` or
# `just regress --threshold-p99 30%`; exit status 1 on a regression.
# The regression gate against the committed baseline, default thresholds.
regress *ARGS: build
    {{build_dir}}/ivmprof regress {{ARGS}}

# Timing ratios of every implementation on the default profiles, and
# instruction counts (perf where the kernel allows it, else callgrind).
# Re-record the committed baseline, profiles/baseline.txt, on this machine.
baseline *ARGS: build
    {{build_dir}}/ivmprof baseline --fresh --instructions auto {{ARGS}}
