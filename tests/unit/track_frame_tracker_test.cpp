// FrameTracker: per-class tracking on FrameAnalytics, face -> person link, events, predicted
// objects on frames the detector skipped.
#include <gtest/gtest.h>

#include "common/json.h"
#include "track/frame_tracker.h"

using retail::Box;
using retail::FrameAnalytics;
using retail::Object;
using retail::ObjectClass;
using retail::TrackState;
using retail::track::Config;
using retail::track::FrameTracker;

namespace {

constexpr int kW = 640, kH = 480;

FrameAnalytics frame(int f, bool with_objects = true) {
  FrameAnalytics fa;
  fa.detector_ran = true;
  fa.source.frame_index = static_cast<uint64_t>(f);
  if (!with_objects) return fa;
  Object person;
  person.id = 1;
  person.cls = ObjectClass::kPerson;
  person.confidence = 0.9F;
  person.box = {0.1F + 0.01F * f, 0.2F, 0.1F, 0.5F};
  Object face;
  face.id = 2;
  face.cls = ObjectClass::kFace;
  face.confidence = 0.9F;
  face.box = {0.12F + 0.01F * f, 0.22F, 0.05F, 0.07F};
  face.parent_id = 1;
  fa.objects = {person, face};
  return fa;
}

int count_events(const FrameAnalytics& fa, const std::string& type) {
  int n = 0;
  for (const auto& e : fa.events) n += e.type == type ? 1 : 0;
  return n;
}

int64_t json_int(const std::string& text, const char* member) {
  auto node = retail::json::parse(text, "payload");
  return json_object_get_int_member(json_node_get_object(node.get()), member);
}

}  // namespace

TEST(FrameTracker, PeopleAndFacesGetDistinctIdsAndFacesRecordTheirPerson) {
  Config c;
  c.frame_rate = 10.0;
  FrameTracker tracker(c);
  uint64_t person_id = 0, face_id = 0;
  int started = 0;
  for (int f = 0; f < 10; ++f) {
    FrameAnalytics out = tracker.process(frame(f), kW, kH, f * 100000000LL);
    started += count_events(out, "track_started");
    ASSERT_EQ(out.objects.size(), 2U);
    const Object& p = out.objects[0];
    const Object& fc = out.objects[1];
    ASSERT_NE(p.track_id, 0U);
    ASSERT_NE(fc.track_id, 0U);
    EXPECT_NE(p.track_id, fc.track_id);
    if (f == 0) {
      person_id = p.track_id;
      face_id = fc.track_id;
      for (const auto& t : out.tracks) EXPECT_EQ(t.state, TrackState::kNew);
    } else {
      for (const auto& t : out.tracks) EXPECT_EQ(t.state, TrackState::kTracked);
    }
    EXPECT_EQ(p.track_id, person_id);
    EXPECT_EQ(fc.track_id, face_id);
    const auto* link = out.attribute(fc.id, retail::track::kPersonTrackAttribute);
    ASSERT_NE(link, nullptr);
    EXPECT_EQ(static_cast<uint64_t>(link->value), person_id);
    ASSERT_EQ(out.tracks.size(), 2U);
    EXPECT_EQ(out.tracks[0].object_id, 1U);
    EXPECT_EQ(out.tracks[1].cls, ObjectClass::kFace);
  }
  EXPECT_EQ(started, 2);
}

TEST(FrameTracker, EventsOncePerTrackWithDurationAndFrames) {
  Config c;
  c.frame_rate = 10.0;  // lost buffer 10 frames
  FrameTracker tracker(c);
  std::vector<retail::Event> events;
  for (int f = 0; f < 40; ++f) {
    FrameAnalytics out = tracker.process(frame(f, f < 20), kW, kH, f * 100000000LL);
    for (const auto& e : out.events) events.push_back(e);
    if (f >= 20 && f < 30) {
      // Lost tracks are listed as lost until they end.
      ASSERT_EQ(out.tracks.size(), 2U) << f;
      EXPECT_EQ(out.tracks[0].state, TrackState::kLost);
    }
  }
  int started = 0, ended = 0;
  for (const auto& e : events) {
    if (e.type == "track_started") {
      ++started;
      auto node = retail::json::parse(e.payload_json, "payload");
      JsonObject* o = json_node_get_object(node.get());
      EXPECT_TRUE(json_object_has_member(o, "box"));
      EXPECT_TRUE(json_object_has_member(o, "class"));
    }
    if (e.type == "track_ended") {
      ++ended;
      EXPECT_EQ(json_int(e.payload_json, "frames"), 20);
      EXPECT_EQ(json_int(e.payload_json, "duration_ms"), 1900);
    }
  }
  EXPECT_EQ(started, 2);
  EXPECT_EQ(ended, 2);
  EXPECT_TRUE(tracker.finish().empty());
}

TEST(FrameTracker, SkippedFramesCarryPredictedBoxes) {
  Config c;
  c.frame_rate = 30.0;
  FrameTracker tracker(c);
  uint64_t person_id = 0;
  for (int f = 0; f < 12; ++f) {
    const bool ran = f < 6 || f % 3 == 0;
    FrameAnalytics in = frame(f, ran);
    in.detector_ran = ran;
    FrameAnalytics out = tracker.process(in, kW, kH, -1);
    ASSERT_EQ(out.objects.size(), 2U) << "frame " << f;
    if (person_id == 0) person_id = out.objects[0].track_id;
    const Object* person = nullptr;
    for (const auto& o : out.objects) {
      if (o.cls == ObjectClass::kPerson) person = &o;
    }
    ASSERT_NE(person, nullptr);
    EXPECT_EQ(person->track_id, person_id);
    EXPECT_EQ(person->predicted, !ran);
    if (!ran) {
      // Predicted where the person really is (0.01 per frame to the right).
      EXPECT_GT(retail::iou(person->box, frame(f).objects[0].box), 0.7F) << "frame " << f;
      // The face's parent is the predicted person object.
      for (const auto& o : out.objects) {
        if (o.cls == ObjectClass::kFace) {
          EXPECT_EQ(o.parent_id, person->id);
        }
      }
    }
  }
  EXPECT_EQ(tracker.finish().size(), 2U);
}

TEST(FrameTracker, EventPayloadsFollowTheContract) {
  EXPECT_EQ(retail::track::track_ended_payload(7, ObjectClass::kPerson, 1500, 12),
            R"({"track_id":7,"class":"person","duration_ms":1500,"frames":12})");
  const std::string started =
      retail::track::track_started_payload(3, ObjectClass::kFace, {0.5F, 0.25F, 0.125F, 0.25F});
  EXPECT_EQ(started,
            R"({"track_id":3,"class":"face","box":{"x":0.5,"y":0.25,"w":0.125,"h":0.25}})");
}
