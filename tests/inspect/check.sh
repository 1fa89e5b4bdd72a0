#!/usr/bin/env bash
# The gst-inspect surface is reviewed API: properties, defaults, flags, caps, signals.
# Compares normalized `gst-inspect-1.0 <element>` output with tests/inspect/<element>.txt.
#   check.sh <plugin-dir> <expected-dir>            # test
#   check.sh <plugin-dir> <expected-dir> --update   # rewrite the expected files after a reviewed change
set -euo pipefail
plugin_dir=$1
expected_dir=$2
update=${3:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export GST_PLUGIN_PATH=$plugin_dir GST_REGISTRY=$tmp/registry.bin GST_REGISTRY_FORK=no
export RETAIL_SHARED_DIR=/nonexistent-shared-for-inspect
normalize() {
  sed -E -e '/^\s*(Filename|Version|Release date|Source release date|Binary package|Origin URL)\s/d' \
         -e 's/0x[0-9a-f]+/0xADDR/g' -e 's/\x1b\[[0-9;]*m//g'
}
elements=$(gst-inspect-1.0 retail 2>/dev/null | sed -nE 's/^\s+([a-z0-9]+): .*/\1/p')
[ -n "$elements" ] || { echo "gst-inspect-1.0 found no elements in $plugin_dir/libgstretail.so"; exit 1; }
status=0
count=0
for e in $elements; do
  count=$((count + 1))
  gst-inspect-1.0 "$e" 2>/dev/null | normalize > "$tmp/$e.txt"
  if [ "$update" = "--update" ]; then
    cp "$tmp/$e.txt" "$expected_dir/$e.txt"
    echo "updated $e"
  elif [ ! -f "$expected_dir/$e.txt" ]; then
    echo "FAIL $e: no $expected_dir/$e.txt (review the output, then run with --update)"
    status=1
  elif ! diff -u "$expected_dir/$e.txt" "$tmp/$e.txt"; then
    echo "FAIL $e: gst-inspect surface changed (review, then run with --update)"
    status=1
  else
    echo "ok $e"
  fi
done
echo "$count elements checked"
exit $status
