// Policies of a camera source (retailcamsrc): defaults of its properties, reconnect backoff,
// and the stitching of several connections into one continuous timeline. Plain C++: the element
// (plugins/retailcamsrc) only converts.
#pragma once

#include <cstdint>
#include <random>
#include <string>

namespace retail::config {

// "drop-old": when downstream is slower than the source, drop the oldest frame or wait.
enum class DropOld {
  kAuto,  // "auto": drop for live sources (a camera cannot wait), keep every frame of a file
  kOn,    // "true": always drop (bounded latency)
  kOff,   // "false": never drop (the decoder waits)
};

// Each field is one retailcamsrc property with the same default.
struct CameraSourceConfig {
  uint32_t timeout_ms = 5000;         // "timeout-ms": no data for this long => reconnect (0 = off)
  uint32_t backoff_initial_ms = 500;  // "backoff-initial-ms": first retry delay
  uint32_t backoff_max_ms = 8000;     // "backoff-max-ms": cap of the exponential backoff
  double backoff_jitter = 0.2;        // "backoff-jitter": +-fraction of random jitter per delay
  uint32_t queue_size_buffers = 3;    // "queue-size-buffers": frames kept before dropping
  DropOld drop_old = DropOld::kAuto;  // "drop-old": leaky queue (drop oldest) vs block
  bool loop = false;                  // "loop": replay a file forever
  bool sync = true;                   // "sync": pace non-live sources at their frame rate
  double max_fps = 0.0;               // "max-fps": drop frames above this rate (0 = no limit)
  uint32_t rtsp_latency_ms = 200;     // "rtsp-latency-ms": rtspsrc jitterbuffer latency
  bool rtsp_tcp = true;               // "rtsp-tcp": RTP over the RTSP TCP connection
};

// Throws retail::Error(kConfig) naming the property and the fix when a value is unusable.
void validate(const CameraSourceConfig& c, const std::string& uri);

// Live sources (RTSP, UDP, SRT, ...) already carry running-time timestamps; files and HTTP
// downloads do not and are paced like a camera when `sync` is on.
bool is_live_uri(const std::string& uri);
// Whether the source's queue drops its oldest frame for `uri` (drop-old resolved).
bool drops_old_frames(const CameraSourceConfig& c, const std::string& uri);
// "file:///abs/path" for a plain path, the URI unchanged when it already has a scheme.
std::string to_uri(const std::string& uri_or_path);

// A local file source that can never work (missing, a folder, unreadable): the problem and the
// fix naming the path, or "" when the file can be opened. Other URIs (network) always give "".
std::string file_source_problem(const std::string& uri);
// The local path of a file:// URI ("" for other schemes).
std::string file_uri_path(const std::string& uri);

// Capped exponential backoff with multiplicative jitter: delay n = min(max, initial * 2^n)
// scaled by a random factor in [1 - jitter, 1 + jitter] (never above max * (1 + jitter)).
class Backoff {
 public:
  Backoff(uint32_t initial_ms, uint32_t max_ms, double jitter, uint32_t seed);
  uint32_t next_ms();  // the delay before the next attempt; advances the attempt counter
  void reset();        // after a successful connection
  uint32_t attempts() const { return attempts_; }

 private:
  uint32_t initial_ms_;
  uint32_t max_ms_;
  double jitter_;
  uint32_t attempts_ = 0;
  std::mt19937 rng_;
};

// Maps the timestamps of successive connections onto one output timeline that starts at the
// first frame and never goes backwards. All times are in nanoseconds of running time.
//   - a live source keeps its running time (its clock is the pipeline's);
//   - a non-live source (file) starts at `now` (the running time when its first frame arrives),
//     as if a camera had started then;
//   - in both cases a frame is never stamped at or before the previous output frame.
class Timeline {
 public:
  void new_connection() { pending_ = true; }
  // `in_rt` = the frame's running time within its own connection; `now_rt` = pipeline running
  // time now (-1 when unknown). Returns the output timestamp.
  int64_t map(int64_t in_rt, int64_t now_rt, bool live);
  int64_t last() const { return last_; }

 private:
  bool pending_ = true;
  int64_t offset_ = 0;
  int64_t last_ = -1;
};

}  // namespace retail::config
