// The loadable module: GST_PLUGIN_PATH=<build>/plugins gst-inspect-1.0 retail
#include "plugin.h"

GST_PLUGIN_DEFINE(GST_VERSION_MAJOR, GST_VERSION_MINOR, retail,
                  "Retail video analytics on CPU (gst-retail)", retail_plugin_init, VERSION,
                  GST_LICENSE, GST_PACKAGE_NAME, GST_PACKAGE_ORIGIN)
