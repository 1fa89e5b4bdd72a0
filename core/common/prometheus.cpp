#include "common/prometheus.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>

namespace retail::prometheus {

size_t latency_bucket(int64_t latency_us) {
  const double s = latency_us <= 0 ? 0.0 : static_cast<double>(latency_us) / 1e6;
  for (size_t i = 0; i < kLatencyBounds.size(); ++i)
    if (s <= kLatencyBounds[i]) return i;
  return kLatencyBounds.size();
}

std::string escape_label(const std::string& v) {
  std::string out;
  for (char ch : v) {
    if (ch == '\n') {
      out += "\\n";
      continue;
    }
    if (ch == '"' || ch == '\\') out += '\\';
    out += ch;
  }
  return out;
}

std::string format_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  if (v == std::floor(v) && std::fabs(v) < 1e15)
    std::snprintf(buf, sizeof buf, "%.0f", v);
  else  // the shortest text that reads back as the same double (0.1, not 0.10000000000000001)
    for (int precision = 1; precision <= 17; ++precision) {
      std::snprintf(buf, sizeof buf, "%.*g", precision, v);
      if (std::strtod(buf, nullptr) == v) break;
    }
  return buf;
}

std::string histogram_lines(const std::string& name, const std::string& labels,
                            const std::vector<double>& bounds, const std::vector<uint64_t>& counts,
                            double sum) {
  const std::string sep = labels.empty() ? "" : ",";
  std::string out;
  uint64_t cumulative = 0;
  for (size_t i = 0; i <= bounds.size(); ++i) {
    cumulative += i < counts.size() ? counts[i] : 0;
    const std::string le = i < bounds.size() ? format_value(bounds[i]) : "+Inf";
    out.append(name).append("_bucket{").append(labels).append(sep).append("le=\"");
    out.append(le).append("\"} ").append(format_value(static_cast<double>(cumulative)));
    out += '\n';
  }
  const std::string braces = labels.empty() ? "" : "{" + labels + "}";
  out.append(name).append("_sum").append(braces).append(" ").append(format_value(sum));
  out += '\n';
  out.append(name).append("_count").append(braces).append(" ");
  out.append(format_value(static_cast<double>(cumulative)));
  out += '\n';
  return out;
}

bool parse_proc_stat_times(const std::string& stat_line, uint64_t* utime, uint64_t* stime) {
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so start after the last ')'.
  const size_t close = stat_line.rfind(')');
  if (close == std::string::npos) return false;
  std::istringstream in(stat_line.substr(close + 1));
  std::string field;
  // Fields after comm: 3 state, 4 ppid, ... 14 utime, 15 stime (1-based, proc(5)).
  for (int n = 3; n <= 15; ++n) {
    if (!(in >> field)) return false;
    try {
      if (n == 14) *utime = std::stoull(field);
      if (n == 15) *stime = std::stoull(field);
    } catch (const std::exception&) {
      return false;
    }
  }
  return true;
}

double process_cpu_seconds() {
  std::ifstream f("/proc/self/stat");
  const std::string line((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  uint64_t ut = 0;
  uint64_t st = 0;
  const long hz = sysconf(_SC_CLK_TCK);
  if (!parse_proc_stat_times(line, &ut, &st) || hz <= 0) return -1;
  return static_cast<double>(ut + st) / static_cast<double>(hz);
}

int64_t process_resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  int64_t pages_total = 0;
  int64_t pages_rss = 0;
  if (!(statm >> pages_total >> pages_rss)) return -1;
  return pages_rss * sysconf(_SC_PAGESIZE);
}

}  // namespace retail::prometheus
