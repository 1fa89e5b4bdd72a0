// adoverlay: boxes, ids, badges, HUD and an audience-targeted ad panel drawn on the video
// (core/overlay + core/campaign; cairo rendering in render.h).
#pragma once

#include <gst/base/gstbasetransform.h>

G_BEGIN_DECLS

#define GST_TYPE_RETAIL_AD_OVERLAY (gst_retail_ad_overlay_get_type())
G_DECLARE_FINAL_TYPE(GstRetailAdOverlay, gst_retail_ad_overlay, GST, RETAIL_AD_OVERLAY,
                     GstBaseTransform)

GST_ELEMENT_REGISTER_DECLARE(adoverlay);

G_END_DECLS
