#!/usr/bin/env bash
# Set-up command 2 of 2 (README): the whole test suite, as CI runs it.
#   1. build with -Wall -Wextra -Werror and run every test (ctest);
#   2. build with AddressSanitizer + UBSan and run every test again;
#   3. build the libFuzzer targets with clang and run each briefly.
# Tests that need ../shared/data skip with a message when it is absent.
# Usage: ./test.sh [--quick]   (--quick: step 1 only)
set -euo pipefail
cd "$(dirname "$0")"
JOBS=$(nproc)
export CLEARANCE_NO_PROGRESS=1

echo "== 1/3 warnings-as-errors build and tests"
cmake -S . -B build-werror -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCLEARANCE_WERROR=ON >/dev/null
cmake --build build-werror -j "$JOBS"
ctest --test-dir build-werror --output-on-failure -j "$JOBS"

if [ "${1:-}" = "--quick" ]; then exit 0; fi

echo "== 2/3 AddressSanitizer + UBSan build and tests"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCLEARANCE_SANITIZE=ON \
  -DCLEARANCE_CUDA=OFF >/dev/null
cmake --build build-asan -j "$JOBS"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j "$JOBS"

echo "== 3/3 fuzz targets (clang, libFuzzer)"
CC=clang-19 CXX=clang++-19 cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCLEARANCE_FUZZ=ON -DCLEARANCE_TESTS=ON -DCLEARANCE_CUDA=OFF >/dev/null
cmake --build build-fuzz -j "$JOBS" --target fuzz_all
ctest --test-dir build-fuzz -L fuzz --output-on-failure
