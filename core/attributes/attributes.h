// Per-track face attributes: an age band from a smoothed age, gender with a confidence, and the
// dominant expression over a window, recomputed on every K-th frame on which a track's face passes
// the size gate (face-api models, faceapi.h), never more than 1/K as often as per frame. Boxes the
// tracker only predicted (Object::predicted) never pass the gate.
//
// Tracked faces (Object::track_id != 0) keep running estimates here, keyed by track id, until the
// track disappears from the frame (neither an object nor an entry of FrameAnalytics::tracks
// carries it). Untracked faces fall back to one evaluation per face per frame (no smoothing) as
// long as no track id has ever been seen (no retailtrack upstream); once tracks appear, an
// untracked face gets no attribute until it is tracked.
//
// Privacy: `no-emotion` never loads nor runs the expression model; `eu` loads and runs nothing
// and writes no demographic or emotion attribute at all.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include "attributes/faceapi.h"
#include "common/analytics.h"
#include "common/image.h"

namespace retail::attributes {

enum class Privacy { kFull, kNoEmotion, kEu };
const char* to_string(Privacy p);                   // "full", "no-emotion", "eu"
Privacy privacy_from_string(const std::string& s);  // throws retail::Error(kConfig)

// "<18", "18-24", "25-34", "35-44", "45-54", "55-64", "65+".
const char* age_band(float age_years);

// Each field is one retailattr property with the same default.
struct Config {
  std::string age_gender_model_path =
      "attributes/age_gender_faceapi_112.onnx";                            // age-gender-model-path
  std::string emotion_model_path = "attributes/emotion_faceapi_112.onnx";  // emotion-model-path
  int min_face_size_px = 40;         // min-face-size-px: shorter side of the face box, pixels
  int recheck_interval_frames = 10;  // recheck-interval-frames: K, frames between evaluations
  int window = 10;                   // window: evaluations averaged per track
  Privacy privacy = Privacy::kFull;  // privacy

  bool wants_demographics() const { return privacy != Privacy::kEu; }
  bool wants_emotion() const { return privacy == Privacy::kFull; }
  // Throws retail::Error(kConfig) naming the property and the allowed range.
  void validate() const;
};

// Running estimates of one track over its last `window` evaluations.
class Estimate {
 public:
  explicit Estimate(int window) : window_(window) {}
  void add_age_gender(const AgeGender& ag);
  void add_expression(const Expression& e);
  bool has_age_gender() const { return !ages_.empty(); }
  bool has_expression() const { return !expressions_.empty(); }
  float age() const;                    // mean of the window
  float p_male() const;                 // mean of the window
  int dominant_expression() const;      // argmax of the mean probabilities (-1 if none)
  float expression_confidence() const;  // mean probability of the dominant expression
  int evaluations() const { return static_cast<int>(ages_.size()); }

 private:
  int window_;
  std::deque<AgeGender> ages_;
  std::deque<Expression> expressions_;
};

struct Stats {
  uint64_t frames = 0;
  uint64_t faces = 0;                   // face objects seen
  uint64_t eligible_faces = 0;          // faces passing the size gate (per-frame evaluations)
  uint64_t age_gender_invocations = 0;  // age/gender network runs
  uint64_t emotion_invocations = 0;     // expression network runs
  size_t active_tracks = 0;
};

// The networks behind the analyzer; tests inject scripted ones.
struct Models {
  std::function<AgeGender(const cv::Mat& input112)> age_gender;
  std::function<Expression(const cv::Mat& input112)> expression;
};

class Analyzer {
 public:
  // Loads the models the privacy mode needs (shared per process).
  explicit Analyzer(const Config& config);
  Analyzer(const Config& config, Models models);

  // Writes `age_band` (value = smoothed age in years), `gender` and `emotion` attributes on face
  // objects, as the privacy mode allows. Frames without faces pass unchanged.
  void process(const ImageView& img, FrameAnalytics& frame);

  const Stats& stats() const { return stats_; }

 private:
  void write(const Estimate& e, uint64_t object_id, FrameAnalytics& frame) const;

  Config config_;
  Models models_;
  struct TrackState {
    explicit TrackState(int window) : estimate(window) {}
    Estimate estimate;
    uint64_t eligible_frames = 0;  // frames on which the face passed the size gate
  };
  std::unordered_map<uint64_t, TrackState> tracks_;
  Stats stats_;
  bool tracking_seen_ = false;  // a track id was ever seen: no per-frame fallback any more
};

}  // namespace retail::attributes
