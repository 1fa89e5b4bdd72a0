#include "campaign/campaigns.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "campaign/audience.h"
#include "common/error.h"
#include "common/json.h"
#include "common/paths.h"

namespace retail::campaign {

bool TimeWindow::contains(int minute_of_day) const {
  if (from_minute == to_minute) return true;
  if (from_minute < to_minute) return minute_of_day >= from_minute && minute_of_day < to_minute;
  return minute_of_day >= from_minute || minute_of_day < to_minute;
}

const char* to_string(Privacy p) { return p == Privacy::kEu ? "eu" : "none"; }

int Campaigns::index_of(const std::string& id) const {
  for (size_t i = 0; i < creatives.size(); ++i)
    if (creatives[i].id == id) return static_cast<int>(i);
  return -1;
}

namespace {

class Parser {
 public:
  explicit Parser(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const std::string& path, const std::string& what) const {
    throw Error(ErrorKind::kConfig, file_ + ": " + path + ": " + what);
  }

  JsonObject* object(JsonNode* n, const std::string& path) const {
    if (n == nullptr || !JSON_NODE_HOLDS_OBJECT(n)) fail(path, "expected a JSON object");
    return json_node_get_object(n);
  }
  JsonArray* array(JsonNode* n, const std::string& path) const {
    if (n == nullptr || !JSON_NODE_HOLDS_ARRAY(n)) fail(path, "expected a JSON array");
    return json_node_get_array(n);
  }
  std::string string(JsonNode* n, const std::string& path) const {
    if (n == nullptr || json_node_get_value_type(n) != G_TYPE_STRING)
      fail(path, "expected a string");
    return json_node_get_string(n);
  }
  double number(JsonNode* n, const std::string& path) const {
    if (n == nullptr || !JSON_NODE_HOLDS_VALUE(n)) fail(path, "expected a number");
    const GType t = json_node_get_value_type(n);
    if (t == G_TYPE_INT64) return static_cast<double>(json_node_get_int(n));
    if (t == G_TYPE_DOUBLE) return json_node_get_double(n);
    fail(path, "expected a number");
  }
  int64_t milliseconds(JsonNode* n, const std::string& path) const {
    const double v = number(n, path);
    if (v < 0 || v > 86400000.0 * 365) fail(path, "expected a duration in ms >= 0");
    return static_cast<int64_t>(v);
  }
  // Rejects members not in `allowed`, so a typo does not silently disable a rule.
  void only(JsonObject* o, const std::string& path, const std::set<std::string>& allowed) const {
    GList* members = json_object_get_members(o);
    for (GList* l = members; l != nullptr; l = l->next) {
      const std::string name = static_cast<const char*>(l->data);
      if (allowed.count(name) == 0) {
        std::string list;
        for (const auto& a : allowed) list.append(list.empty() ? "" : ", ").append(a);
        g_list_free(members);
        std::string where = path;
        where.append(".").append(name);
        std::string what = "unknown key (expected one of: ";
        what.append(list).append(")");
        fail(where, what);
      }
    }
    g_list_free(members);
  }
  std::vector<std::string> labels(JsonNode* n, const std::string& path,
                                  const std::vector<std::string>& valid) const {
    JsonArray* a = array(n, path);
    std::vector<std::string> out;
    for (guint i = 0; i < json_array_get_length(a); ++i) {
      const std::string p = path + "[" + std::to_string(i) + "]";
      std::string v = string(json_array_get_element(a, i), p);
      if (std::find(valid.begin(), valid.end(), v) == valid.end()) {
        std::string list;
        for (const auto& x : valid) list.append(list.empty() ? "" : ", ").append(x);
        std::string what = "unknown label '";
        what.append(v).append("' (expected one of: ").append(list).append(")");
        fail(p, what);
      }
      out.push_back(std::move(v));
    }
    if (out.empty()) fail(path, "empty list: remove the key or name at least one label");
    return out;
  }
  Range range(JsonNode* n, const std::string& path, const char* min_key,
              const char* max_key) const {
    JsonObject* o = object(n, path);
    only(o, path, {min_key, max_key});
    Range r;
    if (json_object_has_member(o, min_key))
      r.min = number(json_object_get_member(o, min_key), path + "." + min_key);
    if (json_object_has_member(o, max_key))
      r.max = number(json_object_get_member(o, max_key), path + "." + max_key);
    if (!r.min && !r.max)
      fail(path, std::string("give '") + min_key + "' and/or '" + max_key + "'");
    if (r.min && r.max && *r.min > *r.max) fail(path, "min is greater than max");
    return r;
  }
  int clock(JsonNode* n, const std::string& path) const {
    const std::string s = string(n, path);
    int h = -1;
    int m = -1;
    char extra = 0;
    if (std::sscanf(s.c_str(), "%d:%d%c", &h, &m, &extra) != 2 || h < 0 || h > 24 || m < 0 ||
        m > 59 || (h == 24 && m != 0))
      fail(path, "expected a local time \"HH:MM\", got '" + s + "'");
    return h * 60 + m;
  }

  Target target(JsonNode* n, const std::string& path) const {
    JsonObject* o = object(n, path);
    only(o, path, {"live_viewers", "age_bands", "gender", "expressions", "time_of_day"});
    Target t;
    if (json_object_has_member(o, "live_viewers")) {
      t.live_viewers =
          range(json_object_get_member(o, "live_viewers"), path + ".live_viewers", "min", "max");
    }
    if (json_object_has_member(o, "age_bands"))
      t.age_bands = labels(json_object_get_member(o, "age_bands"), path + ".age_bands", kAgeBands);
    if (json_object_has_member(o, "expressions")) {
      t.expressions =
          labels(json_object_get_member(o, "expressions"), path + ".expressions", kEmotions);
    }
    if (json_object_has_member(o, "gender")) {
      const std::string gp = path + ".gender";
      JsonObject* g = object(json_object_get_member(o, "gender"), gp);
      only(g, gp, {"label", "min_share", "max_share"});
      if (!json_object_has_member(g, "label")) fail(gp + ".label", "missing (male or female)");
      t.gender = string(json_object_get_member(g, "label"), gp + ".label");
      if (std::find(kGenders.begin(), kGenders.end(), t.gender) == kGenders.end())
        fail(gp + ".label", "unknown label '" + t.gender + "' (expected male or female)");
      if (json_object_has_member(g, "min_share"))
        t.gender_share.min = number(json_object_get_member(g, "min_share"), gp + ".min_share");
      if (json_object_has_member(g, "max_share"))
        t.gender_share.max = number(json_object_get_member(g, "max_share"), gp + ".max_share");
      if (!t.gender_share.min && !t.gender_share.max)
        fail(gp, "give 'min_share' and/or 'max_share' (0..1)");
      for (auto v : {t.gender_share.min, t.gender_share.max})
        if (v && (*v < 0.0 || *v > 1.0)) fail(gp, "shares are fractions between 0 and 1");
    }
    if (json_object_has_member(o, "time_of_day")) {
      const std::string tp = path + ".time_of_day";
      JsonObject* w = object(json_object_get_member(o, "time_of_day"), tp);
      only(w, tp, {"from", "to"});
      if (!json_object_has_member(w, "from") || !json_object_has_member(w, "to"))
        fail(tp, "give both 'from' and 'to' as \"HH:MM\"");
      t.time_of_day = TimeWindow{clock(json_object_get_member(w, "from"), tp + ".from"),
                                 clock(json_object_get_member(w, "to"), tp + ".to")};
    }
    return t;
  }

 private:
  std::string file_;
};

}  // namespace

Campaigns parse_campaigns(const std::string& json_text, const std::string& file,
                          const std::string& base_dir) {
  Parser p(file);
  json::NodePtr root = json::parse(json_text, file);
  JsonObject* top = p.object(root.get(), "$");
  p.only(top, "$", {"default_creative", "defaults", "creatives", "comment"});

  Creative defaults;
  if (json_object_has_member(top, "defaults")) {
    JsonObject* d = p.object(json_object_get_member(top, "defaults"), "$.defaults");
    p.only(d, "$.defaults", {"min_display_ms", "max_display_ms", "cooldown_ms"});
    if (json_object_has_member(d, "min_display_ms"))
      defaults.min_display_ms =
          p.milliseconds(json_object_get_member(d, "min_display_ms"), "$.defaults.min_display_ms");
    if (json_object_has_member(d, "max_display_ms"))
      defaults.max_display_ms =
          p.milliseconds(json_object_get_member(d, "max_display_ms"), "$.defaults.max_display_ms");
    if (json_object_has_member(d, "cooldown_ms"))
      defaults.cooldown_ms =
          p.milliseconds(json_object_get_member(d, "cooldown_ms"), "$.defaults.cooldown_ms");
  }

  Campaigns c;
  c.file = file;
  if (!json_object_has_member(top, "creatives"))
    p.fail("$.creatives", "missing: list the creatives");
  JsonArray* list = p.array(json_object_get_member(top, "creatives"), "$.creatives");
  if (json_array_get_length(list) == 0) p.fail("$.creatives", "empty: list at least one creative");
  for (guint i = 0; i < json_array_get_length(list); ++i) {
    const std::string path = "$.creatives[" + std::to_string(i) + "]";
    JsonObject* o = p.object(json_array_get_element(list, i), path);
    p.only(o, path,
           {"id", "file", "priority", "min_display_ms", "max_display_ms", "cooldown_ms", "target",
            "comment"});
    Creative cr = defaults;
    cr.json_path = path;
    if (!json_object_has_member(o, "id")) p.fail(path + ".id", "missing");
    cr.id = p.string(json_object_get_member(o, "id"), path + ".id");
    if (cr.id.empty()) p.fail(path + ".id", "empty id");
    if (c.index_of(cr.id) >= 0) p.fail(path + ".id", "duplicate id '" + cr.id + "'");
    if (!json_object_has_member(o, "file")) p.fail(path + ".file", "missing: the PNG/JPEG path");
    const std::string f = p.string(json_object_get_member(o, "file"), path + ".file");
    if (f.empty()) p.fail(path + ".file", "empty path");
    cr.file = std::filesystem::path(f).is_absolute() || base_dir.empty()
                  ? f
                  : (std::filesystem::path(base_dir) / f).lexically_normal().string();
    if (json_object_has_member(o, "priority")) {
      const double pr = p.number(json_object_get_member(o, "priority"), path + ".priority");
      if (pr != static_cast<double>(static_cast<int>(pr)))
        p.fail(path + ".priority", "expected an integer");
      cr.priority = static_cast<int>(pr);
    }
    if (json_object_has_member(o, "min_display_ms"))
      cr.min_display_ms =
          p.milliseconds(json_object_get_member(o, "min_display_ms"), path + ".min_display_ms");
    if (json_object_has_member(o, "max_display_ms"))
      cr.max_display_ms =
          p.milliseconds(json_object_get_member(o, "max_display_ms"), path + ".max_display_ms");
    if (json_object_has_member(o, "cooldown_ms"))
      cr.cooldown_ms =
          p.milliseconds(json_object_get_member(o, "cooldown_ms"), path + ".cooldown_ms");
    if (cr.max_display_ms > 0 && cr.max_display_ms < cr.min_display_ms)
      p.fail(path + ".max_display_ms", "smaller than min_display_ms");
    if (json_object_has_member(o, "target"))
      cr.target = p.target(json_object_get_member(o, "target"), path + ".target");
    c.creatives.push_back(std::move(cr));
  }

  if (!json_object_has_member(top, "default_creative"))
    p.fail("$.default_creative", "missing: name the creative shown when no target matches");
  const std::string def =
      p.string(json_object_get_member(top, "default_creative"), "$.default_creative");
  c.default_index = c.index_of(def);
  if (c.default_index < 0) p.fail("$.default_creative", "no creative has id '" + def + "'");
  return c;
}

Campaigns load_campaigns(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error(ErrorKind::kNotFound, "campaigns file '" + path +
                                          "' cannot be opened: check the path (see "
                                          "configs/campaigns.json for the format)");
  }
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  const std::string base = std::filesystem::path(path).parent_path().string();
  Campaigns c = parse_campaigns(text, path, base);
  for (const auto& cr : c.creatives) {
    if (!paths::file_exists(cr.file)) {
      throw Error(ErrorKind::kNotFound, path + ": " + cr.json_path + ".file: creative '" + cr.file +
                                            "' not found: fix the path (relative paths start at "
                                            "the campaigns file's folder) or add the image");
    }
  }
  return c;
}

std::vector<std::string> apply_privacy(Campaigns& campaigns, Privacy privacy) {
  std::vector<std::string> warnings;
  if (privacy != Privacy::kEu) return warnings;
  for (size_t i = 0; i < campaigns.creatives.size(); ++i) {
    Creative& cr = campaigns.creatives[i];
    if (!cr.target.uses_demographics() || static_cast<int>(i) == campaigns.default_index) continue;
    cr.enabled = false;
    warnings.push_back(campaigns.file + ": " + cr.json_path + ".target: creative '" + cr.id +
                       "' targets age band, gender or expression, which privacy=eu forbids: it "
                       "will not be shown (remove those conditions or set privacy=none)");
  }
  return warnings;
}

}  // namespace retail::campaign
