#include "attributes/attributes.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <unordered_set>

#include "common/error.h"

namespace retail::attributes {

const char* to_string(Privacy p) {
  switch (p) {
    case Privacy::kFull:
      return "full";
    case Privacy::kNoEmotion:
      return "no-emotion";
    case Privacy::kEu:
      return "eu";
  }
  return "full";
}

Privacy privacy_from_string(const std::string& s) {
  if (s == "full") return Privacy::kFull;
  if (s == "no-emotion") return Privacy::kNoEmotion;
  if (s == "eu") return Privacy::kEu;
  throw Error(ErrorKind::kConfig, "privacy '" + s + "' is unknown: use full, no-emotion or eu");
}

namespace {
constexpr float kBandEdges[] = {18.F, 25.F, 35.F, 45.F, 55.F, 65.F};
constexpr int kBands = 7;
const char* const kBandNames[kBands] = {"<18", "18-24", "25-34", "35-44", "45-54", "55-64", "65+"};
}  // namespace

int age_band_index(float age) {
  int i = 0;
  while (i < kBands - 1 && age >= kBandEdges[i]) ++i;
  return i;
}

const char* age_band_name(int index) {
  return index >= 0 && index < kBands ? kBandNames[index] : kUnknown;
}

const char* age_band(float age) { return age_band_name(age_band_index(age)); }

namespace {
void require(bool ok, const std::string& what) {
  if (!ok) throw Error(ErrorKind::kConfig, what);
}

double clamp01(double v) { return std::clamp(v, 0.0, 1.0); }
}  // namespace

void Config::validate() const {
  if (wants_demographics())
    require(!age_gender_model_path.empty(),
            "age-gender-model-path is empty: set it to the face-api age/gender ONNX file");
  if (wants_emotion())
    require(!emotion_model_path.empty(),
            "emotion-model-path is empty: set it to the face-api expression ONNX file");
  require(min_face_size_px >= 0 && min_face_size_px <= 4096,
          "min-face-size-px must be within 0..4096 (0 evaluates every face)");
  require(recheck_interval_frames >= 1 && recheck_interval_frames <= 100000,
          "recheck-interval-frames must be within 1..100000");
  require(window >= 1 && window <= 1000, "window must be within 1..1000");
  require(min_quality >= 0.0 && min_quality <= 1.0, "min-quality must be within 0..1");
  require(sharpness_ref > 0.0 && sharpness_ref <= 100000.0,
          "sharpness-ref must be within (0, 100000]");
  require(gender_decide > 0.0 && gender_decide <= 50.0, "gender-decide must be within (0, 50]");
  require(gender_reading_cap > 0.0 && gender_reading_cap <= 20.0,
          "gender-reading-cap must be within (0, 20]");
  require(age_min_readings >= 1 && age_min_readings <= 1000,
          "age-min-readings must be within 1..1000");
  require(age_max_spread_years > 0.0 && age_max_spread_years <= 100.0,
          "age-max-spread-years must be within (0, 100]");
  require(age_band_hysteresis_years >= 0.0 && age_band_hysteresis_years <= 20.0,
          "age-band-hysteresis-years must be within 0..20");
  require(expression_publish > 0.0 && expression_publish <= 1.0,
          "expression-publish must be within (0, 1]");
  require(scene_cut_threshold >= 0.0 && scene_cut_threshold <= 255.0,
          "scene-cut-threshold must be within 0..255 (0 = off)");
  require(expression_min_weight >= 0.0 && expression_min_weight <= 1000.0,
          "expression-min-weight must be within 0..1000");
}

Quality face_quality(const ImageView& img, const Object& face, const cv::Rect& px,
                     const cv::Mat& input112, double sharpness_ref) {
  Quality q;
  const int side = std::min(px.width, px.height);
  q.size = clamp01(static_cast<double>(side) / 112.0);

  // Frontalness from YuNet's landmarks: right eye, left eye, nose, right/left mouth corner.
  q.frontal = 0.5;
  if (face.landmarks.size() >= 5) {
    auto P = [&](size_t i) {
      return cv::Point2d(face.landmarks[i].x * img.width, face.landmarks[i].y * img.height);
    };
    const cv::Point2d e0 = P(0), e1 = P(1), nose = P(2);
    const cv::Point2d eyes = (e0 + e1) * 0.5, mouth = (P(3) + P(4)) * 0.5;
    const cv::Point2d across = e1 - e0, down = mouth - eyes;
    const double a2 = across.dot(across), d2 = down.dot(down);
    if (a2 > 1e-6 && d2 > 1e-6) {
      // Yaw: the nose's offset from the eyes' midpoint along the eye axis, in eye distances
      // (0 frontal, ~0.5 profile). Pitch: where the nose sits between eyes and mouth (~0.5).
      const double yaw = std::fabs((nose - eyes).dot(across) / a2);
      const double pitch = (nose - eyes).dot(down) / d2;
      const double q_yaw = clamp01(1.0 - yaw / 0.4);
      const double q_pitch = clamp01(1.0 - std::max(0.0, std::fabs(pitch - 0.55) - 0.15) / 0.3);
      q.frontal = q_yaw * q_pitch;
    } else {
      q.frontal = 0.0;
    }
  }

  // Sharpness: variance of the Laplacian over the face part of the 112x112 input (the black
  // padding would add false edges), so it is comparable across face sizes.
  if (!input112.empty() && px.width > 0 && px.height > 0) {
    const double m = std::max(px.width, px.height);
    const int w = std::max(4, static_cast<int>(112.0 * px.width / m) - 4);
    const int h = std::max(4, static_cast<int>(112.0 * px.height / m) - 4);
    const cv::Rect inner((112 - w) / 2, (112 - h) / 2, w, h);
    cv::Mat grey, lap;
    cv::cvtColor(input112(inner & cv::Rect(0, 0, input112.cols, input112.rows)), grey,
                 cv::COLOR_RGB2GRAY);
    cv::Laplacian(grey, lap, CV_64F);
    cv::Scalar mean, stddev;
    cv::meanStdDev(lap, mean, stddev);
    q.laplacian_var = stddev[0] * stddev[0];
    q.sharpness = clamp01(q.laplacian_var / sharpness_ref);
  }
  q.detector = clamp01(face.confidence);
  q.total = q.size * q.frontal * q.sharpness * q.detector;
  return q;
}

namespace {
evidence::BeliefConfig gender_belief(const Config& c) {
  evidence::BeliefConfig b;
  b.decide = c.gender_decide;
  b.release = std::min(0.5 * c.gender_decide, 1.0);
  b.cap = std::max(8.0, c.gender_decide);
  return b;
}
evidence::CategoricalConfig expression_belief(const Config& c) {
  evidence::CategoricalConfig e;
  e.alpha = 0.3;
  e.publish = c.expression_publish;
  e.switch_margin = 0.2;
  e.min_weight = c.expression_min_weight;
  return e;
}
}  // namespace

TrackEvidence::TrackEvidence(const Config& config)
    : age_min_readings_(config.age_min_readings),
      age_max_spread_(config.age_max_spread_years),
      age_hysteresis_(config.age_band_hysteresis_years),
      gender_reading_cap_(config.gender_reading_cap),
      gender_(gender_belief(config)),
      age_(static_cast<size_t>(config.window), config.min_quality),
      expression_(kExpressionCount, expression_belief(config)) {}

void TrackEvidence::add_age_gender(const AgeGender& ag, double quality) {
  ++readings_;
  if (quality <= 0.0) return;
  // One reading is one more look at the same face, not an independent witness: its log-odds
  // is capped before it is weighted by the face quality.
  const double cap = gender_reading_cap_;
  gender_.add(std::clamp(evidence::log_odds(ag.p_male), -cap, cap), quality);
  age_.add(ag.age, quality);
  if (age_.size() < static_cast<size_t>(age_min_readings_)) return;
  const double median = age_.median();
  const int candidate = age_band_index(static_cast<float>(median));
  if (band_ < 0) {
    // The first band needs agreeing readings and a median not sitting on one of its edges
    // (half the hysteresis inside), so it is not published on the wrong side of an edge.
    const double lo = candidate == 0 ? -1e9 : kBandEdges[candidate - 1];
    const double hi = candidate == kBands - 1 ? 1e9 : kBandEdges[candidate];
    const double margin = 0.5 * age_hysteresis_;
    if (age_.mad() <= age_max_spread_ && median >= lo + margin && median < hi - margin)
      band_ = candidate;
    return;
  }
  if (candidate == band_) return;
  // Leave a published band only when the median is past its edge by the hysteresis margin.
  const double lo = band_ == 0 ? -1e9 : kBandEdges[band_ - 1];
  const double hi = band_ == kBands - 1 ? 1e9 : kBandEdges[band_];
  if (median < lo - age_hysteresis_ || median >= hi + age_hysteresis_) band_ = candidate;
}

void TrackEvidence::add_expression(const Expression& e, double quality) {
  ++expression_readings_;
  if (quality <= 0.0) return;
  expression_.add(std::vector<double>(e.begin(), e.end()), quality);
}

int TrackEvidence::expression_lead() const {
  if (expression_readings_ == 0) return -1;
  const auto& d = expression_.distribution();
  return static_cast<int>(std::max_element(d.begin(), d.end()) - d.begin());
}

Analyzer::Analyzer(const Config& config) : config_(config) {
  config_.validate();
  if (config_.wants_demographics()) {
    auto ag = AgeGenderModel::load(config_.age_gender_model_path);
    models_.age_gender = [ag](const cv::Mat& in) { return ag->run(in); };
  }
  if (config_.wants_emotion()) {
    auto ex = ExpressionModel::load(config_.emotion_model_path);
    models_.expression = [ex](const cv::Mat& in) { return ex->run(in); };
  }
}

Analyzer::Analyzer(const Config& config, Models models)
    : config_(config), models_(std::move(models)) {
  config_.validate();
}

const TrackEvidence* Analyzer::track(uint64_t track_id) const {
  auto it = tracks_.find(track_id);
  return it == tracks_.end() ? nullptr : &it->second.evidence;
}

void Analyzer::write(const TrackEvidence& e, uint64_t object_id, FrameAnalytics& frame) const {
  if (config_.wants_demographics() && e.has_age_gender()) {
    Attribute band;
    band.object_id = object_id;
    band.name = "age_band";
    band.label = age_band_name(e.band());
    band.value = e.age();
    // How tight the readings behind the published band are (1 = all agree).
    band.confidence =
        e.band() < 0 ? 0.F
                     : static_cast<float>(
                           clamp01(1.0 - e.age_spread() / (2.0 * config_.age_max_spread_years)));
    frame.set_attribute(std::move(band));
    Attribute g;
    g.object_id = object_id;
    g.name = "gender";
    g.label = e.gender() == evidence::Verdict::kYes  ? "male"
              : e.gender() == evidence::Verdict::kNo ? "female"
                                                     : kUnknown;
    g.confidence = static_cast<float>(e.gender_confidence());
    g.value = e.p_male();
    frame.set_attribute(std::move(g));
  }
  if (config_.wants_emotion() && e.has_expression()) {
    Attribute x;
    x.object_id = object_id;
    x.name = "emotion";
    x.label = e.expression() < 0 ? kUnknown : expression_name(e.expression());
    x.confidence = static_cast<float>(e.expression_confidence());
    frame.set_attribute(std::move(x));
  }
}

bool Analyzer::scene_cut(const ImageView& img) {
  if (config_.scene_cut_threshold <= 0.0 || img.width <= 0 || img.height <= 0) return false;
  // A 32x18 grey thumbnail; a cut changes most of it at once. Luma only (the Y plane, or the
  // packed pixels converted after shrinking): sample a 128x72 grid, then average 4x4 blocks, so
  // the cost does not grow with the frame size.
  cv::Mat full;
  bool packed3 = false, packed4 = false;
  switch (img.format) {
    case PixelFormat::kI420:
    case PixelFormat::kNV12:
    case PixelFormat::kGray8:
      full = cv::Mat(img.height, img.width, CV_8UC1, const_cast<uint8_t*>(img.planes[0]),
                     static_cast<size_t>(img.strides[0]));
      break;
    case PixelFormat::kBGR:
    case PixelFormat::kRGB:
      packed3 = true;
      full = cv::Mat(img.height, img.width, CV_8UC3, const_cast<uint8_t*>(img.planes[0]),
                     static_cast<size_t>(img.strides[0]));
      break;
    default:
      packed4 = true;
      full = cv::Mat(img.height, img.width, CV_8UC4, const_cast<uint8_t*>(img.planes[0]),
                     static_cast<size_t>(img.strides[0]));
      break;
  }
  if (full.data == nullptr) return false;
  cv::Mat grid, small, grey;
  cv::resize(full, grid, {128, 72}, 0, 0, cv::INTER_NEAREST);
  cv::resize(grid, small, {32, 18}, 0, 0, cv::INTER_AREA);
  if (packed3)
    cv::cvtColor(small, grey, cv::COLOR_BGR2GRAY);  // RGB weighs R/B the other way: same per stream
  else if (packed4)
    cv::cvtColor(small, grey, cv::COLOR_BGRA2GRAY);
  else
    grey = small;
  grey.convertTo(grey, CV_32F);
  bool cut = false;
  if (!previous_thumb_.empty() && previous_thumb_.size() == grey.size()) {
    last_thumb_change_ = cv::mean(cv::abs(grey - previous_thumb_))[0];
    cut = last_thumb_change_ >= config_.scene_cut_threshold;
  }
  previous_thumb_ = grey;
  return cut;
}

void Analyzer::process(const ImageView& img, FrameAnalytics& frame) {
  ++stats_.frames;
  // What the privacy mode forbids never leaves this element, even if an earlier stage wrote it.
  frame.attributes.erase(std::remove_if(frame.attributes.begin(), frame.attributes.end(),
                                        [this](const Attribute& a) {
                                          if (a.name == "emotion") return !config_.wants_emotion();
                                          if (a.name == "age_band" || a.name == "gender")
                                            return !config_.wants_demographics();
                                          return false;
                                        }),
                         frame.attributes.end());
  if (!config_.wants_demographics()) {  // eu: nothing is computed, nothing is written
    tracks_.clear();
    return;
  }
  if (scene_cut(img)) {
    // A camera cut: whatever track ids the tracker carries across it, the faces after it are
    // not the ones whose evidence was gathered before it.
    ++stats_.scene_cuts;
    tracks_.clear();
  }
  std::unordered_set<uint64_t> alive;
  for (const Track& t : frame.tracks)
    if (t.cls == ObjectClass::kFace) alive.insert(t.track_id);
  for (const Object& o : frame.objects)
    if (o.track_id != 0) tracking_seen_ = true;
  if (!frame.tracks.empty()) tracking_seen_ = true;

  std::vector<std::pair<uint64_t, TrackEvidence>> untracked;
  for (const Object& face : frame.objects) {
    if (face.cls != ObjectClass::kFace) continue;
    ++stats_.faces;
    const cv::Rect px = img.to_pixels(face.box);
    // Boxes the tracker predicted on frames the detector skipped are not evaluated (guesses).
    const bool eligible =
        !face.predicted && !px.empty() && std::min(px.width, px.height) >= config_.min_face_size_px;
    if (eligible) ++stats_.eligible_faces;

    TrackEvidence* ev = nullptr;
    bool due = eligible;
    if (face.track_id == 0) {
      // Per-frame fallback only without a tracker upstream; with one, an untracked face waits
      // for its track so evaluations stay per track.
      if (tracking_seen_) continue;
      untracked.emplace_back(face.id, TrackEvidence(config_));
      ev = &untracked.back().second;
    } else {
      alive.insert(face.track_id);
      auto& st = tracks_.try_emplace(face.track_id, config_).first->second;
      ev = &st.evidence;
      due = eligible &&
            ++st.eligible_frames % static_cast<uint64_t>(config_.recheck_interval_frames) == 0;
    }
    if (due) {
      const cv::Mat input = face_input(img, px);
      Reading r;
      r.track_id = face.track_id;
      r.object_id = face.id;
      r.face_px = px;
      r.quality = face_quality(img, face, px, input, config_.sharpness_ref);
      const double w = r.quality.total >= config_.min_quality ? r.quality.total : 0.0;
      if (w <= 0.0) ++stats_.low_quality_readings;
      r.age_gender = models_.age_gender(input);
      ++stats_.age_gender_invocations;
      ev->add_age_gender(r.age_gender, w);
      if (config_.wants_emotion()) {
        r.expression = models_.expression(input);
        r.has_expression = true;
        ++stats_.emotion_invocations;
        ev->add_expression(r.expression, w);
      }
      if (observer_) observer_(r);
    }
    if (face.track_id != 0) write(*ev, face.id, frame);
  }
  for (const auto& [id, ev] : untracked) write(ev, id, frame);

  for (auto it = tracks_.begin(); it != tracks_.end();) {
    if (alive.count(it->first) == 0)
      it = tracks_.erase(it);
    else
      ++it;
  }
  stats_.active_tracks = tracks_.size();
}

}  // namespace retail::attributes
