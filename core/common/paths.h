// Where models and media live: the one setting RETAIL_SHARED_DIR (environment variable at run
// time; CMake cache variable of the same name for the compiled-in default, `../shared` beside the
// source tree).
#pragma once

#include <string>

namespace retail::paths {

// $RETAIL_SHARED_DIR if set and non-empty, else the compiled-in default.
std::string shared_dir();
std::string models_dir();  // shared_dir() + "/models"
std::string media_dir();   // shared_dir() + "/media"

// A model path as given by a user: absolute or existing relative paths are kept, anything else
// is looked up under models_dir(). The result may not exist; callers check and report.
std::string resolve_model(const std::string& path);
bool file_exists(const std::string& path);

}  // namespace retail::paths
