#include "common/error.h"

namespace retail {

const char* to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kConfig: return "config";
    case ErrorKind::kNotFound: return "not-found";
    case ErrorKind::kModel: return "model";
    case ErrorKind::kBroker: return "broker";
    case ErrorKind::kFrame: return "frame";
    case ErrorKind::kIo: return "io";
    case ErrorKind::kNoSpace: return "no-space";
    case ErrorKind::kInternal: return "internal";
  }
  return "unknown";
}

}  // namespace retail
