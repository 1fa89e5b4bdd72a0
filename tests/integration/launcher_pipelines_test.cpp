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
  ASSERT_EQ(r.frames.size(), 275U);
  for (size_t i = 0; i < r.frames.size(); ++i) {
    ASSERT_TRUE(r.frames[i]);
    EXPECT_EQ(r.frames[i]->source.camera_id, "stage");
    EXPECT_EQ(r.frames[i]->source.frame_index, i);
  }
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
  auto r = retail::test::run_pipeline(
      retail::test::pipeline_file("four-cameras.pipeline"), 120, [&](GstElement* p) {
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
  // 275 frames each, less the few the leaky queues may drop on a loaded machine (counted there)
  EXPECT_GE(r.frames.size(), 260U);
  EXPECT_LE(r.frames.size(), 275U);
  EXPECT_GE(per_sink["sink2"].size(), 260U);
  // max-fps=15 on cameras 3 and 4: about half of the 29.97 fps clip
  EXPECT_GE(per_sink["sink3"].size(), 120U);
  EXPECT_LE(per_sink["sink3"].size(), 160U);
  EXPECT_GE(per_sink["sink4"].size(), 120U);
  EXPECT_LE(per_sink["sink4"].size(), 160U);
  std::set<std::string> ids;
  for (const auto* v : {&r.frames, &per_sink["sink2"], &per_sink["sink3"], &per_sink["sink4"]}) {
    ASSERT_FALSE(v->empty());
    ASSERT_TRUE(v->front());
    ids.insert(v->front()->source.camera_id);
    EXPECT_GT(faces(*v), 50U);
  }
  EXPECT_EQ(ids, (std::set<std::string>{"cam1", "cam2", "cam3", "cam4"}));
}
