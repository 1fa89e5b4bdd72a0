/**
 * SECTION:element-retailzones
 * @title: retailzones
 *
 * Store analytics from tracked people: footfall on lines, visits and dwell in zones, queue
 * length and waiting time, an occupancy heatmap and the store-level occupancy. It reads the
 * tracked objects that retailtrack put in the gst-retail metadata (RetailFrameMeta), appends
 * its events (`line_crossed`, `zone_entered`, `zone_exited`, `dwell`, `queue_status`,
 * `heatmap`, `occupancy`) to the frame's events, so kafkasink publishes them, and writes the
 * lines and zones with their live counts to the frame's regions, so adoverlay can draw them.
 * Pixels are never touched.
 *
 * The geometry is JSON in normalized coordinates, from a file (`zones=store.json`) or inline
 * (`zones-json='{...}'`, what retail-launch passes from the store config): see
 * plugins/retailzones/README.md for the format. Time comes from the buffer PTS, so a file
 * replayed faster than real time gives the same dwell times as live video.
 *
 * On EOS the element posts an element message `retailzones-stats` (frames, events).
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 filesrc location=$RETAIL_SHARED_DIR/media/people/pets09_s2l1_768x576.avi ! \
 *     decodebin ! videoconvert ! retaildetect face-backend=none ! retailtrack ! \
 *     retailzones zones=tests/data/pets_zones.json ! fakesink
 * ]| Counts people crossing the PETS walkway and their time in a zone.
 */
#include "retailzones/gstretailzones.h"

#include <gst/video/video.h>

#include <mutex>
#include <optional>
#include <string>

#include "common/error.h"
#include "common/frame.h"
#include "common/glue.h"
#include "meta/retail_meta.h"
#include "zones/config.h"
#include "zones/zone_analytics.h"

GST_DEBUG_CATEGORY_STATIC(gst_retail_zones_debug);
#define GST_CAT_DEFAULT gst_retail_zones_debug

namespace {

enum {
  PROP_0,
  PROP_ZONES,
  PROP_ZONES_JSON,
  PROP_FRAMES,
  PROP_EVENTS,
};

// Streaming state: built in start(), dropped in stop().
struct State {
  explicit State(retail::zones::Geometry g) : analytics(std::move(g)) {}
  retail::zones::ZoneAnalytics analytics;
  guint64 frames = 0;
  guint64 events = 0;
};

}  // namespace

struct RetailZonesImpl {
  std::mutex settings_mutex;
  retail::zones::Config settings;  // property values; defaults = core defaults
  std::mutex state_mutex;          // guards creation/destruction of `state` and the counters
  std::optional<State> state;
  guint64 last_frames = 0;  // counters of the last run, kept after stop()
  guint64 last_events = 0;
};

struct _GstRetailZones {
  GstBaseTransform parent;
  RetailZonesImpl* impl;
};

G_DEFINE_TYPE(GstRetailZones, gst_retail_zones, GST_TYPE_BASE_TRANSFORM)
GST_ELEMENT_REGISTER_DEFINE(retailzones, "retailzones", GST_RANK_NONE, GST_TYPE_RETAIL_ZONES)

static void gst_retail_zones_set_property(GObject* object, guint id, const GValue* value,
                                          GParamSpec* pspec) {
  auto* self = GST_RETAIL_ZONES(object);
  std::lock_guard<std::mutex> lock(self->impl->settings_mutex);
  retail::zones::Config& s = self->impl->settings;
  const gchar* str = nullptr;
  switch (id) {
    case PROP_ZONES:
      str = g_value_get_string(value);
      s.zones_file = str != nullptr ? str : "";
      break;
    case PROP_ZONES_JSON:
      str = g_value_get_string(value);
      s.zones_json = str != nullptr ? str : "";
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
      break;
  }
}

static void gst_retail_zones_get_property(GObject* object, guint id, GValue* value,
                                          GParamSpec* pspec) {
  auto* self = GST_RETAIL_ZONES(object);
  if (id == PROP_FRAMES || id == PROP_EVENTS) {
    std::lock_guard<std::mutex> lock(self->impl->state_mutex);
    const auto& st = self->impl->state;
    if (id == PROP_FRAMES) {
      g_value_set_uint64(value, st ? st->frames : self->impl->last_frames);
    } else {
      g_value_set_uint64(value, st ? st->events : self->impl->last_events);
    }
    return;
  }
  std::lock_guard<std::mutex> lock(self->impl->settings_mutex);
  const retail::zones::Config& s = self->impl->settings;
  switch (id) {
    case PROP_ZONES:
      g_value_set_string(value, s.zones_file.c_str());
      break;
    case PROP_ZONES_JSON:
      g_value_set_string(value, s.zones_json.c_str());
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
      break;
  }
}

static gboolean gst_retail_zones_start(GstBaseTransform* bt) {
  auto* self = GST_RETAIL_ZONES(bt);
  return RETAIL_GLUE_GUARD(self, FALSE, [&] {
    retail::zones::Config config;
    {
      std::lock_guard<std::mutex> lock(self->impl->settings_mutex);
      config = self->impl->settings;
    }
    retail::zones::Geometry geometry = retail::zones::load_geometry(config);  // validates
    GST_INFO_OBJECT(self, "started: %zu lines, %zu zones, heatmap %s, source %s",
                    geometry.lines.size(), geometry.zones.size(),
                    geometry.heatmap.enabled ? "on" : "off",
                    config.zones_file.empty() ? "zones-json" : config.zones_file.c_str());
    std::lock_guard<std::mutex> lock(self->impl->state_mutex);
    self->impl->state.emplace(std::move(geometry));
    return TRUE;
  });
}

static gboolean gst_retail_zones_stop(GstBaseTransform* bt) {
  auto* self = GST_RETAIL_ZONES(bt);
  return RETAIL_GLUE_GUARD(self, FALSE, [&] {
    std::lock_guard<std::mutex> lock(self->impl->state_mutex);
    if (self->impl->state) {
      self->impl->last_frames = self->impl->state->frames;
      self->impl->last_events = self->impl->state->events;
      GST_INFO_OBJECT(self,
                      "stopped after %" G_GUINT64_FORMAT " frames, %" G_GUINT64_FORMAT " events",
                      self->impl->last_frames, self->impl->last_events);
    }
    self->impl->state.reset();
    return TRUE;
  });
}

static GstFlowReturn gst_retail_zones_transform_ip(GstBaseTransform* bt, GstBuffer* buf) {
  auto* self = GST_RETAIL_ZONES(bt);
  return RETAIL_GLUE_GUARD(self, GST_FLOW_ERROR, [&] {
    std::lock_guard<std::mutex> lock(self->impl->state_mutex);
    if (!self->impl->state) {
      throw retail::Error(retail::ErrorKind::kInternal,
                          "retailzones received a buffer before it was started");
    }
    State& state = *self->impl->state;
    retail::FrameAnalytics fa = retail::meta::copy_or_new(buf);
    const int64_t pts =
        GST_BUFFER_PTS_IS_VALID(buf) ? static_cast<int64_t>(GST_BUFFER_PTS(buf)) : -1;
    std::vector<retail::Event> events = state.analytics.update_frame(fa, pts);
    state.frames++;
    state.events += events.size();
    fa.events.insert(fa.events.end(), std::make_move_iterator(events.begin()),
                     std::make_move_iterator(events.end()));
    std::vector<retail::Region> regions = state.analytics.regions();
    fa.regions.insert(fa.regions.end(), std::make_move_iterator(regions.begin()),
                      std::make_move_iterator(regions.end()));
    for (const std::string& w : state.analytics.take_warnings()) {
      GST_ELEMENT_WARNING(self, RESOURCE, WRITE, ("%s", w.c_str()), (nullptr));
    }
    GST_LOG_OBJECT(self, "frame at %" GST_TIME_FORMAT ": %zu events", GST_TIME_ARGS(pts),
                   events.size());
    retail::meta::write(buf, std::move(fa));
    return GST_FLOW_OK;
  });
}

static gboolean gst_retail_zones_sink_event(GstBaseTransform* bt, GstEvent* event) {
  auto* self = GST_RETAIL_ZONES(bt);
  if (GST_EVENT_TYPE(event) == GST_EVENT_EOS) {
    guint64 frames = 0;
    guint64 events = 0;
    {
      std::lock_guard<std::mutex> lock(self->impl->state_mutex);
      if (self->impl->state) {
        frames = self->impl->state->frames;
        events = self->impl->state->events;
      }
    }
    GstStructure* s = gst_structure_new("retailzones-stats", "frames", G_TYPE_UINT64, frames,
                                        "events", G_TYPE_UINT64, events, nullptr);
    gst_element_post_message(GST_ELEMENT(self), gst_message_new_element(GST_OBJECT(self), s));
  }
  return GST_BASE_TRANSFORM_CLASS(gst_retail_zones_parent_class)->sink_event(bt, event);
}

static void gst_retail_zones_finalize(GObject* object) {
  auto* self = GST_RETAIL_ZONES(object);
  delete self->impl;
  self->impl = nullptr;
  G_OBJECT_CLASS(gst_retail_zones_parent_class)->finalize(object);
}

static void gst_retail_zones_init(GstRetailZones* self) {
  self->impl = new RetailZonesImpl();
  gst_base_transform_set_in_place(GST_BASE_TRANSFORM(self), TRUE);
  gst_base_transform_set_passthrough(GST_BASE_TRANSFORM(self), FALSE);
}

static void gst_retail_zones_class_init(GstRetailZonesClass* klass) {
  GST_DEBUG_CATEGORY_INIT(gst_retail_zones_debug, "retailzones", 0,
                          "gst-retail lines, zones, queues, heatmap and occupancy");
  auto* gobject_class = G_OBJECT_CLASS(klass);
  auto* element_class = GST_ELEMENT_CLASS(klass);
  auto* bt_class = GST_BASE_TRANSFORM_CLASS(klass);

  gobject_class->set_property = gst_retail_zones_set_property;
  gobject_class->get_property = gst_retail_zones_get_property;
  gobject_class->finalize = gst_retail_zones_finalize;

  const retail::zones::Config d;  // property defaults come from core
  const auto rw = static_cast<GParamFlags>(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                                           GST_PARAM_MUTABLE_READY);
  const auto ro = static_cast<GParamFlags>(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_property(
      gobject_class, PROP_ZONES,
      g_param_spec_string("zones", "Zones file",
                          "JSON file with the lines, zones, queues, heatmap and occupancy "
                          "settings (normalized coordinates; format in the element README); "
                          "set this or zones-json",
                          d.zones_file.c_str(), rw));
  g_object_class_install_property(
      gobject_class, PROP_ZONES_JSON,
      g_param_spec_string("zones-json", "Zones JSON",
                          "The same geometry as inline JSON text (e.g. the zones section of a "
                          "retail-launch store config); set this or zones",
                          d.zones_json.c_str(), rw));
  g_object_class_install_property(
      gobject_class, PROP_FRAMES,
      g_param_spec_uint64("frames", "Frames", "Frames processed since start (kept after stop)", 0,
                          G_MAXUINT64, 0, ro));
  g_object_class_install_property(
      gobject_class, PROP_EVENTS,
      g_param_spec_uint64("events", "Events",
                          "Events added to frames since start (kept after stop)", 0, G_MAXUINT64, 0,
                          ro));

  GstCaps* caps = gst_caps_from_string(RETAIL_VIDEO_CAPS);
  gst_element_class_add_pad_template(
      element_class, gst_pad_template_new("sink", GST_PAD_SINK, GST_PAD_ALWAYS, caps));
  gst_element_class_add_pad_template(
      element_class, gst_pad_template_new("src", GST_PAD_SRC, GST_PAD_ALWAYS, caps));
  gst_caps_unref(caps);
  gst_element_class_set_static_metadata(
      element_class, "Retail lines, zones, queues and heatmap", "Filter/Analyzer/Video",
      "Counts tracked people crossing lines, their visits and dwell in zones, queue length and "
      "waiting time, an occupancy heatmap and the store occupancy, as gst-retail events and "
      "drawable regions",
      "gst-retail <https://github.com/gst-retail/gst-retail>");

  bt_class->start = GST_DEBUG_FUNCPTR(gst_retail_zones_start);
  bt_class->stop = GST_DEBUG_FUNCPTR(gst_retail_zones_stop);
  bt_class->transform_ip = GST_DEBUG_FUNCPTR(gst_retail_zones_transform_ip);
  bt_class->sink_event = GST_DEBUG_FUNCPTR(gst_retail_zones_sink_event);
  bt_class->passthrough_on_same_caps = FALSE;
  bt_class->transform_ip_on_passthrough = FALSE;
}
