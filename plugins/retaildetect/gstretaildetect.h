// retaildetect: finds people and faces (GstBaseTransform, in place, metadata only).
#pragma once

#include <gst/base/gstbasetransform.h>
#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_RETAIL_DETECT (gst_retail_detect_get_type())
G_DECLARE_FINAL_TYPE(GstRetailDetect, gst_retail_detect, GST, RETAIL_DETECT, GstBaseTransform)

#define GST_TYPE_RETAIL_DETECT_BACKEND (gst_retail_detect_backend_get_type())
GType gst_retail_detect_backend_get_type(void);

GST_ELEMENT_REGISTER_DECLARE(retaildetect);

G_END_DECLS
