// Camera source policies: capped jittered backoff and the stitched timeline.
#include <gtest/gtest.h>

#include "common/error.h"
#include "config/camera_source.h"

using retail::config::Backoff;
using retail::config::Timeline;

TEST(Backoff, GrowsExponentiallyUpToTheCapWithinJitter) {
  Backoff b(500, 8000, 0.2, 42);
  const double expected[] = {500, 1000, 2000, 4000, 8000, 8000, 8000};
  for (double e : expected) {
    const uint32_t d = b.next_ms();
    EXPECT_GE(d, e * 0.8 - 1) << "attempt " << b.attempts();
    EXPECT_LE(d, e * 1.2 + 1) << "attempt " << b.attempts();
  }
  EXPECT_EQ(b.attempts(), 7U);
  b.reset();
  EXPECT_EQ(b.attempts(), 0U);
  EXPECT_LE(b.next_ms(), 601U);
}

TEST(Backoff, JitterSpreadsCamerasThatFailTogether) {
  // Two cameras dropping at the same moment must not retry in lock-step.
  Backoff a(1000, 8000, 0.3, 1);
  Backoff b(1000, 8000, 0.3, 2);
  int different = 0;
  for (int i = 0; i < 5; ++i) different += a.next_ms() != b.next_ms() ? 1 : 0;
  EXPECT_GE(different, 4);
}

TEST(Backoff, NoJitterIsExact) {
  Backoff b(100, 350, 0.0, 7);
  EXPECT_EQ(b.next_ms(), 100U);
  EXPECT_EQ(b.next_ms(), 200U);
  EXPECT_EQ(b.next_ms(), 350U);
  EXPECT_EQ(b.next_ms(), 350U);
}

TEST(Timeline, FileConnectionsStartNowAndNeverGoBack) {
  Timeline t;
  const int64_t ms = 1000000;
  // first connection of a file at running time 2 s: frames 0, 33 ms map to 2 s, 2.033 s
  EXPECT_EQ(t.map(0, 2000 * ms, false), 2000 * ms);
  EXPECT_EQ(t.map(33 * ms, 2010 * ms, false), 2033 * ms);
  // the file loops (new connection, timestamps restart at 0) at running time 9 s
  t.new_connection();
  EXPECT_EQ(t.map(0, 9000 * ms, false), 9000 * ms);
  EXPECT_EQ(t.map(66 * ms, 9050 * ms, false), 9066 * ms);
}

TEST(Timeline, LiveConnectionsKeepRunningTimeButStayMonotonic) {
  Timeline t;
  const int64_t ms = 1000000;
  EXPECT_EQ(t.map(500 * ms, 700 * ms, true), 500 * ms);
  EXPECT_EQ(t.map(533 * ms, 733 * ms, true), 533 * ms);
  t.new_connection();
  EXPECT_EQ(t.map(5000 * ms, 5200 * ms, true), 5000 * ms);
  // a reconnect whose first frames are stamped before the last output frame is shifted after it
  t.new_connection();
  const int64_t out = t.map(4000 * ms, 5300 * ms, true);
  EXPECT_GT(out, 5000 * ms);
  EXPECT_GT(t.map(4033 * ms, 5333 * ms, true), out);
}

TEST(CameraSource, UriHelpersAndValidation) {
  EXPECT_TRUE(retail::config::is_live_uri("rtsp://127.0.0.1:8554/cam"));
  EXPECT_TRUE(retail::config::is_live_uri("RTSPS://h/x"));
  EXPECT_FALSE(retail::config::is_live_uri("file:///a.mp4"));
  EXPECT_FALSE(retail::config::is_live_uri("http://h/a.mp4"));
  EXPECT_EQ(retail::config::to_uri("/a/b.mp4"), "file:///a/b.mp4");
  EXPECT_EQ(retail::config::to_uri("rtsp://h/x"), "rtsp://h/x");
  retail::config::CameraSourceConfig c;
  EXPECT_NO_THROW(retail::config::validate(c, "rtsp://h/x"));
  EXPECT_THROW(retail::config::validate(c, ""), retail::Error);
  c.backoff_max_ms = 100;
  try {
    retail::config::validate(c, "rtsp://h/x");
    FAIL();
  } catch (const retail::Error& e) {
    EXPECT_NE(std::string(e.what()).find("backoff-max-ms"), std::string::npos);
  }
}
