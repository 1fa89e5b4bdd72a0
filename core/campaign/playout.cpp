#include "campaign/playout.h"

#include <algorithm>
#include <ctime>

#include "common/json.h"

namespace retail::campaign {

bool matches(const Target& t, const AudienceSummary& a, int minute_of_day) {
  if (t.live_viewers && !t.live_viewers->contains(a.viewers())) return false;
  if (!t.age_bands.empty()) {
    const std::string band = a.dominant_age_band();
    if (std::find(t.age_bands.begin(), t.age_bands.end(), band) == t.age_bands.end()) return false;
  }
  if (!t.gender.empty()) {
    const auto share = a.gender_share(t.gender);
    if (!share || !t.gender_share.contains(*share)) return false;
  }
  if (!t.expressions.empty()) {
    const std::string e = a.dominant_emotion();
    if (std::find(t.expressions.begin(), t.expressions.end(), e) == t.expressions.end())
      return false;
  }
  if (t.time_of_day && !t.time_of_day->contains(minute_of_day)) return false;
  return true;
}

int select_creative(const Campaigns& c, const AudienceSummary& audience, int minute_of_day,
                    int64_t now_ms, const std::vector<int64_t>& last_end_ms) {
  int best = -1;
  for (size_t i = 0; i < c.creatives.size(); ++i) {
    const Creative& cr = c.creatives[i];
    if (static_cast<int>(i) == c.default_index || !cr.enabled) continue;
    const int64_t ended = i < last_end_ms.size() ? last_end_ms[i] : kNever;
    if (ended != kNever && now_ms - ended < cr.cooldown_ms) continue;
    if (!matches(cr.target, audience, minute_of_day)) continue;
    if (best < 0 || cr.priority > c.creatives[static_cast<size_t>(best)].priority)
      best = static_cast<int>(i);
  }
  return best >= 0 ? best : c.default_index;
}

int local_minute_of_day(int64_t wall_us) {
  const std::time_t t = static_cast<std::time_t>(wall_us / 1000000);
  std::tm tm{};
  localtime_r(&t, &tm);
  return tm.tm_hour * 60 + tm.tm_min;
}

std::string iso8601_utc(int64_t wall_us) {
  const std::time_t t = static_cast<std::time_t>(wall_us / 1000000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  const size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>((wall_us / 1000) % 1000));
  return buf;
}

std::string impression_payload(const std::string& creative_id, int64_t start_wall_us,
                               int64_t end_wall_us, int64_t duration_ms, int64_t live_viewers,
                               bool targeted, int64_t frames, double avg_viewers, int peak_viewers,
                               double avg_people, const AudienceSummary* demographics) {
  json::Writer w;
  w.field("creative_id", creative_id)
      .field("start_ts", iso8601_utc(start_wall_us))
      .field("end_ts", iso8601_utc(end_wall_us))
      .field("duration_ms", duration_ms)
      .field("live_viewers", live_viewers)
      .field("targeted", targeted);
  w.key("audience").begin_object();
  w.field("frames", frames)
      .field("avg_viewers", avg_viewers)
      .field("peak_viewers", peak_viewers)
      .field("avg_people", avg_people);
  if (demographics != nullptr) {
    auto counts = [&w](const char* name, const std::map<std::string, int64_t>& m) {
      w.key(name).begin_object();
      for (const auto& [label, n] : m) w.field(label.c_str(), n);
      w.end_object();
    };
    counts("age_bands", demographics->age_bands);
    counts("genders", demographics->genders);
    counts("emotions", demographics->emotions);
    w.field("dominant_age_band", demographics->dominant_age_band());
    w.field("dominant_emotion", demographics->dominant_emotion());
  }
  w.end_object();
  return w.str();
}

Playout::Playout(Campaigns campaigns, PlayoutConfig config)
    : campaigns_(std::move(campaigns)),
      config_(config),
      window_(config.audience_window_ms),
      last_end_ms_(campaigns_.creatives.size(), kNever) {}

void Playout::start(int creative, bool targeted, int64_t pts_ms, int64_t wall_us) {
  running_ = Running{};
  running_->creative = creative;
  running_->targeted = targeted;
  running_->start_ms = running_->last_ms = pts_ms;
  running_->start_wall_us = running_->last_wall_us = wall_us;
  current_targeted_ = targeted;
}

Event Playout::end(int64_t pts_ms, int64_t wall_us) {
  const Running& r = *running_;
  last_end_ms_[static_cast<size_t>(r.creative)] = pts_ms;
  const auto frames = std::max<int64_t>(r.frames, 1);
  Event e;
  e.type = "ad_impression";
  e.payload_json = impression_payload(
      campaigns_.creatives[static_cast<size_t>(r.creative)].id, r.start_wall_us, wall_us,
      std::max<int64_t>(0, pts_ms - r.start_ms),
      static_cast<int64_t>(r.viewer_tracks.size()) + r.untracked_peak, r.targeted, r.frames,
      r.viewer_sum / static_cast<double>(frames), r.peak_viewers,
      r.people_sum / static_cast<double>(frames), config_.demographics ? &r.labels : nullptr);
  running_.reset();
  return e;
}

void Playout::account(const AudienceSummary& f) {
  Running& r = *running_;
  r.frames += 1;
  r.viewer_sum += f.live_viewers;
  r.people_sum += f.people;
  r.peak_viewers = std::max(r.peak_viewers, f.viewers());
  int64_t untracked = 0;
  for (uint64_t id : f.viewer_track_ids) {
    if (id == 0)
      ++untracked;
    else
      r.viewer_tracks.insert(id);
  }
  r.untracked_peak = std::max(r.untracked_peak, untracked);
  if (config_.demographics) {
    for (const auto& [k, n] : f.age_bands) r.labels.age_bands[k] += n;
    for (const auto& [k, n] : f.genders) r.labels.genders[k] += n;
    for (const auto& [k, n] : f.emotions) r.labels.emotions[k] += n;
  }
}

std::vector<Event> Playout::update(const AudienceSummary& frame, int64_t pts_ms, int64_t wall_us,
                                   int minute_of_day) {
  std::vector<Event> ended;
  if (running_ && pts_ms < running_->last_ms) {
    // Time went backwards (seek or new segment): close what played and start afresh.
    ended.push_back(end(running_->last_ms, running_->last_wall_us));
    window_.clear();
    std::fill(last_end_ms_.begin(), last_end_ms_.end(), kNever);
    previous_ = -1;
  }
  now_ms_ = pts_ms;
  window_.add(pts_ms, frame);
  const AudienceSummary audience = window_.merged();

  if (!running_) {
    const int first = select_creative(campaigns_, audience, minute_of_day, pts_ms, last_end_ms_);
    start(first, first != campaigns_.default_index, pts_ms, wall_us);
  } else {
    const int cur = running_->creative;
    const Creative& cr = campaigns_.creatives[static_cast<size_t>(cur)];
    const int64_t shown = pts_ms - running_->start_ms;
    int next = cur;
    if (cr.max_display_ms > 0 && shown >= cr.max_display_ms) {
      // Its time is up: choose as if it had just ended (so its cool-down applies).
      std::vector<int64_t> ends = last_end_ms_;
      ends[static_cast<size_t>(cur)] = pts_ms;
      next = select_creative(campaigns_, audience, minute_of_day, pts_ms, ends);
      ended.push_back(end(pts_ms, wall_us));
    } else if (shown >= cr.min_display_ms) {
      next = select_creative(campaigns_, audience, minute_of_day, pts_ms, last_end_ms_);
      if (next != cur) ended.push_back(end(pts_ms, wall_us));
    }
    if (!running_) {
      if (next != cur) {
        previous_ = cur;
        fade_start_ms_ = pts_ms;
      }
      start(next, next != campaigns_.default_index, pts_ms, wall_us);
    }
  }
  running_->last_ms = pts_ms;
  running_->last_wall_us = wall_us;
  account(frame);
  return ended;
}

std::optional<Event> Playout::finish(int64_t pts_ms, int64_t wall_us) {
  if (!running_) return std::nullopt;
  return end(std::max(pts_ms, running_->last_ms), wall_us);
}

PanelState Playout::panel() const {
  PanelState s;
  if (!running_) return s;
  s.current = running_->creative;
  if (previous_ >= 0 && config_.fade_ms > 0) {
    const double f =
        static_cast<double>(now_ms_ - fade_start_ms_) / static_cast<double>(config_.fade_ms);
    if (f < 1.0) {
      s.previous = previous_;
      s.fade = std::clamp(f, 0.0, 1.0);
    }
  }
  return s;
}

std::string Playout::current_id() const {
  return running_ ? campaigns_.creatives[static_cast<size_t>(running_->creative)].id
                  : std::string();
}

}  // namespace retail::campaign
