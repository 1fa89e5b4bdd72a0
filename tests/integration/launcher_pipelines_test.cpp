// The camera pipelines in pipelines/ run for real: a clip paced like a camera, an RTSP camera on
// loopback (events to JSON lines), four cameras in one pipeline.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <thread>

#include "meta/retail_meta.h"
#include "support/rtsp_server.h"
#include "support/test_support.h"

namespace {

std::string replace(std::string s, const std::string& from, const std::string& to) {
  for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size()))
    s.replace(p, from.size(), to);
  return s;
}

size_t faces(const std::vector<retail::FrameAnalyticsPtr>& frames) {
  size_t n = 0;
  for (const auto& f : frames)
    if (f) n += f->count(retail::ObjectClass::kFace);
  return n;
}

}  // namespace

TEST(CameraPipelines, FileCameraRunsToEosWithStampedFramesAndFaces) {
  RETAIL_REQUIRE_SHARED();
  auto r = retail::test::run_pipeline(retail::test::pipeline_file("camera-file.pipeline"), 120);
  ASSERT_EQ(r.error, "") << r.error_debug;
  // 275 frames, less any the leaky queue dropped on a busy machine (frame_index shows the gaps)
  ASSERT_GE(r.frames.size(), 250U);
  ASSERT_LE(r.frames.size(), 275U);
  for (size_t i = 0; i < r.frames.size(); ++i) {
    ASSERT_TRUE(r.frames[i]);
    EXPECT_EQ(r.frames[i]->source.camera_id, "stage");
    if (i > 0) {
      EXPECT_GT(r.frames[i]->source.frame_index, r.frames[i - 1]->source.frame_index);
    }
  }
  EXPECT_LE(r.frames.back()->source.frame_index, 274U);
  EXPECT_GT(faces(r.frames), 150U) << "about 2 faces per frame on the Hamilton clip";
}

TEST(CameraPipelines, RtspCameraDeliversFramesAndEvents) {
  RETAIL_REQUIRE_SHARED();
  retail::test::RtspServer server(retail::test::free_tcp_port(), {"/cam"});
  ASSERT_TRUE(server.start());
  const std::string out = retail::test::build_path("Testing/camera-rtsp");
  std::filesystem::create_directories(out);
  std::filesystem::remove(out + "/events-entrance.jsonl");
  std::string desc = retail::test::pipeline_file("camera-rtsp.pipeline");
  desc = replace(replace(desc, "${RTSP_URL}", server.url("/cam")), "${OUT}", out);
  // Plays ~6 s of the live camera, then EOS through the pipeline (as gst-launch -e does).
  std::thread eos;
  auto r = retail::test::run_pipeline(desc, 60, [&eos](GstElement* p) {
    gst_object_ref(p);
    eos = std::thread([p] {
      std::this_thread::sleep_for(std::chrono::seconds(6));
      gst_element_send_event(p, gst_event_new_eos());
      gst_object_unref(p);
    });
  });
  eos.join();
  EXPECT_EQ(r.error, "") << r.error_debug;
  EXPECT_GE(r.frames.size(), 40U) << "15 fps for ~6 s";
  EXPECT_GT(faces(r.frames), 5U);
  std::ifstream in(out + "/events-entrance.jsonl");
  std::string line;
  int events = 0;
  while (std::getline(in, line))
    if (line.find("\"camera_id\":\"entrance\"") != std::string::npos) ++events;
  EXPECT_GT(events, 0) << "track events written as JSON lines";
}

TEST(CameraPipelines, FourCamerasInOnePipeline) {
  RETAIL_REQUIRE_SHARED();
  std::map<std::string, std::vector<retail::FrameAnalyticsPtr>> per_sink;
  std::vector<GstElement*> cams;
  auto r = retail::test::run_pipeline(
      retail::test::pipeline_file("four-cameras.pipeline"), 120, [&](GstElement* p) {
        for (const char* name : {"cam1", "cam2", "cam3", "cam4"})
          cams.push_back(gst_bin_get_by_name(GST_BIN(p), name));
        for (const char* name : {"sink2", "sink3", "sink4"}) {
          GstElement* s = gst_bin_get_by_name(GST_BIN(p), name);
          GstPad* pad = gst_element_get_static_pad(s, "sink");
          gst_pad_add_probe(
              pad, GST_PAD_PROBE_TYPE_BUFFER,
              [](GstPad*, GstPadProbeInfo* info, gpointer d) -> GstPadProbeReturn {
                static_cast<std::vector<retail::FrameAnalyticsPtr>*>(d)->push_back(
                    retail::meta::read(GST_PAD_PROBE_INFO_BUFFER(info)));
                return GST_PAD_PROBE_OK;
              },
              &per_sink[name], nullptr);
          gst_object_unref(pad);
          gst_object_unref(s);
        }
      });
  ASSERT_EQ(r.error, "") << r.error_debug;
  // Every frame is delivered or, when the machine is too busy, dropped by the leaky queue and
  // counted: 275 for cameras 1-2; about half of the 29.97 fps clip with max-fps=15 (3-4).
  ASSERT_EQ(cams.size(), 4U);
  const std::vector<size_t> seen = {r.frames.size(), per_sink["sink2"].size(),
                                    per_sink["sink3"].size(), per_sink["sink4"].size()};
  for (size_t i = 0; i < 4; ++i) {
    guint64 frames = 0;
    guint64 dropped = 0;
    g_object_get(cams[i], "frames", &frames, "dropped-frames", &dropped, nullptr);
    gst_object_unref(cams[i]);
    EXPECT_EQ(frames, seen[i]) << "camera " << i + 1;
    EXPECT_GE(seen[i], i < 2 ? 200U : 100U) << "camera " << i + 1;
    if (i < 2) {
      EXPECT_EQ(frames + dropped, 275U) << "camera " << i + 1;
    } else {
      EXPECT_GE(frames + dropped, 125U) << "camera " << i + 1;
      EXPECT_LE(frames + dropped, 160U) << "camera " << i + 1;
    }
  }
  std::set<std::string> ids;
  for (const auto* v : {&r.frames, &per_sink["sink2"], &per_sink["sink3"], &per_sink["sink4"]}) {
    ASSERT_FALSE(v->empty());
    ASSERT_TRUE(v->front());
    ids.insert(v->front()->source.camera_id);
    EXPECT_GT(faces(*v), 50U);
  }
  EXPECT_EQ(ids, (std::set<std::string>{"cam1", "cam2", "cam3", "cam4"}));
}
