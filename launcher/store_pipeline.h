// retail-launch: one GStreamer pipeline for a whole store, built from a validated StoreConfig with
// the same elements a gst-launch-1.0 user would write (one branch per camera).
#pragma once

#include <gst/gst.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "config/store_config.h"

namespace retail::launcher {

// Per-camera statistics gathered at the end of the analytics chain (a pad probe, read-only).
struct BranchStats {
  std::atomic<uint64_t> frames{0};  // frames that went through every stage
  std::atomic<uint64_t> events{0};  // analytics events carried by those frames
  std::atomic<int64_t> latency_sum_us{0};
  std::atomic<uint64_t> latency_count{0};
  std::atomic<int64_t> latency_max_us{0};
};

struct Branch {
  std::string camera_id;
  GstElement* camsrc = nullptr;     // borrowed (owned by the pipeline)
  GstElement* kafkasink = nullptr;  // borrowed, may be null
  std::vector<GstElement*> stages;  // borrowed
  std::unique_ptr<BranchStats> stats = std::make_unique<BranchStats>();
  // Updated once a second by the launcher (main thread only).
  uint64_t last_frames = 0;
  double fps = 0.0;
  double latency_s = 0.0;
};

// Resolves element names to GTypes and checks every setting against the element's properties
// (unknown setting, wrong type, out of range, missing model file). Throws retail::Error with the
// file, JSON path and fix. Nothing is created.
void validate_elements(const config::StoreConfig& config);

class StorePipeline {
 public:
  explicit StorePipeline(const config::StoreConfig& config);  // builds, does not start
  ~StorePipeline();
  StorePipeline(const StorePipeline&) = delete;
  StorePipeline& operator=(const StorePipeline&) = delete;

  GstElement* pipeline() const { return pipeline_; }
  std::vector<Branch>& branches() { return branches_; }
  // Sends EOS into every camera (the branches drain, kafkasink flushes on EOS).
  void send_eos();
  // The JSON path of the config block an element was built from ("" if unknown), for errors.
  std::string json_path_of(const std::string& element_name) const {
    auto it = paths_.find(element_name);
    return it == paths_.end() ? "" : it->second;
  }

  // The equivalent gst-launch-1.0 description of one camera's branch (for --print-launch).
  static std::string launch_line(const config::StoreConfig& config, const config::Camera& camera);

 private:
  void build_branch(const config::StoreConfig& config, const config::Camera& camera);
  GstElement* make(const char* factory, const std::string& name);

  GstElement* pipeline_ = nullptr;
  std::vector<Branch> branches_;
  std::map<std::string, std::string> paths_;  // element name -> JSON path
  std::string campaigns_tmp_;  // inline campaigns written here for adoverlay
};

}  // namespace retail::launcher
