#include "config/camera_source.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/error.h"

namespace retail::config {

void validate(const CameraSourceConfig& c, const std::string& uri) {
  if (uri.empty())
    throw Error(ErrorKind::kConfig,
                "no camera URI: set uri=rtsp://host/stream, uri=file:///path/clip.mp4 or a path");
  if (c.backoff_initial_ms == 0)
    throw Error(ErrorKind::kConfig, "backoff-initial-ms must be > 0: use e.g. 500");
  if (c.backoff_max_ms < c.backoff_initial_ms)
    throw Error(ErrorKind::kConfig, "backoff-max-ms (" + std::to_string(c.backoff_max_ms) +
                                        ") is below backoff-initial-ms (" +
                                        std::to_string(c.backoff_initial_ms) +
                                        "): raise backoff-max-ms");
  if (c.backoff_jitter < 0.0 || c.backoff_jitter >= 1.0)
    throw Error(ErrorKind::kConfig, "backoff-jitter must be in [0, 1): use e.g. 0.2");
  if (c.queue_size_buffers == 0)
    throw Error(ErrorKind::kConfig, "queue-size-buffers must be >= 1: use e.g. 3");
  if (c.max_fps < 0.0) throw Error(ErrorKind::kConfig, "max-fps must be >= 0 (0 = no limit)");
}

bool is_live_uri(const std::string& uri) {
  const auto colon = uri.find("://");
  if (colon == std::string::npos) return false;
  std::string scheme = uri.substr(0, colon);
  std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return scheme == "rtsp" || scheme == "rtsps" || scheme == "rtspt" || scheme == "rtspu" ||
         scheme == "udp" || scheme == "rtp" || scheme == "srt" || scheme == "rist";
}

bool drops_old_frames(const CameraSourceConfig& c, const std::string& uri) {
  return c.drop_old == DropOld::kOn || (c.drop_old == DropOld::kAuto && is_live_uri(uri));
}

std::string to_uri(const std::string& uri_or_path) {
  if (uri_or_path.find("://") != std::string::npos) return uri_or_path;
  return "file://" + uri_or_path;
}

std::string file_uri_path(const std::string& uri) {
  const std::string scheme = "file://";
  if (uri.compare(0, scheme.size(), scheme) != 0) return "";
  std::string path = uri.substr(scheme.size());
  // file://host/path is not used by cameras; file:///abs keeps its leading slash. Undo %XX.
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '%' && i + 2 < path.size() && std::isxdigit(static_cast<unsigned char>(path[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(path[i + 2]))) {
      out += static_cast<char>(std::stoi(path.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += path[i];
    }
  }
  return out;
}

std::string file_source_problem(const std::string& uri) {
  const std::string path = file_uri_path(uri);
  if (path.empty()) return "";
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    const int err = errno;
    if (err == EACCES)
      return "camera file '" + path + "' cannot be read (" + std::strerror(err) +
             "): give the service user read access to it and to its folders (chmod/chown)";
    return "camera file '" + path + "' does not exist (" + std::strerror(err) +
           "): check the uri (an absolute path or file:///abs/path)";
  }
  if (S_ISDIR(st.st_mode))
    return "camera file '" + path + "' is a folder: give the path of a video file";
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    return "camera file '" + path + "' cannot be read (" + std::strerror(err) +
           "): give the service user read access to it (chmod/chown)";
  }
  close(fd);
  if (S_ISREG(st.st_mode) && st.st_size == 0)
    return "camera file '" + path + "' is empty: give the path of a video file";
  return "";
}

Backoff::Backoff(uint32_t initial_ms, uint32_t max_ms, double jitter, uint32_t seed)
    : initial_ms_(std::max<uint32_t>(1, initial_ms)),
      max_ms_(std::max(max_ms, initial_ms)),
      jitter_(std::clamp(jitter, 0.0, 0.99)),
      rng_(seed) {}

uint32_t Backoff::next_ms() {
  const double base =
      std::min<double>(max_ms_, initial_ms_ * std::pow(2.0, std::min(attempts_, 30U)));
  ++attempts_;
  std::uniform_real_distribution<double> dist(1.0 - jitter_, 1.0 + jitter_);
  return static_cast<uint32_t>(std::lround(base * dist(rng_)));
}

void Backoff::reset() { attempts_ = 0; }

int64_t Timeline::map(int64_t in_rt, int64_t now_rt, bool live) {
  if (in_rt < 0) in_rt = std::max<int64_t>(0, now_rt);
  if (pending_) {
    pending_ = false;
    const int64_t start = live || now_rt < 0 ? in_rt : now_rt;
    offset_ = start - in_rt;
  }
  int64_t out = in_rt + offset_;
  if (out <= last_) {
    // a connection whose clock lags the previous one: shift it once to stay after the last frame
    offset_ += last_ + 1000000 - out;
    out = last_ + 1000000;
  }
  last_ = out;
  return out;
}

}  // namespace retail::config
