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

# Run every test suite.
test: build
    cd {{build_dir}} && ctest --output-on-failure
