// Error type thrown by core and caught at the element boundary (plugins/common/glue.h).
#pragma once

#include <stdexcept>
#include <string>

namespace retail {

// What went wrong, which decides the GStreamer error domain in the glue:
//   kConfig   -> RESOURCE, SETTINGS      (a property or config value is invalid)
//   kNotFound -> RESOURCE, NOT_FOUND     (a file that should exist does not)
//   kModel    -> LIBRARY, INIT           (a model file exists but cannot be loaded/run)
//   kBroker   -> element warning         (network/broker trouble at run time, never fatal)
//   kFrame    -> STREAM, FORMAT          (a frame cannot be processed)
//   kIo       -> RESOURCE, WRITE         (disk or socket I/O failed)
//   kNoSpace  -> RESOURCE, NO_SPACE_LEFT (disk full)
//   kInternal -> CORE, FAILED            (a bug)
enum class ErrorKind { kConfig, kNotFound, kModel, kBroker, kFrame, kIo, kNoSpace, kInternal };

const char* to_string(ErrorKind kind);

// `message` is for the user and says what to fix; `detail` is for the debug log.
class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message, std::string detail = {})
      : std::runtime_error(message), kind_(kind), detail_(std::move(detail)) {}
  ErrorKind kind() const { return kind_; }
  const std::string& detail() const { return detail_; }

 private:
  ErrorKind kind_;
  std::string detail_;
};

}  // namespace retail
