#include "campaign/audience.h"

#include <algorithm>
#include <cmath>

namespace retail::campaign {

const std::vector<std::string> kAgeBands = {"<18",   "18-24", "25-34", "35-44",
                                            "45-54", "55-64", "65+"};
const std::vector<std::string> kGenders = {"male", "female"};
const std::vector<std::string> kEmotions = {"neutral", "happy",     "sad",      "angry",
                                            "fearful", "disgusted", "surprised"};

namespace {

// Most frequent label; ties go to the label listed first in `order`, then alphabetically.
std::string dominant(const std::map<std::string, int64_t>& counts,
                     const std::vector<std::string>& order) {
  std::string best;
  int64_t best_n = 0;
  for (const auto& label : order) {
    auto it = counts.find(label);
    if (it != counts.end() && it->second > best_n) {
      best = label;
      best_n = it->second;
    }
  }
  for (const auto& [label, n] : counts) {
    if (n > best_n) {
      best = label;
      best_n = n;
    }
  }
  return best;
}

}  // namespace

int AudienceSummary::viewers() const { return static_cast<int>(std::lround(live_viewers)); }

std::string AudienceSummary::dominant_age_band() const { return dominant(age_bands, kAgeBands); }

std::string AudienceSummary::dominant_emotion() const { return dominant(emotions, kEmotions); }

std::optional<double> AudienceSummary::gender_share(const std::string& gender) const {
  int64_t total = 0;
  for (const auto& [label, n] : genders) total += n;
  if (total == 0) return std::nullopt;
  auto it = genders.find(gender);
  return it == genders.end() ? 0.0 : static_cast<double>(it->second) / static_cast<double>(total);
}

AudienceSummary summarize(const FrameAnalytics& frame, const AudienceOptions& options) {
  AudienceSummary s;
  for (const auto& o : frame.objects) {
    if (o.cls == ObjectClass::kPerson) {
      s.people += 1;
      continue;
    }
    s.faces += 1;
    if (options.viewers_require_liveness) {
      const Attribute* live = frame.attribute(o.id, "liveness");
      if (live == nullptr || live->label != "live") continue;
    }
    s.live_viewers += 1;
    s.viewer_track_ids.push_back(o.track_id);
    if (!options.demographics) continue;
    // Only confident labels count: "unknown" (not enough evidence yet, retailattr) is neither
    // matched by a targeting rule nor reported as a band, gender or expression.
    const auto confident = [&](const char* name) -> const Attribute* {
      const Attribute* a = frame.attribute(o.id, name);
      return a != nullptr && !a->label.empty() && a->label != "unknown" ? a : nullptr;
    };
    if (const Attribute* a = confident("age_band")) s.age_bands[a->label] += 1;
    if (const Attribute* a = confident("gender")) s.genders[a->label] += 1;
    if (const Attribute* a = confident("emotion")) s.emotions[a->label] += 1;
  }
  return s;
}

void AudienceWindow::add(int64_t pts_ms, AudienceSummary frame) {
  // A timestamp going backwards (seek, new segment) restarts the window.
  if (!frames_.empty() && pts_ms < frames_.back().first) frames_.clear();
  frames_.emplace_back(pts_ms, std::move(frame));
  while (frames_.size() > 1 && frames_.front().first <= pts_ms - window_ms_) frames_.pop_front();
}

AudienceSummary AudienceWindow::merged() const {
  AudienceSummary m;
  if (frames_.empty()) return m;
  for (const auto& [pts, f] : frames_) {
    m.people += f.people;
    m.faces += f.faces;
    m.live_viewers += f.live_viewers;
    for (const auto& [k, n] : f.age_bands) m.age_bands[k] += n;
    for (const auto& [k, n] : f.genders) m.genders[k] += n;
    for (const auto& [k, n] : f.emotions) m.emotions[k] += n;
  }
  const auto n = static_cast<double>(frames_.size());
  m.people /= n;
  m.faces /= n;
  m.live_viewers /= n;
  m.viewer_track_ids = frames_.back().second.viewer_track_ids;
  return m;
}

}  // namespace retail::campaign
