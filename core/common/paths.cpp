#include "common/paths.h"

#include <cstdlib>
#include <filesystem>

#ifndef RETAIL_DEFAULT_SHARED_DIR
#define RETAIL_DEFAULT_SHARED_DIR "../shared"
#endif

namespace retail::paths {

std::string shared_dir() {
  const char* env = std::getenv("RETAIL_SHARED_DIR");
  if (env != nullptr && *env != '\0') return env;
  return RETAIL_DEFAULT_SHARED_DIR;
}

std::string models_dir() { return shared_dir() + "/models"; }
std::string media_dir() { return shared_dir() + "/media"; }

bool file_exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_regular_file(path, ec);
}

std::string resolve_model(const std::string& path) {
  if (path.empty()) return path;
  const std::filesystem::path p(path);
  if (p.is_absolute() || file_exists(path)) return path;
  const std::string under_models = models_dir() + "/" + path;
  return file_exists(under_models) ? under_models : path;
}

}  // namespace retail::paths
