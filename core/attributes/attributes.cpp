#include "attributes/attributes.h"

#include <algorithm>
#include <numeric>
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

const char* age_band(float age) {
  if (age < 18.F) return "<18";
  if (age < 25.F) return "18-24";
  if (age < 35.F) return "25-34";
  if (age < 45.F) return "35-44";
  if (age < 55.F) return "45-54";
  if (age < 65.F) return "55-64";
  return "65+";
}

namespace {
void require(bool ok, const std::string& what) {
  if (!ok) throw Error(ErrorKind::kConfig, what);
}
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
}

void Estimate::add_age_gender(const AgeGender& ag) {
  ages_.push_back(ag);
  while (static_cast<int>(ages_.size()) > window_) ages_.pop_front();
}

void Estimate::add_expression(const Expression& e) {
  expressions_.push_back(e);
  while (static_cast<int>(expressions_.size()) > window_) expressions_.pop_front();
}

float Estimate::age() const {
  if (ages_.empty()) return 0.F;
  float s = 0.F;
  for (const auto& a : ages_) s += a.age;
  return s / static_cast<float>(ages_.size());
}

float Estimate::p_male() const {
  if (ages_.empty()) return 0.5F;
  float s = 0.F;
  for (const auto& a : ages_) s += a.p_male;
  return s / static_cast<float>(ages_.size());
}

namespace {
Expression mean_expression(const std::deque<Expression>& window) {
  Expression m{};
  for (const auto& e : window)
    for (size_t i = 0; i < m.size(); ++i) m[i] += e[i];
  for (float& v : m) v /= static_cast<float>(std::max<size_t>(1, window.size()));
  return m;
}
}  // namespace

int Estimate::dominant_expression() const {
  if (expressions_.empty()) return -1;
  const Expression m = mean_expression(expressions_);
  return static_cast<int>(std::max_element(m.begin(), m.end()) - m.begin());
}

float Estimate::expression_confidence() const {
  if (expressions_.empty()) return 0.F;
  const Expression m = mean_expression(expressions_);
  return *std::max_element(m.begin(), m.end());
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

void Analyzer::write(const Estimate& e, uint64_t object_id, FrameAnalytics& frame) const {
  if (config_.wants_demographics() && e.has_age_gender()) {
    const float age = e.age();
    Attribute band;
    band.object_id = object_id;
    band.name = "age_band";
    band.label = age_band(age);
    band.value = age;
    // Stability of the estimate: how full the window is.
    band.confidence =
        std::min(1.F, static_cast<float>(e.evaluations()) / static_cast<float>(config_.window));
    frame.set_attribute(std::move(band));
    const float pm = e.p_male();
    Attribute g;
    g.object_id = object_id;
    g.name = "gender";
    g.label = pm >= 0.5F ? "male" : "female";
    g.confidence = pm >= 0.5F ? pm : 1.F - pm;
    g.value = pm;
    frame.set_attribute(std::move(g));
  }
  if (config_.wants_emotion() && e.has_expression()) {
    Attribute x;
    x.object_id = object_id;
    x.name = "emotion";
    x.label = expression_name(e.dominant_expression());
    x.confidence = e.expression_confidence();
    frame.set_attribute(std::move(x));
  }
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
  std::unordered_set<uint64_t> alive;
  for (const Track& t : frame.tracks)
    if (t.cls == ObjectClass::kFace) alive.insert(t.track_id);
  for (const Object& o : frame.objects)
    if (o.track_id != 0) tracking_seen_ = true;
  if (!frame.tracks.empty()) tracking_seen_ = true;

  std::vector<std::pair<uint64_t, Estimate>> untracked;
  for (const Object& face : frame.objects) {
    if (face.cls != ObjectClass::kFace) continue;
    ++stats_.faces;
    const cv::Rect px = img.to_pixels(face.box);
    // Boxes the tracker predicted on frames the detector skipped are not evaluated (guesses).
    const bool eligible =
        !face.predicted && !px.empty() && std::min(px.width, px.height) >= config_.min_face_size_px;
    if (eligible) ++stats_.eligible_faces;

    Estimate* est = nullptr;
    bool due = eligible;
    if (face.track_id == 0) {
      // Per-frame fallback only without a tracker upstream; with one, an untracked face waits
      // for its track so evaluations stay per track.
      if (tracking_seen_) continue;
      untracked.emplace_back(face.id, Estimate(1));
      est = &untracked.back().second;
    } else {
      alive.insert(face.track_id);
      auto& st = tracks_.try_emplace(face.track_id, config_.window).first->second;
      est = &st.estimate;
      due = eligible &&
            ++st.eligible_frames % static_cast<uint64_t>(config_.recheck_interval_frames) == 0;
    }
    if (due) {
      const cv::Mat input = face_input(img, px);
      est->add_age_gender(models_.age_gender(input));
      ++stats_.age_gender_invocations;
      if (config_.wants_emotion()) {
        est->add_expression(models_.expression(input));
        ++stats_.emotion_invocations;
      }
    }
    if (face.track_id != 0) write(*est, face.id, frame);
  }
  for (const auto& [id, est] : untracked) write(est, id, frame);

  for (auto it = tracks_.begin(); it != tracks_.end();) {
    if (alive.count(it->first) == 0)
      it = tracks_.erase(it);
    else
      ++it;
  }
  stats_.active_tracks = tracks_.size();
}

}  // namespace retail::attributes
