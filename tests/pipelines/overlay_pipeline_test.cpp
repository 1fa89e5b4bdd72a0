// adoverlay on the Hamilton clip with the real analytics chain (retaildetect, retailtrack,
// retailliveness, retailattr): a targeted creative is shown, ad_impression events ride on the
// frames with plausible, contiguous durations and aggregates only; privacy=eu keeps demographics
// out of every impression; the MP4 pipeline writes a playable file with the overlay burned in.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/json.h"
#include "support/test_support.h"

namespace {

using retail::test::pipeline_file;
using retail::test::source_path;

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size()))
    s.replace(p, from.size(), to);
  return s;
}

// overlay-live.pipeline with the window replaced by a fakesink (frames are inspected).
std::string live_pipeline_headless(const std::string& extra_overlay_props = "",
                                   const std::string& campaigns = "") {
  std::string d = pipeline_file("overlay-live.pipeline");
  d = replace_all(
      d, "campaigns-file=configs/campaigns.json",
      "campaigns-file=" + (campaigns.empty() ? source_path("configs/campaigns.json") : campaigns) +
          " " + extra_overlay_props);
  d = replace_all(d, "videoconvert ! autovideosink name=sink", "fakesink name=sink sync=false");
  return d;
}

struct Impression {
  std::string creative;
  std::string start_ts, end_ts;
  int64_t duration_ms = 0;
  int64_t live_viewers = 0;
  bool targeted = false;
  std::string json;
};

Impression parse(const std::string& payload) {
  auto n = retail::json::parse(payload, "ad_impression");
  JsonObject* o = json_node_get_object(n.get());
  Impression i;
  i.creative = json_object_get_string_member(o, "creative_id");
  i.start_ts = json_object_get_string_member(o, "start_ts");
  i.end_ts = json_object_get_string_member(o, "end_ts");
  i.duration_ms = json_object_get_int_member(o, "duration_ms");
  i.live_viewers = json_object_get_int_member(o, "live_viewers");
  i.targeted = json_object_get_boolean_member(o, "targeted");
  i.json = payload;
  return i;
}

// Impressions in stream order: those on frames, then the one posted at EOS.
std::vector<Impression> impressions(const retail::test::RunResult& r, size_t* on_frames) {
  std::vector<Impression> out;
  for (const auto& f : r.frames) {
    if (!f) continue;
    for (const auto& e : f->events)
      if (e.type == "ad_impression") out.push_back(parse(e.payload_json));
  }
  *on_frames = out.size();
  for (GstStructure* s : r.element_messages) {
    if (gst_structure_has_name(s, "adoverlay-impression")) {
      const std::string p = gst_structure_get_string(s, "payload");
      bool seen = false;
      for (const auto& i : out) seen |= i.json == p;
      if (!seen) out.push_back(parse(p));
    }
  }
  return out;
}

}  // namespace

// The shipped campaigns plus one creative for a confident male audience: on the Hamilton clip
// the only confident labels are Lin-Manuel Miranda's (male, 25-34; the audience faces are turned
// away and stay "unknown"), so this is the targeted creative that must appear. Before labels
// had to be confident, wrong ones ("18-24 female" for Michelle Obama) switched the panel to
// spring-collection / youth-sneakers instead.
std::string campaigns_with_menswear() {
  std::ifstream in(source_path("configs/campaigns.json"));
  std::stringstream ss;
  ss << in.rdbuf();
  std::string json = ss.str();
  const std::string creatives = "\"creatives\": [";
  const auto at = json.find(creatives);
  EXPECT_NE(at, std::string::npos);
  json.insert(at + creatives.size(),
              "\n    { \"id\": \"menswear\", \"file\": \"" +
                  source_path("configs/creatives/duo-deal.png") +
                  "\", \"priority\": 36, \"target\": { \"gender\": { \"label\": \"male\", "
                  "\"min_share\": 0.6 } } },");
  json = replace_all(json, "\"creatives/", "\"" + source_path("configs/creatives/"));
  const std::string path =
      (std::filesystem::temp_directory_path() / "overlay_menswear_campaigns.json").string();
  std::ofstream(path) << json;
  return path;
}

TEST(OverlayPipeline, HamiltonShowsTargetedCreativeWithPlausibleImpressions) {
  RETAIL_REQUIRE_SHARED();
  auto r = retail::test::run_pipeline(live_pipeline_headless("", campaigns_with_menswear()), 280);
  ASSERT_EQ(r.error, "") << r.error_debug;
  ASSERT_GE(r.frames.size(), 270U);
  size_t on_frames = 0;
  const auto imps = impressions(r, &on_frames);
  for (const auto& m : imps) std::printf("impression: %s\n", m.json.c_str());
  ASSERT_GE(imps.size(), 2U);
  ASSERT_GE(on_frames, 1U);  // at least one creative ended mid-stream (a switch)

  int targeted = 0;
  int64_t total_ms = 0;
  for (size_t i = 0; i < imps.size(); ++i) {
    const Impression& m = imps[i];
    SCOPED_TRACE(m.json);
    targeted += m.targeted && m.creative != "welcome";
    EXPECT_EQ(m.targeted, m.creative != "welcome");
    // Switches happen no sooner than the minimum display time (3 s; group-deal 4 s).
    if (i < on_frames) {
      EXPECT_GE(m.duration_ms, m.creative == "group-deal" ? 4000 : 3000);
    }
    EXPECT_GT(m.duration_ms, 0);
    EXPECT_LE(m.duration_ms, 15000);  // max_display_ms
    EXPECT_GE(m.live_viewers, 0);
    EXPECT_LE(m.live_viewers, 12);  // at most a handful of distinct live faces in this clip
    if (i > 0) {
      EXPECT_EQ(m.start_ts, imps[i - 1].end_ts);  // contiguous playout
    }
    for (const char* word : {"track", "box", "landmark", "embedding"})
      EXPECT_EQ(m.json.find(word), std::string::npos) << word;
    // Nobody in the clip is confidently young, old or a woman.
    for (const char* wrong : {"spring-collection", "youth-sneakers", "silver-club"})
      EXPECT_NE(m.creative, wrong);
    total_ms += m.duration_ms;
  }
  EXPECT_GE(targeted, 1) << "no targeted creative was shown";
  // Together the impressions cover the whole clip (275 frames at 30 fps = 9.17 s).
  EXPECT_NEAR(static_cast<double>(total_ms), 275 * 1000.0 / 30, 150.0);
}

TEST(OverlayPipeline, HamiltonPrivacyEuKeepsDemographicsOutOfImpressions) {
  RETAIL_REQUIRE_SHARED();
  // retailattr still writes age/gender/emotion; adoverlay privacy=eu must not use or emit them.
  auto r = retail::test::run_pipeline(live_pipeline_headless("privacy=eu"), 280);
  ASSERT_EQ(r.error, "") << r.error_debug;
  size_t on_frames = 0;
  const auto imps = impressions(r, &on_frames);
  ASSERT_GE(imps.size(), 1U);
  for (const auto& m : imps) {
    for (const char* word : {"age", "gender", "emotion", "male", "neutral", "happy", "25-34"})
      EXPECT_EQ(m.json.find(word), std::string::npos) << word << " in " << m.json;
    // Only rules without demographics can have chosen it.
    for (const char* creative :
         {"smile-treat", "spring-collection", "youth-sneakers", "silver-club"})
      EXPECT_NE(m.creative, creative);
  }
  int skipped = 0;
  for (const auto& w : r.warnings) skipped += w.find("privacy=eu") != std::string::npos;
  EXPECT_EQ(skipped, 4);
}

TEST(OverlayPipeline, Mp4PipelineWritesAPlayableFile) {
  RETAIL_REQUIRE_SHARED();
  const auto dir = std::filesystem::temp_directory_path() / "overlay_pipeline_test";
  std::filesystem::create_directories(dir);
  std::string d = pipeline_file("overlay-mp4.pipeline");
  d = replace_all(d, "campaigns-file=configs/campaigns.json",
                  "campaigns-file=" + source_path("configs/campaigns.json"));
  const std::string build = RETAIL_BINARY_DIR;
  d = replace_all(d, build + "/overlay-hamilton.mp4", (dir / "overlay-hamilton.mp4").string());
  auto r = retail::test::run_pipeline(d, 280);
  ASSERT_EQ(r.error, "") << r.error_debug;
  const auto out = dir / "overlay-hamilton.mp4";
  ASSERT_TRUE(std::filesystem::exists(out));
  EXPECT_GT(std::filesystem::file_size(out), 100000U);
  auto check = retail::test::run_pipeline("filesrc location=" + out.string() +
                                              " ! qtdemux ! h264parse ! avdec_h264 ! "
                                              "fakesink name=sink sync=false",
                                          60);
  EXPECT_EQ(check.error, "");
  EXPECT_GE(check.frames.size(), 270U);
  std::filesystem::remove_all(dir);
}
