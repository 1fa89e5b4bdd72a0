#!/usr/bin/env bash
# Pipeline cost of retailliveness + retailattr on the Hamilton clip, as a ratio to the same
# pipeline without them (retaildetect ! retailtrack), measured in one run. A third pipeline runs
# both elements per frame (recheck-interval-frames=1) to show what per-track scheduling saves.
#   bench/pipelines/faces.sh [build-dir] [clip]     (defaults: build, the Hamilton clip)
# Every pipeline decodes the whole clip with sync=false; figures are the median of RUNS runs of
# wall time and of CPU time (user+sys, which stays meaningful on a busy machine), start-up and
# model loading included.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$top/build}
export RETAIL_SHARED_DIR=${RETAIL_SHARED_DIR:-$(cd "$top/.." && pwd)/shared}
clip=${2:-$RETAIL_SHARED_DIR/media/faces/hamilton_640x360.mp4}
runs=${RUNS:-3}
export GST_PLUGIN_PATH="$build/plugins${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}"
[ -f "$clip" ] || { echo "clip not found: $clip (set RETAIL_SHARED_DIR)" >&2; exit 1; }
for e in retaildetect retailtrack retailliveness retailattr; do
  gst-inspect-1.0 "$e" >/dev/null 2>&1 || { echo "$e not found in $build/plugins: build first" >&2; exit 1; }
done

src="filesrc location=$clip ! decodebin ! videoconvert ! video/x-raw,format=I420 ! retaildetect ! retailtrack"
# prints "<median wall s> <median cpu s>" of $runs runs of a pipeline
measure() {
  local walls=() cpus=()
  for _ in $(seq "$runs"); do
    local out
    # shellcheck disable=SC2086
    /usr/bin/time -o "$tmp" -f "%e %U %S" gst-launch-1.0 -q $1 >/dev/null 2>&1 \
      || { echo "pipeline failed: $1" >&2; exit 1; }
    out=$(tail -1 "$tmp")
    walls+=("$(echo "$out" | awk '{print $1}')")
    cpus+=("$(echo "$out" | awk '{print $2 + $3}')")
  done
  local mid=$(((runs + 1) / 2))
  echo "$(printf '%s\n' "${walls[@]}" | sort -g | sed -n "${mid}p") $(printf '%s\n' "${cpus[@]}" | sort -g | sed -n "${mid}p")"
}
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
ratio() { echo "scale=2; $1 / $2" | bc -l; }

echo "clip: $clip, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg), runs: $runs (median)"
read -r wa ca <<<"$(measure "$src ! fakesink sync=false")"
read -r wb cb <<<"$(measure "$src ! retailliveness ! retailattr ! fakesink sync=false")"
read -r wc cc <<<"$(measure "$src ! retailliveness recheck-interval-frames=1 ! retailattr recheck-interval-frames=1 ! fakesink sync=false")"
printf '%-72s wall %6ss  cpu %6ss\n' "(a) decode -> retaildetect -> retailtrack (baseline)" "$wa" "$ca"
printf '%-72s wall %6ss  cpu %6ss\n' "(b) (a) -> retailliveness -> retailattr (per track, K=5 / K=10)" "$wb" "$cb"
printf '%-72s wall %6ss  cpu %6ss\n' "(c) (a) -> retailliveness -> retailattr (every gated frame, K=1)" "$wc" "$cc"
printf '(b)/(a): wall %s cpu %s    (c)/(a): wall %s cpu %s\n' \
  "$(ratio "$wb" "$wa")" "$(ratio "$cb" "$ca")" "$(ratio "$wc" "$wa")" "$(ratio "$cc" "$ca")"
