// RetailFrameMeta: the one project metadata type. It carries a shared, immutable
// retail::FrameAnalytics. It is registered WITHOUT tags, so GstBaseTransform, videoconvert and
// videoscale copy it (boxes are normalized, so scaling needs no change). Nothing reads or writes
// it except through retail::meta::read / write.
#pragma once

#include <gst/gst.h>
#include <gst/video/video.h>

#include "common/analytics.h"

G_BEGIN_DECLS
GType retail_frame_meta_api_get_type(void);
#define RETAIL_FRAME_META_API_TYPE (retail_frame_meta_api_get_type())
const GstMetaInfo* retail_frame_meta_get_info(void);
G_END_DECLS

namespace retail::meta {

// The frame's analytics, or nullptr when no gst-retail element has written any.
FrameAnalyticsPtr read(GstBuffer* buffer);
// A mutable copy of the frame's analytics, or a fresh one when there are none.
FrameAnalytics copy_or_new(GstBuffer* buffer);
// Attaches `analytics` to `buffer` (which must be writable), replacing what was there.
void write(GstBuffer* buffer, FrameAnalyticsPtr analytics);
inline void write(GstBuffer* buffer, FrameAnalytics analytics) {
  write(buffer, std::make_shared<const FrameAnalytics>(std::move(analytics)));
}

// End-of-stream events. A stage whose last events have no frame left to ride on (e.g. the
// track_ended of tracks still open at EOS) sends them, just before EOS, in a serialized custom
// downstream event named "retail-final-events" carrying a FrameAnalytics (source + events).
// Elements pass it on untouched; kafkasink publishes its events like a frame's.
GstEvent* make_final_events(FrameAnalyticsPtr analytics);
// The analytics carried by a "retail-final-events" event, or nullptr for any other event.
FrameAnalyticsPtr parse_final_events(GstEvent* event);

// Mirrors every object as a GstVideoRegionOfInterestMeta (roi_type "person"/"face", pixel box
// for `info`, a "detection" params structure with confidence, object and track ids) for
// GStreamer tools that read the standard meta. Nothing in gst-retail reads it back.
void write_roi_metas(GstBuffer* buffer, const FrameAnalytics& analytics, const GstVideoInfo* info);

}  // namespace retail::meta
