#!/usr/bin/env bash
# Cost of adoverlay per frame at 640x360 and 1280x720, as a ratio to the same pipeline without it,
# in one run.
#   bench/pipelines/overlay.sh [build-dir] [clip]     (defaults: build, the Hamilton clip)
# Per size, five pipelines decode the whole clip with sync=false (median of RUNS runs):
#   (a) decode -> scale -> fakesink                                   (the floor)
#   (b) (a) + adoverlay: HUD + ad panel (campaigns), no analytics     (overlay alone)
#   (c) decode -> scale -> retaildetect (faces) -> retailtrack -> fakesink
#   (d) (c) + adoverlay: boxes, ids, HUD, ad panel, blended           (overlay with real boxes)
#   (e) (d) with blur-faces=true
# Prints fps and CPU ms/frame (user+sys; less sensitive to other load) and the ratios (b)/(a),
# (d)/(c), (e)/(c), plus the overlay's own CPU ms/frame: (b)-(a) and (d)-(c).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$top/build}
export RETAIL_SHARED_DIR=${RETAIL_SHARED_DIR:-$(cd "$top/.." && pwd)/shared}
clip=${2:-$RETAIL_SHARED_DIR/media/faces/hamilton_640x360.mp4}
runs=${RUNS:-3}
export GST_PLUGIN_PATH="$build/plugins${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}"
[ -f "$clip" ] || { echo "clip not found: $clip (set RETAIL_SHARED_DIR)" >&2; exit 1; }
gst-inspect-1.0 adoverlay >/dev/null 2>&1 || { echo "adoverlay not found in $build/plugins: build first" >&2; exit 1; }

frames=$(gst-launch-1.0 -v filesrc location="$clip" ! decodebin ! fakesink name=s sync=false \
         silent=false 2>/dev/null | grep -c "chain   ***" || true)
[ "$frames" -gt 0 ] || { echo "cannot count frames of $clip" >&2; exit 1; }
campaigns="$top/configs/campaigns.json"

# median wall time and CPU time (user+sys, s) of $runs runs of a pipeline: "wall cpu"
measure() {
  local rows=()
  local TIMEFORMAT='%R %U %S'
  for _ in $(seq "$runs"); do
    local out
    # shellcheck disable=SC2086
    out=$( { time gst-launch-1.0 -q $1 >/dev/null 2>&1; } 2>&1 ) ||
      { echo "pipeline failed: $1" >&2; exit 1; }
    rows+=("$(echo "$out" | awk '{printf "%.3f %.3f", $1, $2 + $3}')")
  done
  printf '%s\n' "${rows[@]}" | sort -g | sed -n "$(((runs + 1) / 2))p"
}
fps() { echo "scale=1; $frames / ${1%% *}" | bc -l; }
cpu_ms() { echo "scale=2; 1000 * ${1##* } / $frames" | bc -l; }
row() { printf '  %-58s %8s fps %8s ms CPU/frame\n' "$1" "$(fps "$2")" "$(cpu_ms "$2")"; }
ratio() { echo "scale=3; ${1%% *} / ${2%% *}" | bc -l; }  # wall-time ratio
cpu_diff() { echo "scale=2; 1000 * (${1##* } - ${2##* }) / $frames" | bc -l; }

echo "clip: $clip ($frames frames), $(nproc) cores, runs: $runs (median)"
for size in 640x360 1280x720; do
  w=${size%x*}; h=${size#*x}
  src="filesrc location=$clip ! decodebin ! videoconvert ! videoscale ! video/x-raw,format=I420,width=$w,height=$h"
  chain="retaildetect person-backend=none ! retailtrack"
  ov="adoverlay campaigns-file=$campaigns viewers-require-liveness=false"
  ta=$(measure "$src ! fakesink sync=false")
  tb=$(measure "$src ! $ov ! fakesink sync=false")
  tc=$(measure "$src ! $chain ! fakesink sync=false")
  td=$(measure "$src ! $chain ! $ov ! fakesink sync=false")
  te=$(measure "$src ! $chain ! $ov blur-faces=true ! fakesink sync=false")
  echo "$size:"
  row "(a) decode -> scale (floor)" "$ta"
  row "(b) (a) + adoverlay (HUD + panel)" "$tb"
  row "(c) decode -> scale -> retaildetect -> retailtrack" "$tc"
  row "(d) (c) + adoverlay (boxes, ids, HUD, panel)" "$td"
  row "(e) (d) + blur-faces" "$te"
  printf '  time ratios: (b)/(a) = %s   (d)/(c) = %s   (e)/(c) = %s\n' \
    "$(ratio "$tb" "$ta")" "$(ratio "$td" "$tc")" "$(ratio "$te" "$tc")"
  printf '  adoverlay CPU ms/frame: alone (b)-(a) = %s   with boxes (d)-(c) = %s   with blur (e)-(c) = %s\n' \
    "$(cpu_diff "$tb" "$ta")" "$(cpu_diff "$td" "$tc")" "$(cpu_diff "$te" "$tc")"
done
printf 'load average during the run: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
