// The audience in front of the screen, as counts only: how many people and faces, how many
// viewers (faces judged live), and how the viewers split by age band, gender and expression.
// Nothing here identifies a person; track ids are kept only to count distinct viewers.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/analytics.h"

namespace retail::campaign {

// The label sets of the attribute contract (retailattr).
extern const std::vector<std::string> kAgeBands;  // "<18" ... "65+"
extern const std::vector<std::string> kGenders;   // "male", "female"
extern const std::vector<std::string> kEmotions;  // "neutral" ... "surprised"

struct AudienceOptions {
  // true: a viewer is a face whose "liveness" attribute is "live"; false: every face counts.
  bool viewers_require_liveness = true;
  // false (privacy=eu): age band, gender and emotion are neither read nor counted.
  bool demographics = true;
};

struct AudienceSummary {
  double people = 0;        // person objects (a window average when merged)
  double faces = 0;         // face objects
  double live_viewers = 0;  // faces counted as viewers
  // Viewer counts per label (summed over frames when merged, so "dominant" is frame-weighted).
  std::map<std::string, int64_t> age_bands;
  std::map<std::string, int64_t> genders;
  std::map<std::string, int64_t> emotions;
  // Track ids of this frame's viewers (0 = untracked). Used to count distinct viewers of an
  // impression; never serialized.
  std::vector<uint64_t> viewer_track_ids;

  int viewers() const;                    // live_viewers rounded to the nearest integer
  std::string dominant_age_band() const;  // "" when no viewer has an age band
  std::string dominant_emotion() const;   // "" when no viewer has an emotion
  // Share of viewers with `gender` among viewers whose gender is known; nullopt when none is.
  std::optional<double> gender_share(const std::string& gender) const;
};

// Summary of one frame.
AudienceSummary summarize(const FrameAnalytics& frame, const AudienceOptions& options);

// The audience over the last `window_ms` of stream time: counts are averaged over the frames in
// the window, label counts summed. Smooths detector flicker before targeting.
class AudienceWindow {
 public:
  explicit AudienceWindow(int64_t window_ms) : window_ms_(window_ms) {}
  void add(int64_t pts_ms, AudienceSummary frame);
  AudienceSummary merged() const;
  void clear() { frames_.clear(); }

 private:
  int64_t window_ms_;
  std::deque<std::pair<int64_t, AudienceSummary>> frames_;
};

}  // namespace retail::campaign
