#include "common/log.h"

#include <mutex>

namespace retail::log {

namespace {
std::mutex& sink_mutex() {
  static std::mutex m;
  return m;
}
Sink& sink() {
  static Sink s;
  return s;
}
}  // namespace

void set_sink(Sink s) {
  std::lock_guard<std::mutex> lock(sink_mutex());
  sink() = std::move(s);
}

void write(Level level, const std::string& module, const std::string& message) {
  Sink copy;
  {
    std::lock_guard<std::mutex> lock(sink_mutex());
    copy = sink();
  }
  if (copy) copy(level, module, message);
}

}  // namespace retail::log
