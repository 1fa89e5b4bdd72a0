// retailzones: store analytics from tracks (GstBaseTransform, in place, metadata only).
#pragma once

#include <gst/base/gstbasetransform.h>
#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_RETAIL_ZONES (gst_retail_zones_get_type())
G_DECLARE_FINAL_TYPE(GstRetailZones, gst_retail_zones, GST, RETAIL_ZONES, GstBaseTransform)

GST_ELEMENT_REGISTER_DECLARE(retailzones);

G_END_DECLS
