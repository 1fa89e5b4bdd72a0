// Per-track face attributes that are either confident or honestly "unknown" (face-api models,
// faceapi.h). Every K-th frame on which a track's face passes the size gate is one *reading*;
// each reading is weighted by the face's quality (size, frontalness from the detector's five
// landmarks, sharpness = variance of the Laplacian, detector score, see face_quality()) and
// fused over the whole life of the track with core/common/evidence.h:
//   - gender: accumulated log-odds (evidence::BinaryBelief). Each reading adds
//     clamp(log_odds(p_male), ±gender_reading_cap) x quality; the label is "unknown" until
//     |log-odds| reaches gender_decide, and a published gender flips only at the opposite
//     threshold.
//   - age: the median of the readings whose quality reaches min_quality (evidence::
//     RobustEstimate, last `window` readings), published as a band once age_min_readings such
//     readings agree within age_max_spread_years (median absolute deviation) and the median is
//     at least half the hysteresis inside the band. A published band moves only when the median
//     leaves it by more than age_band_hysteresis_years.
//   - expression: a smoothed distribution (evidence::CategoricalBelief) published when its lead
//     reaches expression_publish after expression_min_weight of readings.
// Readings below min_quality count for nothing. A camera cut (scene_cut_threshold) drops every
// track's evidence, since a tracker may carry an id across a cut onto another face. Boxes the
// tracker only predicted (Object::predicted) never pass the gate.
//
// A face with at least one reading carries `age_band`, `gender` and `emotion` attributes whose
// label may be "unknown" (confidence 0); consumers that target or count (core/campaign) skip
// "unknown". A face without any reading yet carries none.
//
// Tracked faces (Object::track_id != 0) keep their evidence here, keyed by track id, until the
// track disappears from the frame (neither an object nor an entry of FrameAnalytics::tracks
// carries it). Untracked faces fall back to one reading per face per frame (no fusion) as long
// as no track id has ever been seen (no retailtrack upstream); once tracks appear, an untracked
// face gets no attribute until it is tracked.
//
// Privacy: `no-emotion` never loads nor runs the expression model; `eu` loads and runs nothing
// and writes no demographic or emotion attribute at all.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include "attributes/faceapi.h"
#include "common/analytics.h"
#include "common/evidence.h"
#include "common/image.h"

namespace retail::attributes {

enum class Privacy { kFull, kNoEmotion, kEu };
const char* to_string(Privacy p);                   // "full", "no-emotion", "eu"
Privacy privacy_from_string(const std::string& s);  // throws retail::Error(kConfig)

// The label of an attribute without enough evidence.
constexpr const char* kUnknown = "unknown";

// "<18", "18-24", "25-34", "35-44", "45-54", "55-64", "65+".
const char* age_band(float age_years);
// Index of that band in kAgeBandEdges order (0 = "<18" ... 6 = "65+").
int age_band_index(float age_years);
const char* age_band_name(int index);

// Each field is one retailattr property with the same default. The evidence thresholds were
// chosen on the shared Hamilton clip and photos so that a wrong label is rarer than an unknown
// one (docs/BENCHMARKS.md "Attributes").
struct Config {
  std::string age_gender_model_path =
      "attributes/age_gender_faceapi_112.onnx";                            // age-gender-model-path
  std::string emotion_model_path = "attributes/emotion_faceapi_112.onnx";  // emotion-model-path
  int min_face_size_px = 40;         // min-face-size-px: shorter side of the face box, pixels
  int recheck_interval_frames = 10;  // recheck-interval-frames: K, frames between readings
  int window = 31;                   // window: age readings kept for the median
  Privacy privacy = Privacy::kFull;  // privacy

  double min_quality = 0.25;               // min-quality: readings below count for nothing
  double sharpness_ref = 100.0;            // sharpness-ref: Laplacian variance of a sharp face
  double gender_decide = 3.0;              // gender-decide: |log-odds| to publish a gender
  double gender_reading_cap = 2.5;         // gender-reading-cap: |log-odds| one reading may add
  int age_min_readings = 5;                // age-min-readings: quality readings before a band
  double age_max_spread_years = 5.0;       // age-max-spread-years: MAD allowed to publish a band
  double age_band_hysteresis_years = 3.0;  // age-band-hysteresis-years: to leave a band
  double expression_publish = 0.5;         // expression-publish: smoothed lead to publish
  double expression_min_weight = 1.5;      // expression-min-weight: quality-weighted readings
  // scene-cut-threshold: mean absolute change (0..255) of a 32x18 grey thumbnail from one
  // frame to the next at which every track's evidence is dropped (a camera cut: the tracker
  // may carry an id across it onto another person); 0 = off.
  double scene_cut_threshold = 20.0;

  bool wants_demographics() const { return privacy != Privacy::kEu; }
  bool wants_emotion() const { return privacy == Privacy::kFull; }
  // Throws retail::Error(kConfig) naming the property and the allowed range.
  void validate() const;
};

// How much one reading of a face can be trusted, each factor in [0, 1], total = product.
struct Quality {
  double size = 0.0;       // shorter side / 112 (the networks' input), capped at 1
  double frontal = 0.0;    // from the landmarks: nose centred between the eyes (yaw) and
                           // between eyes and mouth (pitch); 0.5 without landmarks
  double sharpness = 0.0;  // variance of the Laplacian of the 112x112 face / sharpness_ref
  double detector = 0.0;   // the face detector's score
  double total = 0.0;
  double laplacian_var = 0.0;  // raw sharpness measure (calibration)
};
// `input112` is face_input(img, px) (RGB, the face centred on black).
Quality face_quality(const ImageView& img, const Object& face, const cv::Rect& px,
                     const cv::Mat& input112, double sharpness_ref);

// The fused evidence of one track (or one untracked face on one frame).
class TrackEvidence {
 public:
  explicit TrackEvidence(const Config& config);
  void add_age_gender(const AgeGender& ag, double quality);
  void add_expression(const Expression& e, double quality);

  bool has_age_gender() const { return readings_ > 0; }
  bool has_expression() const { return expression_readings_ > 0; }
  int readings() const { return readings_; }
  // Published labels: -1 / kUnknown when the evidence is not enough.
  int band() const { return band_; }
  evidence::Verdict gender() const { return gender_.verdict(); }  // kYes = male
  int expression() const { return expression_.published(); }
  double age() const { return age_.median(); }  // median of the quality readings, 0 if none
  double age_spread() const { return age_.mad(); }
  size_t age_readings() const { return age_.size(); }
  double p_male() const { return gender_.probability(); }
  double gender_confidence() const { return gender_.confidence(); }
  double expression_confidence() const { return expression_.confidence(); }
  // Raw arg-max of the smoothed expression distribution (-1 if none), for evaluation.
  int expression_lead() const;

 private:
  int age_min_readings_;
  double age_max_spread_;
  double age_hysteresis_;
  double gender_reading_cap_;
  evidence::BinaryBelief gender_;
  evidence::RobustEstimate age_;
  evidence::CategoricalBelief expression_;
  int band_ = -1;
  int readings_ = 0;
  int expression_readings_ = 0;
};

struct Stats {
  uint64_t frames = 0;
  uint64_t faces = 0;                   // face objects seen
  uint64_t eligible_faces = 0;          // faces passing the size gate (per-frame evaluations)
  uint64_t age_gender_invocations = 0;  // age/gender network runs
  uint64_t emotion_invocations = 0;     // expression network runs
  uint64_t low_quality_readings = 0;    // readings below min-quality (counted for nothing)
  uint64_t scene_cuts = 0;              // camera cuts seen (evidence dropped)
  size_t active_tracks = 0;
};

// The networks behind the analyzer; tests inject scripted ones.
struct Models {
  std::function<AgeGender(const cv::Mat& input112)> age_gender;
  std::function<Expression(const cv::Mat& input112)> expression;
};

// One reading as it was fused (for calibration and the accuracy harness).
struct Reading {
  uint64_t track_id = 0;  // 0 = untracked
  uint64_t object_id = 0;
  cv::Rect face_px;
  Quality quality;
  AgeGender age_gender;
  Expression expression{};
  bool has_expression = false;
};

class Analyzer {
 public:
  // Loads the models the privacy mode needs (shared per process).
  explicit Analyzer(const Config& config);
  Analyzer(const Config& config, Models models);

  // Writes `age_band` (value = median age in years), `gender` (value = fused p_male) and
  // `emotion` attributes on face objects with at least one reading, as the privacy mode allows;
  // labels are "unknown" until the evidence is enough. Frames without faces pass unchanged.
  void process(const ImageView& img, FrameAnalytics& frame);

  // Called for every reading (after fusion); optional.
  void set_observer(std::function<void(const Reading&)> observer) {
    observer_ = std::move(observer);
  }
  // The evidence of a live track (nullptr if none).
  const TrackEvidence* track(uint64_t track_id) const;

  const Stats& stats() const { return stats_; }

 private:
  void write(const TrackEvidence& e, uint64_t object_id, FrameAnalytics& frame) const;
  bool scene_cut(const ImageView& img);

  Config config_;
  Models models_;
  struct TrackState {
    explicit TrackState(const Config& c) : evidence(c) {}
    TrackEvidence evidence;
    uint64_t eligible_frames = 0;  // frames on which the face passed the size gate
  };
  std::unordered_map<uint64_t, TrackState> tracks_;
  Stats stats_;
  bool tracking_seen_ = false;  // a track id was ever seen: no per-frame fallback any more
  std::function<void(const Reading&)> observer_;
  cv::Mat previous_thumb_;
  double last_thumb_change_ = 0.0;

 public:
  double last_thumb_change() const { return last_thumb_change_; }  // calibration
};

}  // namespace retail::attributes
