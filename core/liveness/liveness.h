// Per-track liveness: which faces are real people in front of the camera, and which are posters,
// phones, mannequins or screens. A face is checked (MiniFASNet, minifasnet.h) only when it is big
// enough, on every K-th frame on which it is (so never more than 1/K of the checks a per-frame
// design would run), and the last N checks vote. Boxes the tracker only predicted
// (Object::predicted, frames the detector skipped) never pass the gate.
//
// Tracked faces (Object::track_id != 0) keep their state here, keyed by track id, until the track
// disappears from the frame (neither an object nor an entry of FrameAnalytics::tracks carries it).
// Untracked faces fall back to one check per face per frame, decided by that single check (no
// vote, no event: events are per track) -- but only as long as no track id has ever been seen
// (no retailtrack upstream). Once tracks appear, an untracked face stays `unknown` until tracked.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include "common/analytics.h"
#include "common/image.h"
#include "liveness/minifasnet.h"

namespace retail::liveness {

enum class Decision { kUnknown, kLive, kSpoof };
const char* to_string(Decision d);  // "unknown", "live", "spoof"

// Each field is one retailliveness property with the same default.
struct Config {
  std::string model_v2_path = "liveness/minifasnet_v2_scale2.7_80x80.onnx";      // model-v2-path
  std::string model_v1se_path = "liveness/minifasnet_v1se_scale4.0_80x80.onnx";  // model-v1se-path
  int min_face_size_px = 80;        // min-face-size-px: shorter side of the face box, pixels
  int votes = 5;                    // votes: checks kept per track (the vote window)
  int min_votes = 3;                // min-votes: checks needed before a track is decided
  float vote_threshold = 0.7F;      // vote-threshold: live share >= t -> live, <= 1-t -> spoof
  int recheck_interval_frames = 5;  // recheck-interval-frames: K (check every Kth gated frame)
  bool drop_spoofs = false;         // drop-spoofs: remove spoof faces from the metadata

  // Throws retail::Error(kConfig) naming the property and the allowed range.
  void validate() const;
};

// The vote of one track over its last `votes` checks. Between the two thresholds the previous
// decision holds, so a track alternating decisions, or one outlier, does not flip it.
class Voter {
 public:
  explicit Voter(const Config& config) : config_(config) {}
  void add(const Check& c);
  Decision decision() const { return decision_; }
  // Share of window votes that agree with the decision, times their mean score (0 if unknown).
  float confidence() const;
  float live_share() const;
  int size() const { return static_cast<int>(window_.size()); }

 private:
  Config config_;
  std::deque<Check> window_;
  Decision decision_ = Decision::kUnknown;
};

// Counters since construction (model invocations = fused checks; each runs both nets).
struct Stats {
  uint64_t frames = 0;
  uint64_t faces = 0;              // face objects seen
  uint64_t eligible_faces = 0;     // faces passing the size gate (= checks a per-frame design runs)
  uint64_t model_invocations = 0;  // fused checks actually run
  uint64_t spoof_tracks = 0;       // tracks rejected (one liveness_rejected event each)
  uint64_t dropped_faces = 0;      // face objects removed by drop_spoofs
  size_t active_tracks = 0;        // per-track states currently held
};

// Scores one face; the real one is Model::check, tests inject scripted scores.
using Scorer = std::function<Check(const ImageView& img, const cv::Rect2f& face_px)>;

class Analyzer {
 public:
  // Loads the models named by `config` (Model::load, shared per process).
  explicit Analyzer(const Config& config);
  Analyzer(const Config& config, Scorer scorer);

  // Adds the `liveness` attribute (label live|spoof|unknown) to every face object and to its
  // owning person (parent_id), a `liveness_rejected` event the first time a track is decided
  // spoof, and removes spoof faces (their attributes and track entries) when drop_spoofs is set.
  // Frames without faces pass unchanged.
  void process(const ImageView& img, FrameAnalytics& frame);

  const Stats& stats() const { return stats_; }
  const Config& config() const { return config_; }

 private:
  struct TrackState {
    explicit TrackState(const Config& c) : voter(c) {}
    Voter voter;
    uint64_t eligible_frames = 0;  // frames on which the face passed the size gate
    bool rejected = false;
  };

  Config config_;
  Scorer scorer_;
  std::shared_ptr<const Model> model_;
  std::unordered_map<uint64_t, TrackState> tracks_;
  Stats stats_;
  bool tracking_seen_ = false;  // a track id was ever seen: no per-frame fallback any more
};

// The liveness_rejected event payload (contract: track_id, score, votes).
Event rejected_event(uint64_t track_id, float score, int votes);

}  // namespace retail::liveness
