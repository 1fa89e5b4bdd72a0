#include "track/mot_io.h"

#include <glib.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/error.h"

namespace retail::track {

namespace {

// Splits a line on commas and/or whitespace into numbers; false when a field is not numeric.
bool parse_fields(const std::string& line, std::vector<double>& out) {
  out.clear();
  const char* p = line.c_str();
  while (*p != '\0') {
    while (*p == ',' || *p == ' ' || *p == '\t' || *p == '\r') ++p;
    if (*p == '\0') break;
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(p, &end);
    if (end == p || errno == ERANGE) return false;
    out.push_back(v);
    p = end;
    if (*p != '\0' && *p != ',' && *p != ' ' && *p != '\t' && *p != '\r') return false;
  }
  return true;
}

}  // namespace

std::vector<MotRow> read_mot(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    throw Error(ErrorKind::kNotFound,
                "MOT file '" + path + "' cannot be opened: check the path exists and is readable");
  }
  std::vector<MotRow> rows;
  std::vector<double> f;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    if (!parse_fields(line, f) || f.size() < 7) {
      throw Error(ErrorKind::kConfig,
                  "MOT file '" + path + "' line " + std::to_string(line_no) +
                      " is not `frame,id,x,y,w,h,conf[,...]`: fix or remove that line",
                  line);
    }
    MotRow r{};
    r.frame = static_cast<int>(f[0]);
    r.id = static_cast<int64_t>(f[1]);
    r.x = static_cast<float>(f[2]);
    r.y = static_cast<float>(f[3]);
    r.w = static_cast<float>(f[4]);
    r.h = static_cast<float>(f[5]);
    r.conf = static_cast<float>(f[6]);
    r.cls = -1;
    r.visibility = -1.F;
    if (f.size() == 9) {
      r.cls = static_cast<int>(f[7]);
      r.visibility = static_cast<float>(f[8]);
    }
    rows.push_back(r);
  }
  return rows;
}

void write_mot(const std::string& path, const std::vector<MotRow>& rows) {
  std::FILE* out = std::fopen(path.c_str(), "w");
  if (out == nullptr) {
    throw Error(ErrorKind::kIo, "cannot write MOT file '" + path + "': " + std::strerror(errno) +
                                    " (check the folder exists and is writable)");
  }
  bool ok = true;
  for (const MotRow& r : rows) {
    int n = 0;
    if (r.cls >= 0) {
      n = std::fprintf(out, "%d,%lld,%.2f,%.2f,%.2f,%.2f,%.4g,%d,%.4g,-1\n", r.frame,
                       static_cast<long long>(r.id), r.x, r.y, r.w, r.h, r.conf, r.cls,
                       r.visibility);
    } else {
      n = std::fprintf(out, "%d,%lld,%.2f,%.2f,%.2f,%.2f,%.4g,-1,-1,-1\n", r.frame,
                       static_cast<long long>(r.id), r.x, r.y, r.w, r.h, r.conf);
    }
    if (n < 0) {
      ok = false;
      break;
    }
  }
  const int err = errno;
  if (std::fclose(out) != 0) ok = false;
  if (!ok) {
    throw Error(ErrorKind::kIo, "writing MOT file '" + path + "' failed: " + std::strerror(err) +
                                    " (is the disk full?)");
  }
}

SeqInfo read_seqinfo(const std::string& ini_path) {
  GKeyFile* kf = g_key_file_new();
  GError* err = nullptr;
  if (!g_key_file_load_from_file(kf, ini_path.c_str(), G_KEY_FILE_NONE, &err)) {
    std::string msg = err != nullptr ? err->message : "unknown error";
    const bool missing = err != nullptr && err->domain == G_FILE_ERROR;
    g_clear_error(&err);
    g_key_file_free(kf);
    throw Error(missing ? ErrorKind::kNotFound : ErrorKind::kConfig,
                "seqinfo file '" + ini_path + "' cannot be read (" + msg +
                    "): give the sequence's seqinfo.ini or pass the size explicitly");
  }
  SeqInfo info;
  auto get_int = [&](const char* key) {
    GError* e = nullptr;
    const int v = g_key_file_get_integer(kf, "Sequence", key, &e);
    if (e != nullptr) {
      g_error_free(e);
      return 0;
    }
    return v;
  };
  info.width = get_int("imWidth");
  info.height = get_int("imHeight");
  info.length = get_int("seqLength");
  {
    GError* e = nullptr;
    const double fr = g_key_file_get_double(kf, "Sequence", "frameRate", &e);
    if (e != nullptr) {
      g_error_free(e);
    } else {
      info.frame_rate = fr;
    }
  }
  g_key_file_free(kf);
  return info;
}

}  // namespace retail::track
