// pipelines/faces-attributes.pipeline on the Hamilton clip: retaildetect ! retailtrack !
// retailliveness ! retailattr. Per-track checks run at most 1/K as often as per-frame checks
// would (model invocations counted by the elements), every face carries a liveness decision,
// tracked faces get attributes, and privacy=eu leaves no demographic or emotion trace at all.
#include <gtest/gtest.h>

#include <cstdio>
#include <functional>
#include <map>
#include <set>
#include <string>

#include "support/test_support.h"

namespace {

using retail::ObjectClass;

struct Counters {
  guint64 liveness_checks = 0;
  guint64 liveness_eligible = 0;
  guint64 age_runs = 0;
  guint64 emotion_runs = 0;
  guint64 attr_eligible = 0;
};

// Holds the two analyzers of a running pipeline to read their counters after it stopped (the
// counters stay readable after stop()).
struct Grab {
  GstElement* live = nullptr;
  GstElement* attr = nullptr;
  std::function<void(GstElement*)> on_start() {
    return [this](GstElement* pipeline) {
      live = gst_bin_get_by_name(GST_BIN(pipeline), "live");
      attr = gst_bin_get_by_name(GST_BIN(pipeline), "attr");
    };
  }
  Counters read() const {
    Counters c;
    if (live != nullptr)
      g_object_get(live, "model-invocations", &c.liveness_checks, "eligible-faces",
                   &c.liveness_eligible, nullptr);
    if (attr != nullptr)
      g_object_get(attr, "age-gender-invocations", &c.age_runs, "emotion-invocations",
                   &c.emotion_runs, "eligible-faces", &c.attr_eligible, nullptr);
    return c;
  }
  ~Grab() {
    if (live != nullptr) gst_object_unref(live);
    if (attr != nullptr) gst_object_unref(attr);
  }
};

}  // namespace

TEST(FacePipelines, HamiltonChecksPerTrackAtMostOneInK) {
  RETAIL_REQUIRE_SHARED();
  Grab grab;
  const auto r = retail::test::run_pipeline(
      retail::test::pipeline_file("faces-attributes.pipeline"), 300, grab.on_start());
  ASSERT_EQ(r.error, "") << r.error_debug;
  ASSERT_EQ(r.frames.size(), 275U);

  size_t faces = 0, decided = 0, with_attrs = 0, rejected_events = 0;
  std::set<uint64_t> face_tracks;
  std::set<std::string> emotions;
  for (const auto& fa : r.frames) {
    ASSERT_NE(fa, nullptr);
    for (const auto& o : fa->objects) {
      if (o.cls != ObjectClass::kFace) continue;
      ++faces;
      if (o.track_id != 0) face_tracks.insert(o.track_id);
      const auto* l = fa->attribute(o.id, "liveness");
      ASSERT_NE(l, nullptr) << "every face carries a liveness decision";
      EXPECT_TRUE(l->label == "live" || l->label == "spoof" || l->label == "unknown") << l->label;
      if (l->label != "unknown") ++decided;
      if (fa->attribute(o.id, "age_band") != nullptr) {
        ++with_attrs;
        EXPECT_NE(fa->attribute(o.id, "gender"), nullptr);
      }
      if (const auto* e = fa->attribute(o.id, "emotion")) emotions.insert(e->label);
    }
    for (const auto& e : fa->events) {
      if (e.type != "liveness_rejected") continue;
      ++rejected_events;
      for (const char* key : {"\"track_id\":", "\"score\":", "\"votes\":"})
        EXPECT_NE(e.payload_json.find(key), std::string::npos) << e.payload_json;
    }
  }
  const Counters c = grab.read();
  std::printf(
      "hamilton: %zu faces on 275 frames, %zu face tracks; liveness: %llu eligible, %llu "
      "checks (%.3f per eligible face, K=5), %zu decided, %zu liveness_rejected; attributes: "
      "%llu eligible, %llu age/gender + %llu expression runs (%.3f, K=10), %zu faces with "
      "attributes, emotions seen %zu\n",
      faces, face_tracks.size(), static_cast<unsigned long long>(c.liveness_eligible),
      static_cast<unsigned long long>(c.liveness_checks),
      static_cast<double>(c.liveness_checks) / std::max<double>(1, c.liveness_eligible), decided,
      rejected_events, static_cast<unsigned long long>(c.attr_eligible),
      static_cast<unsigned long long>(c.age_runs), static_cast<unsigned long long>(c.emotion_runs),
      static_cast<double>(c.age_runs) / std::max<double>(1, c.attr_eligible), with_attrs,
      emotions.size());
  EXPECT_GE(faces, 400U);  // ~2.1 faces per frame with YuNet
  EXPECT_GE(face_tracks.size(), 3U);
  // Per-frame checks would be one per eligible face: per track runs at most 1/K of that.
  ASSERT_GT(c.liveness_eligible, 50U);
  EXPECT_GT(c.liveness_checks, 0U);
  EXPECT_LE(c.liveness_checks * 5, c.liveness_eligible);
  ASSERT_GT(c.attr_eligible, 200U);
  EXPECT_GT(c.age_runs, 0U);
  EXPECT_LE(c.age_runs * 10, c.attr_eligible);
  EXPECT_EQ(c.emotion_runs, c.age_runs);
  EXPECT_GT(decided, 0U);
  EXPECT_GT(with_attrs, faces / 4);
  // The same counters are posted as element messages on EOS.
  bool live_msg = false, attr_msg = false;
  for (const GstStructure* st : r.element_messages) {
    guint64 v = 0;
    if (gst_structure_has_name(st, "retailliveness-stats")) {
      live_msg = true;
      ASSERT_TRUE(gst_structure_get_uint64(st, "model-invocations", &v));
      EXPECT_EQ(v, c.liveness_checks);
    } else if (gst_structure_has_name(st, "retailattr-stats")) {
      attr_msg = true;
      ASSERT_TRUE(gst_structure_get_uint64(st, "age-gender-invocations", &v));
      EXPECT_EQ(v, c.age_runs);
      ASSERT_TRUE(gst_structure_get_uint64(st, "scene-cuts", &v));
      EXPECT_EQ(v, 3U) << "hard cuts at frames 20, 82 and 211";
      ASSERT_TRUE(gst_structure_get_uint64(st, "low-quality-readings", &v));
      EXPECT_LT(v, c.age_runs);
    }
  }
  EXPECT_TRUE(live_msg);
  EXPECT_TRUE(attr_msg);
}

TEST(FacePipelines, PrivacyEuLeavesNoDemographicsOrEmotionAnywhere) {
  RETAIL_REQUIRE_SHARED();
  std::string desc = retail::test::pipeline_file("faces-attributes.pipeline");
  const std::string from = "privacy=full";
  const auto pos = desc.find(from);
  ASSERT_NE(pos, std::string::npos);
  desc.replace(pos, from.size(), "privacy=eu");
  Grab grab;
  const auto r = retail::test::run_pipeline(desc, 300, grab.on_start());
  ASSERT_EQ(r.error, "") << r.error_debug;
  ASSERT_EQ(r.frames.size(), 275U);
  size_t faces = 0, liveness = 0;
  for (const auto& fa : r.frames) {
    ASSERT_NE(fa, nullptr);
    faces += fa->count(ObjectClass::kFace);
    for (const auto& a : fa->attributes) {
      EXPECT_NE(a.name, "age_band");
      EXPECT_NE(a.name, "gender");
      EXPECT_NE(a.name, "emotion");
      liveness += a.name == "liveness" ? 1 : 0;
    }
    for (const auto& e : fa->events)
      for (const char* word : {"gender", "emotion", "age"})
        EXPECT_EQ(e.payload_json.find(word), std::string::npos) << e.type << e.payload_json;
  }
  EXPECT_GE(faces, 400U) << "faces were there to describe";
  EXPECT_GE(liveness, faces) << "other stages still work";
  EXPECT_EQ(grab.read().age_runs + grab.read().emotion_runs, 0U) << "eu runs no model";
}

// Per-track labels on the Hamilton clip with retailattr's defaults. Who is where was assigned by
// hand from the frames (the media README names no one): frames 82-210, Lin-Manuel Miranda on
// stage (male, 29 then); frames 212-274, the audience — Marian Robinson (female) around x 0.31,
// Barack Obama (male) around x 0.55, Michelle Obama (female) around x 0.66, and a woman at the
// left edge around x 0.12 (face-api reads her as male with p 0.8-0.97 on most frames, on dark,
// soft, turned faces). Asserted: no published age band ever changes within a track; a known
// person's published gender is right, or unknown, never wrong; Lin gets a confident gender.
TEST(FacePipelines, HamiltonLabelsAreStablePerTrackAndNeverWrongOnKnownPeople) {
  RETAIL_REQUIRE_SHARED();
  const auto r = retail::test::run_pipeline(
      "filesrc location=" + retail::test::media("faces/hamilton_640x360.mp4") +
          " ! decodebin ! videoconvert ! video/x-raw,format=I420 ! retaildetect ! retailtrack ! "
          "retailattr ! fakesink name=sink sync=false",
      300);
  ASSERT_EQ(r.error, "") << r.error_debug;
  ASSERT_EQ(r.frames.size(), 275U);
  struct Who {
    int first, last;
    float x_lo, x_hi;
    const char* gender;
    const char* name;
  };
  const Who people[] = {{82, 210, 0.0F, 1.0F, "male", "Lin-Manuel Miranda"},
                        {212, 274, 0.25F, 0.38F, "female", "Marian Robinson"},
                        {212, 274, 0.50F, 0.60F, "male", "Barack Obama"},
                        {212, 274, 0.61F, 0.72F, "female", "Michelle Obama"},
                        {212, 274, 0.05F, 0.18F, "female", "woman, left edge"}};
  std::map<uint64_t, std::string> band_of;  // last published band per track
  int flips = 0, right = 0, wrong = 0, unknown = 0, lin_male = 0, published_bands = 0;
  for (size_t i = 0; i < r.frames.size(); ++i) {
    const auto& fa = r.frames[i];
    ASSERT_NE(fa, nullptr);
    for (const auto& o : fa->objects) {
      if (o.cls != ObjectClass::kFace || o.track_id == 0) continue;
      if (const auto* b = fa->attribute(o.id, "age_band"); b != nullptr && b->label != "unknown") {
        ++published_bands;
        auto [it, added] = band_of.emplace(o.track_id, b->label);
        if (!added && it->second != b->label) {
          ++flips;
          ADD_FAILURE() << "frame " << i << " track " << o.track_id << ": band " << it->second
                        << " -> " << b->label;
          it->second = b->label;
        }
      }
      const auto* g = fa->attribute(o.id, "gender");
      if (g == nullptr) continue;
      const float cx = o.box.x + o.box.w / 2;
      for (const Who& w : people) {
        if (static_cast<int>(i) < w.first || static_cast<int>(i) > w.last || cx < w.x_lo ||
            cx > w.x_hi)
          continue;
        if (g->label == "unknown") {
          ++unknown;
        } else if (g->label == w.gender) {
          ++right;
          lin_male += w.name[0] == 'L' ? 1 : 0;
        } else {
          ++wrong;
          ADD_FAILURE() << "frame " << i << ": " << w.name << " labelled " << g->label
                        << " (p_male " << g->value << ")";
        }
      }
    }
  }
  std::printf(
      "hamilton labels: %d right, %d wrong, %d unknown gender labels on known people; %d "
      "frames with a published band, %d band changes within a track\n",
      right, wrong, unknown, published_bands, flips);
  EXPECT_EQ(flips, 0);
  EXPECT_EQ(wrong, 0);
  EXPECT_GT(lin_male, 30) << "Lin's many clear frontal readings must add up to a gender";
  EXPECT_GT(published_bands, 0);
}
