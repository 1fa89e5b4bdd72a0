/**
 * SECTION:element-retailattr
 * @title: retailattr
 *
 * Estimates the age band, gender and facial expression of each face *track* (face-api models)
 * and writes them as `age_band` (label `<18`, `18-24`, `25-34`, `35-44`, `45-54`, `55-64`, `65+`
 * or `unknown`; value = median age in years), `gender` (`male`/`female`/`unknown`; value = fused
 * p(male)) and `emotion` (`neutral`, `happy`, `sad`, `angry`, `fearful`, `disgusted`,
 * `surprised` or `unknown`) attributes on face objects. A track is read on every Nth frame on
 * which its face is at least #GstRetailAttr:min-face-size-px pixels (N =
 * #GstRetailAttr:recheck-interval-frames); each reading is weighted by the face's quality (size,
 * frontalness from the landmarks, sharpness, detector score; below #GstRetailAttr:min-quality it
 * counts for nothing) and fused over the track's whole life: gender as accumulated log-odds
 * (#GstRetailAttr:gender-decide), age as the median of the readings mapped to a band once
 * #GstRetailAttr:age-min-readings agree (#GstRetailAttr:age-max-spread-years) and moved only
 * past #GstRetailAttr:age-band-hysteresis-years, expression as a smoothed distribution
 * (#GstRetailAttr:expression-publish). Until the evidence is enough the label is `unknown`; the
 * defaults make a wrong label rarer than an unknown one on the shared clips and photos
 * (docs/BENCHMARKS.md "Attributes"). Faces without a track id get one reading per frame as long
 * as no track was ever seen (no retailtrack upstream); behind a tracker they get attributes once
 * tracked.
 *
 * #GstRetailAttr:privacy decides what may exist at all: `full` writes everything, `no-emotion`
 * never runs the expression model and writes no `emotion`, `eu` runs no model and writes no
 * demographic or emotion attribute (and removes any an earlier stage wrote), so later stages
 * cannot leak what was never written. Frames without faces pass unchanged. The counters (faces
 * eligible, network runs) are read-only properties and are posted as an element message
 * `retailattr-stats` on EOS.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 filesrc location=hamilton_640x360.mp4 ! decodebin ! videoconvert ! \
 *   retaildetect ! retailtrack ! retailliveness ! retailattr privacy=no-emotion ! fakesink
 * ]|
 */
#include "retailattr/gstretailattr.h"

#include <gst/video/video.h>

#include <mutex>
#include <optional>

#include "attributes/attributes.h"
#include "common/error.h"
#include "common/frame.h"
#include "common/glue.h"
#include "meta/retail_meta.h"

GST_DEBUG_CATEGORY_STATIC(gst_retail_attr_debug);
#define GST_CAT_DEFAULT gst_retail_attr_debug

namespace {

using Config = retail::attributes::Config;
using Stats = retail::attributes::Stats;

struct State {
  explicit State(const Config& c) : analyzer(c) {}
  retail::attributes::Analyzer analyzer;
};

}  // namespace

struct RetailAttrImpl {
  std::mutex settings_mutex;
  Config settings;  // property values; read by start()

  std::mutex state_mutex;  // streaming state, built in start(), dropped in stop()
  std::optional<State> state;
  GstVideoInfo info{};
  bool has_info = false;

  std::mutex stats_mutex;  // last counters, readable after stop()
  Stats stats;
};

struct _GstRetailAttr {
  GstBaseTransform parent;
  RetailAttrImpl* impl;
};

G_DEFINE_TYPE(GstRetailAttr, gst_retail_attr, GST_TYPE_BASE_TRANSFORM)
GST_ELEMENT_REGISTER_DEFINE(retailattr, "retailattr", GST_RANK_NONE, GST_TYPE_RETAIL_ATTR)

GType gst_retail_attr_privacy_get_type(void) {
  static GType type = 0;
  static const GEnumValue values[] = {
      {static_cast<gint>(retail::attributes::Privacy::kFull), "Age band, gender and emotion",
       "full"},
      {static_cast<gint>(retail::attributes::Privacy::kNoEmotion),
       "Age band and gender, no emotion (the expression model never runs)", "no-emotion"},
      {static_cast<gint>(retail::attributes::Privacy::kEu),
       "No demographic or emotion attribute at all (no model runs)", "eu"},
      {0, nullptr, nullptr}};
  if (g_once_init_enter(&type)) {
    const GType t = g_enum_register_static("GstRetailAttrPrivacy", values);
    g_once_init_leave(&type, t);
  }
  return type;
}

enum {
  PROP_0,
  PROP_AGE_GENDER_MODEL_PATH,
  PROP_EMOTION_MODEL_PATH,
  PROP_MIN_FACE_SIZE_PX,
  PROP_RECHECK_INTERVAL_FRAMES,
  PROP_WINDOW,
  PROP_PRIVACY,
  PROP_MIN_QUALITY,
  PROP_SHARPNESS_REF,
  PROP_GENDER_DECIDE,
  PROP_GENDER_READING_CAP,
  PROP_AGE_MIN_READINGS,
  PROP_AGE_MAX_SPREAD_YEARS,
  PROP_AGE_BAND_HYSTERESIS_YEARS,
  PROP_EXPRESSION_PUBLISH,
  PROP_EXPRESSION_MIN_WEIGHT,
  PROP_SCENE_CUT_THRESHOLD,
  PROP_AGE_GENDER_INVOCATIONS,
  PROP_EMOTION_INVOCATIONS,
  PROP_ELIGIBLE_FACES,
};

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE(
    "sink", GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS(RETAIL_VIDEO_CAPS));
static GstStaticPadTemplate src_template =
    GST_STATIC_PAD_TEMPLATE("src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS(RETAIL_VIDEO_CAPS));

static void gst_retail_attr_set_property(GObject* object, guint prop_id, const GValue* value,
                                         GParamSpec* pspec) {
  auto* self = GST_RETAIL_ATTR(object);
  std::lock_guard<std::mutex> lock(self->impl->settings_mutex);
  Config& s = self->impl->settings;
  switch (prop_id) {
    case PROP_AGE_GENDER_MODEL_PATH: {
      const gchar* v = g_value_get_string(value);
      s.age_gender_model_path = v != nullptr ? v : "";
      break;
    }
    case PROP_EMOTION_MODEL_PATH: {
      const gchar* v = g_value_get_string(value);
      s.emotion_model_path = v != nullptr ? v : "";
      break;
    }
    case PROP_MIN_FACE_SIZE_PX:
      s.min_face_size_px = static_cast<int>(g_value_get_uint(value));
      break;
    case PROP_RECHECK_INTERVAL_FRAMES:
      s.recheck_interval_frames = static_cast<int>(g_value_get_uint(value));
      break;
    case PROP_WINDOW:
      s.window = static_cast<int>(g_value_get_uint(value));
      break;
    case PROP_PRIVACY:
      s.privacy = static_cast<retail::attributes::Privacy>(g_value_get_enum(value));
      break;
    case PROP_MIN_QUALITY:
      s.min_quality = g_value_get_double(value);
      break;
    case PROP_SHARPNESS_REF:
      s.sharpness_ref = g_value_get_double(value);
      break;
    case PROP_GENDER_DECIDE:
      s.gender_decide = g_value_get_double(value);
      break;
    case PROP_GENDER_READING_CAP:
      s.gender_reading_cap = g_value_get_double(value);
      break;
    case PROP_AGE_MIN_READINGS:
      s.age_min_readings = static_cast<int>(g_value_get_uint(value));
      break;
    case PROP_AGE_MAX_SPREAD_YEARS:
      s.age_max_spread_years = g_value_get_double(value);
      break;
    case PROP_AGE_BAND_HYSTERESIS_YEARS:
      s.age_band_hysteresis_years = g_value_get_double(value);
      break;
    case PROP_EXPRESSION_PUBLISH:
      s.expression_publish = g_value_get_double(value);
      break;
    case PROP_EXPRESSION_MIN_WEIGHT:
      s.expression_min_weight = g_value_get_double(value);
      break;
    case PROP_SCENE_CUT_THRESHOLD:
      s.scene_cut_threshold = g_value_get_double(value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
      break;
  }
}

static void gst_retail_attr_get_property(GObject* object, guint prop_id, GValue* value,
                                         GParamSpec* pspec) {
  auto* self = GST_RETAIL_ATTR(object);
  if (prop_id >= PROP_AGE_GENDER_INVOCATIONS) {
    std::lock_guard<std::mutex> lock(self->impl->stats_mutex);
    const Stats& st = self->impl->stats;
    switch (prop_id) {
      case PROP_AGE_GENDER_INVOCATIONS:
        g_value_set_uint64(value, st.age_gender_invocations);
        break;
      case PROP_EMOTION_INVOCATIONS:
        g_value_set_uint64(value, st.emotion_invocations);
        break;
      case PROP_ELIGIBLE_FACES:
        g_value_set_uint64(value, st.eligible_faces);
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
    case PROP_AGE_GENDER_MODEL_PATH:
      g_value_set_string(value, s.age_gender_model_path.c_str());
      break;
    case PROP_EMOTION_MODEL_PATH:
      g_value_set_string(value, s.emotion_model_path.c_str());
      break;
    case PROP_MIN_FACE_SIZE_PX:
      g_value_set_uint(value, static_cast<guint>(s.min_face_size_px));
      break;
    case PROP_RECHECK_INTERVAL_FRAMES:
      g_value_set_uint(value, static_cast<guint>(s.recheck_interval_frames));
      break;
    case PROP_WINDOW:
      g_value_set_uint(value, static_cast<guint>(s.window));
      break;
    case PROP_PRIVACY:
      g_value_set_enum(value, static_cast<gint>(s.privacy));
      break;
    case PROP_MIN_QUALITY:
      g_value_set_double(value, s.min_quality);
      break;
    case PROP_SHARPNESS_REF:
      g_value_set_double(value, s.sharpness_ref);
      break;
    case PROP_GENDER_DECIDE:
      g_value_set_double(value, s.gender_decide);
      break;
    case PROP_GENDER_READING_CAP:
      g_value_set_double(value, s.gender_reading_cap);
      break;
    case PROP_AGE_MIN_READINGS:
      g_value_set_uint(value, static_cast<guint>(s.age_min_readings));
      break;
    case PROP_AGE_MAX_SPREAD_YEARS:
      g_value_set_double(value, s.age_max_spread_years);
      break;
    case PROP_AGE_BAND_HYSTERESIS_YEARS:
      g_value_set_double(value, s.age_band_hysteresis_years);
      break;
    case PROP_EXPRESSION_PUBLISH:
      g_value_set_double(value, s.expression_publish);
      break;
    case PROP_EXPRESSION_MIN_WEIGHT:
      g_value_set_double(value, s.expression_min_weight);
      break;
    case PROP_SCENE_CUT_THRESHOLD:
      g_value_set_double(value, s.scene_cut_threshold);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
      break;
  }
}

static gboolean gst_retail_attr_start(GstBaseTransform* bt) {
  auto* self = GST_RETAIL_ATTR(bt);
  return RETAIL_GLUE_GUARD(self, FALSE, [&]() -> gboolean {
    Config config;
    {
      std::lock_guard<std::mutex> lock(self->impl->settings_mutex);
      config = self->impl->settings;
    }
    std::lock_guard<std::mutex> lock(self->impl->state_mutex);
    self->impl->state.emplace(config);  // validates, loads (or shares) what privacy allows
    {
      std::lock_guard<std::mutex> stats_lock(self->impl->stats_mutex);
      self->impl->stats = Stats{};
    }
    GST_INFO_OBJECT(self, "started: privacy %s, min face %d px, recheck every %d frames, window %d",
                    retail::attributes::to_string(config.privacy), config.min_face_size_px,
                    config.recheck_interval_frames, config.window);
    return TRUE;
  });
}

static gboolean gst_retail_attr_stop(GstBaseTransform* bt) {
  auto* self = GST_RETAIL_ATTR(bt);
  return RETAIL_GLUE_GUARD(self, FALSE, [&]() -> gboolean {
    std::lock_guard<std::mutex> lock(self->impl->state_mutex);
    if (self->impl->state) {
      const Stats& st = self->impl->state->analyzer.stats();
      GST_INFO_OBJECT(self,
                      "stopped: %" G_GUINT64_FORMAT " frames, %" G_GUINT64_FORMAT
                      " faces, %" G_GUINT64_FORMAT " eligible, %" G_GUINT64_FORMAT
                      " age/gender runs, %" G_GUINT64_FORMAT " expression runs",
                      st.frames, st.faces, st.eligible_faces, st.age_gender_invocations,
                      st.emotion_invocations);
    }
    self->impl->state.reset();
    self->impl->has_info = false;
    return TRUE;
  });
}

static gboolean gst_retail_attr_set_caps(GstBaseTransform* bt, GstCaps* incaps, GstCaps* outcaps) {
  auto* self = GST_RETAIL_ATTR(bt);
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

static GstFlowReturn gst_retail_attr_transform_ip(GstBaseTransform* bt, GstBuffer* buf) {
  auto* self = GST_RETAIL_ATTR(bt);
  return RETAIL_GLUE_GUARD(self, GST_FLOW_ERROR, [&] {
    const retail::FrameAnalyticsPtr in = retail::meta::read(buf);
    if (!in) return GST_FLOW_OK;  // nothing detected upstream
    std::lock_guard<std::mutex> lock(self->impl->state_mutex);
    if (!self->impl->state || !self->impl->has_info)
      throw retail::Error(retail::ErrorKind::kInternal,
                          "retailattr received a buffer before start() and caps");
    retail::FrameAnalytics out = *in;
    {
      retail::glue::MappedFrame frame(buf, &self->impl->info);
      if (!frame.ok())
        throw retail::Error(retail::ErrorKind::kFrame,
                            "retailattr cannot map the video frame for reading: check that "
                            "upstream sends system-memory raw video matching the caps");
      self->impl->state->analyzer.process(frame.view(), out);
    }
    retail::meta::write(buf, std::move(out));
    std::lock_guard<std::mutex> stats_lock(self->impl->stats_mutex);
    self->impl->stats = self->impl->state->analyzer.stats();
    return GST_FLOW_OK;
  });
}

// On EOS the counters go out as an element message "retailattr-stats".
static gboolean gst_retail_attr_sink_event(GstBaseTransform* bt, GstEvent* event) {
  auto* self = GST_RETAIL_ATTR(bt);
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
            gst_structure_new("retailattr-stats", "frames", G_TYPE_UINT64, st.frames, "faces",
                              G_TYPE_UINT64, st.faces, "eligible-faces", G_TYPE_UINT64,
                              st.eligible_faces, "age-gender-invocations", G_TYPE_UINT64,
                              st.age_gender_invocations, "emotion-invocations", G_TYPE_UINT64,
                              st.emotion_invocations, "low-quality-readings", G_TYPE_UINT64,
                              st.low_quality_readings, "scene-cuts", G_TYPE_UINT64, st.scene_cuts,
                              nullptr)));
  }
  return GST_BASE_TRANSFORM_CLASS(gst_retail_attr_parent_class)->sink_event(bt, event);
}

static void gst_retail_attr_finalize(GObject* object) {
  auto* self = GST_RETAIL_ATTR(object);
  delete self->impl;
  self->impl = nullptr;
  G_OBJECT_CLASS(gst_retail_attr_parent_class)->finalize(object);
}

static void gst_retail_attr_class_init(GstRetailAttrClass* klass) {
  auto* gobject_class = G_OBJECT_CLASS(klass);
  auto* element_class = GST_ELEMENT_CLASS(klass);
  auto* bt_class = GST_BASE_TRANSFORM_CLASS(klass);
  GST_DEBUG_CATEGORY_INIT(gst_retail_attr_debug, "retailattr", 0,
                          "gst-retail face attributes (age band, gender, expression)");

  gobject_class->set_property = gst_retail_attr_set_property;
  gobject_class->get_property = gst_retail_attr_get_property;
  gobject_class->finalize = gst_retail_attr_finalize;

  const Config d;  // defaults come from core
  const auto rw = static_cast<GParamFlags>(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                                           GST_PARAM_MUTABLE_READY);
  const auto ro = static_cast<GParamFlags>(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_property(
      gobject_class, PROP_AGE_GENDER_MODEL_PATH,
      g_param_spec_string("age-gender-model-path", "Age/gender model",
                          "face-api age/gender ONNX file; relative paths are looked up under "
                          "$RETAIL_SHARED_DIR/models",
                          d.age_gender_model_path.c_str(), rw));
  g_object_class_install_property(
      gobject_class, PROP_EMOTION_MODEL_PATH,
      g_param_spec_string("emotion-model-path", "Expression model",
                          "face-api expression ONNX file; relative paths are looked up under "
                          "$RETAIL_SHARED_DIR/models",
                          d.emotion_model_path.c_str(), rw));
  g_object_class_install_property(
      gobject_class, PROP_MIN_FACE_SIZE_PX,
      g_param_spec_uint("min-face-size-px", "Minimum face size (px)",
                        "Faces whose shorter side is smaller get no attributes; 0 evaluates "
                        "every face",
                        0, 4096, static_cast<guint>(d.min_face_size_px), rw));
  g_object_class_install_property(
      gobject_class, PROP_RECHECK_INTERVAL_FRAMES,
      g_param_spec_uint(
          "recheck-interval-frames", "Recheck interval (frames)",
          "A track is read (one age/gender + expression run) on every Nth frame on which its face "
          "passes the size gate",
          1, 100000, static_cast<guint>(d.recheck_interval_frames), rw));
  g_object_class_install_property(
      gobject_class, PROP_WINDOW,
      g_param_spec_uint("window", "Age window (readings)",
                        "Age readings kept per track for the median age", 1, 1000,
                        static_cast<guint>(d.window), rw));
  g_object_class_install_property(
      gobject_class, PROP_PRIVACY,
      g_param_spec_enum("privacy", "Privacy",
                        "What may be written: full, no-emotion, or eu (no demographic or "
                        "emotion attribute at all)",
                        GST_TYPE_RETAIL_ATTR_PRIVACY, static_cast<gint>(d.privacy), rw));
  g_object_class_install_property(
      gobject_class, PROP_MIN_QUALITY,
      g_param_spec_double("min-quality", "Minimum reading quality",
                          "Readings whose face quality (size x frontalness x sharpness x detector "
                          "score, 0..1) is below this count for nothing",
                          0.0, 1.0, d.min_quality, rw));
  g_object_class_install_property(
      gobject_class, PROP_SHARPNESS_REF,
      g_param_spec_double("sharpness-ref", "Sharpness reference",
                          "Variance of the Laplacian of a 112x112 face at which the sharpness "
                          "factor of the quality reaches 1",
                          0.001, 100000.0, d.sharpness_ref, rw));
  g_object_class_install_property(
      gobject_class, PROP_GENDER_DECIDE,
      g_param_spec_double(
          "gender-decide", "Gender decision (log-odds)",
          "Accumulated quality-weighted log-odds a track needs before its gender is published "
          "(else unknown); a published gender flips only at the opposite value",
          0.001, 50.0, d.gender_decide, rw));
  g_object_class_install_property(
      gobject_class, PROP_GENDER_READING_CAP,
      g_param_spec_double(
          "gender-reading-cap", "Gender log-odds per reading",
          "Most log-odds one reading may add (readings of one face are not independent)", 0.001,
          20.0, d.gender_reading_cap, rw));
  g_object_class_install_property(
      gobject_class, PROP_AGE_MIN_READINGS,
      g_param_spec_uint("age-min-readings", "Age readings before a band",
                        "Readings of at least min-quality a track needs before its age band is "
                        "published (else unknown)",
                        1, 1000, static_cast<guint>(d.age_min_readings), rw));
  g_object_class_install_property(
      gobject_class, PROP_AGE_MAX_SPREAD_YEARS,
      g_param_spec_double(
          "age-max-spread-years", "Age spread allowed (years)",
          "Median absolute deviation of the age readings above which no band is published yet",
          0.001, 100.0, d.age_max_spread_years, rw));
  g_object_class_install_property(
      gobject_class, PROP_AGE_BAND_HYSTERESIS_YEARS,
      g_param_spec_double(
          "age-band-hysteresis-years", "Age band hysteresis (years)",
          "A published band changes only when the median age is this far past its edge", 0.0, 20.0,
          d.age_band_hysteresis_years, rw));
  g_object_class_install_property(
      gobject_class, PROP_EXPRESSION_PUBLISH,
      g_param_spec_double(
          "expression-publish", "Expression publish threshold",
          "Smoothed probability the leading expression needs to be published (else unknown)", 0.001,
          1.0, d.expression_publish, rw));
  g_object_class_install_property(
      gobject_class, PROP_EXPRESSION_MIN_WEIGHT,
      g_param_spec_double("expression-min-weight", "Expression evidence needed",
                          "Quality-weighted readings before any expression is published", 0.0,
                          1000.0, d.expression_min_weight, rw));
  g_object_class_install_property(
      gobject_class, PROP_SCENE_CUT_THRESHOLD,
      g_param_spec_double("scene-cut-threshold", "Camera cut threshold",
                          "Mean absolute change (0..255) of a 32x18 grey thumbnail between two "
                          "frames at which every track's evidence is dropped (a tracker may carry "
                          "an id across a cut onto another face); 0 = off",
                          0.0, 255.0, d.scene_cut_threshold, rw));
  g_object_class_install_property(
      gobject_class, PROP_AGE_GENDER_INVOCATIONS,
      g_param_spec_uint64("age-gender-invocations", "Age/gender invocations",
                          "Age/gender network runs since start", 0, G_MAXUINT64, 0, ro));
  g_object_class_install_property(
      gobject_class, PROP_EMOTION_INVOCATIONS,
      g_param_spec_uint64("emotion-invocations", "Expression invocations",
                          "Expression network runs since start", 0, G_MAXUINT64, 0, ro));
  g_object_class_install_property(
      gobject_class, PROP_ELIGIBLE_FACES,
      g_param_spec_uint64("eligible-faces", "Eligible faces",
                          "Faces that passed the size gate since start (the evaluations a "
                          "per-frame design would run)",
                          0, G_MAXUINT64, 0, ro));
  gst_type_mark_as_plugin_api(GST_TYPE_RETAIL_ATTR_PRIVACY, static_cast<GstPluginAPIFlags>(0));

  gst_element_class_add_static_pad_template(element_class, &sink_template);
  gst_element_class_add_static_pad_template(element_class, &src_template);
  gst_element_class_set_static_metadata(
      element_class, "Retail face attributes", "Filter/Analyzer/Video",
      "Writes age band, gender and dominant expression per face track (face-api), within the "
      "privacy mode chosen",
      "gst-retail <https://github.com/gst-retail/gst-retail>");

  bt_class->start = GST_DEBUG_FUNCPTR(gst_retail_attr_start);
  bt_class->stop = GST_DEBUG_FUNCPTR(gst_retail_attr_stop);
  bt_class->set_caps = GST_DEBUG_FUNCPTR(gst_retail_attr_set_caps);
  bt_class->transform_ip = GST_DEBUG_FUNCPTR(gst_retail_attr_transform_ip);
  bt_class->sink_event = GST_DEBUG_FUNCPTR(gst_retail_attr_sink_event);
  bt_class->passthrough_on_same_caps = FALSE;
}

static void gst_retail_attr_init(GstRetailAttr* self) {
  self->impl = new RetailAttrImpl();
  gst_base_transform_set_in_place(GST_BASE_TRANSFORM(self), TRUE);
  gst_base_transform_set_passthrough(GST_BASE_TRANSFORM(self), FALSE);
}
