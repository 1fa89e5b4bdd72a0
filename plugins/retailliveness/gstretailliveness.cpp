/**
 * SECTION:element-retailliveness
 * @title: retailliveness
 *
 * Tells real faces in front of the camera from faces on posters, phones, mannequins and screens
 * (MiniFASNet V2 + V1SE, fused as Silent-Face-Anti-Spoofing does). Works per face *track*: a
 * face is checked only when it is at least #GstRetailLiveness:min-face-size-px pixels, on every
 * Nth such frame (N = #GstRetailLiveness:recheck-interval-frames, so never more than 1/N of the
 * checks a per-frame design would run), and the last
 * #GstRetailLiveness:votes checks vote. Every face object gets a `liveness` attribute
 * (`live`, `spoof` or `unknown` until enough checks), copied onto the person owning it; the first
 * time a track is decided spoof a `liveness_rejected` event is added. With
 * #GstRetailLiveness:drop-spoofs the spoof faces are removed from the metadata, so no later stage
 * counts them. Faces without a track id are checked on every frame as long as no track was ever
 * seen (no retailtrack upstream); behind a tracker they stay `unknown` until tracked.
 * Frames without faces pass unchanged. The counters (faces eligible, checks run, spoof tracks)
 * are read-only properties and are posted as an element message `retailliveness-stats` on EOS.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 filesrc location=hamilton_640x360.mp4 ! decodebin ! videoconvert ! \
 *   retaildetect ! retailtrack ! retailliveness drop-spoofs=true ! fakesink
 * ]|
 */
#include "retailliveness/gstretailliveness.h"

#include <gst/video/video.h>

#include <mutex>
#include <optional>

#include "common/error.h"
#include "common/frame.h"
#include "common/glue.h"
#include "liveness/liveness.h"
#include "meta/retail_meta.h"

GST_DEBUG_CATEGORY_STATIC(gst_retail_liveness_debug);
#define GST_CAT_DEFAULT gst_retail_liveness_debug

namespace {

using Config = retail::liveness::Config;
using Stats = retail::liveness::Stats;

struct State {
  explicit State(const Config& c) : analyzer(c) {}
  retail::liveness::Analyzer analyzer;
};

}  // namespace

struct RetailLivenessImpl {
  std::mutex settings_mutex;
  Config settings;  // property values; read by start()

  std::mutex state_mutex;  // streaming state, built in start(), dropped in stop()
  std::optional<State> state;
  GstVideoInfo info{};
  bool has_info = false;

  std::mutex stats_mutex;  // last counters, readable after stop()
  Stats stats;
};

struct _GstRetailLiveness {
  GstBaseTransform parent;
  RetailLivenessImpl* impl;
};

G_DEFINE_TYPE(GstRetailLiveness, gst_retail_liveness, GST_TYPE_BASE_TRANSFORM)
GST_ELEMENT_REGISTER_DEFINE(retailliveness, "retailliveness", GST_RANK_NONE,
                            GST_TYPE_RETAIL_LIVENESS)

enum {
  PROP_0,
  PROP_MODEL_V2_PATH,
  PROP_MODEL_V1SE_PATH,
  PROP_MIN_FACE_SIZE_PX,
  PROP_VOTES,
  PROP_MIN_VOTES,
  PROP_VOTE_THRESHOLD,
  PROP_RECHECK_INTERVAL_FRAMES,
  PROP_DROP_SPOOFS,
  PROP_MODEL_INVOCATIONS,
  PROP_ELIGIBLE_FACES,
  PROP_SPOOF_TRACKS,
};

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE(
    "sink", GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS(RETAIL_VIDEO_CAPS));
static GstStaticPadTemplate src_template =
    GST_STATIC_PAD_TEMPLATE("src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS(RETAIL_VIDEO_CAPS));

static void gst_retail_liveness_set_property(GObject* object, guint prop_id, const GValue* value,
                                             GParamSpec* pspec) {
  auto* self = GST_RETAIL_LIVENESS(object);
  std::lock_guard<std::mutex> lock(self->impl->settings_mutex);
  Config& s = self->impl->settings;
  switch (prop_id) {
    case PROP_MODEL_V2_PATH: {
      const gchar* v = g_value_get_string(value);
      s.model_v2_path = v != nullptr ? v : "";
      break;
    }
    case PROP_MODEL_V1SE_PATH: {
      const gchar* v = g_value_get_string(value);
      s.model_v1se_path = v != nullptr ? v : "";
      break;
    }
    case PROP_MIN_FACE_SIZE_PX:
      s.min_face_size_px = static_cast<int>(g_value_get_uint(value));
      break;
    case PROP_VOTES:
      s.votes = static_cast<int>(g_value_get_uint(value));
      break;
    case PROP_MIN_VOTES:
      s.min_votes = static_cast<int>(g_value_get_uint(value));
      break;
    case PROP_VOTE_THRESHOLD:
      s.vote_threshold = g_value_get_float(value);
      break;
    case PROP_RECHECK_INTERVAL_FRAMES:
      s.recheck_interval_frames = static_cast<int>(g_value_get_uint(value));
      break;
    case PROP_DROP_SPOOFS:
      s.drop_spoofs = g_value_get_boolean(value) != FALSE;
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
      break;
  }
}

static void gst_retail_liveness_get_property(GObject* object, guint prop_id, GValue* value,
                                             GParamSpec* pspec) {
  auto* self = GST_RETAIL_LIVENESS(object);
  if (prop_id >= PROP_MODEL_INVOCATIONS) {
    std::lock_guard<std::mutex> lock(self->impl->stats_mutex);
    const Stats& st = self->impl->stats;
    switch (prop_id) {
      case PROP_MODEL_INVOCATIONS:
        g_value_set_uint64(value, st.model_invocations);
        break;
      case PROP_ELIGIBLE_FACES:
        g_value_set_uint64(value, st.eligible_faces);
        break;
      case PROP_SPOOF_TRACKS:
        g_value_set_uint64(value, st.spoof_tracks);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
        break;
    }
    return;
  }
  std::lock_guard<std::mutex> lock(self->impl->settings_mutex);
  const Config& s = self->impl->settings;
  switch (prop_id) {
    case PROP_MODEL_V2_PATH:
      g_value_set_string(value, s.model_v2_path.c_str());
      break;
    case PROP_MODEL_V1SE_PATH:
      g_value_set_string(value, s.model_v1se_path.c_str());
      break;
    case PROP_MIN_FACE_SIZE_PX:
      g_value_set_uint(value, static_cast<guint>(s.min_face_size_px));
      break;
    case PROP_VOTES:
      g_value_set_uint(value, static_cast<guint>(s.votes));
      break;
    case PROP_MIN_VOTES:
      g_value_set_uint(value, static_cast<guint>(s.min_votes));
      break;
    case PROP_VOTE_THRESHOLD:
      g_value_set_float(value, s.vote_threshold);
      break;
    case PROP_RECHECK_INTERVAL_FRAMES:
      g_value_set_uint(value, static_cast<guint>(s.recheck_interval_frames));
      break;
    case PROP_DROP_SPOOFS:
      g_value_set_boolean(value, s.drop_spoofs ? TRUE : FALSE);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
      break;
  }
}

static gboolean gst_retail_liveness_start(GstBaseTransform* bt) {
  auto* self = GST_RETAIL_LIVENESS(bt);
  return RETAIL_GLUE_GUARD(self, FALSE, [&]() -> gboolean {
    Config config;
    {
      std::lock_guard<std::mutex> lock(self->impl->settings_mutex);
      config = self->impl->settings;
    }
    std::lock_guard<std::mutex> lock(self->impl->state_mutex);
    self->impl->state.emplace(config);  // validates, loads (or shares) the two networks
    {
      std::lock_guard<std::mutex> stats_lock(self->impl->stats_mutex);
      self->impl->stats = Stats{};
    }
    GST_INFO_OBJECT(self,
                    "started: min face %d px, %d votes (min %d, threshold %.2f), recheck "
                    "every %d frames, drop-spoofs %d",
                    config.min_face_size_px, config.votes, config.min_votes,
                    static_cast<double>(config.vote_threshold), config.recheck_interval_frames,
                    config.drop_spoofs ? 1 : 0);
    return TRUE;
  });
}

static gboolean gst_retail_liveness_stop(GstBaseTransform* bt) {
  auto* self = GST_RETAIL_LIVENESS(bt);
  return RETAIL_GLUE_GUARD(self, FALSE, [&]() -> gboolean {
    std::lock_guard<std::mutex> lock(self->impl->state_mutex);
    if (self->impl->state) {
      const Stats& st = self->impl->state->analyzer.stats();
      GST_INFO_OBJECT(
          self,
          "stopped: %" G_GUINT64_FORMAT " frames, %" G_GUINT64_FORMAT " faces, %" G_GUINT64_FORMAT
          " checkable, %" G_GUINT64_FORMAT " checks, %" G_GUINT64_FORMAT " spoof tracks",
          st.frames, st.faces, st.eligible_faces, st.model_invocations, st.spoof_tracks);
    }
    self->impl->state.reset();
    self->impl->has_info = false;
    return TRUE;
  });
}

static gboolean gst_retail_liveness_set_caps(GstBaseTransform* bt, GstCaps* incaps,
                                             GstCaps* outcaps) {
  auto* self = GST_RETAIL_LIVENESS(bt);
  return RETAIL_GLUE_GUARD(self, FALSE, [&]() -> gboolean {
    GstVideoInfo info;
    if (!gst_video_info_from_caps(&info, incaps)) {
      GST_WARNING_OBJECT(self, "cannot parse caps %" GST_PTR_FORMAT, incaps);
      return FALSE;
    }
    std::lock_guard<std::mutex> lock(self->impl->state_mutex);
    self->impl->info = info;
    self->impl->has_info = true;
    GST_DEBUG_OBJECT(self, "caps %" GST_PTR_FORMAT, incaps);
    return TRUE;
  });
}

static GstFlowReturn gst_retail_liveness_transform_ip(GstBaseTransform* bt, GstBuffer* buf) {
  auto* self = GST_RETAIL_LIVENESS(bt);
  return RETAIL_GLUE_GUARD(self, GST_FLOW_ERROR, [&] {
    const retail::FrameAnalyticsPtr in = retail::meta::read(buf);
    if (!in) return GST_FLOW_OK;  // nothing detected upstream
    std::lock_guard<std::mutex> lock(self->impl->state_mutex);
    if (!self->impl->state || !self->impl->has_info)
      throw retail::Error(retail::ErrorKind::kInternal,
                          "retailliveness received a buffer before "
                          "start() and caps");
    retail::FrameAnalytics out = *in;
    {
      retail::glue::MappedFrame frame(buf, &self->impl->info);
      if (!frame.ok())
        throw retail::Error(retail::ErrorKind::kFrame,
                            "retailliveness cannot map the video frame for reading: check that "
                            "upstream sends system-memory raw video matching the caps");
      self->impl->state->analyzer.process(frame.view(), out);
    }
    retail::meta::write(buf, std::move(out));
    std::lock_guard<std::mutex> stats_lock(self->impl->stats_mutex);
    self->impl->stats = self->impl->state->analyzer.stats();
    return GST_FLOW_OK;
  });
}

// On EOS the counters go out as an element message "retailliveness-stats".
static gboolean gst_retail_liveness_sink_event(GstBaseTransform* bt, GstEvent* event) {
  auto* self = GST_RETAIL_LIVENESS(bt);
  if (GST_EVENT_TYPE(event) == GST_EVENT_EOS) {
    Stats st;
    {
      std::lock_guard<std::mutex> lock(self->impl->stats_mutex);
      st = self->impl->stats;
    }
    gst_element_post_message(
        GST_ELEMENT(self),
        gst_message_new_element(
            GST_OBJECT(self),
            gst_structure_new("retailliveness-stats", "frames", G_TYPE_UINT64, st.frames, "faces",
                              G_TYPE_UINT64, st.faces, "eligible-faces", G_TYPE_UINT64,
                              st.eligible_faces, "model-invocations", G_TYPE_UINT64,
                              st.model_invocations, "spoof-tracks", G_TYPE_UINT64, st.spoof_tracks,
                              "dropped-faces", G_TYPE_UINT64, st.dropped_faces, nullptr)));
  }
  return GST_BASE_TRANSFORM_CLASS(gst_retail_liveness_parent_class)->sink_event(bt, event);
}

static void gst_retail_liveness_finalize(GObject* object) {
  auto* self = GST_RETAIL_LIVENESS(object);
  delete self->impl;
  self->impl = nullptr;
  G_OBJECT_CLASS(gst_retail_liveness_parent_class)->finalize(object);
}

static void gst_retail_liveness_class_init(GstRetailLivenessClass* klass) {
  auto* gobject_class = G_OBJECT_CLASS(klass);
  auto* element_class = GST_ELEMENT_CLASS(klass);
  auto* bt_class = GST_BASE_TRANSFORM_CLASS(klass);
  GST_DEBUG_CATEGORY_INIT(gst_retail_liveness_debug, "retailliveness", 0,
                          "gst-retail face liveness (anti-spoofing)");

  gobject_class->set_property = gst_retail_liveness_set_property;
  gobject_class->get_property = gst_retail_liveness_get_property;
  gobject_class->finalize = gst_retail_liveness_finalize;

  const Config d;  // defaults come from core
  const auto rw = static_cast<GParamFlags>(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                                           GST_PARAM_MUTABLE_READY);
  const auto ro = static_cast<GParamFlags>(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_property(
      gobject_class, PROP_MODEL_V2_PATH,
      g_param_spec_string("model-v2-path", "MiniFASNet V2 model",
                          "MiniFASNet V2 ONNX file (x2.7 crop); relative paths are looked up "
                          "under $RETAIL_SHARED_DIR/models",
                          d.model_v2_path.c_str(), rw));
  g_object_class_install_property(
      gobject_class, PROP_MODEL_V1SE_PATH,
      g_param_spec_string("model-v1se-path", "MiniFASNet V1SE model",
                          "MiniFASNet V1SE ONNX file (x4.0 crop); relative paths are looked up "
                          "under $RETAIL_SHARED_DIR/models",
                          d.model_v1se_path.c_str(), rw));
  g_object_class_install_property(
      gobject_class, PROP_MIN_FACE_SIZE_PX,
      g_param_spec_uint("min-face-size-px", "Minimum face size (px)",
                        "Faces whose shorter side is smaller are not checked (stay unknown); "
                        "0 checks every face",
                        0, 4096, static_cast<guint>(d.min_face_size_px), rw));
  g_object_class_install_property(
      gobject_class, PROP_VOTES,
      g_param_spec_uint("votes", "Votes", "Checks kept per track; the decision is their vote", 1,
                        100, static_cast<guint>(d.votes), rw));
  g_object_class_install_property(
      gobject_class, PROP_MIN_VOTES,
      g_param_spec_uint("min-votes", "Minimum votes",
                        "Checks needed before a track is decided (unknown until then); at most "
                        "votes",
                        1, 100, static_cast<guint>(d.min_votes), rw));
  g_object_class_install_property(
      gobject_class, PROP_VOTE_THRESHOLD,
      g_param_spec_float("vote-threshold", "Vote threshold",
                         "Share of live votes to decide live; a share <= 1 - threshold decides "
                         "spoof; in between the previous decision holds. Must be > 0.5",
                         0.5F, 1.F, d.vote_threshold, rw));
  g_object_class_install_property(
      gobject_class, PROP_RECHECK_INTERVAL_FRAMES,
      g_param_spec_uint(
          "recheck-interval-frames", "Recheck interval (frames)",
          "A track is checked on every Nth frame on which its face passes the size gate", 1, 100000,
          static_cast<guint>(d.recheck_interval_frames), rw));
  g_object_class_install_property(
      gobject_class, PROP_DROP_SPOOFS,
      g_param_spec_boolean("drop-spoofs", "Drop spoofs",
                           "Remove faces decided spoof (and their attributes and track entries) "
                           "from the metadata",
                           d.drop_spoofs ? TRUE : FALSE, rw));
  g_object_class_install_property(
      gobject_class, PROP_MODEL_INVOCATIONS,
      g_param_spec_uint64("model-invocations", "Model invocations",
                          "Fused checks run since start (each runs both networks once)", 0,
                          G_MAXUINT64, 0, ro));
  g_object_class_install_property(
      gobject_class, PROP_ELIGIBLE_FACES,
      g_param_spec_uint64("eligible-faces", "Eligible faces",
                          "Faces that passed the size gate since start (the checks a per-frame "
                          "design would run)",
                          0, G_MAXUINT64, 0, ro));
  g_object_class_install_property(
      gobject_class, PROP_SPOOF_TRACKS,
      g_param_spec_uint64("spoof-tracks", "Spoof tracks",
                          "Tracks decided spoof since start (one liveness_rejected event each)", 0,
                          G_MAXUINT64, 0, ro));

  gst_element_class_add_static_pad_template(element_class, &sink_template);
  gst_element_class_add_static_pad_template(element_class, &src_template);
  gst_element_class_set_static_metadata(
      element_class, "Retail face liveness", "Filter/Analyzer/Video",
      "Marks faces live or spoof (posters, phones, screens) per track with MiniFASNet, and can "
      "drop spoof faces from the analytics metadata",
      "gst-retail <https://github.com/gst-retail/gst-retail>");

  bt_class->start = GST_DEBUG_FUNCPTR(gst_retail_liveness_start);
  bt_class->stop = GST_DEBUG_FUNCPTR(gst_retail_liveness_stop);
  bt_class->set_caps = GST_DEBUG_FUNCPTR(gst_retail_liveness_set_caps);
  bt_class->transform_ip = GST_DEBUG_FUNCPTR(gst_retail_liveness_transform_ip);
  bt_class->sink_event = GST_DEBUG_FUNCPTR(gst_retail_liveness_sink_event);
  bt_class->passthrough_on_same_caps = FALSE;
}

static void gst_retail_liveness_init(GstRetailLiveness* self) {
  self->impl = new RetailLivenessImpl();
  gst_base_transform_set_in_place(GST_BASE_TRANSFORM(self), TRUE);
  gst_base_transform_set_passthrough(GST_BASE_TRANSFORM(self), FALSE);
}
