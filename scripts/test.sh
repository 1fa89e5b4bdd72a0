#!/usr/bin/env bash
# One command: install what the tests need, build, and run every test suite (README "Testing").
#   scripts/test.sh                 # everything (CI runs exactly this): the stages below
#   scripts/test.sh -L unit         # extra arguments go to ctest of the main build only, and only the
#                                   # main stage runs (labels: unit element pipeline integration
#                                   # inspect faults)
#   RETAIL_TEST_STAGES="main tsan" scripts/test.sh   # run only some stages locally
#
# Stages of the full run (all of them unless RETAIL_TEST_STAGES names a subset):
#   main  the `ci` preset (build/), every test
#   asan  the `asan` preset (build-asan/, ASan+UBSan+gcov): labels unit, element, faults; then the
#         line-coverage summary of that run (gcovr), failing under RETAIL_COVERAGE_MIN (85) percent
#   tsan  the `tsan` preset (build-tsan/): the delivery/spool tests and the retailcamsrc tests
# Sanitizer reports fail the test that produced them; suppressions live in tests/sanitizers/.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
scripts/install-deps.sh
if [ -f tests/integration/package.json ]; then
  (cd tests/integration && npm install --no-audit --no-fund --loglevel=error)
fi

if [ $# -gt 0 ]; then
  cmake --preset ci >/dev/null
  cmake --build --preset ci
  cd build
  exec ctest --output-on-failure --timeout 900 "$@"
fi

stages=${RETAIL_TEST_STAGES:-main asan tsan}
coverage_min=${RETAIL_COVERAGE_MIN:-85}
supp=$top/tests/sanitizers
failed=()
summary=()

want() { [[ " $stages " == *" $1 "* ]]; }
# stage <name> <command...>: runs a stage, records its wall time and whether it failed.
stage() {
  local name=$1 t0 rc=0
  shift
  echo "=== stage $name: $*"
  t0=$(date +%s)
  "$@" || rc=$?
  summary+=("$(printf '%-14s %4ds  %s' "$name" $(($(date +%s) - t0)) "$([ $rc -eq 0 ] && echo ok || echo "FAILED (rc $rc)")")")
  [ $rc -eq 0 ] || failed+=("$name")
}

# Each sanitizer build gets its own GStreamer registry so it never rewrites the main build's.
san_env() {
  local dir=$1
  export GST_REGISTRY="$top/$dir/gst-registry.bin"
  export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:fast_unwind_on_malloc=0:suppressions=$supp/asan.supp"
  export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0"
  export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
  export TSAN_OPTIONS="suppressions=$supp/tsan.supp:halt_on_error=0:second_deadlock_stack=1:print_suppressions=0:ignore_noninstrumented_modules=1"
}

main_build() { cmake --preset ci >/dev/null && cmake --build --preset ci; }
main_test() { (cd build && ctest --output-on-failure --timeout 900); }

asan_build() { cmake --preset asan >/dev/null && cmake --build --preset asan; }
asan_test() {
  (
    san_env build-asan
    cd build-asan
    find . -name '*.gcda' -delete
    ctest --output-on-failure --timeout 1800 -L '^(unit|element)$'
  )
}
# Tests labelled `faults` (issue 13); none on a branch is not a failure.
asan_faults() {
  (
    san_env build-asan
    cd build-asan
    ctest --output-on-failure --timeout 1800 -L '^faults$' --no-tests=ignore
  )
}
coverage() {
  gcovr --root "$top" --object-directory "$top/build-asan" \
    --filter "$top/core/" --filter "$top/plugins/" --filter "$top/launcher/" \
    --gcov-ignore-parse-errors -j 2 --print-summary --fail-under-line "$coverage_min" \
    --txt "$top/build-asan/coverage.txt"
}

tsan_build() { cmake --preset tsan >/dev/null && cmake --build --preset tsan; }
tsan_test() {
  (
    san_env build-tsan
    # A test preset is read from CMakePresets.json, so ctest runs from the source folder.
    ctest --preset tsan --timeout 1800
  )
}

if want main; then
  stage main-build main_build
  stage main-test main_test
fi
if want asan; then
  stage asan-build asan_build
  if [[ " ${failed[*]} " != *" asan-build "* ]]; then
    stage asan-test asan_test
    stage asan-faults asan_faults
    stage coverage coverage
  fi
fi
if want tsan; then
  stage tsan-build tsan_build
  [[ " ${failed[*]} " == *" tsan-build "* ]] || stage tsan-test tsan_test
fi

echo "=== stages (wall time)"
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED stages: ${failed[*]}"
  exit 1
fi
