// retailattr: age band, gender and expression per face track (core/attributes).
#pragma once

#include <gst/base/gstbasetransform.h>

G_BEGIN_DECLS

#define GST_TYPE_RETAIL_ATTR (gst_retail_attr_get_type())
G_DECLARE_FINAL_TYPE(GstRetailAttr, gst_retail_attr, GST, RETAIL_ATTR, GstBaseTransform)

#define GST_TYPE_RETAIL_ATTR_PRIVACY (gst_retail_attr_privacy_get_type())
GType gst_retail_attr_privacy_get_type(void);

GST_ELEMENT_REGISTER_DECLARE(retailattr);

G_END_DECLS
