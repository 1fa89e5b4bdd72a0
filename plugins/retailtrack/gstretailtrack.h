// retailtrack: ByteTrack track ids, track states and track_started/track_ended events
// (core/track).
#pragma once

#include <gst/base/gstbasetransform.h>

G_BEGIN_DECLS

#define GST_TYPE_RETAIL_TRACK (gst_retail_track_get_type())
G_DECLARE_FINAL_TYPE(GstRetailTrack, gst_retail_track, GST, RETAIL_TRACK, GstBaseTransform)

GST_ELEMENT_REGISTER_DECLARE(retailtrack);

G_END_DECLS
