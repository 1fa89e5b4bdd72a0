// Campaign targeting: parsing errors name file and JSON path; each rule, priority, min display
// time, max display time and cool-down on scripted audiences.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include "campaign/audience.h"
#include "campaign/campaigns.h"
#include "campaign/playout.h"
#include "common/error.h"
#include "common/json.h"

using namespace retail;
using namespace retail::campaign;

namespace {

Campaigns parse(const std::string& json) { return parse_campaigns(json, "test.json", "/base"); }

std::string error_of(const std::string& json) {
  try {
    parse(json);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// A scripted audience: `viewers` live faces with the given labels (one per viewer).
AudienceSummary audience(int viewers, const std::vector<std::string>& ages = {},
                         const std::vector<std::string>& genders = {},
                         const std::vector<std::string>& emotions = {}, int people = 0) {
  AudienceSummary a;
  a.live_viewers = viewers;
  a.faces = viewers;
  a.people = people;
  for (const auto& x : ages) a.age_bands[x] += 1;
  for (const auto& x : genders) a.genders[x] += 1;
  for (const auto& x : emotions) a.emotions[x] += 1;
  for (int i = 0; i < viewers; ++i) a.viewer_track_ids.push_back(static_cast<uint64_t>(i + 1));
  return a;
}

const char* kCampaigns = R"({
  "default_creative": "welcome",
  "defaults": {"min_display_ms": 3000, "cooldown_ms": 0},
  "creatives": [
    {"id": "welcome", "file": "creatives/welcome.png"},
    {"id": "group", "file": "group.png", "priority": 10, "target": {"live_viewers": {"min": 3}}},
    {"id": "youth", "file": "youth.png", "priority": 20,
     "target": {"age_bands": ["<18", "18-24"]}},
    {"id": "women", "file": "women.png", "priority": 15,
     "target": {"gender": {"label": "female", "min_share": 0.6}}},
    {"id": "smile", "file": "smile.png", "priority": 5, "target": {"expressions": ["happy"]}},
    {"id": "morning", "file": "morning.png", "priority": 1,
     "target": {"time_of_day": {"from": "06:00", "to": "11:00"}, "live_viewers": {"min": 1}}}
  ]})";

int pick(const Campaigns& c, const AudienceSummary& a, int minute = 15 * 60) {
  return select_creative(c, a, minute, 0, std::vector<int64_t>(c.creatives.size(), kNever));
}
std::string pick_id(const Campaigns& c, const AudienceSummary& a, int minute = 15 * 60) {
  return c.creatives[static_cast<size_t>(pick(c, a, minute))].id;
}

}  // namespace

TEST(CampaignParse, ReadsCreativesDefaultsAndTargets) {
  const Campaigns c = parse(kCampaigns);
  ASSERT_EQ(c.creatives.size(), 6U);
  EXPECT_EQ(c.creatives[static_cast<size_t>(c.default_index)].id, "welcome");
  EXPECT_EQ(c.creatives[0].file, "/base/creatives/welcome.png");
  EXPECT_EQ(c.creatives[1].min_display_ms, 3000);
  EXPECT_EQ(c.creatives[1].priority, 10);
  ASSERT_TRUE(c.creatives[1].target.live_viewers.has_value());
  EXPECT_EQ(*c.creatives[1].target.live_viewers->min, 3.0);
  EXPECT_FALSE(c.creatives[1].target.live_viewers->max.has_value());
  EXPECT_EQ(c.creatives[3].target.gender, "female");
  EXPECT_DOUBLE_EQ(*c.creatives[3].target.gender_share.min, 0.6);
  ASSERT_TRUE(c.creatives[5].target.time_of_day.has_value());
  EXPECT_EQ(c.creatives[5].target.time_of_day->from_minute, 360);
  EXPECT_EQ(c.creatives[5].target.time_of_day->to_minute, 660);
}

TEST(CampaignParse, ErrorsNameFileAndJsonPath) {
  struct Case {
    const char* json;
    const char* expect;
  };
  const Case cases[] = {
      {"{", "test.json: invalid JSON"},
      {R"({"creatives": []})", "test.json: $.creatives: empty"},
      {R"({"creatives": [{"id": "a", "file": "a.png"}]})",
       "test.json: $.default_creative: missing"},
      {R"({"default_creative": "b", "creatives": [{"id": "a", "file": "a.png"}]})",
       "test.json: $.default_creative: no creative has id 'b'"},
      {R"({"default_creative": "a", "creatives": [{"id": "a"}]})",
       "test.json: $.creatives[0].file: missing"},
      {R"({"default_creative": "a", "creatives": [{"id": "a", "file": "a.png"},
          {"id": "b", "file": "b.png", "target": {"age_bands": ["20-30"]}}]})",
       "test.json: $.creatives[1].target.age_bands[0]: unknown label '20-30'"},
      {R"({"default_creative": "a", "creatives": [{"id": "a", "file": "a.png"},
          {"id": "b", "file": "b.png", "target": {"agebands": ["<18"]}}]})",
       "test.json: $.creatives[1].target.agebands: unknown key"},
      {R"({"default_creative": "a", "creatives": [{"id": "a", "file": "a.png"},
          {"id": "b", "file": "b.png", "target": {"time_of_day": {"from": "7am", "to": "09:00"}}}]})",
       "test.json: $.creatives[1].target.time_of_day.from: expected a local time"},
      {R"({"default_creative": "a", "creatives": [{"id": "a", "file": "a.png"},
          {"id": "b", "file": "b.png", "target": {"gender": {"label": "female", "min_share": 2}}}]})",
       "test.json: $.creatives[1].target.gender: shares are fractions"},
      {R"({"default_creative": "a", "creatives": [{"id": "a", "file": "a.png", "cooldown_ms": "x"}]})",
       "test.json: $.creatives[0].cooldown_ms: expected a number"},
      {R"({"default_creative": "a", "creatives": [{"id": "a", "file": "a.png"}, {"id": "a", "file": "b.png"}]})",
       "test.json: $.creatives[1].id: duplicate id 'a'"},
      {R"({"default_creative": "a", "creatives": [{"id": "a", "file": "a.png",
          "target": {"live_viewers": {"min": 3, "max": 1}}}]})",
       "test.json: $.creatives[0].target.live_viewers: min is greater than max"},
  };
  for (const auto& c : cases) {
    const std::string err = error_of(c.json);
    EXPECT_NE(err.find(c.expect), std::string::npos) << "got: '" << err << "' for " << c.json;
  }
}

TEST(CampaignParse, MissingCreativeFileNamesFileAndPath) {
  const auto dir = std::filesystem::temp_directory_path() / "campaign_missing_test";
  std::filesystem::create_directories(dir);
  const auto json = dir / "campaigns.json";
  std::ofstream(json) << R"({"default_creative": "a", "creatives": [
      {"id": "a", "file": "a.png"}, {"id": "b", "file": "nope.png"}]})";
  std::ofstream(dir / "a.png") << "x";
  try {
    load_campaigns(json.string());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kNotFound);
    const std::string m = e.what();
    EXPECT_NE(m.find(json.string() + ": $.creatives[1].file"), std::string::npos) << m;
    EXPECT_NE(m.find("nope.png"), std::string::npos) << m;
  }
  try {
    load_campaigns((dir / "absent.json").string());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kNotFound);
    EXPECT_NE(std::string(e.what()).find("absent.json"), std::string::npos);
  }
  std::filesystem::remove_all(dir);
}

TEST(CampaignParse, ShippedCampaignsLoad) {
  const Campaigns c = load_campaigns(std::string(RETAIL_SOURCE_DIR) + "/configs/campaigns.json");
  EXPECT_GE(c.creatives.size(), 4U);
  EXPECT_GE(c.default_index, 0);
}

TEST(CampaignRules, NoAudienceGivesDefault) {
  const Campaigns c = parse(kCampaigns);
  EXPECT_EQ(pick_id(c, audience(0)), "welcome");
}

TEST(CampaignRules, LiveViewers) {
  const Campaigns c = parse(kCampaigns);
  EXPECT_EQ(pick_id(c, audience(2)), "welcome");
  EXPECT_EQ(pick_id(c, audience(3)), "group");
  EXPECT_EQ(pick_id(c, audience(7)), "group");
  // Averages round to the nearest viewer: 2.4 is 2, 2.6 is 3.
  AudienceSummary a = audience(0);
  a.live_viewers = 2.4;
  EXPECT_EQ(pick_id(c, a), "welcome");
  a.live_viewers = 2.6;
  EXPECT_EQ(pick_id(c, a), "group");
  Target t;
  t.live_viewers = Range{1.0, 2.0};
  EXPECT_FALSE(matches(t, audience(0), 0));
  EXPECT_TRUE(matches(t, audience(1), 0));
  EXPECT_TRUE(matches(t, audience(2), 0));
  EXPECT_FALSE(matches(t, audience(3), 0));
}

TEST(CampaignRules, DominantAgeBand) {
  const Campaigns c = parse(kCampaigns);
  EXPECT_EQ(pick_id(c, audience(2, {"18-24", "18-24"})), "youth");
  EXPECT_EQ(pick_id(c, audience(2, {"<18", "45-54"})), "youth");  // tie: younger band listed first
  EXPECT_EQ(pick_id(c, audience(3, {"45-54", "45-54", "18-24"})), "group");  // 45-54 dominates
  EXPECT_EQ(pick_id(c, audience(1, {"35-44"})), "welcome");
}

TEST(CampaignRules, GenderShare) {
  const Campaigns c = parse(kCampaigns);
  EXPECT_EQ(pick_id(c, audience(2, {}, {"female", "female"})), "women");
  EXPECT_EQ(pick_id(c, audience(2, {}, {"female", "male"})), "welcome");  // 0.5 < 0.6
  EXPECT_EQ(pick_id(c, audience(2, {}, {"male", "male"})), "welcome");
  EXPECT_EQ(pick_id(c, audience(2)), "welcome");  // no gender known: the rule cannot hold
  AudienceSummary a = audience(5);
  a.genders = {{"female", 3}, {"male", 2}};
  EXPECT_DOUBLE_EQ(*a.gender_share("female"), 0.6);
  EXPECT_EQ(pick_id(c, a), "women");  // 15 beats group's 10
}

TEST(CampaignRules, DominantExpression) {
  const Campaigns c = parse(kCampaigns);
  EXPECT_EQ(pick_id(c, audience(1, {}, {}, {"happy"})), "smile");
  EXPECT_EQ(pick_id(c, audience(2, {}, {}, {"happy", "neutral"})), "welcome");     // tie: neutral
  EXPECT_EQ(pick_id(c, audience(3, {}, {}, {"happy", "happy", "sad"})), "group");  // 10 > 5
}

TEST(CampaignRules, TimeOfDay) {
  const Campaigns c = parse(kCampaigns);
  EXPECT_EQ(pick_id(c, audience(1), 6 * 60), "morning");
  EXPECT_EQ(pick_id(c, audience(1), 10 * 60 + 59), "morning");
  EXPECT_EQ(pick_id(c, audience(1), 11 * 60), "welcome");
  EXPECT_EQ(pick_id(c, audience(1), 5 * 60 + 59), "welcome");
  EXPECT_EQ(pick_id(c, audience(0), 7 * 60), "welcome");  // needs a viewer too (AND)
  TimeWindow night{22 * 60, 6 * 60};
  EXPECT_TRUE(night.contains(23 * 60));
  EXPECT_TRUE(night.contains(60));
  EXPECT_FALSE(night.contains(12 * 60));
}

TEST(CampaignRules, PriorityOrderAndTies) {
  const Campaigns c = parse(kCampaigns);
  // Young, female, happy group of 3 in the morning: every rule holds; youth (20) wins.
  const AudienceSummary all = audience(3, {"18-24", "18-24", "18-24"},
                                       {"female", "female", "female"}, {"happy", "happy", "happy"});
  EXPECT_EQ(pick_id(c, all, 7 * 60), "youth");
  // Equal priority: the one listed first.
  Campaigns tie = parse(R"({"default_creative": "d", "creatives": [
      {"id": "d", "file": "d.png"},
      {"id": "x", "file": "x.png", "priority": 5, "target": {"live_viewers": {"min": 1}}},
      {"id": "y", "file": "y.png", "priority": 5, "target": {"live_viewers": {"min": 1}}}]})");
  EXPECT_EQ(pick_id(tie, audience(1)), "x");
}

TEST(CampaignRules, PrivacyEuDisablesDemographicRules) {
  Campaigns c = parse(kCampaigns);
  const auto warnings = apply_privacy(c, Privacy::kEu);
  ASSERT_EQ(warnings.size(), 3U);  // youth, women, smile
  EXPECT_NE(warnings[0].find("$.creatives[2].target"), std::string::npos) << warnings[0];
  const AudienceSummary all = audience(3, {"18-24", "18-24", "18-24"},
                                       {"female", "female", "female"}, {"happy", "happy", "happy"});
  EXPECT_EQ(pick_id(c, all), "group");
  EXPECT_EQ(pick_id(c, audience(1, {"18-24"}, {"female"}, {"happy"})), "welcome");
  Campaigns none = parse(kCampaigns);
  EXPECT_TRUE(apply_privacy(none, Privacy::kNone).empty());
}

TEST(CampaignRules, CooldownExcludesRecentlyEnded) {
  Campaigns c = parse(kCampaigns);
  c.creatives[1].cooldown_ms = 10000;  // group
  std::vector<int64_t> ends(c.creatives.size(), kNever);
  ends[1] = 5000;
  EXPECT_EQ(c.creatives[static_cast<size_t>(select_creative(c, audience(3), 0, 14999, ends))].id,
            "welcome");
  EXPECT_EQ(c.creatives[static_cast<size_t>(select_creative(c, audience(3), 0, 15000, ends))].id,
            "group");
}

// ---- Playout: time on screen, switches, impressions ----

namespace {

struct PlayRun {
  std::vector<std::string> shown;  // creative id per frame
  std::vector<Event> events;
};

// Plays `frames` at 10 fps, audience given per frame by `script`.
PlayRun play(Playout& p, int frames, const std::function<AudienceSummary(int)>& script,
             int start_frame = 0) {
  PlayRun r;
  for (int i = start_frame; i < start_frame + frames; ++i) {
    const int64_t pts = i * 100;
    auto ev = p.update(script(i), pts, 1700000000000000LL + pts * 1000, 12 * 60);
    r.events.insert(r.events.end(), ev.begin(), ev.end());
    r.shown.push_back(p.current_id());
  }
  return r;
}

json::NodePtr payload(const Event& e) { return json::parse(e.payload_json, "payload"); }
int64_t member_int(JsonNode* n, const char* k) {
  return json_object_get_int_member(json_node_get_object(n), k);
}

}  // namespace

TEST(CampaignPlayout, MinDisplayTimeDelaysTheSwitch) {
  Playout p(parse(kCampaigns), PlayoutConfig{400, 0, true});
  // 3 viewers arrive at frame 5 (0.5 s); welcome started at 0 and must stay 3 s.
  PlayRun r = play(p, 60, [](int i) { return audience(i >= 5 ? 3 : 0); });
  EXPECT_EQ(r.shown[5], "welcome");
  EXPECT_EQ(r.shown[29], "welcome");
  EXPECT_EQ(r.shown[30], "group");  // 3000 ms
  ASSERT_EQ(r.events.size(), 1U);
  EXPECT_EQ(r.events[0].type, "ad_impression");
  auto n = payload(r.events[0]);
  EXPECT_EQ(
      std::string(json_object_get_string_member(json_node_get_object(n.get()), "creative_id")),
      "welcome");
  EXPECT_EQ(member_int(n.get(), "duration_ms"), 3000);
  EXPECT_FALSE(json_object_get_boolean_member(json_node_get_object(n.get()), "targeted"));
  EXPECT_EQ(member_int(n.get(), "live_viewers"), 3);  // distinct tracked viewers seen
  EXPECT_EQ(std::string(json_object_get_string_member(json_node_get_object(n.get()), "start_ts")),
            "2023-11-14T22:13:20.000Z");
  EXPECT_EQ(std::string(json_object_get_string_member(json_node_get_object(n.get()), "end_ts")),
            "2023-11-14T22:13:23.000Z");
}

TEST(CampaignPlayout, FlickeringAudienceDoesNotSwitchBeforeMinDisplay) {
  Playout p(parse(kCampaigns), PlayoutConfig{400, 0, true});
  PlayRun r = play(p, 60, [](int i) { return audience(i >= 1 ? 3 : 0); });
  ASSERT_EQ(r.shown[29], "welcome");
  ASSERT_EQ(r.shown[30], "group");
  // The audience drops at frame 31: group has played 0.1 s, stays until 6.0 s.
  Playout q(parse(kCampaigns), PlayoutConfig{400, 0, true});
  PlayRun s = play(q, 80, [](int i) { return audience(i >= 1 && i <= 30 ? 3 : 0); });
  EXPECT_EQ(s.shown[31], "group");
  EXPECT_EQ(s.shown[59], "group");
  EXPECT_EQ(s.shown[60], "welcome");
  ASSERT_EQ(s.events.size(), 2U);
  auto n = payload(s.events[1]);
  EXPECT_EQ(member_int(n.get(), "duration_ms"), 3000);
  EXPECT_TRUE(json_object_get_boolean_member(json_node_get_object(n.get()), "targeted"));
  EXPECT_EQ(member_int(n.get(), "live_viewers"), 3);
}

TEST(CampaignPlayout, CooldownAfterAnImpression) {
  Campaigns c = parse(kCampaigns);
  c.creatives[1].cooldown_ms = 5000;  // group
  c.creatives[1].max_display_ms = 4000;
  Playout p(c, PlayoutConfig{0, 0, true});
  PlayRun r = play(p, 200, [](int) { return audience(3); });
  // group from 0 (first frame), max 4 s, then cool-down 5 s (welcome), then group again.
  EXPECT_EQ(r.shown[0], "group");
  EXPECT_EQ(r.shown[39], "group");
  EXPECT_EQ(r.shown[40], "welcome");
  EXPECT_EQ(r.shown[89], "welcome");
  EXPECT_EQ(r.shown[90], "group");
  ASSERT_GE(r.events.size(), 3U);
  EXPECT_EQ(member_int(payload(r.events[0]).get(), "duration_ms"), 4000);
  EXPECT_EQ(member_int(payload(r.events[1]).get(), "duration_ms"), 5000);
}

TEST(CampaignPlayout, CrossFadeOnChange) {
  Playout p(parse(kCampaigns), PlayoutConfig{400, 0, true});
  play(p, 30, [](int i) { return audience(i >= 1 ? 3 : 0); });
  PanelState s = p.panel();  // frame 29: welcome, no fade
  EXPECT_EQ(s.previous, -1);
  play(
      p, 1, [](int) { return audience(3); }, 30);
  s = p.panel();
  EXPECT_EQ(s.current, 1);
  EXPECT_EQ(s.previous, 0);
  EXPECT_DOUBLE_EQ(s.fade, 0.0);
  play(
      p, 2, [](int) { return audience(3); }, 31);
  s = p.panel();  // 200 ms into a 400 ms fade
  EXPECT_DOUBLE_EQ(s.fade, 0.5);
  play(
      p, 2, [](int) { return audience(3); }, 33);
  s = p.panel();
  EXPECT_EQ(s.previous, -1);
  EXPECT_DOUBLE_EQ(s.fade, 1.0);
}

TEST(CampaignPlayout, AudienceWindowSmoothsSingleFrameDrops) {
  Playout p(parse(kCampaigns), PlayoutConfig{0, 1000, true});
  // 3 viewers, but every 4th frame the detector misses one: the 1 s average stays >= 2.5.
  PlayRun r = play(p, 60, [](int i) { return audience(i % 4 == 0 ? 2 : 3); });
  EXPECT_EQ(r.shown[35], "group");
  EXPECT_EQ(r.shown[59], "group");
}

TEST(CampaignPlayout, ImpressionAudienceAndPrivacy) {
  const auto script = [](int) {
    return audience(2, {"25-34", "25-34"}, {"female", "male"}, {"happy", "neutral"}, 4);
  };
  Playout p(parse(kCampaigns), PlayoutConfig{0, 0, true});
  play(p, 20, script);
  auto ev = p.finish(2000, 1700000002000000LL);
  ASSERT_TRUE(ev.has_value());
  EXPECT_NE(ev->payload_json.find("\"age_bands\":{\"25-34\":40}"), std::string::npos)
      << ev->payload_json;
  auto n = payload(*ev);
  JsonObject* aud = json_object_get_object_member(json_node_get_object(n.get()), "audience");
  EXPECT_EQ(json_object_get_int_member(aud, "frames"), 20);
  EXPECT_DOUBLE_EQ(json_object_get_double_member(aud, "avg_viewers"), 2.0);
  EXPECT_DOUBLE_EQ(json_object_get_double_member(aud, "avg_people"), 4.0);
  EXPECT_EQ(std::string(json_object_get_string_member(aud, "dominant_age_band")), "25-34");
  EXPECT_FALSE(p.finish(2000, 0).has_value());  // nothing left running

  Playout eu(parse(kCampaigns), PlayoutConfig{0, 0, false});
  play(eu, 20, script);
  auto e2 = eu.finish(2000, 1700000002000000LL);
  ASSERT_TRUE(e2.has_value());
  for (const char* word : {"age", "gender", "emotion", "female", "happy", "25-34"})
    EXPECT_EQ(e2->payload_json.find(word), std::string::npos) << word << " in " << e2->payload_json;
  // No per-person data in any impression: no track ids, no boxes.
  for (const char* word : {"track", "box", "\"id\""})
    EXPECT_EQ(ev->payload_json.find(word), std::string::npos) << word;
}

TEST(CampaignAudience, SummarizeCountsLiveViewersOnly) {
  FrameAnalytics f;
  auto add_face = [&f](uint64_t id, uint64_t track, const char* live, const char* age) {
    Object o;
    o.id = id;
    o.cls = ObjectClass::kFace;
    o.track_id = track;
    o.box = {0.1F, 0.1F, 0.1F, 0.1F};
    f.objects.push_back(o);
    if (live != nullptr) f.set_attribute({id, "liveness", live, 0.9F, 0});
    if (age != nullptr) f.set_attribute({id, "age_band", age, 0.9F, 30});
  };
  Object person;
  person.id = 10;
  f.objects.push_back(person);
  add_face(1, 7, "live", "25-34");
  add_face(2, 8, "spoof", "65+");
  add_face(3, 9, nullptr, "<18");
  AudienceSummary s = summarize(f, {});
  EXPECT_EQ(s.people, 1);
  EXPECT_EQ(s.faces, 3);
  EXPECT_EQ(s.viewers(), 1);
  EXPECT_EQ(s.dominant_age_band(), "25-34");
  EXPECT_EQ(s.viewer_track_ids, std::vector<uint64_t>{7});
  AudienceSummary all = summarize(f, {false, true});
  EXPECT_EQ(all.viewers(), 3);
  AudienceSummary eu = summarize(f, {true, false});
  EXPECT_EQ(eu.viewers(), 1);
  EXPECT_TRUE(eu.age_bands.empty());
}

TEST(CampaignAudience, UnknownLabelsAreNeitherCountedNorMatched) {
  // retailattr writes "unknown" until a track's evidence is enough: such viewers count as
  // viewers, but no age/gender/expression rule may match on them.
  FrameAnalytics f;
  for (uint64_t id : {1, 2}) {
    Object o;
    o.id = id;
    o.cls = ObjectClass::kFace;
    o.track_id = id + 10;
    f.objects.push_back(o);
    f.set_attribute({id, "liveness", "live", 0.9F, 0});
    f.set_attribute({id, "age_band", "unknown", 0.F, 20});
    f.set_attribute({id, "gender", "unknown", 0.F, 0.2});
    f.set_attribute({id, "emotion", "unknown", 0.F, 0});
  }
  const AudienceSummary s = summarize(f, {});
  EXPECT_EQ(s.viewers(), 2);
  EXPECT_TRUE(s.age_bands.empty());
  EXPECT_TRUE(s.genders.empty());
  EXPECT_TRUE(s.emotions.empty());
  EXPECT_EQ(s.dominant_age_band(), "");
  EXPECT_FALSE(s.gender_share("female").has_value());
  const Campaigns c = parse(kCampaigns);
  EXPECT_EQ(pick_id(c, s), "welcome") << "no youth/women/smile creative on unknown labels";
  // One confident viewer among unknown ones decides alone.
  f.set_attribute({1, "age_band", "18-24", 0.8F, 21});
  EXPECT_EQ(pick_id(c, summarize(f, {})), "youth");
}
