#include "meta/retail_meta.h"

namespace {

struct RetailFrameMeta {
  GstMeta meta;
  retail::FrameAnalyticsPtr* analytics;  // heap-held shared_ptr (GstMeta is plain C memory)
};

gboolean meta_init(GstMeta* meta, gpointer /*params*/, GstBuffer* /*buffer*/) {
  reinterpret_cast<RetailFrameMeta*>(meta)->analytics = nullptr;
  return TRUE;
}

void meta_free(GstMeta* meta, GstBuffer* /*buffer*/) {
  auto* m = reinterpret_cast<RetailFrameMeta*>(meta);
  delete m->analytics;
  m->analytics = nullptr;
}

RetailFrameMeta* find(GstBuffer* buffer) {
  return reinterpret_cast<RetailFrameMeta*>(
      gst_buffer_get_meta(buffer, RETAIL_FRAME_META_API_TYPE));
}

RetailFrameMeta* add(GstBuffer* buffer) {
  return reinterpret_cast<RetailFrameMeta*>(
      gst_buffer_add_meta(buffer, retail_frame_meta_get_info(), nullptr));
}

// Copy (and any scale/convert transform): the analytics are normalized and immutable, so the
// destination simply shares them.
gboolean meta_transform(GstBuffer* dest, GstMeta* meta, GstBuffer* /*src*/, GQuark /*type*/,
                        gpointer /*data*/) {
  auto* src = reinterpret_cast<RetailFrameMeta*>(meta);
  if (src->analytics == nullptr) return TRUE;
  RetailFrameMeta* dst = find(dest);
  if (dst == nullptr) dst = add(dest);
  if (dst == nullptr) return FALSE;
  delete dst->analytics;
  dst->analytics = new retail::FrameAnalyticsPtr(*src->analytics);
  return TRUE;
}

// Boxed holder so a FrameAnalyticsPtr can travel in a GstStructure field.
struct AnalyticsBox {
  retail::FrameAnalyticsPtr analytics;
};
AnalyticsBox* analytics_box_copy(AnalyticsBox* b) { return new AnalyticsBox(*b); }
void analytics_box_free(AnalyticsBox* b) { delete b; }
G_DEFINE_BOXED_TYPE(AnalyticsBox, analytics_box, analytics_box_copy, analytics_box_free)

constexpr const char* kFinalEvents = "retail-final-events";

}  // namespace

GType retail_frame_meta_api_get_type(void) {
  static GType type = 0;
  static const gchar* tags[] = {nullptr};  // no tags: every transform keeps it
  if (g_once_init_enter(&type)) {
    GType t = gst_meta_api_type_register("RetailFrameMetaAPI", tags);
    g_once_init_leave(&type, t);
  }
  return type;
}

const GstMetaInfo* retail_frame_meta_get_info(void) {
  static const GstMetaInfo* info = nullptr;
  if (g_once_init_enter(&info)) {
    const GstMetaInfo* mi =
        gst_meta_register(RETAIL_FRAME_META_API_TYPE, "RetailFrameMeta", sizeof(RetailFrameMeta),
                          meta_init, meta_free, meta_transform);
    g_once_init_leave(&info, mi);
  }
  return info;
}

namespace retail::meta {

FrameAnalyticsPtr read(GstBuffer* buffer) {
  RetailFrameMeta* m = buffer != nullptr ? find(buffer) : nullptr;
  return m != nullptr && m->analytics != nullptr ? *m->analytics : nullptr;
}

FrameAnalytics copy_or_new(GstBuffer* buffer) {
  FrameAnalyticsPtr p = read(buffer);
  return p ? *p : FrameAnalytics{};
}

void write(GstBuffer* buffer, FrameAnalyticsPtr analytics) {
  g_return_if_fail(gst_buffer_is_writable(buffer));
  RetailFrameMeta* m = find(buffer);
  if (m == nullptr) m = add(buffer);
  delete m->analytics;
  m->analytics = new FrameAnalyticsPtr(std::move(analytics));
}

GstEvent* make_final_events(FrameAnalyticsPtr analytics) {
  AnalyticsBox box{std::move(analytics)};
  GstStructure* s =
      gst_structure_new(kFinalEvents, "analytics", analytics_box_get_type(), &box, nullptr);
  return gst_event_new_custom(GST_EVENT_CUSTOM_DOWNSTREAM, s);
}

FrameAnalyticsPtr parse_final_events(GstEvent* event) {
  if (GST_EVENT_TYPE(event) != GST_EVENT_CUSTOM_DOWNSTREAM ||
      !gst_event_has_name(event, kFinalEvents))
    return nullptr;
  const GstStructure* s = gst_event_get_structure(event);
  const GValue* v = gst_structure_get_value(s, "analytics");
  if (v == nullptr || !G_VALUE_HOLDS(v, analytics_box_get_type())) return nullptr;
  const auto* box = static_cast<const AnalyticsBox*>(g_value_get_boxed(v));
  return box != nullptr ? box->analytics : nullptr;
}

void write_roi_metas(GstBuffer* buffer, const FrameAnalytics& analytics, const GstVideoInfo* info) {
  const int w = GST_VIDEO_INFO_WIDTH(info);
  const int h = GST_VIDEO_INFO_HEIGHT(info);
  for (const Object& o : analytics.objects) {
    const Box b = clamp01(o.box);
    GstVideoRegionOfInterestMeta* roi = gst_buffer_add_video_region_of_interest_meta(
        buffer, to_string(o.cls), static_cast<guint>(b.x * static_cast<float>(w)),
        static_cast<guint>(b.y * static_cast<float>(h)),
        static_cast<guint>(b.w * static_cast<float>(w)),
        static_cast<guint>(b.h * static_cast<float>(h)));
    roi->id = static_cast<gint>(o.id);
    roi->parent_id = o.parent_id != 0 ? static_cast<gint>(o.parent_id) : -1;
    GstStructure* s = gst_structure_new("detection", "confidence", G_TYPE_DOUBLE,
                                        static_cast<double>(o.confidence), "track-id",
                                        G_TYPE_UINT64, static_cast<guint64>(o.track_id), nullptr);
    gst_video_region_of_interest_meta_add_param(roi, s);
  }
}

}  // namespace retail::meta
