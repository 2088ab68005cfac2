#!/bin/sh
# The README's test command: installs dependencies, builds hashmint with
# AddressSanitizer and UndefinedBehaviorSanitizer (build-debug/), builds the
# libFuzzer harnesses with clang (build-fuzz/), then runs every unit,
# vector, layer, functional and short fuzz test. Ends with `N passed, N failed`.
# FUZZ_SECONDS (default 10) sets how long each harness runs.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
contrib/install-deps.sh
[ -x configure ] || ./autogen.sh >/dev/null
jobs=${JOBS:-2}

mkdir -p build-debug
if [ ! -f build-debug/Makefile ]; then
  (cd build-debug && ../configure --enable-debug --quiet)
fi
make -s -C build-debug -j"$jobs"
make -s -C build-debug -j"$jobs" $(make -s -C build-debug print-check-programs 2>/dev/null) >/dev/null

mkdir -p build-fuzz
if [ ! -f build-fuzz/Makefile ]; then
  (cd build-fuzz && ../configure --enable-fuzz CC=clang --quiet)
fi
make -s -C build-fuzz -j"$jobs"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
exec qa/run_tests.py --builddir="$top/build-debug" --srcdir="$top" \
  --fuzz-builddir="$top/build-fuzz" --fuzz-seconds="${FUZZ_SECONDS:-10}"
