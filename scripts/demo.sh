#!/usr/bin/env bash
# One command: install packages, build, run the demo (real video through the pipeline).
#   scripts/demo.sh            # events -> out/events.jsonl, annotated video -> out/demo.mp4
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release
export RETAIL_SHARED_DIR=${RETAIL_SHARED_DIR:-$(cd "$top/.." && pwd)/shared}
export GST_PLUGIN_PATH="$top/build-release/plugins${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}"
mkdir -p out
desc=$(grep -v '^#' pipelines/demo.pipeline | sed "s|\${SHARED}|$RETAIL_SHARED_DIR|g; s|\${OUT}|$top/out|g" | tr '\n' ' ')
echo "running: gst-launch-1.0 $desc"
# shellcheck disable=SC2086
gst-launch-1.0 -e $desc
echo "demo done: $(ls "$top"/out)"
