#!/usr/bin/env bash
# Frames per second of retaildetect against the floor (decode only) and GStreamer's own
# `facedetect` (gst-plugins-bad opencv, Haar cascade) on the same clip, in one run.
#   bench/pipelines/detect.sh [build-dir] [clip]     (defaults: build, the Hamilton clip)
# Prints one line per pipeline and the ratios (b)/(a) and (b)/(c). Every pipeline decodes the
# whole clip with sync=false; time includes start-up (model loading), median of RUNS runs.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$top/build}
export RETAIL_SHARED_DIR=${RETAIL_SHARED_DIR:-$(cd "$top/.." && pwd)/shared}
clip=${2:-$RETAIL_SHARED_DIR/media/faces/hamilton_640x360.mp4}
runs=${RUNS:-3}
export GST_PLUGIN_PATH="$build/plugins${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}"
[ -f "$clip" ] || { echo "clip not found: $clip (set RETAIL_SHARED_DIR)" >&2; exit 1; }
gst-inspect-1.0 retaildetect >/dev/null 2>&1 || { echo "retaildetect not found in $build/plugins: build first" >&2; exit 1; }

frames=$(gst-launch-1.0 -v filesrc location="$clip" ! decodebin ! fakesink name=s sync=false \
         silent=false 2>/dev/null | grep -c "chain   ***" || true)
[ "$frames" -gt 0 ] || { echo "cannot count frames of $clip" >&2; exit 1; }

src="filesrc location=$clip ! decodebin ! videoconvert"
# median wall time (s) of $runs runs of a pipeline
measure() {
  local times=()
  for _ in $(seq "$runs"); do
    local t0 t1
    t0=$(date +%s.%N)
    # shellcheck disable=SC2086
    gst-launch-1.0 -q $1 >/dev/null 2>&1 || { echo "pipeline failed: $1" >&2; exit 1; }
    t1=$(date +%s.%N)
    times+=("$(echo "$t1 - $t0" | bc -l)")
  done
  printf '%s\n' "${times[@]}" | sort -g | sed -n "$(((runs + 1) / 2))p"
}
fps() { echo "scale=1; $frames / $1" | bc -l; }

echo "clip: $clip ($frames frames), $(nproc) cores, OpenCV threads: default, runs: $runs (median)"
ta=$(measure "$src ! video/x-raw,format=I420 ! fakesink sync=false")
tb=$(measure "$src ! video/x-raw,format=I420 ! retaildetect person-backend=none ! fakesink sync=false")
tb2=$(measure "$src ! video/x-raw,format=I420 ! retaildetect ! fakesink sync=false")
tb3=$(measure "$src ! video/x-raw,format=I420 ! retaildetect person-backend=none interval=3 ! fakesink sync=false")
tc=$(measure "$src ! video/x-raw,format=RGB ! facedetect display=false ! fakesink sync=false")
fa=$(fps "$ta"); fb=$(fps "$tb"); fb2=$(fps "$tb2"); fb3=$(fps "$tb3"); fc=$(fps "$tc")
printf '%-58s %8s fps\n' "(a)  decode -> fakesink (floor)" "$fa"
printf '%-58s %8s fps\n' "(b)  decode -> retaildetect (YuNet faces) -> fakesink" "$fb"
printf '%-58s %8s fps\n' "(b2) decode -> retaildetect (YuNet + Yolo-Fastest) -> fakesink" "$fb2"
printf '%-58s %8s fps\n' "(b3) decode -> retaildetect (YuNet faces, interval=3)" "$fb3"
printf '%-58s %8s fps\n' "(c)  decode -> facedetect (OpenCV Haar, RGB) -> fakesink" "$fc"
printf '(b)/(a) = %s   (b)/(c) = %s   (b2)/(c) = %s   (b3)/(c) = %s\n' \
  "$(echo "scale=2; $fb / $fa" | bc -l)" "$(echo "scale=2; $fb / $fc" | bc -l)" \
  "$(echo "scale=2; $fb2 / $fc" | bc -l)" "$(echo "scale=2; $fb3 / $fc" | bc -l)"
