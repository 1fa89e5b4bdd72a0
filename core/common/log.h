// Core logs through an injected sink (the glue routes it to a GStreamer debug category).
#pragma once

#include <functional>
#include <string>

namespace retail::log {

enum class Level { kError, kWarning, kInfo, kDebug, kLog };
using Sink = std::function<void(Level, const std::string& module, const std::string& message)>;

// Installs the process-wide sink (nullptr: messages are discarded). Thread-safe.
void set_sink(Sink sink);
void write(Level level, const std::string& module, const std::string& message);

inline void warning(const std::string& module, const std::string& m) { write(Level::kWarning, module, m); }
inline void info(const std::string& module, const std::string& m) { write(Level::kInfo, module, m); }
inline void debug(const std::string& module, const std::string& m) { write(Level::kDebug, module, m); }

}  // namespace retail::log
