// retailcamsrc on real clips: metadata stamping, loop, drop-old, fps limit, reconnect on a dead
// file / dead URI (and recovery when the file appears), errors for bad settings, state cycles.
#include <gst/gst.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "config/camera_source.h"
#include "meta/retail_meta.h"
#include "support/test_support.h"

namespace {

std::string clip() { return retail::test::media("faces/hamilton_640x360.mp4"); }
constexpr int kClipFrames = 275;

struct CamRun {
  // frames, pts and caps are written by the streaming thread (collect) and read by the test
  // only after the pipeline has stopped; while it runs the test reads `seen` alone.
  std::vector<retail::FrameAnalyticsPtr> frames;
  std::vector<GstClockTime> pts;
  std::vector<std::string> events;  // retailcamsrc "event" fields, in order
  std::string error;
  bool eos = false;
  GstCaps* caps = nullptr;
  std::atomic<size_t> seen{0};  // frames collected so far
  ~CamRun() {
    if (caps != nullptr) gst_caps_unref(caps);
  }
};

GstPadProbeReturn collect(GstPad* pad, GstPadProbeInfo* info, gpointer data) {
  auto* run = static_cast<CamRun*>(data);
  GstBuffer* b = GST_PAD_PROBE_INFO_BUFFER(info);
  run->frames.push_back(retail::meta::read(b));
  run->pts.push_back(GST_BUFFER_PTS(b));
  if (run->caps == nullptr) run->caps = gst_pad_get_current_caps(pad);
  run->seen.store(run->frames.size());
  return GST_PAD_PROBE_OK;
}

// Plays `desc` (the camera is named `cam`, the sink `sink`) until `until(run, cam)` is true or
// `max_s` passes, then sends EOS to the camera and waits for the pipeline's EOS (bounded).
template <typename Until>
void play(const std::string& desc, CamRun* run, int max_s, Until until,
          const std::function<void()>& on_poll = nullptr) {
  GError* err = nullptr;
  GstElement* p = gst_parse_launch(desc.c_str(), &err);
  ASSERT_EQ(err, nullptr) << err->message;
  GstElement* cam = gst_bin_get_by_name(GST_BIN(p), "cam");
  GstElement* sink = gst_bin_get_by_name(GST_BIN(p), "sink");
  GstPad* sp = gst_element_get_static_pad(sink, "sink");
  gst_pad_add_probe(sp, GST_PAD_PROBE_TYPE_BUFFER, collect, run, nullptr);
  gst_element_set_state(p, GST_STATE_PLAYING);
  GstBus* bus = gst_element_get_bus(p);
  auto handle = [&](GstMessage* m) {
    if (GST_MESSAGE_TYPE(m) == GST_MESSAGE_ERROR) {
      GError* e = nullptr;
      gst_message_parse_error(m, &e, nullptr);
      run->error = e->message;
      g_clear_error(&e);
    } else if (GST_MESSAGE_TYPE(m) == GST_MESSAGE_EOS) {
      run->eos = true;
    } else if (GST_MESSAGE_TYPE(m) == GST_MESSAGE_ELEMENT &&
               gst_structure_has_name(gst_message_get_structure(m), "retailcamsrc")) {
      run->events.emplace_back(gst_structure_get_string(gst_message_get_structure(m), "event"));
    }
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(max_s);
  while (std::chrono::steady_clock::now() < deadline && run->error.empty() && !run->eos &&
         !until(*run, cam)) {
    GstMessage* m = gst_bus_timed_pop(bus, 20 * GST_MSECOND);
    if (m != nullptr) {
      handle(m);
      gst_message_unref(m);
    }
    if (on_poll) on_poll();
  }
  if (!run->eos && run->error.empty()) {
    gst_element_send_event(cam, gst_event_new_eos());
    const auto eos_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < eos_deadline && !run->eos && run->error.empty()) {
      GstMessage* m = gst_bus_timed_pop(bus, 50 * GST_MSECOND);
      if (m != nullptr) {
        handle(m);
        gst_message_unref(m);
      }
    }
  }
  gst_element_set_state(p, GST_STATE_NULL);
  gst_object_unref(bus);
  gst_object_unref(sp);
  gst_object_unref(sink);
  gst_object_unref(cam);
  gst_object_unref(p);
}

guint64 frames_of(GstElement* cam) {
  guint64 n = 0;
  g_object_get(cam, "frames", &n, nullptr);
  return n;
}

int count(const std::vector<std::string>& v, const std::string& what) {
  return static_cast<int>(std::count(v.begin(), v.end(), what));
}

}  // namespace

TEST(RetailCamSrc, PropertiesRoundTripWithCoreDefaults) {
  GstElement* e = gst_element_factory_make("retailcamsrc", nullptr);
  ASSERT_NE(e, nullptr);
  guint timeout = 0;
  guint initial = 0;
  guint max = 0;
  gint drop_old = -1;
  g_object_get(e, "timeout-ms", &timeout, "backoff-initial-ms", &initial, "backoff-max-ms", &max,
               "drop-old", &drop_old, nullptr);
  const retail::config::CameraSourceConfig d;
  EXPECT_EQ(timeout, d.timeout_ms);
  EXPECT_EQ(initial, d.backoff_initial_ms);
  EXPECT_EQ(max, d.backoff_max_ms);
  EXPECT_EQ(drop_old, static_cast<gint>(d.drop_old));
  EXPECT_EQ(d.drop_old, retail::config::DropOld::kAuto);
  gst_util_set_object_arg(G_OBJECT(e), "drop-old", "true");  // the former boolean's spelling
  g_object_get(e, "drop-old", &drop_old, nullptr);
  EXPECT_EQ(drop_old, static_cast<gint>(retail::config::DropOld::kOn));
  gst_util_set_object_arg(G_OBJECT(e), "drop-old", "auto");
  g_object_set(e, "uri", "rtsp://127.0.0.1/x", "camera-id", "door", "store-id", "s9", "loop", TRUE,
               "max-fps", 12.5, "queue-size-buffers", 7U, nullptr);
  gchar* uri = nullptr;
  gchar* cam = nullptr;
  gdouble fps = 0;
  guint q = 0;
  gboolean loop = FALSE;
  g_object_get(e, "uri", &uri, "camera-id", &cam, "max-fps", &fps, "queue-size-buffers", &q, "loop",
               &loop, nullptr);
  EXPECT_STREQ(uri, "rtsp://127.0.0.1/x");
  EXPECT_STREQ(cam, "door");
  EXPECT_DOUBLE_EQ(fps, 12.5);
  EXPECT_EQ(q, 7U);
  EXPECT_TRUE(loop);
  g_free(uri);
  g_free(cam);
  // Out-of-range values are refused by GLib and the old value stays.
  g_object_set(e, "backoff-jitter", 0.3, nullptr);
  GLogLevelFlags old = g_log_set_always_fatal(static_cast<GLogLevelFlags>(G_LOG_FATAL_MASK));
  g_object_set(e, "backoff-jitter", 5.0, "queue-size-buffers", 0U, nullptr);
  g_log_set_always_fatal(old);
  gdouble jitter = 0;
  g_object_get(e, "backoff-jitter", &jitter, "queue-size-buffers", &q, nullptr);
  EXPECT_DOUBLE_EQ(jitter, 0.3);
  EXPECT_EQ(q, 7U);
  gst_object_unref(e);
}

TEST(RetailCamSrc, BadSettingsFailWithPropertyAndFix) {
  auto r1 = retail::test::run_pipeline("retailcamsrc ! fakesink", 10);
  EXPECT_NE(r1.error.find("uri"), std::string::npos) << r1.error;
  auto r2 = retail::test::run_pipeline(
      "retailcamsrc uri=rtsp://127.0.0.1:1/x backoff-initial-ms=5000 backoff-max-ms=100 ! fakesink",
      10);
  EXPECT_NE(r2.error.find("backoff-max-ms"), std::string::npos) << r2.error;
  EXPECT_NE(r2.error.find("raise"), std::string::npos) << r2.error;
}

TEST(RetailCamSrc, StampsSourceMetadataOnEveryFrameOfARealClip) {
  RETAIL_REQUIRE_SHARED();
  CamRun run;
  const gint64 t0 = g_get_real_time();
  play("retailcamsrc name=cam uri=" + clip() +
           " sync=false drop-old=false store-id=store-7 camera-id=till-2 ! fakesink name=sink "
           "sync=false",
       &run, 60, [](const CamRun&, GstElement*) { return false; });
  const gint64 t1 = g_get_real_time();
  EXPECT_TRUE(run.error.empty()) << run.error;
  EXPECT_TRUE(run.eos) << "a file without loop ends with EOS";
  ASSERT_EQ(static_cast<int>(run.frames.size()), kClipFrames);
  ASSERT_NE(run.caps, nullptr);
  GstStructure* s = gst_caps_get_structure(run.caps, 0);
  EXPECT_STREQ(gst_structure_get_name(s), "video/x-raw");
  int w = 0;
  int h = 0;
  gst_structure_get_int(s, "width", &w);
  gst_structure_get_int(s, "height", &h);
  EXPECT_EQ(w, 640);
  EXPECT_EQ(h, 360);
  for (size_t i = 0; i < run.frames.size(); ++i) {
    ASSERT_TRUE(run.frames[i]) << "frame " << i << " has no metadata";
    const auto& src = run.frames[i]->source;
    EXPECT_EQ(src.store_id, "store-7");
    EXPECT_EQ(src.camera_id, "till-2");
    EXPECT_EQ(src.frame_index, i);
    EXPECT_EQ(src.width, 640);
    EXPECT_EQ(src.height, 360);
    EXPECT_GE(src.capture_time_us, t0);
    EXPECT_LE(src.capture_time_us, t1);
    EXPECT_EQ(src.pts_ns, static_cast<int64_t>(run.pts[i]));
    if (i > 0) {
      EXPECT_GE(src.capture_time_us, run.frames[i - 1]->source.capture_time_us);
      EXPECT_GT(run.pts[i], run.pts[i - 1]);
    }
  }
}

TEST(RetailCamSrc, LoopReplaysTheFileWithContinuousIndexAndTimestamps) {
  RETAIL_REQUIRE_SHARED();
  CamRun run;
  play("retailcamsrc name=cam loop=true sync=false drop-old=false uri=" + clip() +
           " camera-id=c ! fakesink name=sink sync=false",
       &run, 60,
       [](const CamRun& r, GstElement*) { return r.seen.load() > 2 * kClipFrames + 20; });
  EXPECT_TRUE(run.error.empty()) << run.error;
  EXPECT_TRUE(run.eos) << "EOS sent to the element ends the stream";
  ASSERT_GT(static_cast<int>(run.frames.size()), 2 * kClipFrames);
  for (size_t i = 1; i < run.frames.size(); ++i) {
    ASSERT_EQ(run.frames[i]->source.frame_index, run.frames[i - 1]->source.frame_index + 1);
    ASSERT_GT(run.pts[i], run.pts[i - 1]) << "timestamps go on across the loop, frame " << i;
  }
  EXPECT_EQ(count(run.events, "down"), 0) << "looping is not a failure";
  EXPECT_EQ(count(run.events, "reconnect"), 0);
}

TEST(RetailCamSrc, DropsAndCountsOldestFramesWhenDownstreamIsSlow) {
  RETAIL_REQUIRE_SHARED();
  // Decoder at full speed, a consumer at ~25 fps: the leaky queue keeps latency bounded.
  CamRun slow;
  guint64 dropped = 0;
  GstElement* keep = nullptr;
  {
    GError* err = nullptr;
    GstElement* p = gst_parse_launch(
        ("retailcamsrc name=cam sync=false drop-old=true queue-size-buffers=2 uri=" + clip() +
                          " ! identity sleep-time=40000 ! fakesink name=sink sync=false")
                             .c_str(),
                         &err);
    ASSERT_EQ(err, nullptr);
    GstElement* cam = gst_bin_get_by_name(GST_BIN(p), "cam");
    gst_element_set_state(p, GST_STATE_PLAYING);
    GstBus* bus = gst_element_get_bus(p);
    int warnings = 0;
    std::string warning;
    GstMessage* m = nullptr;
    for (;;) {
      m = gst_bus_timed_pop_filtered(
          bus, 60 * GST_SECOND,
          static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR | GST_MESSAGE_WARNING));
      if (m == nullptr || GST_MESSAGE_TYPE(m) != GST_MESSAGE_WARNING) break;
      GError* e = nullptr;
      gst_message_parse_warning(m, &e, nullptr);
      warning = e->message;
      g_error_free(e);
      ++warnings;
      gst_message_unref(m);
    }
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(GST_MESSAGE_TYPE(m), GST_MESSAGE_EOS);
    gst_message_unref(m);
    guint64 frames = 0;
    g_object_get(cam, "dropped-frames", &dropped, "frames", &frames, nullptr);
    EXPECT_GT(dropped, 50U) << "a 275-frame clip decoded far faster than 25 fps";
    // One dropping episode (the clip is shorter than the frames that end one): one warning.
    EXPECT_EQ(warnings, 1) << warning;
    EXPECT_NE(warning.find("dropping frames"), std::string::npos) << warning;
    EXPECT_LT(frames, static_cast<guint64>(kClipFrames));
    EXPECT_EQ(frames + dropped, static_cast<guint64>(kClipFrames))
        << "every frame is delivered or counted";
    gst_element_set_state(p, GST_STATE_NULL);
    gst_object_unref(bus);
    gst_object_unref(cam);
    gst_object_unref(p);
  }
  (void)keep;
  // Same consumer with drop-old=false, and with the default (auto: a file is not live): nothing
  // is lost.
  for (const std::string drop : {" drop-old=false", ""}) {
    CamRun all;
    play("retailcamsrc name=cam sync=false queue-size-buffers=2" + drop + " uri=" + clip() +
             " ! identity sleep-time=2000 ! fakesink name=sink sync=false",
         &all, 60, [](const CamRun&, GstElement*) { return false; });
    EXPECT_EQ(static_cast<int>(all.frames.size()), kClipFrames) << "with '" << drop << "'";
  }
}

TEST(RetailCamSrc, MaxFpsLimitsTheRate) {
  RETAIL_REQUIRE_SHARED();
  CamRun run;
  play("retailcamsrc name=cam sync=false drop-old=false max-fps=10 uri=" + clip() +
           " ! fakesink name=sink sync=false",
       &run, 60, [](const CamRun&, GstElement*) { return false; });
  EXPECT_TRUE(run.error.empty()) << run.error;
  // 275 frames at 29.97 fps = 9.2 s of video: about 92 frames at 10 fps.
  EXPECT_GE(run.frames.size(), 85U);
  EXPECT_LE(run.frames.size(), 100U);
}

// Issue 13: a missing file can never work; it fails at once, naming the path and the fix, instead
// of being retried forever without a word (network sources keep retrying: next test).
TEST(RetailCamSrc, MissingFileFailsNamingThePathInsteadOfRetrying) {
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("retailcamsrc_missing_" + std::to_string(getpid()) + ".mp4"))
                               .string();
  std::filesystem::remove(path);
  CamRun run;
  play("retailcamsrc name=cam sync=false backoff-initial-ms=50 backoff-max-ms=200 uri=" + path +
           " camera-id=missing ! fakesink name=sink sync=false",
       &run, 60, [](const CamRun&, GstElement*) { return false; });
  EXPECT_NE(run.error.find(path), std::string::npos) << "names the path: " << run.error;
  EXPECT_NE(run.error.find("does not exist"), std::string::npos) << run.error;
  EXPECT_NE(run.error.find("check the uri"), std::string::npos) << "says the fix: " << run.error;
  EXPECT_EQ(count(run.events, "reconnect"), 0) << "not retried";
  EXPECT_TRUE(run.frames.empty());
}

// Regression (issue 13 store-wide freeze): a paced file source (clocksync holds the decoder's
// thread while PAUSED, with the decoder pad's stream lock) must still go PAUSED -> NULL. Before
// the fix the decoder's set_state(NULL) waited for that lock forever.
TEST(RetailCamSrc, StopsFromPausedWhileTheDecoderIsHeldInTheChain) {
  RETAIL_REQUIRE_SHARED();
  GstElement* p = gst_parse_launch(
      ("retailcamsrc name=cam sync=true loop=true uri=" + clip() + " ! fakesink sync=false")
          .c_str(),
      nullptr);
  ASSERT_NE(p, nullptr);
  GstElement* cam = gst_bin_get_by_name(GST_BIN(p), "cam");
  ASSERT_NE(gst_element_set_state(p, GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
  for (int i = 0; i < 600 && frames_of(cam) < 10; ++i) g_usleep(50000);
  ASSERT_GE(frames_of(cam), 10U);
  gst_element_set_state(p, GST_STATE_PAUSED);
  // The decoder keeps pushing until clocksync holds it: wait until the output stops moving.
  guint64 last = frames_of(cam);
  for (int i = 0; i < 100; ++i) {
    g_usleep(200000);
    const guint64 now = frames_of(cam);
    if (now == last) break;
    last = now;
  }
  std::atomic<bool> done{false};
  std::thread stopper([&] {
    gst_element_set_state(p, GST_STATE_NULL);
    done = true;
  });
  for (int i = 0; i < 300 && !done; ++i) g_usleep(100000);  // generous 30 s bound: a hang, not speed
  ASSERT_TRUE(done.load()) << "PAUSED -> NULL deadlocked (decoder thread held in clocksync)";
  stopper.join();
  gst_object_unref(cam);
  gst_object_unref(p);
}

TEST(RetailCamSrc, DeadUriKeepsRetryingAndStillEndsOnEos) {
  CamRun run;
  GstElement* seen = nullptr;
  guint reconnects = 0;
  gboolean connected = TRUE;
  play(
      "retailcamsrc name=cam backoff-initial-ms=50 backoff-max-ms=100 uri=rtsp://127.0.0.1:9/none "
      "camera-id=dead ! fakesink name=sink",
      &run, 30, [&](const CamRun& r, GstElement* cam) {
        seen = cam;
        g_object_get(cam, "reconnects", &reconnects, "connected", &connected, nullptr);
        return count(r.events, "reconnect") >= 4;
      });
  (void)seen;
  EXPECT_TRUE(run.error.empty()) << run.error;
  EXPECT_GE(count(run.events, "reconnect"), 4);
  EXPECT_GE(reconnects, 4U);
  EXPECT_FALSE(connected);
  EXPECT_EQ(count(run.events, "up"), 0);
  EXPECT_TRUE(run.eos) << "EOS reaches the pipeline while the camera is down";
  EXPECT_TRUE(run.frames.empty());
}

TEST(RetailCamSrc, TwoStateCycles) {
  RETAIL_REQUIRE_SHARED();
  GstElement* p = gst_parse_launch(
      ("retailcamsrc name=cam sync=false drop-old=false uri=" + clip() + " ! fakesink sync=false")
          .c_str(),
      nullptr);
  ASSERT_NE(p, nullptr);
  GstElement* cam = gst_bin_get_by_name(GST_BIN(p), "cam");
  for (int cycle = 0; cycle < 2; ++cycle) {
    ASSERT_NE(gst_element_set_state(p, GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
    GstBus* bus = gst_element_get_bus(p);
    GstMessage* m = gst_bus_timed_pop_filtered(
        bus, 60 * GST_SECOND, static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(GST_MESSAGE_TYPE(m), GST_MESSAGE_EOS) << "cycle " << cycle;
    gst_message_unref(m);
    EXPECT_EQ(frames_of(cam), static_cast<guint64>(kClipFrames)) << "cycle " << cycle;
    ASSERT_EQ(gst_element_set_state(p, GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
    gst_object_unref(bus);
  }
  gst_object_unref(cam);
  gst_object_unref(p);
}

// --- Seeking and queries (issue 22: GstValidate's seek_forward never ended on a file) ---

namespace {

struct SeekRun {
  bool eos = false;
  std::string error;
  std::string warning;
  gint64 max_position_over_duration = 0;  // largest position - duration seen (ns)
};

// Runs `p` until EOS/error or `max_s`; calls `step(elapsed_polls)` each 20 ms and checks that the
// pipeline position never exceeds its duration.
template <typename Step>
void run_polling(GstElement* p, SeekRun* run, int max_s, Step step) {
  GstBus* bus = gst_element_get_bus(p);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(max_s);
  int polls = 0;
  while (std::chrono::steady_clock::now() < deadline && !run->eos && run->error.empty()) {
    GstMessage* m = gst_bus_timed_pop(bus, 20 * GST_MSECOND);
    if (m != nullptr) {
      GError* e = nullptr;
      if (GST_MESSAGE_TYPE(m) == GST_MESSAGE_EOS) run->eos = true;
      if (GST_MESSAGE_TYPE(m) == GST_MESSAGE_ERROR) {
        gst_message_parse_error(m, &e, nullptr);
        run->error = e->message;
      }
      if (GST_MESSAGE_TYPE(m) == GST_MESSAGE_WARNING) {
        gchar* dbg = nullptr;
        gst_message_parse_warning(m, &e, &dbg);
        run->warning = std::string(e->message) + ": " + (dbg != nullptr ? dbg : "");
        g_free(dbg);
      }
      g_clear_error(&e);
      gst_message_unref(m);
    }
    gint64 pos = -1;
    gint64 dur = -1;
    if (gst_element_query_position(p, GST_FORMAT_TIME, &pos) &&
        gst_element_query_duration(p, GST_FORMAT_TIME, &dur) && pos >= 0 && dur > 0)
      run->max_position_over_duration = std::max(run->max_position_over_duration, pos - dur);
    step(polls++);
  }
  gst_object_unref(bus);
}

}  // namespace

TEST(RetailCamSrc, SeekOnAFileIsForwardedToTheDecoderAndTheStreamEnds) {
  RETAIL_REQUIRE_SHARED();
  CamRun frames;
  GstElement* p = gst_parse_launch(
      ("retailcamsrc name=cam sync=false drop-old=false uri=" + clip() +
       " ! fakesink name=sink sync=true")
          .c_str(),
      nullptr);
  ASSERT_NE(p, nullptr);
  GstElement* sink = gst_bin_get_by_name(GST_BIN(p), "sink");
  GstPad* sp = gst_element_get_static_pad(sink, "sink");
  gst_pad_add_probe(sp, GST_PAD_PROBE_TYPE_BUFFER, collect, &frames, nullptr);
  ASSERT_NE(gst_element_set_state(p, GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
  SeekRun run;
  bool seeked = false;
  bool seekable = false;
  size_t frames_before_seek = 0;
  const gint64 target = 8 * GST_SECOND;  // the clip lasts 11 s
  run_polling(p, &run, 40, [&](int) {
    if (seeked || frames.seen.load() < 10) return;
    GstQuery* q = gst_query_new_seeking(GST_FORMAT_TIME);
    gboolean s = FALSE;
    if (gst_element_query(p, q)) gst_query_parse_seeking(q, nullptr, &s, nullptr, nullptr);
    gst_query_unref(q);
    seekable = s != FALSE;
    frames_before_seek = frames.seen.load();
    seeked = gst_element_seek_simple(
                 p, GST_FORMAT_TIME,
                 static_cast<GstSeekFlags>(GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE),
                 target) != FALSE;
  });
  gst_element_set_state(p, GST_STATE_NULL);
  EXPECT_TRUE(seekable) << "a file answers the SEEKING query with seekable=true";
  EXPECT_TRUE(seeked) << "the seek was refused on a file";
  EXPECT_TRUE(run.eos) << "no EOS after the seek (the GstValidate seek_forward hang)";
  EXPECT_TRUE(run.error.empty()) << run.error;
  EXPECT_LT(run.max_position_over_duration, 40 * GST_MSECOND) << "position exceeded duration";
  ASSERT_GT(frames.pts.size(), frames_before_seek);
  // Frames after the seek carry the file's own timestamps, from the target on.
  // (within the clip's key-frame distance below the target: the decoder restarts at a key frame)
  EXPECT_GE(frames.pts[frames_before_seek] + GST_SECOND, static_cast<GstClockTime>(target));
  EXPECT_LE(frames.pts[frames_before_seek], static_cast<GstClockTime>(target) + GST_SECOND);
  // 10+ frames before, then only the last ~3 s of the 275: the decoder really jumped.
  EXPECT_LT(frames.pts.size(), static_cast<size_t>(kClipFrames) - 100);
  gst_object_unref(sp);
  gst_object_unref(sink);
  gst_object_unref(p);
}

// Before issue 22 the position ran ahead of the duration by the time the camera took to start
// (the timestamps were re-based on the clock). Now it ends within one frame of the container's
// duration (the last frame's end: 19.8 ms on this clip).
TEST(RetailCamSrc, PositionNeverExceedsDurationOnAPacedFile) {
  RETAIL_REQUIRE_SHARED();
  GstElement* p = gst_parse_launch(
      ("retailcamsrc uri=" + clip() + " sync=false drop-old=false ! fakesink sync=true").c_str(),
      nullptr);
  ASSERT_NE(p, nullptr);
  ASSERT_NE(gst_element_set_state(p, GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
  SeekRun run;
  run_polling(p, &run, 40, [](int) {});
  gst_element_set_state(p, GST_STATE_NULL);
  EXPECT_TRUE(run.eos) << run.error;
  EXPECT_LT(run.max_position_over_duration, 40 * GST_MSECOND) << "more than a frame past the end";
  gst_object_unref(p);
}

TEST(RetailCamSrc, LoopAndLiveRefuseSeeksAtOnceWithAWarning) {
  RETAIL_REQUIRE_SHARED();
  GstElement* p = gst_parse_launch(
      ("retailcamsrc name=cam loop=true sync=true uri=" + clip() + " ! fakesink").c_str(),
      nullptr);
  ASSERT_NE(p, nullptr);
  ASSERT_NE(gst_element_set_state(p, GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
  SeekRun run;
  bool tried = false;
  gboolean seek_ok = TRUE;
  gboolean seekable = TRUE;
  gint64 duration = 0;
  run_polling(p, &run, 20, [&](int polls) {
    if (polls == 10 && !tried) {
      tried = true;
      GstQuery* q = gst_query_new_seeking(GST_FORMAT_TIME);
      EXPECT_TRUE(gst_element_query(p, q));
      gst_query_parse_seeking(q, nullptr, &seekable, nullptr, nullptr);
      gst_query_unref(q);
      gst_element_query_duration(p, GST_FORMAT_TIME, &duration);
      seek_ok = gst_element_seek_simple(p, GST_FORMAT_TIME, GST_SEEK_FLAG_FLUSH, 2 * GST_SECOND);
    }
    if (tried && !run.warning.empty()) run.eos = true;  // done: the warning arrived
  });
  gst_element_set_state(p, GST_STATE_NULL);
  EXPECT_TRUE(tried);
  EXPECT_FALSE(seekable) << "loop=true answers SEEKING honestly";
  EXPECT_FALSE(seek_ok) << "the seek is refused";
  EXPECT_EQ(duration, -1) << "an endless replay has no duration";
  EXPECT_NE(run.warning.find("loop=false"), std::string::npos) << run.warning;
  EXPECT_TRUE(run.error.empty()) << run.error;
  gst_object_unref(p);
}
