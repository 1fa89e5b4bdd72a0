#!/usr/bin/env bash
# Frames per second of retaildetect against the floor (decode only) and GStreamer's own
# `facedetect` (gst-plugins-bad opencv, Haar cascade) on the same clip, in one run.
#   bench/pipelines/detect.sh [build-dir] [clip]     (defaults: build, the Hamilton clip)
# Prints one line per pipeline and the ratios (b)/(a) and (b)/(c). Every pipeline decodes the
# whole clip with sync=false; time includes start-up (model loading), median of RUNS runs.
# CPU ms/frame (user+sys of the process) is also printed: it is less sensitive to other load.
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
cpu_ms() { echo "scale=1; 1000 * ${1##* } / $frames" | bc -l; }

echo "clip: $clip ($frames frames), $(nproc) cores, OpenCV threads: default, runs: $runs (median)"
ta=$(measure "$src ! video/x-raw,format=I420 ! fakesink sync=false")
tb=$(measure "$src ! video/x-raw,format=I420 ! retaildetect person-backend=none ! fakesink sync=false")
tb1=$(measure "$src ! video/x-raw,format=I420 ! retaildetect person-backend=none threads=1 ! fakesink sync=false")
tb2=$(measure "$src ! video/x-raw,format=I420 ! retaildetect ! fakesink sync=false")
tb3=$(measure "$src ! video/x-raw,format=I420 ! retaildetect person-backend=none interval=3 ! fakesink sync=false")
tc=$(measure "$src ! video/x-raw,format=RGB ! facedetect display=false ! fakesink sync=false")
row() { printf '%-62s %8s fps %8s ms CPU/frame\n' "$1" "$(fps "$2")" "$(cpu_ms "$2")"; }
row "(a)  decode -> fakesink (floor)" "$ta"
row "(b)  decode -> retaildetect (YuNet faces) -> fakesink" "$tb"
row "(b1) decode -> retaildetect (YuNet faces, threads=1)" "$tb1"
row "(b2) decode -> retaildetect (YuNet + Yolo-Fastest) -> fakesink" "$tb2"
row "(b3) decode -> retaildetect (YuNet faces, interval=3)" "$tb3"
row "(c)  decode -> facedetect (OpenCV Haar, RGB) -> fakesink" "$tc"
fa=$(fps "$ta"); fb=$(fps "$tb"); fb2=$(fps "$tb2"); fb3=$(fps "$tb3"); fc=$(fps "$tc")
printf 'fps ratios: (b)/(a) = %s   (b)/(c) = %s   (b2)/(c) = %s   (b3)/(c) = %s\n' \
  "$(echo "scale=2; $fb / $fa" | bc -l)" "$(echo "scale=2; $fb / $fc" | bc -l)" \
  "$(echo "scale=2; $fb2 / $fc" | bc -l)" "$(echo "scale=2; $fb3 / $fc" | bc -l)"
printf 'load average during the run: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
