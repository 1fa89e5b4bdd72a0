// retail-launch: one GStreamer pipeline per camera of a store, built from a validated StoreConfig
// with the same elements a gst-launch-1.0 user would write.
#pragma once

#include <gst/gst.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/prometheus.h"
#include "config/store_config.h"

namespace retail::launcher {

// Per-camera statistics gathered at the end of the analytics chain (a pad probe, read-only).
struct BranchStats {
  std::atomic<uint64_t> frames{0};  // frames that went through every stage
  std::atomic<uint64_t> events{0};  // analytics events carried by those frames
  // Since the last one-second tick of retail-launch (it resets them): mean and max gauges.
  std::atomic<int64_t> latency_sum_us{0};
  std::atomic<uint64_t> latency_count{0};
  std::atomic<int64_t> latency_max_us{0};
  // The same samples, never reset: the retail_camera_latency_seconds histogram.
  std::array<std::atomic<uint64_t>, prometheus::kLatencyBuckets> latency_buckets{};
  std::atomic<int64_t> latency_total_us{0};
};

// One camera's own GstPipeline (own bus, own clock): a camera's state changes never take another
// camera's locks, so one camera can be torn down and rebuilt while the others run.
struct CameraPipeline {
  GstElement* pipeline = nullptr;   // owned; set it to NULL before the last reference goes
  GstElement* camsrc = nullptr;     // borrowed (owned by the pipeline)
  GstElement* kafkasink = nullptr;  // borrowed, may be null
  CameraPipeline() = default;
  ~CameraPipeline();
  CameraPipeline(const CameraPipeline&) = delete;
  CameraPipeline& operator=(const CameraPipeline&) = delete;
};

// Resolves element names to GTypes and checks every setting against the element's properties
// (unknown setting, wrong type, out of range, missing model file). Throws retail::Error with the
// file, JSON path and fix. Nothing is created.
void validate_elements(const config::StoreConfig& config);

// Builds the per-camera pipelines of a store. Thread-safe after construction (build() is const
// and may run on a worker thread while the main loop runs).
class StorePipeline {
 public:
  explicit StorePipeline(const config::StoreConfig& config);  // throws retail::Error
  ~StorePipeline();
  StorePipeline(const StorePipeline&) = delete;
  StorePipeline& operator=(const StorePipeline&) = delete;

  // Builds (does not start) camera `index`'s pipeline; `stats` (which must outlive it) counts
  // frames, events and latency at the end of its analytics chain. Throws retail::Error.
  std::unique_ptr<CameraPipeline> build(size_t index, BranchStats* stats) const;
  // The JSON path of the config block an element (or its parent) was built from ("" if unknown).
  std::string json_path_of(const GstObject* element) const;

  // The equivalent gst-launch-1.0 description of one camera's branch (for --print-launch).
  static std::string launch_line(const config::StoreConfig& config, const config::Camera& camera);

 private:
  const config::StoreConfig& config_;
  std::map<std::string, std::string> paths_;  // element name -> JSON path
  std::string campaigns_tmp_;                 // inline campaigns written here for adoverlay
};

}  // namespace retail::launcher
