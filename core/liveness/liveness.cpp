#include "liveness/liveness.h"

#include <algorithm>
#include <unordered_set>

#include "common/error.h"
#include "common/json.h"

namespace retail::liveness {

const char* to_string(Decision d) {
  switch (d) {
    case Decision::kUnknown:
      return "unknown";
    case Decision::kLive:
      return "live";
    case Decision::kSpoof:
      return "spoof";
  }
  return "unknown";
}

namespace {
void require(bool ok, const std::string& what) {
  if (!ok) throw Error(ErrorKind::kConfig, what);
}
}  // namespace

void Config::validate() const {
  require(!model_v2_path.empty(), "model-v2-path is empty: set it to the MiniFASNet V2 ONNX file");
  require(!model_v1se_path.empty(),
          "model-v1se-path is empty: set it to the MiniFASNet V1SE ONNX file");
  require(min_face_size_px >= 0 && min_face_size_px <= 4096,
          "min-face-size-px must be within 0..4096 (0 checks every face)");
  require(votes >= 1 && votes <= 100, "votes must be within 1..100");
  require(min_votes >= 1 && min_votes <= votes, "min-votes must be within 1..votes");
  require(vote_threshold > 0.5F && vote_threshold <= 1.F, "vote-threshold must be within (0.5, 1]");
  require(recheck_interval_frames >= 1 && recheck_interval_frames <= 100000,
          "recheck-interval-frames must be within 1..100000");
}

void Voter::add(const Check& c) {
  window_.push_back(c);
  while (static_cast<int>(window_.size()) > config_.votes) window_.pop_front();
  if (static_cast<int>(window_.size()) < config_.min_votes) return;
  const float share = live_share();
  if (share >= config_.vote_threshold)
    decision_ = Decision::kLive;
  else if (share <= 1.F - config_.vote_threshold)
    decision_ = Decision::kSpoof;
  // otherwise the previous decision holds (hysteresis)
}

float Voter::live_share() const {
  if (window_.empty()) return 0.F;
  const auto live =
      std::count_if(window_.begin(), window_.end(), [](const Check& c) { return c.live(); });
  return static_cast<float>(live) / static_cast<float>(window_.size());
}

float Voter::confidence() const {
  if (decision_ == Decision::kUnknown || window_.empty()) return 0.F;
  const bool want_live = decision_ == Decision::kLive;
  float sum = 0.F;
  int n = 0;
  for (const Check& c : window_) {
    if (c.live() != want_live) continue;
    sum += c.score;
    ++n;
  }
  if (n == 0) return 0.F;
  return (static_cast<float>(n) / static_cast<float>(window_.size())) *
         (sum / static_cast<float>(n));
}

Event rejected_event(uint64_t track_id, float score, int votes) {
  json::Writer w;
  w.field("track_id", track_id).field("score", static_cast<double>(score)).field("votes", votes);
  return Event{"liveness_rejected", w.str()};
}

Analyzer::Analyzer(const Config& config) : config_(config) {
  config_.validate();
  model_ = Model::load(config_.model_v2_path, config_.model_v1se_path);
  scorer_ = [m = model_](const ImageView& img, const cv::Rect2f& face) {
    return m->check(img, face);
  };
}

Analyzer::Analyzer(const Config& config, Scorer scorer)
    : config_(config), scorer_(std::move(scorer)) {
  config_.validate();
}

void Analyzer::process(const ImageView& img, FrameAnalytics& frame) {
  ++stats_.frames;
  std::unordered_set<uint64_t> alive;
  for (const Track& t : frame.tracks)
    if (t.cls == ObjectClass::kFace) alive.insert(t.track_id);
  for (const Object& o : frame.objects)
    if (o.track_id != 0) tracking_seen_ = true;
  if (!frame.tracks.empty()) tracking_seen_ = true;

  std::unordered_set<uint64_t> dropped;
  std::vector<Attribute> person_attrs;
  for (const Object& face : frame.objects) {
    if (face.cls != ObjectClass::kFace) continue;
    ++stats_.faces;
    // The part of the box inside the frame (tracker predictions may overhang it). Boxes the
    // tracker predicted on frames the detector skipped are not checked: their crops are guesses.
    const Box b = clamp01(face.box);
    const cv::Rect2f px(b.x * static_cast<float>(img.width), b.y * static_cast<float>(img.height),
                        b.w * static_cast<float>(img.width), b.h * static_cast<float>(img.height));
    const bool eligible =
        !face.predicted && px.width >= 1.F && px.height >= 1.F &&
        std::min(px.width, px.height) >= static_cast<float>(config_.min_face_size_px);
    if (eligible) ++stats_.eligible_faces;

    Attribute a;
    a.object_id = face.id;
    a.name = "liveness";
    Decision decision = Decision::kUnknown;
    if (face.track_id == 0) {
      // Per-frame fallback only without a tracker upstream; with one, an untracked face waits
      // (unknown) for its track so checks stay per track.
      if (eligible && !tracking_seen_) {
        const Check c = scorer_(img, px);
        ++stats_.model_invocations;
        decision = c.live() ? Decision::kLive : Decision::kSpoof;
        a.confidence = c.score;
        a.value = c.p_live;
      }
    } else {
      alive.insert(face.track_id);
      auto& st = tracks_.try_emplace(face.track_id, config_).first->second;
      // Every K-th frame on which the face passes the gate: at most 1/K of a per-frame design.
      if (eligible &&
          ++st.eligible_frames % static_cast<uint64_t>(config_.recheck_interval_frames) == 0) {
        st.voter.add(scorer_(img, px));
        ++stats_.model_invocations;
      }
      decision = st.voter.decision();
      a.confidence = st.voter.confidence();
      a.value = st.voter.live_share();
      if (decision == Decision::kSpoof && !st.rejected) {
        st.rejected = true;
        ++stats_.spoof_tracks;
        frame.events.push_back(rejected_event(face.track_id, a.confidence, st.voter.size()));
      }
    }
    a.label = to_string(decision);
    if (face.parent_id != 0) {
      Attribute p = a;
      p.object_id = face.parent_id;
      person_attrs.push_back(std::move(p));
    }
    frame.set_attribute(std::move(a));
    if (decision == Decision::kSpoof && config_.drop_spoofs) dropped.insert(face.id);
  }
  for (Attribute& p : person_attrs)
    if (frame.find_object(p.object_id) != nullptr) frame.set_attribute(std::move(p));

  if (!dropped.empty()) {
    stats_.dropped_faces += dropped.size();
    auto gone = [&dropped](uint64_t id) { return dropped.count(id) != 0; };
    frame.objects.erase(std::remove_if(frame.objects.begin(), frame.objects.end(),
                                       [&](const Object& o) { return gone(o.id); }),
                        frame.objects.end());
    frame.attributes.erase(std::remove_if(frame.attributes.begin(), frame.attributes.end(),
                                          [&](const Attribute& x) { return gone(x.object_id); }),
                           frame.attributes.end());
    frame.tracks.erase(std::remove_if(frame.tracks.begin(), frame.tracks.end(),
                                      [&](const Track& t) {
                                        return t.cls == ObjectClass::kFace && gone(t.object_id);
                                      }),
                       frame.tracks.end());
  }

  // Per-track state expires with its track.
  for (auto it = tracks_.begin(); it != tracks_.end();) {
    if (alive.count(it->first) == 0)
      it = tracks_.erase(it);
    else
      ++it;
  }
  stats_.active_tracks = tracks_.size();
}

}  // namespace retail::liveness
