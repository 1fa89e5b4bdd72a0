#!/usr/bin/env bash
# Stream density of retail-launch: how many 640x360 15 fps cameras one machine sustains with the
# full analytics chain (detection every 3rd frame), each at >= 15 fps, and RSS per camera.
#
#   bench/pipelines/density.sh [build-dir] [max-cameras] [seconds-per-step] [first-n]
#
# Cameras are the Hamilton clip re-encoded once to 640x360 @ 15 fps H.264 and replayed by
# retailcamsrc (loop=true, sync=true: paced exactly like a live 15 fps camera, decode included).
# For N = 1, 2, ... it runs retail-launch, reads /metrics after a warm-up and at the end, and
# reports per-camera fps (frames through the whole chain / time), dropped frames and RSS. The
# baseline in the same run is the decode-only store (no analytics) at the same N.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)  # absolute: camera URIs are built from it
max=${2:-8}
secs=${3:-20}
first=${4:-1}
warm=8
launch="$build/launcher/retail-launch"
shared=${RETAIL_SHARED_DIR:-$(cd "$top/.." && pwd)/shared}
export RETAIL_SHARED_DIR=$shared
work=$(mktemp -d /tmp/retail-density.XXXXXX)
trap 'rm -rf "$work"' EXIT
clip="$build/test-media/hamilton_640x360_15fps.mp4"
if [ ! -s "$clip" ]; then
  mkdir -p "$(dirname "$clip")"
  gst-launch-1.0 -q filesrc location="$shared/media/faces/hamilton_640x360.mp4" ! qtdemux ! avdec_h264 ! \
    videorate ! video/x-raw,framerate=15/1 ! x264enc speed-preset=ultrafast key-int-max=30 bitrate=800 ! \
    h264parse ! mp4mux ! filesink location="$clip"
fi

# config <n> <full|decode> <metrics-port>
config() {
  local n=$1 mode=$2 port=$3 cams="" i
  # A looping, paced file stands in for a camera; drop-old=true makes it drop like a live one
  # (the default, auto, keeps every frame of a file and would slow the source instead).
  for i in $(seq 1 "$n"); do
    cams+="${cams:+,}{\"id\":\"cam$i\",\"uri\":\"$clip\",\"source\":{\"loop\":true,\"queue-size-buffers\":3,\"drop-old\":true}}"
  done
  local stages='[]' kafka=''
  if [ "$mode" = full ]; then
    stages='[
      {"element":"retaildetect","settings":{"interval":3}},
      {"element":"retailtrack"},
      {"element":"retailliveness"},
      {"element":"retailattr"},
      {"element":"retailzones","settings":{"zones-json":{"lines":[{"id":"door","points":[[0.1,0.7],[0.9,0.7]]}],"heatmap":{"grid_w":16,"grid_h":9,"interval_ms":10000}}}},
      {"element":"adoverlay","settings":{"campaigns-file":"'"$top"'/configs/campaigns.json"}}
    ]'
    kafka=",\"kafka\":{\"location\":\"$work/events-{camera}.jsonl\",\"spool-dir\":\"$work/spool-{camera}\"}"
  fi
  echo "{\"store_id\":\"bench\",\"cameras\":[$cams],\"stages\":$stages$kafka,\"metrics\":{\"port\":$port}}"
}

metric() {  # metric <text> <name> <camera>
  echo "$1" | awk -v n="$2" -v c="camera=\"$3\"" 'index($0, n"{")==1 && index($0, c) {print $NF}'
}

# run <n> <mode> -> prints "min_fps mean_fps dropped rss_mib"
run() {
  local n=$1 mode=$2 port=$((19500 + RANDOM % 400)) m1 m2 i f1 f2 fps min=999 sum=0 drop=0 rss
  config "$n" "$mode" "$port" > "$work/store.json"
  "$launch" "$work/store.json" > "$work/out.txt" 2> "$work/err.txt" &
  local pid=$!
  sleep "$warm"
  m1=$(curl -s "http://127.0.0.1:$port/metrics")
  local t1; t1=$(date +%s.%N)
  sleep $((secs - warm))
  m2=$(curl -s "http://127.0.0.1:$port/metrics")
  local t2; t2=$(date +%s.%N)
  kill -TERM "$pid"; wait "$pid" || true
  for i in $(seq 1 "$n"); do
    f1=$(metric "$m1" retail_camera_frames_total "cam$i"); f2=$(metric "$m2" retail_camera_frames_total "cam$i")
    fps=$(echo "($f2 - $f1) / ($t2 - $t1)" | bc -l)
    min=$(echo "if ($fps < $min) $fps else $min" | bc -l); sum=$(echo "$sum + $fps" | bc -l)
    d1=$(metric "$m1" retail_camera_dropped_frames_total "cam$i"); d2=$(metric "$m2" retail_camera_dropped_frames_total "cam$i")
    drop=$((drop + d2 - d1))
  done
  rss=$(echo "$m2" | awk '/^process_resident_memory_bytes/ {printf "%.0f", $2/1048576}')
  printf "%.2f %.2f %d %d\n" "$min" "$(echo "$sum / $n" | bc -l)" "$drop" "$rss"
}

echo "# stream density: 640x360 @ 15 fps, full chain (detect interval=3, track, liveness, attr, zones, adoverlay, kafkasink JSON lines)"
echo "# $(nproc) cores; ${secs}s per step (${warm}s warm-up); baseline = decode-only store at the same N"
printf "%-8s %-12s %-12s %-10s %-9s %-14s %-16s %s\n" cameras min_fps mean_fps dropped rss_mib rss_per_cam_mib decode_only_rss ok
best=0
for n in $(seq "$first" "$max"); do
  read -r min mean drop rss < <(run "$n" full)
  read -r _ _ _ base_rss < <(run "$n" decode)
  ok=$(echo "$min >= 14.5" | bc -l)
  printf "%-8d %-12s %-12s %-10s %-9s %-14s %-16s %s\n" "$n" "$min" "$mean" "$drop" "$rss" \
    "$(echo "scale=1; $rss / $n" | bc -l)" "$base_rss" "$([ "$ok" = 1 ] && echo yes || echo NO)"
  if [ "$ok" = 1 ]; then best=$n; else break; fi
done
echo "max cameras sustained at >= 15 fps each: $best"
