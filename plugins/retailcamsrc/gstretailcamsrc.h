// retailcamsrc: a camera that comes back. See README.md.
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_RETAIL_CAM_SRC (gst_retail_cam_src_get_type())
G_DECLARE_FINAL_TYPE(GstRetailCamSrc, gst_retail_cam_src, GST, RETAIL_CAM_SRC, GstBin)

GST_ELEMENT_REGISTER_DECLARE(retailcamsrc);

#define GST_TYPE_RETAIL_CAM_SRC_DROP_OLD (gst_retail_cam_src_drop_old_get_type())
GType gst_retail_cam_src_drop_old_get_type(void);

G_END_DECLS
