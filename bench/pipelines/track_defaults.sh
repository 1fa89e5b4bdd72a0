#!/usr/bin/env bash
# retailtrack's ByteTrack thresholds on PETS09-S2L1 against its MOTChallenge ground truth: the
# shipped defaults, ByteTrack's MOT17 evaluation values and a grid around them, in one run, on
# the detections of one person back end (MOTA / IDF1 / IDSW by `retail-mot eval`).
#   bench/pipelines/track_defaults.sh [build-dir] [model]
#   DET=det.txt bench/pipelines/track_defaults.sh [build-dir]    # detections given, e.g. by
#       retail-mot video --chain "retaildetect face-backend=none person-threshold=0.1" --det det.txt
# model: a person model under models/ (default: the retaildetect default,
# person/yolox_nano_320x416.onnx). The detections come from bench_detect_accuracy --dump (the
# core detector the element runs, every frame, scores >= 0.05); `--min-score 0.1` = what
# `retaildetect person-threshold=0.1` hands the tracker. fps 10 = the AVI caps the element sees.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$top/build}
model=${2:-person/yolox_nano_320x416.onnx}
export RETAIL_SHARED_DIR=${RETAIL_SHARED_DIR:-$(cd "$top/.." && pwd)/shared}
G=$RETAIL_SHARED_DIR/media/people/pets09_s2l1_gt
M=$build/tools/trackeval/retail-mot
B=$build/bench/bench_detect_accuracy
[ -x "$M" ] && [ -x "$B" ] || { echo "build retail-mot and bench_detect_accuracy first" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
stem=$(basename "${model%.*}")
if [ -n "${DET:-}" ]; then
  det=$DET
  model="$DET"
else
case "$model" in
  *yolox_nano_320x416*) only="yolox-nano 320x416" ;;
  *yolox_nano_416x416*) only="yolox-nano 416x416" ;;
  *yolo-fastest*) only="yolo-fastest" ;;
  *nanodet*) only="nanodet" ;;
  *picodet_s_320*) only="picodet-s 320" ;;
  *picodet_s_416*) only="picodet-s 416" ;;
  *) echo "unknown model $model" >&2; exit 1 ;;
esac
"$B" --step 1 --no-hog --only "$only" --dump "$out" | tail -1 >&2
det=$out/$stem.det.txt
fi
run() {  # high new match [label]
  "$M" track --det "$det" --fps 10 --min-score 0.1 --high-threshold "$1" --low-threshold 0.1 \
    --new-track-threshold "$2" --match-iou-distance "$3" --out "$out/r.txt" >/dev/null 2>&1
  "$M" eval --gt "$G/gt/gt.txt" --res "$out/r.txt" --json |
    sed -E 's/.*"MOTA":([0-9.-]+),"IDF1":([0-9.-]+).*"IDSW":([0-9]+).*"result_ids":([0-9]+).*/\1 \2 \3 \4/' |
    awk -v h="$1" -v n="$2" -v m="$3" -v l="${4:-}" \
      '{printf "%-5s %-5s %-5s  MOTA %.4f  IDF1 %.4f  IDSW %3d  ids %3d  %s\n", h, n, m, $1, $2, $3, $4, l}'
}
echo "detections: $model on PETS09-S2L1 (795 frames), low 0.1, buffer 30 frames at 30 fps"
echo "high  new   match"
run 0.5 0.6 0.8 "previous defaults (ByteTrack demo_track.py)"
run 0.6 0.7 0.9 "ByteTrack MOT17 evaluation (tools/track.py)"
echo "-- grid"
for h in 0.4 0.5 0.6 0.7; do
  for dn in 0.0 0.1 0.2; do
    n=$(echo "$h + $dn" | bc -l | sed 's/^\./0./')
    for m in 0.7 0.8 0.9; do run "$h" "$n" "$m"; done
  done
done
