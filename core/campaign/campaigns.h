// Campaigns: the creatives an ad panel can show, who each one is for, and how long it plays.
// Parsed from a JSON file (configs/campaigns.json documents the format):
//
//   { "default_creative": "welcome",
//     "defaults": { "min_display_ms": 4000, "max_display_ms": 0, "cooldown_ms": 10000 },
//     "creatives": [
//       { "id": "welcome", "file": "creatives/welcome.png" },
//       { "id": "family", "file": "creatives/family.png", "priority": 30,
//         "min_display_ms": 5000, "cooldown_ms": 20000,
//         "target": { "live_viewers": { "min": 3 },
//                     "age_bands": ["25-34", "35-44"],
//                     "gender": { "label": "female", "min_share": 0.6 },
//                     "expressions": ["happy", "surprised"],
//                     "time_of_day": { "from": "06:00", "to": "11:00" } } } ] }
//
// Every condition present in "target" must hold (AND). Relative "file" paths are resolved
// against the campaigns file's folder. Errors name the file and the JSON path of the problem.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace retail::campaign {

struct Range {
  std::optional<double> min;
  std::optional<double> max;
  bool contains(double v) const { return (!min || v >= *min) && (!max || v <= *max); }
};

// Local time of day in minutes after midnight; `from` inclusive, `to` exclusive; wraps past
// midnight when from > to (e.g. 22:00-06:00).
struct TimeWindow {
  int from_minute = 0;
  int to_minute = 0;
  bool contains(int minute_of_day) const;
};

struct Target {
  std::optional<Range> live_viewers;   // number of live viewers (window average, rounded)
  std::vector<std::string> age_bands;  // the dominant age band is one of these
  std::string gender;                  // with gender_share: share of viewers of this gender
  Range gender_share;
  std::vector<std::string> expressions;  // the dominant expression is one of these
  std::optional<TimeWindow> time_of_day;

  bool uses_demographics() const {
    return !age_bands.empty() || !gender.empty() || !expressions.empty();
  }
  bool empty() const { return !live_viewers && !uses_demographics() && !time_of_day; }
};

struct Creative {
  std::string id;
  std::string file;       // resolved path of the PNG/JPEG
  std::string json_path;  // "$.creatives[2]", for messages
  int priority = 0;       // higher wins among matching creatives
  int64_t min_display_ms = 4000;
  int64_t max_display_ms = 0;  // 0 = as long as it stays the best choice
  int64_t cooldown_ms = 0;     // after it ends, it is not chosen again for this long
  Target target;
  bool enabled = true;  // false when privacy rules out its targeting
};

enum class Privacy { kNone, kEu };
const char* to_string(Privacy p);

struct Campaigns {
  std::string file;
  std::vector<Creative> creatives;
  int default_index = -1;  // the creative shown when no targeted one matches

  int index_of(const std::string& id) const;  // -1 when absent
};

// Parses campaigns JSON. `file` names the source in messages; `base_dir` resolves relative
// creative paths. Throws retail::Error(kConfig) naming file and JSON path. Does not touch disk.
Campaigns parse_campaigns(const std::string& json_text, const std::string& file,
                          const std::string& base_dir);
// Reads and parses `path`, then checks every creative file exists (kNotFound naming the
// campaigns file, the JSON path and the missing file otherwise).
Campaigns load_campaigns(const std::string& path);

// privacy=eu: disables every non-default creative whose target uses age band, gender or
// expression. Returns one warning per disabled creative.
std::vector<std::string> apply_privacy(Campaigns& campaigns, Privacy privacy);

}  // namespace retail::campaign
