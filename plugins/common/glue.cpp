#include "common/glue.h"

#include "common/log.h"

GST_DEBUG_CATEGORY_STATIC(retail_core_debug);

namespace retail::glue {

namespace {
struct Domain {
  GQuark quark;
  gint code;
  bool warning;
};

Domain domain_of(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kConfig: return {GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS, false};
    case ErrorKind::kNotFound: return {GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_FOUND, false};
    case ErrorKind::kModel: return {GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_INIT, false};
    case ErrorKind::kFrame: return {GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT, false};
    case ErrorKind::kIo: return {GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_WRITE, false};
    case ErrorKind::kNoSpace: return {GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NO_SPACE_LEFT, false};
    case ErrorKind::kBroker: return {GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_WRITE, true};
    case ErrorKind::kInternal: return {GST_CORE_ERROR, GST_CORE_ERROR_FAILED, false};
  }
  return {GST_CORE_ERROR, GST_CORE_ERROR_FAILED, false};
}
}  // namespace

void post_error(GstElement* element, const retail::Error& e, const char* file, const char* func,
                int line) {
  const Domain d = domain_of(e.kind());
  gchar* text = g_strdup(e.what());
  gchar* debug = e.detail().empty() ? nullptr : g_strdup(e.detail().c_str());
  gst_element_message_full(element, d.warning ? GST_MESSAGE_WARNING : GST_MESSAGE_ERROR,
                           d.quark, d.code, text, debug, file, func, line);
}

void post_unexpected(GstElement* element, const char* what, const char* file, const char* func,
                     int line) {
  gst_element_message_full(element, GST_MESSAGE_ERROR, GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED,
                           g_strdup("internal processing error (see debug details)"),
                           g_strdup(what), file, func, line);
}

void install_core_log_sink() {
  GST_DEBUG_CATEGORY_INIT(retail_core_debug, "retail", 0, "gst-retail core library");
  retail::log::set_sink([](log::Level level, const std::string& module, const std::string& msg) {
    GstDebugLevel l = GST_LEVEL_LOG;
    switch (level) {
      case log::Level::kError: l = GST_LEVEL_ERROR; break;
      case log::Level::kWarning: l = GST_LEVEL_WARNING; break;
      case log::Level::kInfo: l = GST_LEVEL_INFO; break;
      case log::Level::kDebug: l = GST_LEVEL_DEBUG; break;
      case log::Level::kLog: l = GST_LEVEL_LOG; break;
    }
    GST_CAT_LEVEL_LOG(retail_core_debug, l, nullptr, "[%s] %s", module.c_str(), msg.c_str());
  });
}

}  // namespace retail::glue
