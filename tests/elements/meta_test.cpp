// RetailFrameMeta survives videoconvert and videoscale; GstVideoRegionOfInterestMeta keeps its box
// but (on GStreamer 1.22) loses its params once a frame is really converted.
#include <gst/video/gstvideometa.h>
#include <gtest/gtest.h>

#include "meta/retail_meta.h"
#include "support/test_support.h"

namespace {

struct Seen {
  retail::FrameAnalyticsPtr analytics;
  bool roi = false;
  bool roi_params = false;
  guint roi_w = 0;
};

GstPadProbeReturn stamp(GstPad*, GstPadProbeInfo* info, gpointer) {
  GstBuffer* buf = gst_buffer_make_writable(GST_PAD_PROBE_INFO_BUFFER(info));
  GST_PAD_PROBE_INFO_DATA(info) = buf;
  retail::FrameAnalytics fa;
  fa.source.camera_id = "cam-1";
  retail::Object o;
  o.id = 1;
  o.cls = retail::ObjectClass::kFace;
  o.box = {0.25F, 0.25F, 0.5F, 0.5F};
  o.confidence = 0.9F;
  fa.objects.push_back(o);
  GstVideoInfo vi;
  gst_video_info_set_format(&vi, GST_VIDEO_FORMAT_I420, 320, 240);
  retail::meta::write_roi_metas(buf, fa, &vi);
  retail::meta::write(buf, std::move(fa));
  return GST_PAD_PROBE_OK;
}

Seen run(const std::string& middle) {
  const std::string desc =
      "videotestsrc num-buffers=1 ! video/x-raw,format=I420,width=320,height=240 ! "
      "identity name=stamp ! " + middle + " ! fakesink name=sink";
  GstElement* p = gst_parse_launch(desc.c_str(), nullptr);
  GstElement* id = gst_bin_get_by_name(GST_BIN(p), "stamp");
  GstPad* src = gst_element_get_static_pad(id, "src");
  gst_pad_add_probe(src, GST_PAD_PROBE_TYPE_BUFFER, stamp, nullptr, nullptr);
  Seen seen;
  GstElement* sink = gst_bin_get_by_name(GST_BIN(p), "sink");
  GstPad* sp = gst_element_get_static_pad(sink, "sink");
  gst_pad_add_probe(
      sp, GST_PAD_PROBE_TYPE_BUFFER,
      [](GstPad*, GstPadProbeInfo* info, gpointer d) -> GstPadProbeReturn {
        auto* s = static_cast<Seen*>(d);
        GstBuffer* b = GST_PAD_PROBE_INFO_BUFFER(info);
        s->analytics = retail::meta::read(b);
        auto* roi = gst_buffer_get_video_region_of_interest_meta(b);
        if (roi != nullptr) {
          s->roi = true;
          s->roi_w = roi->w;
          s->roi_params = gst_video_region_of_interest_meta_get_param(roi, "detection") != nullptr;
        }
        return GST_PAD_PROBE_OK;
      },
      &seen, nullptr);
  gst_element_set_state(p, GST_STATE_PLAYING);
  GstBus* bus = gst_element_get_bus(p);
  GstMessage* m = gst_bus_timed_pop_filtered(bus, 10 * GST_SECOND,
                                             static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
  EXPECT_NE(m, nullptr);
  if (m) {
    EXPECT_EQ(GST_MESSAGE_TYPE(m), GST_MESSAGE_EOS);
    gst_message_unref(m);
  }
  gst_element_set_state(p, GST_STATE_NULL);
  gst_object_unref(bus);
  gst_object_unref(sp);
  gst_object_unref(sink);
  gst_object_unref(src);
  gst_object_unref(id);
  gst_object_unref(p);
  return seen;
}

}  // namespace

TEST(RetailFrameMeta, SurvivesVideoconvertToAnotherFormat) {
  const Seen s = run("videoconvert ! video/x-raw,format=BGRx");
  ASSERT_TRUE(s.analytics);
  ASSERT_EQ(s.analytics->objects.size(), 1U);
  EXPECT_EQ(s.analytics->source.camera_id, "cam-1");
  EXPECT_FLOAT_EQ(s.analytics->objects[0].box.w, 0.5F);
}

TEST(RetailFrameMeta, SurvivesVideoscaleAndKeepsNormalizedBoxes) {
  const Seen s = run("videoscale ! video/x-raw,width=640,height=480");
  ASSERT_TRUE(s.analytics);
  ASSERT_EQ(s.analytics->objects.size(), 1U);
  EXPECT_FLOAT_EQ(s.analytics->objects[0].box.x, 0.25F);
}

TEST(RetailFrameMeta, SurvivesConvertThenScale) {
  const Seen s = run("videoconvert ! video/x-raw,format=NV12 ! videoscale ! "
                     "video/x-raw,width=160,height=120");
  ASSERT_TRUE(s.analytics);
  EXPECT_EQ(s.analytics->objects.size(), 1U);
}

// Recorded in README "Metadata": on 1.22 the ROI meta's box is rescaled by videoscale, but its
// params structures are dropped as soon as the frame is converted.
TEST(RoiMetaOn122, BoxRescaledByVideoscale) {
  const Seen s = run("videoscale ! video/x-raw,width=640,height=480");
  ASSERT_TRUE(s.roi);
  EXPECT_EQ(s.roi_w, 320U);
}

TEST(RoiMetaOn122, ParamsLostWhenTheFrameIsConverted) {
  const Seen s = run("videoconvert ! video/x-raw,format=BGRx");
  ASSERT_TRUE(s.roi);
  EXPECT_FALSE(s.roi_params) << "GStreamer now keeps ROI params: update the README note";
}

TEST(RetailFinalEvents, RoundTripAndForeignEventsIgnored) {
  auto fa = std::make_shared<retail::FrameAnalytics>();
  fa->source.camera_id = "cam-9";
  fa->events.push_back({"track_ended", R"({"track_id":3})"});
  GstEvent* e = retail::meta::make_final_events(fa);
  ASSERT_TRUE(GST_EVENT_IS_SERIALIZED(e));
  ASSERT_TRUE(GST_EVENT_IS_DOWNSTREAM(e));
  const retail::FrameAnalyticsPtr back = retail::meta::parse_final_events(e);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->source.camera_id, "cam-9");
  ASSERT_EQ(back->events.size(), 1U);
  EXPECT_EQ(back->events[0].type, "track_ended");
  GstEvent* copy = gst_event_copy(e);  // the boxed payload survives an event copy
  EXPECT_EQ(retail::meta::parse_final_events(copy), back);
  gst_event_unref(copy);
  gst_event_unref(e);
  GstEvent* eos = gst_event_new_eos();
  EXPECT_EQ(retail::meta::parse_final_events(eos), nullptr);
  gst_event_unref(eos);
}
