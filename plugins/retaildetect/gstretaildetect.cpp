/**
 * SECTION:element-retaildetect
 * @title: retaildetect
 *
 * Finds people and faces in raw video and attaches them to each buffer as gst-retail
 * metadata (RetailFrameMeta: normalized boxes, confidences, face landmarks, the person each
 * face belongs to). Pixels are never modified; only the network input is resized and
 * colour-converted, straight from I420/NV12/BGR/... (the whole frame is never converted).
 *
 * Back ends (models/README.md): YuNet 2023 (faces, default `face/yunet_n_320x320.onnx`),
 * UltraFace (faces), YOLOX-nano (people, default `person/yolox_nano_320x416.onnx`: PETS AP50
 * 0.89, ~43 ms CPU per frame), PP-PicoDet-S (people), NanoDet-m (people), Yolo-Fastest (people,
 * the fast option: AP50 0.81 at ~11 ms, for many cameras per box), and OpenCV's built-in HOG
 * people detector and Haar/LBP face cascades (Debian opencv-data). Relative model paths are looked up under
 * `$RETAIL_SHARED_DIR/models`. When that folder is absent and no model was configured, the
 * element falls back to Haar faces and HOG people and posts a WARNING message, so a pipeline
 * always runs.
 *
 * With `interval=N` the detectors run on every Nth frame; the frames in between carry
 * analytics with `detector_ran=false` and no new objects, so retailtrack can carry the boxes.
 *
 * On EOS the element posts an element message `retaildetect-stats` (frames-seen,
 * inference-runs, objects); the same counters are read-only properties.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 filesrc location=$RETAIL_SHARED_DIR/media/people/pets09_s2l1_768x576.avi ! \
 *     decodebin ! videoconvert ! video/x-raw,format=I420 ! retaildetect face-backend=none ! \
 *     fakesink
 * ]| People only, every frame, default YOLOX-nano model.
 * |[
 * gst-launch-1.0 filesrc location=$RETAIL_SHARED_DIR/media/faces/hamilton_640x360.mp4 ! \
 *     decodebin ! videoconvert ! retaildetect person-backend=none interval=2 emit-roi-meta=true ! \
 *     fakesink
 * ]| Faces every second frame, also as GstVideoRegionOfInterestMeta.
 */
#include "retaildetect/gstretaildetect.h"

#include <gst/video/video.h>

#include <mutex>
#include <optional>
#include <string>

#include "common/error.h"
#include "common/frame.h"
#include "common/glue.h"
#include "detect/config.h"
#include "detect/frame_detector.h"
#include "meta/retail_meta.h"

GST_DEBUG_CATEGORY_STATIC(gst_retail_detect_debug);
#define GST_CAT_DEFAULT gst_retail_detect_debug

namespace {

using retail::detect::Backend;

enum {
  PROP_0,
  PROP_FACE_MODEL,
  PROP_PERSON_MODEL,
  PROP_FACE_BACKEND,
  PROP_PERSON_BACKEND,
  PROP_FACE_THRESHOLD,
  PROP_PERSON_THRESHOLD,
  PROP_NMS_IOU,
  PROP_INTERVAL,
  PROP_ROI,
  PROP_MIN_FACE_SIZE_PX,
  PROP_MIN_PERSON_HEIGHT_PX,
  PROP_THREADS,
  PROP_EMIT_ROI_META,
  PROP_FRAMES_SEEN,
  PROP_INFERENCE_RUNS,
};

// Streaming state: built in start(), dropped in stop().
struct State {
  explicit State(const retail::detect::Config& c) : config(c), detector(c) {}
  retail::detect::Config config;
  retail::detect::FrameDetector detector;
  GstVideoInfo info{};
  bool have_info = false;
};

}  // namespace

struct RetailDetectImpl {
  std::mutex settings_mutex;
  retail::detect::Config settings;  // property values; defaults = core defaults
  std::mutex state_mutex;           // guards creation/destruction of `state`
  std::optional<State> state;
  retail::detect::FrameStats last_stats;  // counters of the last run, kept after stop()
};

struct _GstRetailDetect {
  GstBaseTransform parent;
  RetailDetectImpl* impl;
};

G_DEFINE_TYPE(GstRetailDetect, gst_retail_detect, GST_TYPE_BASE_TRANSFORM)
GST_ELEMENT_REGISTER_DEFINE(retaildetect, "retaildetect", GST_RANK_NONE, GST_TYPE_RETAIL_DETECT)

GType gst_retail_detect_backend_get_type(void) {
  static GType type = 0;
  if (g_once_init_enter(&type)) {
    static const GEnumValue values[] = {
        {static_cast<gint>(Backend::kAuto), "Inferred from the model file name", "auto"},
        {static_cast<gint>(Backend::kYuNet), "YuNet 2023 faces (ONNX)", "yunet"},
        {static_cast<gint>(Backend::kUltraFace), "UltraFace RFB-320 faces (ONNX)", "ultraface"},
        {static_cast<gint>(Backend::kYoloFastest), "Yolo-Fastest people (Darknet cfg+weights)",
         "yolo-fastest"},
        {static_cast<gint>(Backend::kNanoDet), "NanoDet-m people (ONNX)", "nanodet"},
        {static_cast<gint>(Backend::kYolox),
         "YOLOX people (ONNX raw head; COCO raw BGR or ByteTrack MOT normalised RGB)", "yolox"},
        {static_cast<gint>(Backend::kPicoDet), "PP-PicoDet people (ONNX, GFL heads)", "picodet"},
        {static_cast<gint>(Backend::kHog), "OpenCV HOG people (built in, no file)", "hog"},
        {static_cast<gint>(Backend::kHaar), "OpenCV Haar face cascade (opencv-data)", "haar"},
        {static_cast<gint>(Backend::kLbp), "OpenCV LBP face cascade (opencv-data)", "lbp"},
        {static_cast<gint>(Backend::kNone), "Switched off", "none"},
        {0, nullptr, nullptr}};
    const GType t = g_enum_register_static("GstRetailDetectBackend", values);
    g_once_init_leave(&type, t);
  }
  return type;
}

static void gst_retail_detect_set_property(GObject* object, guint id, const GValue* value,
                                           GParamSpec* pspec) {
  auto* self = GST_RETAIL_DETECT(object);
  std::lock_guard<std::mutex> lock(self->impl->settings_mutex);
  retail::detect::Config& s = self->impl->settings;
  switch (id) {
    case PROP_FACE_MODEL:
      s.face.model = g_value_get_string(value) ? g_value_get_string(value) : "";
      break;
    case PROP_PERSON_MODEL:
      s.person.model = g_value_get_string(value) ? g_value_get_string(value) : "";
      break;
    case PROP_FACE_BACKEND:
      s.face.backend = static_cast<Backend>(g_value_get_enum(value));
      break;
    case PROP_PERSON_BACKEND:
      s.person.backend = static_cast<Backend>(g_value_get_enum(value));
      break;
    case PROP_FACE_THRESHOLD:
      s.face.threshold = g_value_get_float(value);
      break;
    case PROP_PERSON_THRESHOLD:
      s.person.threshold = g_value_get_float(value);
      break;
    case PROP_NMS_IOU:
      s.nms_iou = g_value_get_float(value);
      break;
    case PROP_INTERVAL:
      s.interval = g_value_get_uint(value);
      break;
    case PROP_ROI:
      s.roi = g_value_get_string(value) ? g_value_get_string(value) : "";
      break;
    case PROP_MIN_FACE_SIZE_PX:
      s.face.min_size_px = g_value_get_int(value);
      break;
    case PROP_MIN_PERSON_HEIGHT_PX:
      s.person.min_height_px = g_value_get_int(value);
      break;
    case PROP_THREADS:
      s.threads = g_value_get_int(value);
      break;
    case PROP_EMIT_ROI_META:
      s.emit_roi_meta = g_value_get_boolean(value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
      break;
  }
}

static retail::detect::FrameStats current_stats(RetailDetectImpl* impl) {
  std::lock_guard<std::mutex> lock(impl->state_mutex);
  return impl->state ? impl->state->detector.stats() : impl->last_stats;
}

static void gst_retail_detect_get_property(GObject* object, guint id, GValue* value,
                                           GParamSpec* pspec) {
  auto* self = GST_RETAIL_DETECT(object);
  if (id == PROP_FRAMES_SEEN || id == PROP_INFERENCE_RUNS) {
    const auto st = current_stats(self->impl);
    g_value_set_uint64(value, id == PROP_FRAMES_SEEN ? st.frames_seen : st.inference_runs);
    return;
  }
  std::lock_guard<std::mutex> lock(self->impl->settings_mutex);
  const retail::detect::Config& s = self->impl->settings;
  switch (id) {
    case PROP_FACE_MODEL:
      g_value_set_string(value, s.face.model.c_str());
      break;
    case PROP_PERSON_MODEL:
      g_value_set_string(value, s.person.model.c_str());
      break;
    case PROP_FACE_BACKEND:
      g_value_set_enum(value, static_cast<gint>(s.face.backend));
      break;
    case PROP_PERSON_BACKEND:
      g_value_set_enum(value, static_cast<gint>(s.person.backend));
      break;
    case PROP_FACE_THRESHOLD:
      g_value_set_float(value, s.face.threshold);
      break;
    case PROP_PERSON_THRESHOLD:
      g_value_set_float(value, s.person.threshold);
      break;
    case PROP_NMS_IOU:
      g_value_set_float(value, s.nms_iou);
      break;
    case PROP_INTERVAL:
      g_value_set_uint(value, s.interval);
      break;
    case PROP_ROI:
      g_value_set_string(value, s.roi.c_str());
      break;
    case PROP_MIN_FACE_SIZE_PX:
      g_value_set_int(value, s.face.min_size_px);
      break;
    case PROP_MIN_PERSON_HEIGHT_PX:
      g_value_set_int(value, s.person.min_height_px);
      break;
    case PROP_THREADS:
      g_value_set_int(value, s.threads);
      break;
    case PROP_EMIT_ROI_META:
      g_value_set_boolean(value, s.emit_roi_meta);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
      break;
  }
}

static gboolean gst_retail_detect_start(GstBaseTransform* bt) {
  auto* self = GST_RETAIL_DETECT(bt);
  return RETAIL_GLUE_GUARD(self, FALSE, [&]() -> gboolean {
    retail::detect::Config config;
    {
      std::lock_guard<std::mutex> lock(self->impl->settings_mutex);
      config = self->impl->settings;
    }
    std::lock_guard<std::mutex> lock(self->impl->state_mutex);
    self->impl->state.emplace(config);  // validates, loads (or shares) the models
    for (const std::string& notice : self->impl->state->detector.notices())
      GST_ELEMENT_WARNING(self, RESOURCE, NOT_FOUND, ("%s", notice.c_str()), (nullptr));
    for (const std::string& notice : self->impl->state->detector.setting_notices())
      GST_ELEMENT_WARNING(self, RESOURCE, SETTINGS, ("%s", notice.c_str()), (nullptr));
    GST_INFO_OBJECT(self, "started: %s, interval %u, roi %s",
                    self->impl->state->detector.describe().c_str(), config.interval,
                    config.roi.c_str());
    return TRUE;
  });
}

static gboolean gst_retail_detect_stop(GstBaseTransform* bt) {
  auto* self = GST_RETAIL_DETECT(bt);
  return RETAIL_GLUE_GUARD(self, FALSE, [&]() -> gboolean {
    std::lock_guard<std::mutex> lock(self->impl->state_mutex);
    if (self->impl->state) {
      self->impl->last_stats = self->impl->state->detector.stats();
      GST_INFO_OBJECT(
          self, "stopped after %" G_GUINT64_FORMAT " frames, %" G_GUINT64_FORMAT " inference runs",
          self->impl->last_stats.frames_seen, self->impl->last_stats.inference_runs);
    }
    self->impl->state.reset();
    return TRUE;
  });
}

static gboolean gst_retail_detect_set_caps(GstBaseTransform* bt, GstCaps* incaps,
                                           GstCaps* outcaps) {
  auto* self = GST_RETAIL_DETECT(bt);
  return RETAIL_GLUE_GUARD(self, FALSE, [&]() -> gboolean {
    GstVideoInfo info;
    if (!gst_video_info_from_caps(&info, incaps)) {
      throw retail::Error(retail::ErrorKind::kFrame,
                          "retaildetect cannot parse its input caps: feed it raw video "
                          "(insert videoconvert)");
    }
    GST_DEBUG_OBJECT(self, "caps %" GST_PTR_FORMAT, incaps);
    std::lock_guard<std::mutex> lock(self->impl->state_mutex);
    if (!self->impl->state) return FALSE;
    self->impl->state->info = info;
    self->impl->state->have_info = true;
    return TRUE;
  });
}

static GstFlowReturn gst_retail_detect_transform_ip(GstBaseTransform* bt, GstBuffer* buf) {
  auto* self = GST_RETAIL_DETECT(bt);
  return RETAIL_GLUE_GUARD(self, GST_FLOW_ERROR, [&]() -> GstFlowReturn {
    State* state = self->impl->state ? &*self->impl->state : nullptr;
    if (state == nullptr || !state->have_info) {
      throw retail::Error(retail::ErrorKind::kFrame,
                          "retaildetect received a buffer before its caps were set");
    }
    retail::FrameAnalytics fa = retail::meta::copy_or_new(buf);
    const int64_t pts =
        GST_BUFFER_PTS_IS_VALID(buf) ? static_cast<int64_t>(GST_BUFFER_PTS(buf)) : -1;
    {
      // The mapping holds a buffer ref: release it before the (writable) meta is attached.
      const retail::glue::MappedFrame frame(buf, &state->info);
      state->detector.process(frame.view(), fa, pts);
    }
    GST_LOG_OBJECT(self, "frame %" G_GUINT64_FORMAT ": %zu objects, detector ran: %d",
                   fa.source.frame_index, fa.objects.size(), fa.detector_ran);
    if (state->config.emit_roi_meta) retail::meta::write_roi_metas(buf, fa, &state->info);
    retail::meta::write(buf, std::move(fa));
    return GST_FLOW_OK;
  });
}

static gboolean gst_retail_detect_sink_event(GstBaseTransform* bt, GstEvent* event) {
  auto* self = GST_RETAIL_DETECT(bt);
  if (GST_EVENT_TYPE(event) == GST_EVENT_EOS) {
    const auto st = current_stats(self->impl);
    GstStructure* s = gst_structure_new(
        "retaildetect-stats", "frames-seen", G_TYPE_UINT64, st.frames_seen, "inference-runs",
        G_TYPE_UINT64, st.inference_runs, "objects", G_TYPE_UINT64, st.objects, nullptr);
    gst_element_post_message(GST_ELEMENT(self), gst_message_new_element(GST_OBJECT(self), s));
  }
  return GST_BASE_TRANSFORM_CLASS(gst_retail_detect_parent_class)->sink_event(bt, event);
}

static void gst_retail_detect_finalize(GObject* object) {
  auto* self = GST_RETAIL_DETECT(object);
  delete self->impl;
  self->impl = nullptr;
  G_OBJECT_CLASS(gst_retail_detect_parent_class)->finalize(object);
}

static void gst_retail_detect_init(GstRetailDetect* self) {
  self->impl = new RetailDetectImpl();
  gst_base_transform_set_in_place(GST_BASE_TRANSFORM(self), TRUE);
  gst_base_transform_set_passthrough(GST_BASE_TRANSFORM(self), FALSE);
}

static void gst_retail_detect_class_init(GstRetailDetectClass* klass) {
  GST_DEBUG_CATEGORY_INIT(gst_retail_detect_debug, "retaildetect", 0,
                          "gst-retail people and face detector");
  auto* gobject_class = G_OBJECT_CLASS(klass);
  auto* element_class = GST_ELEMENT_CLASS(klass);
  auto* bt_class = GST_BASE_TRANSFORM_CLASS(klass);

  gobject_class->set_property = gst_retail_detect_set_property;
  gobject_class->get_property = gst_retail_detect_get_property;
  gobject_class->finalize = gst_retail_detect_finalize;

  const retail::detect::Config d;  // property defaults come from core
  const auto rw = static_cast<GParamFlags>(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                                           GST_PARAM_MUTABLE_READY);
  const auto ro = static_cast<GParamFlags>(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_property(
      gobject_class, PROP_FACE_MODEL,
      g_param_spec_string("face-model", "Face model",
                          "Face detector file (YuNet/UltraFace .onnx, or a cascade .xml); relative "
                          "paths are looked up under $RETAIL_SHARED_DIR/models; empty = OpenCV "
                          "Haar cascade",
                          d.face.model.c_str(), rw));
  g_object_class_install_property(
      gobject_class, PROP_PERSON_MODEL,
      g_param_spec_string("person-model", "Person model",
                          "Person detector file: YOLOX / PicoDet / NanoDet .onnx, or a Yolo-Fastest "
                          ".cfg with its .weights beside it. Default YOLOX-nano 320x416: PETS AP50 "
                          "0.89 at ~4x the CPU of person/yolo-fastest-1.1-body.cfg (AP50 0.81, the "
                          "fast option for many cameras per box; docs/BENCHMARKS.md). Relative "
                          "paths are looked up under $RETAIL_SHARED_DIR/models; empty = OpenCV HOG",
                          d.person.model.c_str(), rw));
  g_object_class_install_property(
      gobject_class, PROP_FACE_BACKEND,
      g_param_spec_enum("face-backend", "Face back end",
                        "Face detector algorithm (auto = from the face-model file name; none = no "
                        "face detection)",
                        GST_TYPE_RETAIL_DETECT_BACKEND, static_cast<gint>(d.face.backend), rw));
  g_object_class_install_property(
      gobject_class, PROP_PERSON_BACKEND,
      g_param_spec_enum("person-backend", "Person back end",
                        "Person detector algorithm (auto = from the person-model file name; none "
                        "= no person detection)",
                        GST_TYPE_RETAIL_DETECT_BACKEND, static_cast<gint>(d.person.backend), rw));
  g_object_class_install_property(
      gobject_class, PROP_FACE_THRESHOLD,
      g_param_spec_float("face-threshold", "Face threshold",
                         "Minimum face confidence kept (ignored by the haar/lbp cascades)", 0.F,
                         1.F, d.face.threshold, rw));
  g_object_class_install_property(
      gobject_class, PROP_PERSON_THRESHOLD,
      g_param_spec_float("person-threshold", "Person threshold",
                         "Minimum person confidence kept. 0.5 for counting (YOLOX PETS precision/"
                         "recall 0.89/0.88; Yolo-Fastest needs >= 0.5, cones score 0.3-0.45); "
                         "lower values (>= 0.1) feed retailtrack's low-score association. The DNN "
                         "back ends have no score floor (Yolo-Fastest's region layers are loaded "
                         "with thresh=0); hog never scores below 0.5 and warns if set lower",
                         0.F, 1.F,
                         d.person.threshold, rw));
  g_object_class_install_property(
      gobject_class, PROP_NMS_IOU,
      g_param_spec_float(
          "nms-iou", "NMS IoU",
          "Overlap (IoU) above which the weaker of two boxes of one class is dropped", 0.01F, 1.F,
          d.nms_iou, rw));
  g_object_class_install_property(
      gobject_class, PROP_INTERVAL,
      g_param_spec_uint("interval", "Interval",
                        "Run the detectors on every Nth frame; other frames carry "
                        "detector_ran=false and no new objects (retailtrack carries the boxes)",
                        1, G_MAXINT, d.interval, rw));
  g_object_class_install_property(
      gobject_class, PROP_ROI,
      g_param_spec_string("roi", "Region of interest",
                          "Normalized region searched, \"x,y,w,h\" in [0,1] (e.g. \"0,0.5,1,0.5\" "
                          "= lower half)",
                          d.roi.c_str(), rw));
  g_object_class_install_property(
      gobject_class, PROP_MIN_FACE_SIZE_PX,
      g_param_spec_int("min-face-size-px", "Minimum face size",
                       "Faces whose shorter side is smaller than this many frame pixels are "
                       "dropped",
                       0, 16384, d.face.min_size_px, rw));
  g_object_class_install_property(
      gobject_class, PROP_MIN_PERSON_HEIGHT_PX,
      g_param_spec_int("min-person-height-px", "Minimum person height",
                       "People whose box is shorter than this many frame pixels are dropped", 0,
                       16384, d.person.min_height_px, rw));
  g_object_class_install_property(
      gobject_class, PROP_THREADS,
      g_param_spec_int("threads", "OpenCV threads",
                       "Calls cv::setNumThreads(N) at start: PROCESS-WIDE, shared by every "
                       "element and camera (0 = leave OpenCV's default)",
                       0, 256, d.threads, rw));
  g_object_class_install_property(
      gobject_class, PROP_EMIT_ROI_META,
      g_param_spec_boolean("emit-roi-meta", "Emit ROI meta",
                           "Also attach a GstVideoRegionOfInterestMeta per object for other "
                           "GStreamer tools",
                           d.emit_roi_meta, rw));
  g_object_class_install_property(
      gobject_class, PROP_FRAMES_SEEN,
      g_param_spec_uint64("frames-seen", "Frames seen",
                          "Frames processed since start (kept after stop)", 0, G_MAXUINT64, 0, ro));
  g_object_class_install_property(
      gobject_class, PROP_INFERENCE_RUNS,
      g_param_spec_uint64("inference-runs", "Inference runs",
                          "Frames on which the detectors ran since start (kept after stop)", 0,
                          G_MAXUINT64, 0, ro));

  GstCaps* caps = gst_caps_from_string(RETAIL_VIDEO_CAPS);
  gst_element_class_add_pad_template(
      element_class, gst_pad_template_new("sink", GST_PAD_SINK, GST_PAD_ALWAYS, caps));
  gst_element_class_add_pad_template(
      element_class, gst_pad_template_new("src", GST_PAD_SRC, GST_PAD_ALWAYS, caps));
  gst_caps_unref(caps);
  gst_element_class_set_static_metadata(
      element_class, "Retail people and face detector", "Filter/Analyzer/Video",
      "Finds people and faces (YuNet, UltraFace, YOLOX, PicoDet, NanoDet, Yolo-Fastest, OpenCV "
      "HOG/Haar/LBP) and "
      "attaches normalized boxes, landmarks and face-to-person links as gst-retail metadata",
      "gst-retail <https://github.com/gst-retail/gst-retail>");

  bt_class->start = GST_DEBUG_FUNCPTR(gst_retail_detect_start);
  bt_class->stop = GST_DEBUG_FUNCPTR(gst_retail_detect_stop);
  bt_class->set_caps = GST_DEBUG_FUNCPTR(gst_retail_detect_set_caps);
  bt_class->transform_ip = GST_DEBUG_FUNCPTR(gst_retail_detect_transform_ip);
  bt_class->sink_event = GST_DEBUG_FUNCPTR(gst_retail_detect_sink_event);
  bt_class->passthrough_on_same_caps = FALSE;
  bt_class->transform_ip_on_passthrough = FALSE;

  gst_type_mark_as_plugin_api(GST_TYPE_RETAIL_DETECT_BACKEND, static_cast<GstPluginAPIFlags>(0));
}
