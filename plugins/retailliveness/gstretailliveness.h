// retailliveness: real faces versus posters, phones and screens, per track (core/liveness).
#pragma once

#include <gst/base/gstbasetransform.h>

G_BEGIN_DECLS

#define GST_TYPE_RETAIL_LIVENESS (gst_retail_liveness_get_type())
G_DECLARE_FINAL_TYPE(GstRetailLiveness, gst_retail_liveness, GST, RETAIL_LIVENESS, GstBaseTransform)

GST_ELEMENT_REGISTER_DECLARE(retailliveness);

G_END_DECLS
