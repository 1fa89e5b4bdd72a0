#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS
gboolean retail_plugin_init(GstPlugin* plugin);
// For tests and the launcher: registers the elements without loading libgstretail.so.
gboolean retail_plugin_register_static(void);
G_END_DECLS
