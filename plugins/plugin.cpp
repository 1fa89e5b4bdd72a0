// Registers every gst-retail element. The list comes from plugins/*/CMakeLists.txt
// (retail_add_element), generated into elements.inc.
#include "plugin.h"

#include <gst/gst.h>

#include "common/glue.h"

#define RETAIL_ELEMENT(name) GST_ELEMENT_REGISTER_DECLARE(name)
#include "elements.inc"
#undef RETAIL_ELEMENT

gboolean retail_plugin_init(GstPlugin* plugin) {
  retail::glue::install_core_log_sink();
  gboolean ok = TRUE;
#define RETAIL_ELEMENT(name) ok &= GST_ELEMENT_REGISTER(name, plugin);
#include "elements.inc"
#undef RETAIL_ELEMENT
  return ok;
}

gboolean retail_plugin_register_static(void) {
  return gst_plugin_register_static(GST_VERSION_MAJOR, GST_VERSION_MINOR, "retail",
                                    "Retail video analytics on CPU (gst-retail)",
                                    retail_plugin_init, VERSION, GST_LICENSE, "gst-retail",
                                    GST_PACKAGE_NAME, GST_PACKAGE_ORIGIN);
}
