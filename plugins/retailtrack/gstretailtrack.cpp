/**
 * SECTION:element-retailtrack
 * @title: retailtrack
 *
 * Gives the people and faces found by retaildetect stable track ids with ByteTrack (Kalman
 * filter on box centre, aspect and height; high-score detections associated first, low-score
 * ones second; lost tracks kept #GstRetailTrack:track-buffer-frames frames at 30 fps, scaled by
 * the stream's real frame rate from the caps). People and faces are tracked separately; a face
 * linked to a person by retaildetect records the person's track id in its `person_track_id`
 * attribute. Writes Object::track_id, one FrameAnalytics track entry per published or lost track
 * (state new / tracked / lost, first and last seen) and `track_started` / `track_ended` events.
 * On frames where retaildetect skipped detection (`interval` > 1) every track is predicted and
 * published as an object with `predicted = true`, so every frame carries positions.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 filesrc location=pets09_s2l1_768x576.avi ! decodebin ! videoconvert ! \
 *   retaildetect face-backend=none person-threshold=0.1 ! retailtrack ! fakesink
 * ]|
 */
#include "retailtrack/gstretailtrack.h"

#include <gst/video/video.h>

#include <mutex>
#include <optional>

#include "common/error.h"
#include "common/frame.h"
#include "common/glue.h"
#include "meta/retail_meta.h"
#include "track/frame_tracker.h"

GST_DEBUG_CATEGORY_STATIC(gst_retail_track_debug);
#define GST_CAT_DEFAULT gst_retail_track_debug

namespace {

using Config = retail::track::Config;

struct State {
  Config config;                                       // validated at start()
  std::optional<retail::track::FrameTracker> tracker;  // built once the caps give the frame rate
  int width = 0;
  int height = 0;
  retail::Source last_source;  // of the last frame, for the end-of-stream events
};

}  // namespace

struct RetailTrackImpl {
  std::mutex settings_mutex;
  Config settings;  // property values; read by start()

  std::mutex state_mutex;  // streaming state, built in start(), dropped in stop()
  std::optional<State> state;

  std::mutex stats_mutex;
  guint64 tracks_started = 0;
  guint64 tracks_ended = 0;
};

struct _GstRetailTrack {
  GstBaseTransform parent;
  RetailTrackImpl* impl;
};

G_DEFINE_TYPE(GstRetailTrack, gst_retail_track, GST_TYPE_BASE_TRANSFORM)
GST_ELEMENT_REGISTER_DEFINE(retailtrack, "retailtrack", GST_RANK_NONE, GST_TYPE_RETAIL_TRACK)

enum {
  PROP_0,
  PROP_HIGH_THRESHOLD,
  PROP_LOW_THRESHOLD,
  PROP_NEW_TRACK_THRESHOLD,
  PROP_MATCH_IOU_DISTANCE,
  PROP_FUSE_SCORE,
  PROP_TRACK_BUFFER_FRAMES,
  PROP_MIN_BOX_AREA_PX,
  PROP_MAX_ASPECT_RATIO,
  PROP_TRACKS_STARTED,
  PROP_TRACKS_ENDED,
};

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE(
    "sink", GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS(RETAIL_VIDEO_CAPS));
static GstStaticPadTemplate src_template =
    GST_STATIC_PAD_TEMPLATE("src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS(RETAIL_VIDEO_CAPS));

static void gst_retail_track_set_property(GObject* object, guint prop_id, const GValue* value,
                                          GParamSpec* pspec) {
  auto* self = GST_RETAIL_TRACK(object);
  std::lock_guard<std::mutex> lock(self->impl->settings_mutex);
  Config& s = self->impl->settings;
  switch (prop_id) {
    case PROP_HIGH_THRESHOLD:
      s.high_threshold = g_value_get_float(value);
      break;
    case PROP_LOW_THRESHOLD:
      s.low_threshold = g_value_get_float(value);
      break;
    case PROP_NEW_TRACK_THRESHOLD:
      s.new_track_threshold = g_value_get_float(value);
      break;
    case PROP_MATCH_IOU_DISTANCE:
      s.match_iou_distance = g_value_get_float(value);
      break;
    case PROP_FUSE_SCORE:
      s.fuse_score = g_value_get_boolean(value) != FALSE;
      break;
    case PROP_TRACK_BUFFER_FRAMES:
      s.track_buffer_frames = static_cast<int>(g_value_get_uint(value));
      break;
    case PROP_MIN_BOX_AREA_PX:
      s.min_box_area_px = g_value_get_float(value);
      break;
    case PROP_MAX_ASPECT_RATIO:
      s.max_aspect_ratio = g_value_get_float(value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
      break;
  }
}

static void gst_retail_track_get_property(GObject* object, guint prop_id, GValue* value,
                                          GParamSpec* pspec) {
  auto* self = GST_RETAIL_TRACK(object);
  if (prop_id == PROP_TRACKS_STARTED || prop_id == PROP_TRACKS_ENDED) {
    std::lock_guard<std::mutex> lock(self->impl->stats_mutex);
    g_value_set_uint64(value, prop_id == PROP_TRACKS_STARTED ? self->impl->tracks_started
                                                             : self->impl->tracks_ended);
    return;
  }
  std::lock_guard<std::mutex> lock(self->impl->settings_mutex);
  const Config& s = self->impl->settings;
  switch (prop_id) {
    case PROP_HIGH_THRESHOLD:
      g_value_set_float(value, s.high_threshold);
      break;
    case PROP_LOW_THRESHOLD:
      g_value_set_float(value, s.low_threshold);
      break;
    case PROP_NEW_TRACK_THRESHOLD:
      g_value_set_float(value, s.new_track_threshold);
      break;
    case PROP_MATCH_IOU_DISTANCE:
      g_value_set_float(value, s.match_iou_distance);
      break;
    case PROP_FUSE_SCORE:
      g_value_set_boolean(value, s.fuse_score ? TRUE : FALSE);
      break;
    case PROP_TRACK_BUFFER_FRAMES:
      g_value_set_uint(value, static_cast<guint>(s.track_buffer_frames));
      break;
    case PROP_MIN_BOX_AREA_PX:
      g_value_set_float(value, s.min_box_area_px);
      break;
    case PROP_MAX_ASPECT_RATIO:
      g_value_set_float(value, s.max_aspect_ratio);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
      break;
  }
}

static gboolean gst_retail_track_start(GstBaseTransform* bt) {
  auto* self = GST_RETAIL_TRACK(bt);
  return RETAIL_GLUE_GUARD(self, FALSE, [&]() -> gboolean {
    Config config;
    {
      std::lock_guard<std::mutex> lock(self->impl->settings_mutex);
      config = self->impl->settings;
    }
    config.validate();  // throws retail::Error naming the property
    std::lock_guard<std::mutex> lock(self->impl->state_mutex);
    self->impl->state.emplace();
    self->impl->state->config = config;
    {
      std::lock_guard<std::mutex> stats_lock(self->impl->stats_mutex);
      self->impl->tracks_started = 0;
      self->impl->tracks_ended = 0;
    }
    GST_INFO_OBJECT(self,
                    "started: high %.2f low %.2f new %.2f match %.2f fuse-score %d buffer %d "
                    "frames at 30 fps",
                    static_cast<double>(config.high_threshold),
                    static_cast<double>(config.low_threshold),
                    static_cast<double>(config.new_track_threshold),
                    static_cast<double>(config.match_iou_distance), config.fuse_score ? 1 : 0,
                    config.track_buffer_frames);
    return TRUE;
  });
}

static gboolean gst_retail_track_stop(GstBaseTransform* bt) {
  auto* self = GST_RETAIL_TRACK(bt);
  return RETAIL_GLUE_GUARD(self, FALSE, [&]() -> gboolean {
    std::lock_guard<std::mutex> lock(self->impl->state_mutex);
    if (self->impl->state && self->impl->state->tracker) {
      GST_INFO_OBJECT(self, "stopped after %" G_GUINT64_FORMAT " frames",
                      self->impl->state->tracker->frames());
    }
    self->impl->state.reset();
    return TRUE;
  });
}

static gboolean gst_retail_track_set_caps(GstBaseTransform* bt, GstCaps* incaps, GstCaps* outcaps) {
  auto* self = GST_RETAIL_TRACK(bt);
  return RETAIL_GLUE_GUARD(self, FALSE, [&]() -> gboolean {
    GstVideoInfo info;
    if (!gst_video_info_from_caps(&info, incaps)) {
      GST_WARNING_OBJECT(self, "cannot parse caps %" GST_PTR_FORMAT, incaps);
      return FALSE;
    }
    std::lock_guard<std::mutex> lock(self->impl->state_mutex);
    if (!self->impl->state) return FALSE;
    State& st = self->impl->state.value();
    st.width = GST_VIDEO_INFO_WIDTH(&info);
    st.height = GST_VIDEO_INFO_HEIGHT(&info);
    double fps = 0.0;
    if (GST_VIDEO_INFO_FPS_N(&info) > 0 && GST_VIDEO_INFO_FPS_D(&info) > 0) {
      fps = static_cast<double>(GST_VIDEO_INFO_FPS_N(&info)) / GST_VIDEO_INFO_FPS_D(&info);
    }
    if (fps <= 0.0) {
      fps = 30.0;
      GST_ELEMENT_WARNING(self, STREAM, FORMAT,
                          ("retailtrack: the stream has no frame rate in its caps; assuming 30 "
                           "fps for the lost-track buffer. Put `videorate ! "
                           "video/x-raw,framerate=N/1` before retailtrack to set it."),
                          ("caps %" GST_PTR_FORMAT, incaps));
    }
    if (!st.tracker || st.config.frame_rate != fps) {
      if (st.tracker) {
        GST_WARNING_OBJECT(self, "frame rate changed to %.3f fps: tracks restart", fps);
      }
      st.config.frame_rate = fps;
      st.tracker.emplace(st.config);
      GST_DEBUG_OBJECT(self, "caps %" GST_PTR_FORMAT ": %.3f fps, lost tracks kept %d frames",
                       incaps, fps, st.config.max_time_lost());
    }
    return TRUE;
  });
}

static GstFlowReturn gst_retail_track_transform_ip(GstBaseTransform* bt, GstBuffer* buf) {
  auto* self = GST_RETAIL_TRACK(bt);
  return RETAIL_GLUE_GUARD(self, GST_FLOW_ERROR, [&] {
    retail::FrameAnalytics in = retail::meta::copy_or_new(buf);
    const int64_t pts =
        GST_BUFFER_PTS_IS_VALID(buf) ? static_cast<int64_t>(GST_BUFFER_PTS(buf)) : -1;
    std::lock_guard<std::mutex> lock(self->impl->state_mutex);
    if (!self->impl->state || !self->impl->state->tracker) {
      throw retail::Error(retail::ErrorKind::kInternal,
                          "retailtrack received a buffer before start() and caps");
    }
    State& st = self->impl->state.value();
    retail::FrameAnalytics out = st.tracker->process(in, st.width, st.height, pts);
    st.last_source = out.source;
    GST_LOG_OBJECT(self, "frame %" G_GUINT64_FORMAT ": %zu objects, %zu tracks",
                   st.tracker->frames(), out.objects.size(), out.tracks.size());
    retail::meta::write(buf, std::move(out));
    std::lock_guard<std::mutex> stats_lock(self->impl->stats_mutex);
    self->impl->tracks_started = st.tracker->tracks_started();
    self->impl->tracks_ended = st.tracker->tracks_ended();
    return GST_FLOW_OK;
  });
}

// At EOS the tracks still open end: their track_ended events have no frame left to ride on, so
// they go downstream in a "retail-final-events" event ahead of the EOS (kafkasink publishes them).
static gboolean gst_retail_track_sink_event(GstBaseTransform* bt, GstEvent* event) {
  auto* self = GST_RETAIL_TRACK(bt);
  if (GST_EVENT_TYPE(event) == GST_EVENT_EOS) {
    GstEvent* final_events = RETAIL_GLUE_GUARD(self, static_cast<GstEvent*>(nullptr), [&] {
      std::lock_guard<std::mutex> lock(self->impl->state_mutex);
      if (!self->impl->state || !self->impl->state->tracker) return static_cast<GstEvent*>(nullptr);
      State& st = self->impl->state.value();
      auto fa = std::make_shared<retail::FrameAnalytics>();
      fa->source = st.last_source;
      fa->events = st.tracker->finish();
      std::lock_guard<std::mutex> stats_lock(self->impl->stats_mutex);
      self->impl->tracks_ended = st.tracker->tracks_ended();
      if (fa->events.empty()) return static_cast<GstEvent*>(nullptr);
      GST_DEBUG_OBJECT(self, "EOS: %zu tracks ended", fa->events.size());
      return retail::meta::make_final_events(std::move(fa));
    });
    if (final_events != nullptr) gst_pad_push_event(GST_BASE_TRANSFORM_SRC_PAD(bt), final_events);
  }
  return GST_BASE_TRANSFORM_CLASS(gst_retail_track_parent_class)->sink_event(bt, event);
}

static void gst_retail_track_finalize(GObject* object) {
  auto* self = GST_RETAIL_TRACK(object);
  delete self->impl;
  self->impl = nullptr;
  G_OBJECT_CLASS(gst_retail_track_parent_class)->finalize(object);
}

static void gst_retail_track_class_init(GstRetailTrackClass* klass) {
  auto* gobject_class = G_OBJECT_CLASS(klass);
  auto* element_class = GST_ELEMENT_CLASS(klass);
  auto* bt_class = GST_BASE_TRANSFORM_CLASS(klass);
  GST_DEBUG_CATEGORY_INIT(gst_retail_track_debug, "retailtrack", 0,
                          "gst-retail ByteTrack multi-object tracker");

  gobject_class->set_property = gst_retail_track_set_property;
  gobject_class->get_property = gst_retail_track_get_property;
  gobject_class->finalize = gst_retail_track_finalize;

  const Config d;  // defaults come from core (ByteTrack's MOT17 settings)
  const auto rw = static_cast<GParamFlags>(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                                           GST_PARAM_MUTABLE_READY);
  const auto ro = static_cast<GParamFlags>(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_property(
      gobject_class, PROP_HIGH_THRESHOLD,
      g_param_spec_float("high-threshold", "High score threshold",
                         "Detections scoring above this take part in the first association "
                         "(ByteTrack track_thresh; default 0.6 = ByteTrack's MOT17 evaluation, "
                         "tools/track.py; best IDF1 on PETS09-S2L1, docs/BENCHMARKS.md)",
                         0.F, 1.F, d.high_threshold, rw));
  g_object_class_install_property(
      gobject_class, PROP_LOW_THRESHOLD,
      g_param_spec_float("low-threshold", "Low score threshold",
                         "Detections scoring between this and high-threshold only continue "
                         "existing tracks (second association); below it they are ignored. "
                         "Must be <= high-threshold",
                         0.F, 1.F, d.low_threshold, rw));
  g_object_class_install_property(
      gobject_class, PROP_NEW_TRACK_THRESHOLD,
      g_param_spec_float("new-track-threshold", "New track threshold",
                         "Unmatched detections scoring at least this start a new track (default "
                         "0.7 = ByteTrack's det_thresh = track_thresh + 0.1, MOT17 evaluation)",
                         0.F, 1.F,
                         d.new_track_threshold, rw));
  g_object_class_install_property(
      gobject_class, PROP_MATCH_IOU_DISTANCE,
      g_param_spec_float("match-iou-distance", "Match IoU distance",
                         "Largest 1 - IoU (fused with the score when fuse-score) accepted in the "
                         "first association (ByteTrack match_thresh; default 0.9 = its MOT17 "
                         "evaluation, tools/track.py)",
                         0.F, 1.F, d.match_iou_distance, rw));
  g_object_class_install_property(
      gobject_class, PROP_FUSE_SCORE,
      g_param_spec_boolean("fuse-score", "Fuse score",
                           "Weight IoU by the detection score in the first association "
                           "(ByteTrack's MOT17 setting; off for crowded MOT20-like scenes)",
                           d.fuse_score ? TRUE : FALSE, rw));
  g_object_class_install_property(
      gobject_class, PROP_TRACK_BUFFER_FRAMES,
      g_param_spec_uint("track-buffer-frames", "Track buffer (frames at 30 fps)",
                        "How long a lost track is kept for re-identification, in frames at 30 "
                        "fps; scaled by the stream's frame rate (30 = 1 second)",
                        0, 100000, static_cast<guint>(d.track_buffer_frames), rw));
  g_object_class_install_property(
      gobject_class, PROP_MIN_BOX_AREA_PX,
      g_param_spec_float("min-box-area-px", "Minimum box area (px^2)",
                         "Tracks whose box is not larger than this are not published", 0.F,
                         G_MAXFLOAT, d.min_box_area_px, rw));
  g_object_class_install_property(
      gobject_class, PROP_MAX_ASPECT_RATIO,
      g_param_spec_float("max-aspect-ratio", "Maximum person aspect ratio (w/h)",
                         "Person tracks wider than this (width / height) are not published; "
                         "0 disables the filter",
                         0.F, 100.F, d.max_aspect_ratio, rw));
  g_object_class_install_property(
      gobject_class, PROP_TRACKS_STARTED,
      g_param_spec_uint64("tracks-started", "Tracks started",
                          "track_started events emitted since start", 0, G_MAXUINT64, 0, ro));
  g_object_class_install_property(
      gobject_class, PROP_TRACKS_ENDED,
      g_param_spec_uint64("tracks-ended", "Tracks ended", "track_ended events emitted since start",
                          0, G_MAXUINT64, 0, ro));

  gst_element_class_add_static_pad_template(element_class, &sink_template);
  gst_element_class_add_static_pad_template(element_class, &src_template);
  gst_element_class_set_static_metadata(
      element_class, "Retail ByteTrack tracker", "Filter/Analyzer/Video",
      "Gives detected people and faces stable track ids with ByteTrack, carries their boxes "
      "through frames the detector skipped, and emits track_started/track_ended events",
      "gst-retail <https://github.com/gst-retail/gst-retail>");

  bt_class->start = GST_DEBUG_FUNCPTR(gst_retail_track_start);
  bt_class->stop = GST_DEBUG_FUNCPTR(gst_retail_track_stop);
  bt_class->set_caps = GST_DEBUG_FUNCPTR(gst_retail_track_set_caps);
  bt_class->transform_ip = GST_DEBUG_FUNCPTR(gst_retail_track_transform_ip);
  bt_class->sink_event = GST_DEBUG_FUNCPTR(gst_retail_track_sink_event);
  bt_class->passthrough_on_same_caps = FALSE;
}

static void gst_retail_track_init(GstRetailTrack* self) {
  self->impl = new RetailTrackImpl();
  gst_base_transform_set_in_place(GST_BASE_TRANSFORM(self), TRUE);
  gst_base_transform_set_passthrough(GST_BASE_TRANSFORM(self), FALSE);
}
