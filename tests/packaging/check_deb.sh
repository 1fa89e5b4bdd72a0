#!/usr/bin/env bash
# The .deb as a user gets it: cpack builds it from this build folder, dpkg -x unpacks it into a
# scratch root, and everything is checked from that root only (tests/cmake/packaging.cmake).
#   check_deb.sh <build-dir> <source-dir> [<shared-dir>]
# Checks: package fields and shared-library Depends; the 8 elements load with gst-inspect-1.0 from
# the unpacked plugin folder alone (own registry); the unpacked retail-launch runs; no RPATH into
# the build; the systemd unit, schema, configs, copyright and man page are there; lintian passes
# (errors and warnings fail; each override is explained in docs/DEPLOY.md).
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
shared=${3:-/nonexistent}
scratch=$build/packaging-test
rm -rf "$scratch"
mkdir -p "$scratch"
failures=0
ok() { echo "ok   $*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }

# 1. Build the package.
(cd "$build" && cpack -G DEB -B "$scratch/cpack" --config CPackConfig.cmake) > "$scratch/cpack.log" 2>&1 ||
  { cat "$scratch/cpack.log"; echo "FAIL cpack"; exit 1; }
mapfile -t debs < <(find "$scratch/cpack" -maxdepth 1 -name 'gst-retail_*.deb')
[ ${#debs[@]} -eq 1 ] || { cat "$scratch/cpack.log"; echo "FAIL expected one gst-retail_*.deb, got ${#debs[@]}"; exit 1; }
deb=${debs[0]}
echo "package: $deb"
dpkg-deb -I "$deb" control

# 2. Control fields.
[ "$(dpkg-deb -f "$deb" Package)" = gst-retail ] && ok "Package: gst-retail" || fail "Package field"
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libgstreamer1.0-0 librdkafka1 gstreamer1.0-plugins-base; do
  [[ "$depends" == *"$lib"* ]] && ok "Depends names $lib" || fail "Depends lacks $lib: $depends"
done
for field in Maintainer Section Homepage Description; do
  [ -n "$(dpkg-deb -f "$deb" "$field")" ] && ok "$field set" || fail "$field empty"
done

# 3. Unpack.
root=$scratch/root
dpkg -x "$deb" "$root"
plugindir=$root$(pkg-config --variable=pluginsdir gstreamer-1.0)
[ -f "$plugindir/libgstretail.so" ] && ok "plugin in GStreamer's plugin folder" ||
  fail "no libgstretail.so in $plugindir"

# 4. The elements, from the unpacked plugin only.
inspect() {
  env -u GST_REGISTRY_FORK GST_PLUGIN_SYSTEM_PATH="$plugindir" GST_PLUGIN_PATH="$plugindir" \
    GST_REGISTRY="$scratch/registry.bin" RETAIL_SHARED_DIR=/nonexistent gst-inspect-1.0 "$@"
}
if inspect retail > "$scratch/inspect-retail.txt" 2>&1; then
  file=$(sed -nE 's/^\s*Filename\s+//p' "$scratch/inspect-retail.txt")
  [ "$file" = "$plugindir/libgstretail.so" ] && ok "plugin loaded from $file" ||
    fail "plugin loaded from '$file', not from the package"
else
  cat "$scratch/inspect-retail.txt"
  fail "gst-inspect-1.0 retail"
fi
for e in retailcamsrc retaildetect retailtrack retailliveness retailattr retailzones adoverlay kafkasink; do
  if inspect "$e" > "$scratch/inspect-$e.txt" 2>&1 && grep -q "Factory Details" "$scratch/inspect-$e.txt" &&
     grep -qE "^\s*Filename\s+$plugindir/libgstretail.so" "$scratch/inspect-$e.txt"; then
    ok "element $e"
  else
    sed -n 1,20p "$scratch/inspect-$e.txt"
    fail "element $e does not load from the package"
  fi
done

# 5. retail-launch from the package: usage, and the shipped example config parses.
launch=$root/usr/bin/retail-launch
rc=0
out=$("$launch" --help 2>&1) || rc=$?
[ $rc -eq 2 ] && [[ "$out" == *"usage: retail-launch"* ]] && ok "retail-launch --help" ||
  fail "retail-launch --help: rc $rc: $out"
# A config needing no model: the packaged binary validates it and prints the pipeline.
cat > "$scratch/store.json" <<'JSON'
{ "store_id": "package-test",
  "cameras": [ { "id": "cam1", "uri": "file:///nonexistent/clip.mp4" } ],
  "stages": [ { "element": "retaildetect" }, { "element": "retailtrack" }, { "element": "retailzones" } ],
  "output": { "type": "none" } }
JSON
print_launch() {
  env GST_PLUGIN_SYSTEM_PATH="$plugindir" GST_PLUGIN_PATH="$plugindir" GST_REGISTRY="$scratch/registry.bin" \
    RETAIL_SHARED_DIR="$1" \
    "$launch" --print-launch "$2" 2>&1
}
rc=0
out=$(print_launch /nonexistent "$scratch/store.json") || rc=$?
[ $rc -eq 0 ] && [[ "$out" == *"gst-launch-1.0 -e retailcamsrc"*"! retailzones"* ]] &&
  ok "retail-launch --print-launch <config without models>" ||
  fail "retail-launch --print-launch: rc $rc: $out"
# The packaged example store config names models: checked where the shared models are.
if [ -d "$shared/models" ]; then
  rc=0
  out=$(print_launch "$shared" "$root/usr/share/gst-retail/configs/store.example.json") || rc=$?
  [ $rc -eq 0 ] && [[ "$out" == *"gst-launch-1.0 -e retailcamsrc"* ]] &&
    ok "retail-launch --print-launch <packaged store.example.json>" ||
    fail "retail-launch --print-launch store.example.json: rc $rc: $out"
else
  echo "skip packaged store.example.json: no $shared/models"
fi
for bin in "$launch" "$plugindir/libgstretail.so"; do
  if readelf -d "$bin" | grep -qE 'RPATH|RUNPATH'; then fail "$bin has an RPATH/RUNPATH"; else ok "no RPATH in ${bin#"$root"}"; fi
done

# 6. Files in the package.
unit=$(find "$root" -path '*/lib/systemd/system/gst-retail.service' | head -1)
if [ -n "$unit" ] && grep -qx 'ExecStartPre=/usr/bin/retail-launch --check /etc/gst-retail/store.json' "$unit" &&
   grep -qx 'ExecStart=/usr/bin/retail-launch /etc/gst-retail/store.json' "$unit"; then
  ok "systemd unit ${unit#"$root"}"
else
  fail "systemd unit missing or not naming /usr/bin/retail-launch"
fi
cmp -s "$src/configs/schema/retail-event.v1.schema.json" "$root/usr/share/gst-retail/schema/retail-event.v1.schema.json" &&
  ok "event schema" || fail "event schema missing or different"
for f in schema/examples/track_started.json configs/store.example.json configs/zones.example.json \
         configs/campaigns.json configs/creatives/welcome.png; do
  [ -f "$root/usr/share/gst-retail/$f" ] && ok "share/gst-retail/$f" || fail "no share/gst-retail/$f"
done
for f in usr/share/doc/gst-retail/copyright usr/share/doc/gst-retail/changelog.gz usr/share/man/man1/retail-launch.1.gz; do
  [ -f "$root/$f" ] && ok "$f" || fail "no $f"
done
if dpkg-deb -c "$deb" | grep -qE 'retail-mot|retail-attr-eval|/include/'; then
  fail "the package carries tools or headers"
else
  ok "runtime files only"
fi

# 7. lintian: no error or warning left (overrides shipped in the package, explained in DEPLOY.md).
if command -v lintian > /dev/null; then
  if lintian --fail-on error,warning --display-info --show-overrides "$deb" > "$scratch/lintian.txt" 2>&1; then
    ok "lintian"
  else
    fail "lintian"
  fi
  cat "$scratch/lintian.txt"
else
  fail "lintian not installed (scripts/deps.txt)"
fi

echo "$failures failure(s)"
[ $failures -eq 0 ]
