// Choosing and scheduling the creative on the ad panel, and the impressions it produces.
//
// select_creative() is the pure targeting decision: among enabled creatives whose target matches
// the audience and that are not cooling down, the highest priority wins (ties: listed first);
// when none matches, the default creative. Playout adds time: a creative stays on screen at
// least its min_display_ms (an audience change switches no sooner), at most max_display_ms (if
// set), cross-fades into the next one, and each creative that ends yields one ad_impression.
// All times are stream times in ms (from PTS), so a replay gives the same schedule.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "campaign/audience.h"
#include "campaign/campaigns.h"
#include "common/analytics.h"

namespace retail::campaign {

// True when every condition of `target` holds for `audience` at `minute_of_day` (local time).
bool matches(const Target& target, const AudienceSummary& audience, int minute_of_day);

inline constexpr int64_t kNever = INT64_MIN;

// `last_end_ms[i]`: when creative i last ended (kNever if it never played). Returns an index
// into campaigns.creatives (the default when nothing else fits).
int select_creative(const Campaigns& campaigns, const AudienceSummary& audience, int minute_of_day,
                    int64_t now_ms, const std::vector<int64_t>& last_end_ms);

// Minutes after local midnight of a wall-clock time (microseconds since the Unix epoch).
int local_minute_of_day(int64_t wall_us);
// ISO-8601 UTC with milliseconds, e.g. "2026-11-25T17:03:12.345Z".
std::string iso8601_utc(int64_t wall_us);

struct PlayoutConfig {
  int64_t fade_ms = 400;              // cross-fade length on a change ("panel-fade-ms")
  int64_t audience_window_ms = 1000;  // audience smoothing window ("audience-window-ms")
  bool demographics = true;           // false under privacy=eu: impressions carry counts only
};

// What the panel shows now: `current` fading in over `previous` (indices, -1 = none).
struct PanelState {
  int current = -1;
  int previous = -1;
  double fade = 1.0;  // 0 = only previous visible, 1 = only current
};

class Playout {
 public:
  Playout(Campaigns campaigns, PlayoutConfig config);

  // One call per frame, in stream order. Returns the ad_impression events of creatives that
  // ended on this frame (at most one normally).
  std::vector<Event> update(const AudienceSummary& frame_audience, int64_t pts_ms, int64_t wall_us,
                            int minute_of_day);
  // Ends the creative on screen (EOS, stop); its impression, if one was running.
  std::optional<Event> finish(int64_t pts_ms, int64_t wall_us);

  PanelState panel() const;
  const Campaigns& campaigns() const { return campaigns_; }
  // Id of the creative on screen ("" before the first frame).
  std::string current_id() const;
  bool current_targeted() const { return current_targeted_; }

 private:
  struct Running {
    int creative = -1;
    bool targeted = false;
    int64_t start_ms = 0;
    int64_t start_wall_us = 0;
    int64_t last_ms = 0;
    int64_t last_wall_us = 0;
    int64_t frames = 0;
    double viewer_sum = 0;
    double people_sum = 0;
    int peak_viewers = 0;
    std::set<uint64_t> viewer_tracks;  // distinct tracked viewers (counted, never emitted)
    int64_t untracked_peak = 0;
    AudienceSummary labels;  // summed label counts
  };
  void start(int creative, bool targeted, int64_t pts_ms, int64_t wall_us);
  Event end(int64_t pts_ms, int64_t wall_us);
  void account(const AudienceSummary& frame);

  Campaigns campaigns_;
  PlayoutConfig config_;
  AudienceWindow window_;
  std::vector<int64_t> last_end_ms_;
  std::optional<Running> running_;
  bool current_targeted_ = false;
  int previous_ = -1;
  int64_t fade_start_ms_ = 0;
  int64_t now_ms_ = 0;
};

// The ad_impression payload (event contract): creative_id, start_ts, end_ts, duration_ms,
// live_viewers, targeted, audience{frames, avg_viewers, peak_viewers, avg_people and, only when
// `demographics`, age_bands/genders/emotions counts (viewer-frames) and dominant labels}.
std::string impression_payload(const std::string& creative_id, int64_t start_wall_us,
                               int64_t end_wall_us, int64_t duration_ms, int64_t live_viewers,
                               bool targeted, int64_t frames, double avg_viewers, int peak_viewers,
                               double avg_people, const AudienceSummary* demographics);

}  // namespace retail::campaign
