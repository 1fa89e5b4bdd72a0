/**
 * SECTION:element-adoverlay
 * @title: adoverlay
 *
 * Draws what the pipeline knows onto the video and runs an audience-targeted ad panel.
 *
 * Layers, each switchable: person and face boxes (#GstRetailAdOverlay:draw-boxes), track ids
 * (#GstRetailAdOverlay:draw-ids), a live/spoof badge on faces (#GstRetailAdOverlay:draw-liveness),
 * age band / gender / expression labels (#GstRetailAdOverlay:draw-attributes, never drawn with
 * `privacy=eu`), lines and zones from retailzones (#GstRetailAdOverlay:draw-regions), a HUD with
 * fps, people and faces now, live viewers, footfall from the counting lines and zones (when the
 * pipeline has any), distinct track ids seen since start (labelled as ids: not people) and the
 * playing creative
 * (#GstRetailAdOverlay:draw-hud), and the ad panel (#GstRetailAdOverlay:draw-panel).
 *
 * The panel shows the creative chosen from #GstRetailAdOverlay:campaigns-file for the audience in
 * front of the screen (live viewers, dominant age band, gender share, dominant expression, time
 * of day), switches no sooner than the creative's minimum display time, cross-fades, and appends
 * an `ad_impression` event (aggregates only) to the frame on which a creative ends, for
 * kafkasink. The impression of the creative still on screen at EOS is posted as an
 * `adoverlay-impression` element message.
 *
 * Drawing is a #GstVideoOverlayComposition: attached as meta when downstream accepts
 * GstVideoOverlayCompositionMeta, otherwise blended into the frame (any raw format, no
 * conversion). #GstRetailAdOverlay:blur-faces blurs every face box in the video itself.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 filesrc location=hamilton_640x360.mp4 ! decodebin ! videoconvert ! \
 *   retaildetect ! retailtrack ! retailliveness ! retailattr ! \
 *   adoverlay campaigns-file=configs/campaigns.json ! videoconvert ! autovideosink
 * ]|
 */
#include "adoverlay/gstadoverlay.h"

#include <gst/video/video.h>

#include <memory>
#include <mutex>
#include <optional>

#include "adoverlay/render.h"
#include "common/error.h"
#include "common/frame.h"
#include "common/glue.h"
#include "meta/retail_meta.h"
#include "overlay/blur.h"
#include "overlay/engine.h"

GST_DEBUG_CATEGORY_STATIC(gst_retail_ad_overlay_debug);
#define GST_CAT_DEFAULT gst_retail_ad_overlay_debug

namespace {

using Settings = retail::overlay::Settings;

struct State {
  State(const Settings& s, int64_t anchor_us)
      : engine(s, anchor_us), renderer(engine.creatives()) {}
  retail::overlay::Engine engine;
  retail::adoverlay::Renderer renderer;
};

}  // namespace

struct RetailAdOverlayImpl {
  std::mutex settings_mutex;
  Settings settings;

  std::mutex state_mutex;
  std::optional<State> state;
  GstVideoInfo info{};
  bool has_info = false;
  bool query_downstream = true;  // re-ask downstream about the composition meta
  bool attach_meta = false;      // downstream accepts GstVideoOverlayCompositionMeta

  std::mutex stats_mutex;
  std::string current_creative;
  guint64 impressions = 0;
};

struct _GstRetailAdOverlay {
  GstBaseTransform parent;
  RetailAdOverlayImpl* impl;
};

G_DEFINE_TYPE(GstRetailAdOverlay, gst_retail_ad_overlay, GST_TYPE_BASE_TRANSFORM)
GST_ELEMENT_REGISTER_DEFINE(adoverlay, "adoverlay", GST_RANK_NONE, GST_TYPE_RETAIL_AD_OVERLAY)

enum {
  PROP_0,
  PROP_CAMPAIGNS_FILE,
  PROP_DRAW_BOXES,
  PROP_DRAW_IDS,
  PROP_DRAW_LIVENESS,
  PROP_DRAW_ATTRIBUTES,
  PROP_DRAW_HUD,
  PROP_DRAW_REGIONS,
  PROP_DRAW_PANEL,
  PROP_PRIVACY,
  PROP_BLUR_FACES,
  PROP_PANEL_CORNER,
  PROP_PANEL_WIDTH_FRACTION,
  PROP_PANEL_OPACITY,
  PROP_PANEL_FADE_MS,
  PROP_AUDIENCE_WINDOW_MS,
  PROP_VIEWERS_REQUIRE_LIVENESS,
  PROP_CURRENT_CREATIVE,
  PROP_IMPRESSIONS,
};

#define GST_TYPE_RETAIL_AD_OVERLAY_PRIVACY (gst_retail_ad_overlay_privacy_get_type())
static GType gst_retail_ad_overlay_privacy_get_type() {
  static GType type = 0;
  static const GEnumValue values[] = {
      {static_cast<gint>(retail::campaign::Privacy::kNone), "No restriction", "none"},
      {static_cast<gint>(retail::campaign::Privacy::kEu),
       "No demographic or expression labels on screen, in targeting or in events", "eu"},
      {0, nullptr, nullptr}};
  if (g_once_init_enter(&type)) {
    GType t = g_enum_register_static("GstRetailAdOverlayPrivacy", values);
    g_once_init_leave(&type, t);
  }
  return type;
}

#define GST_TYPE_RETAIL_AD_OVERLAY_CORNER (gst_retail_ad_overlay_corner_get_type())
static GType gst_retail_ad_overlay_corner_get_type() {
  static GType type = 0;
  using retail::overlay::Corner;
  static const GEnumValue values[] = {
      {static_cast<gint>(Corner::kTopLeft), "Top left", "top-left"},
      {static_cast<gint>(Corner::kTopRight), "Top right", "top-right"},
      {static_cast<gint>(Corner::kBottomLeft), "Bottom left", "bottom-left"},
      {static_cast<gint>(Corner::kBottomRight), "Bottom right", "bottom-right"},
      {0, nullptr, nullptr}};
  if (g_once_init_enter(&type)) {
    GType t = g_enum_register_static("GstRetailAdOverlayCorner", values);
    g_once_init_leave(&type, t);
  }
  return type;
}

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE(
    "sink", GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS(RETAIL_VIDEO_CAPS));
static GstStaticPadTemplate src_template =
    GST_STATIC_PAD_TEMPLATE("src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS(RETAIL_VIDEO_CAPS));

static bool* layer_field(Settings& s, guint prop_id) {
  auto& l = s.scene.layers;
  switch (prop_id) {
    case PROP_DRAW_BOXES:
      return &l.boxes;
    case PROP_DRAW_IDS:
      return &l.ids;
    case PROP_DRAW_LIVENESS:
      return &l.liveness;
    case PROP_DRAW_ATTRIBUTES:
      return &l.attributes;
    case PROP_DRAW_HUD:
      return &l.hud;
    case PROP_DRAW_REGIONS:
      return &l.regions;
    case PROP_DRAW_PANEL:
      return &l.panel;
    case PROP_BLUR_FACES:
      return &s.scene.blur_faces;
    case PROP_VIEWERS_REQUIRE_LIVENESS:
      return &s.viewers_require_liveness;
    default:
      return nullptr;
  }
}

static void gst_retail_ad_overlay_set_property(GObject* object, guint prop_id, const GValue* value,
                                               GParamSpec* pspec) {
  auto* self = GST_RETAIL_AD_OVERLAY(object);
  std::lock_guard<std::mutex> lock(self->impl->settings_mutex);
  Settings& s = self->impl->settings;
  if (bool* flag = layer_field(s, prop_id)) {
    *flag = g_value_get_boolean(value) != FALSE;
    return;
  }
  switch (prop_id) {
    case PROP_CAMPAIGNS_FILE: {
      const gchar* v = g_value_get_string(value);
      s.campaigns_file = v != nullptr ? v : "";
      break;
    }
    case PROP_PRIVACY:
      s.scene.privacy = static_cast<retail::campaign::Privacy>(g_value_get_enum(value));
      break;
    case PROP_PANEL_CORNER:
      s.scene.panel_corner = static_cast<retail::overlay::Corner>(g_value_get_enum(value));
      break;
    case PROP_PANEL_WIDTH_FRACTION:
      s.scene.panel_width = g_value_get_double(value);
      break;
    case PROP_PANEL_OPACITY:
      s.scene.panel_opacity = g_value_get_double(value);
      break;
    case PROP_PANEL_FADE_MS:
      s.scene.panel_fade_ms = g_value_get_uint(value);
      break;
    case PROP_AUDIENCE_WINDOW_MS:
      s.audience_window_ms = g_value_get_uint(value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
      break;
  }
}

static void gst_retail_ad_overlay_get_property(GObject* object, guint prop_id, GValue* value,
                                               GParamSpec* pspec) {
  auto* self = GST_RETAIL_AD_OVERLAY(object);
  if (prop_id == PROP_CURRENT_CREATIVE || prop_id == PROP_IMPRESSIONS) {
    std::lock_guard<std::mutex> lock(self->impl->stats_mutex);
    if (prop_id == PROP_CURRENT_CREATIVE)
      g_value_set_string(value, self->impl->current_creative.c_str());
    else
      g_value_set_uint64(value, self->impl->impressions);
    return;
  }
  std::lock_guard<std::mutex> lock(self->impl->settings_mutex);
  Settings& s = self->impl->settings;
  if (bool* flag = layer_field(s, prop_id)) {
    g_value_set_boolean(value, *flag ? TRUE : FALSE);
    return;
  }
  switch (prop_id) {
    case PROP_CAMPAIGNS_FILE:
      g_value_set_string(value, s.campaigns_file.c_str());
      break;
    case PROP_PRIVACY:
      g_value_set_enum(value, static_cast<gint>(s.scene.privacy));
      break;
    case PROP_PANEL_CORNER:
      g_value_set_enum(value, static_cast<gint>(s.scene.panel_corner));
      break;
    case PROP_PANEL_WIDTH_FRACTION:
      g_value_set_double(value, s.scene.panel_width);
      break;
    case PROP_PANEL_OPACITY:
      g_value_set_double(value, s.scene.panel_opacity);
      break;
    case PROP_PANEL_FADE_MS:
      g_value_set_uint(value, static_cast<guint>(s.scene.panel_fade_ms));
      break;
    case PROP_AUDIENCE_WINDOW_MS:
      g_value_set_uint(value, static_cast<guint>(s.audience_window_ms));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
      break;
  }
}

static void post_impression(GstRetailAdOverlay* self, const retail::Event& e) {
  GstStructure* s = gst_structure_new("adoverlay-impression", "type", G_TYPE_STRING, e.type.c_str(),
                                      "payload", G_TYPE_STRING, e.payload_json.c_str(), nullptr);
  gst_element_post_message(GST_ELEMENT(self), gst_message_new_element(GST_OBJECT(self), s));
}

static gboolean gst_retail_ad_overlay_start(GstBaseTransform* bt) {
  auto* self = GST_RETAIL_AD_OVERLAY(bt);
  return RETAIL_GLUE_GUARD(self, FALSE, [&]() -> gboolean {
    Settings settings;
    {
      std::lock_guard<std::mutex> lock(self->impl->settings_mutex);
      settings = self->impl->settings;
    }
    std::lock_guard<std::mutex> lock(self->impl->state_mutex);
    self->impl->state.emplace(settings, g_get_real_time());  // loads and checks campaigns
    for (const std::string& w : self->impl->state->engine.warnings())
      GST_ELEMENT_WARNING(self, RESOURCE, SETTINGS, ("%s", w.c_str()), (nullptr));
    self->impl->query_downstream = true;
    {
      std::lock_guard<std::mutex> stats_lock(self->impl->stats_mutex);
      self->impl->impressions = 0;
      self->impl->current_creative.clear();
    }
    GST_INFO_OBJECT(self, "started: campaigns '%s' (%zu creatives), privacy %s, blur-faces %d",
                    settings.campaigns_file.c_str(), self->impl->state->engine.creatives().size(),
                    retail::campaign::to_string(settings.scene.privacy),
                    settings.scene.blur_faces ? 1 : 0);
    return TRUE;
  });
}

static void finish_playout(GstRetailAdOverlay* self) {
  // state_mutex held by the caller
  if (!self->impl->state) return;
  auto e = self->impl->state->engine.finish();
  if (e) {
    post_impression(self, *e);
    std::lock_guard<std::mutex> stats_lock(self->impl->stats_mutex);
    self->impl->impressions = self->impl->state->engine.impressions();
  }
}

static gboolean gst_retail_ad_overlay_stop(GstBaseTransform* bt) {
  auto* self = GST_RETAIL_AD_OVERLAY(bt);
  return RETAIL_GLUE_GUARD(self, FALSE, [&]() -> gboolean {
    std::lock_guard<std::mutex> lock(self->impl->state_mutex);
    finish_playout(self);
    if (self->impl->state)
      GST_INFO_OBJECT(self, "stopped: %" G_GUINT64_FORMAT " impressions",
                      self->impl->state->engine.impressions());
    self->impl->state.reset();
    self->impl->has_info = false;
    return TRUE;
  });
}

static gboolean gst_retail_ad_overlay_sink_event(GstBaseTransform* bt, GstEvent* event) {
  auto* self = GST_RETAIL_AD_OVERLAY(bt);
  if (GST_EVENT_TYPE(event) == GST_EVENT_EOS) {
    RETAIL_GLUE_GUARD(self, FALSE, [&]() -> gboolean {
      std::lock_guard<std::mutex> lock(self->impl->state_mutex);
      finish_playout(self);
      return TRUE;
    });
  }
  return GST_BASE_TRANSFORM_CLASS(gst_retail_ad_overlay_parent_class)->sink_event(bt, event);
}

static gboolean gst_retail_ad_overlay_set_caps(GstBaseTransform* bt, GstCaps* incaps,
                                               GstCaps* outcaps) {
  auto* self = GST_RETAIL_AD_OVERLAY(bt);
  return RETAIL_GLUE_GUARD(self, FALSE, [&]() -> gboolean {
    GstVideoInfo info;
    if (!gst_video_info_from_caps(&info, incaps)) {
      GST_WARNING_OBJECT(self, "cannot parse caps %" GST_PTR_FORMAT, incaps);
      return FALSE;
    }
    std::lock_guard<std::mutex> lock(self->impl->state_mutex);
    self->impl->info = info;
    self->impl->has_info = true;
    self->impl->query_downstream = true;
    GST_DEBUG_OBJECT(self, "caps %" GST_PTR_FORMAT, incaps);
    return TRUE;
  });
}

// Asks downstream (allocation query) whether it renders GstVideoOverlayCompositionMeta itself.
static bool downstream_accepts_meta(GstBaseTransform* bt) {
  GstCaps* caps = gst_pad_get_current_caps(GST_BASE_TRANSFORM_SRC_PAD(bt));
  if (caps == nullptr) return false;
  GstQuery* query = gst_query_new_allocation(caps, FALSE);
  gst_caps_unref(caps);
  bool accepts = false;
  if (gst_pad_peer_query(GST_BASE_TRANSFORM_SRC_PAD(bt), query))
    accepts = gst_query_find_allocation_meta(query, GST_VIDEO_OVERLAY_COMPOSITION_META_API_TYPE,
                                             nullptr) != FALSE;
  gst_query_unref(query);
  return accepts;
}

static GstFlowReturn gst_retail_ad_overlay_transform_ip(GstBaseTransform* bt, GstBuffer* buf) {
  auto* self = GST_RETAIL_AD_OVERLAY(bt);
  return RETAIL_GLUE_GUARD(self, GST_FLOW_ERROR, [&] {
    std::lock_guard<std::mutex> lock(self->impl->state_mutex);
    RetailAdOverlayImpl& impl = *self->impl;
    if (!impl.state || !impl.has_info)
      throw retail::Error(retail::ErrorKind::kInternal,
                          "adoverlay received a buffer before start() and caps");
    if (impl.query_downstream) {
      impl.attach_meta = downstream_accepts_meta(bt);
      impl.query_downstream = false;
      GST_INFO_OBJECT(self, "downstream %s the overlay composition meta: %s",
                      impl.attach_meta ? "accepts" : "does not accept",
                      impl.attach_meta ? "attaching it" : "blending into the frame");
    }
    const retail::FrameAnalyticsPtr in = retail::meta::read(buf);
    static const retail::FrameAnalytics kEmpty;
    const int64_t pts =
        GST_BUFFER_PTS_IS_VALID(buf) ? static_cast<int64_t>(GST_BUFFER_PTS(buf)) : -1;
    const int width = GST_VIDEO_INFO_WIDTH(&impl.info);
    const int height = GST_VIDEO_INFO_HEIGHT(&impl.info);
    retail::overlay::FrameOutput out =
        impl.state->engine.process(in ? *in : kEmpty, width, height, pts);

    if (!out.events.empty()) {
      retail::FrameAnalytics with_events = retail::meta::copy_or_new(buf);
      with_events.events.insert(with_events.events.end(), out.events.begin(), out.events.end());
      retail::meta::write(buf, std::move(with_events));
      for (const auto& e : out.events) post_impression(self, e);
    }
    {
      std::lock_guard<std::mutex> stats_lock(impl.stats_mutex);
      impl.current_creative = impl.state->engine.current_creative();
      impl.impressions = impl.state->engine.impressions();
    }

    GstVideoOverlayComposition* comp =
        impl.state->renderer.render(out.scene, width, height, !impl.attach_meta);
    if (out.scene.blur.empty() && comp == nullptr) return GST_FLOW_OK;  // nothing to change
    if (!out.scene.blur.empty() || !impl.attach_meta) {
      GstVideoFrame frame;
      if (!gst_video_frame_map(&frame, &impl.info, buf, GST_MAP_READWRITE)) {
        if (comp != nullptr) gst_video_overlay_composition_unref(comp);
        throw retail::Error(retail::ErrorKind::kFrame,
                            "adoverlay cannot map the video frame for writing: check that "
                            "upstream sends system-memory raw video matching the caps");
      }
      if (!out.scene.blur.empty()) {
        retail::overlay::MutableImage img;
        img.format = *retail::glue::pixel_format(GST_VIDEO_FRAME_FORMAT(&frame));
        img.width = GST_VIDEO_FRAME_WIDTH(&frame);
        img.height = GST_VIDEO_FRAME_HEIGHT(&frame);
        for (guint i = 0; i < GST_VIDEO_FRAME_N_PLANES(&frame) && i < 3; ++i) {
          img.planes[i] = static_cast<uint8_t*>(GST_VIDEO_FRAME_PLANE_DATA(&frame, i));
          img.strides[i] = GST_VIDEO_FRAME_PLANE_STRIDE(&frame, i);
        }
        retail::overlay::blur_regions(img, out.scene.blur);
      }
      if (comp != nullptr && !impl.attach_meta) gst_video_overlay_composition_blend(comp, &frame);
      gst_video_frame_unmap(&frame);
    }
    if (comp != nullptr && impl.attach_meta)
      gst_buffer_add_video_overlay_composition_meta(buf, comp);
    if (comp != nullptr) gst_video_overlay_composition_unref(comp);
    return GST_FLOW_OK;
  });
}

static void gst_retail_ad_overlay_finalize(GObject* object) {
  auto* self = GST_RETAIL_AD_OVERLAY(object);
  delete self->impl;
  self->impl = nullptr;
  G_OBJECT_CLASS(gst_retail_ad_overlay_parent_class)->finalize(object);
}

static void gst_retail_ad_overlay_class_init(GstRetailAdOverlayClass* klass) {
  auto* gobject_class = G_OBJECT_CLASS(klass);
  auto* element_class = GST_ELEMENT_CLASS(klass);
  auto* bt_class = GST_BASE_TRANSFORM_CLASS(klass);
  GST_DEBUG_CATEGORY_INIT(gst_retail_ad_overlay_debug, "adoverlay", 0,
                          "gst-retail overlay and targeted ad panel");

  gobject_class->set_property = gst_retail_ad_overlay_set_property;
  gobject_class->get_property = gst_retail_ad_overlay_get_property;
  gobject_class->finalize = gst_retail_ad_overlay_finalize;

  const Settings d;  // defaults come from core
  const auto rw = static_cast<GParamFlags>(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                                           GST_PARAM_MUTABLE_READY);
  const auto ro = static_cast<GParamFlags>(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  auto boolean = [&](guint id, const char* name, const char* nick, const char* blurb, bool def) {
    g_object_class_install_property(
        gobject_class, id, g_param_spec_boolean(name, nick, blurb, def ? TRUE : FALSE, rw));
  };
  g_object_class_install_property(
      gobject_class, PROP_CAMPAIGNS_FILE,
      g_param_spec_string("campaigns-file", "Campaigns file",
                          "Campaigns JSON (creatives, targeting, timing; see "
                          "configs/campaigns.json). Empty: no ad panel",
                          d.campaigns_file.c_str(), rw));
  const auto& L = d.scene.layers;
  boolean(PROP_DRAW_BOXES, "draw-boxes", "Draw boxes", "Draw person and face boxes", L.boxes);
  boolean(PROP_DRAW_IDS, "draw-ids", "Draw ids", "Draw track ids above boxes", L.ids);
  boolean(PROP_DRAW_LIVENESS, "draw-liveness", "Draw liveness",
          "Colour faces and draw a live/spoof badge from the liveness attribute", L.liveness);
  boolean(PROP_DRAW_ATTRIBUTES, "draw-attributes", "Draw attributes",
          "Draw age band, gender and expression under faces (never with privacy=eu)", L.attributes);
  boolean(
      PROP_DRAW_HUD, "draw-hud", "Draw HUD",
      "Draw fps, people/faces now, live viewers, footfall from lines/zones, track ids seen and the "
      "playing creative",
      L.hud);
  boolean(PROP_DRAW_REGIONS, "draw-regions", "Draw regions",
          "Draw lines and zones (with counts) published by retailzones", L.regions);
  boolean(PROP_DRAW_PANEL, "draw-panel", "Draw ad panel",
          "Draw the ad panel (needs campaigns-file); impressions are counted either way", L.panel);
  g_object_class_install_property(
      gobject_class, PROP_PRIVACY,
      g_param_spec_enum("privacy", "Privacy",
                        "eu: no age/gender/expression labels on screen, no targeting rule using "
                        "them (skipped with a warning), no such field in impressions",
                        GST_TYPE_RETAIL_AD_OVERLAY_PRIVACY, static_cast<gint>(d.scene.privacy),
                        rw));
  boolean(PROP_BLUR_FACES, "blur-faces", "Blur faces", "Blur every face box in the output video",
          d.scene.blur_faces);
  g_object_class_install_property(
      gobject_class, PROP_PANEL_CORNER,
      g_param_spec_enum("panel-corner", "Panel corner", "Corner of the frame holding the ad panel",
                        GST_TYPE_RETAIL_AD_OVERLAY_CORNER, static_cast<gint>(d.scene.panel_corner),
                        rw));
  g_object_class_install_property(
      gobject_class, PROP_PANEL_WIDTH_FRACTION,
      g_param_spec_double("panel-width-fraction", "Panel width (fraction)",
                          "Panel width as a fraction of the frame width; the height follows the "
                          "creative's aspect ratio",
                          0.05, 1.0, d.scene.panel_width, rw));
  g_object_class_install_property(
      gobject_class, PROP_PANEL_OPACITY,
      g_param_spec_double("panel-opacity", "Panel opacity", "Opacity of the ad panel (0..1)", 0.0,
                          1.0, d.scene.panel_opacity, rw));
  g_object_class_install_property(
      gobject_class, PROP_PANEL_FADE_MS,
      g_param_spec_uint("panel-fade-ms", "Panel cross-fade (ms)",
                        "Cross-fade length when the creative changes (0 = cut)", 0, 10000,
                        static_cast<guint>(d.scene.panel_fade_ms), rw));
  g_object_class_install_property(
      gobject_class, PROP_AUDIENCE_WINDOW_MS,
      g_param_spec_uint("audience-window-ms", "Audience window (ms)",
                        "Stream time over which the audience is averaged before targeting", 0,
                        600000, static_cast<guint>(d.audience_window_ms), rw));
  boolean(PROP_VIEWERS_REQUIRE_LIVENESS, "viewers-require-liveness", "Viewers require liveness",
          "Count only faces whose liveness attribute is live as viewers (false: every face)",
          d.viewers_require_liveness);
  g_object_class_install_property(
      gobject_class, PROP_CURRENT_CREATIVE,
      g_param_spec_string("current-creative", "Current creative",
                          "Id of the creative on the panel (empty without campaigns)", "", ro));
  g_object_class_install_property(
      gobject_class, PROP_IMPRESSIONS,
      g_param_spec_uint64("impressions", "Impressions", "ad_impression events produced since start",
                          0, G_MAXUINT64, 0, ro));

  gst_element_class_add_static_pad_template(element_class, &sink_template);
  gst_element_class_add_static_pad_template(element_class, &src_template);
  gst_element_class_set_static_metadata(
      element_class, "Retail overlay and targeted ad panel", "Filter/Effect/Video",
      "Draws boxes, track ids, liveness badges, attribute labels, zones and a HUD on the video, "
      "and shows ad creatives chosen for the audience in front of the screen, with impressions",
      "gst-retail <https://github.com/gst-retail/gst-retail>");

  bt_class->start = GST_DEBUG_FUNCPTR(gst_retail_ad_overlay_start);
  bt_class->stop = GST_DEBUG_FUNCPTR(gst_retail_ad_overlay_stop);
  bt_class->set_caps = GST_DEBUG_FUNCPTR(gst_retail_ad_overlay_set_caps);
  bt_class->sink_event = GST_DEBUG_FUNCPTR(gst_retail_ad_overlay_sink_event);
  bt_class->transform_ip = GST_DEBUG_FUNCPTR(gst_retail_ad_overlay_transform_ip);
  bt_class->passthrough_on_same_caps = FALSE;
  gst_type_mark_as_plugin_api(GST_TYPE_RETAIL_AD_OVERLAY_PRIVACY,
                              static_cast<GstPluginAPIFlags>(0));
  gst_type_mark_as_plugin_api(GST_TYPE_RETAIL_AD_OVERLAY_CORNER, static_cast<GstPluginAPIFlags>(0));
}

static void gst_retail_ad_overlay_init(GstRetailAdOverlay* self) {
  self->impl = new RetailAdOverlayImpl();
  gst_base_transform_set_in_place(GST_BASE_TRANSFORM(self), TRUE);
  gst_base_transform_set_passthrough(GST_BASE_TRANSFORM(self), FALSE);
}
