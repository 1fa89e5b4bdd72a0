#!/usr/bin/env bash
# Fixture of the conformance suite: builds GstValidate (cached) into the build tree with the shared
# build.sh (needs meson, ninja-build, libjson-glib-dev: scripts/deps.txt).
#   setup.sh SHARED_DIR OUT_DIR
set -euo pipefail
shared=${1:?shared dir}; out=${2:?out dir}
[ -x "$shared/tools/gst-validate/build.sh" ] || {
  echo "no $shared/tools/gst-validate/build.sh: set RETAIL_SHARED_DIR"; exit 1; }
"$shared/tools/gst-validate/build.sh" "$out"
test -x "$out/build/validate/tools/gst-validate-1.0"
