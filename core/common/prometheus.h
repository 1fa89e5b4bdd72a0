// Prometheus text exposition (format 0.0.4) helpers and the latency histogram's buckets.
// GStreamer-free: unit tested in tests/unit/prometheus_test.cpp, used by retail-launch.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace retail::prometheus {

// Upper bounds (seconds) of the glass-to-event latency histogram; finer around the 200 ms
// target. A sample goes into the first bucket whose bound is >= it, or into +Inf.
constexpr std::array<double, 12> kLatencyBounds = {0.01, 0.025, 0.05, 0.075, 0.1, 0.15,
                                                   0.2,  0.25,  0.3,  0.5,   1.0, 2.5};
constexpr size_t kLatencyBuckets = kLatencyBounds.size() + 1;  // + the +Inf bucket

// Index in [0, kLatencyBuckets) of the bucket for a latency in microseconds (negative = 0 s).
size_t latency_bucket(int64_t latency_us);

// A label value escaped for the exposition format (backslash, double quote, newline).
std::string escape_label(const std::string& v);

// A sample value: integers without a fraction, others with up to 17 significant digits;
// "+Inf", "-Inf", "NaN" for the special values.
std::string format_value(double v);

// The _bucket / _sum / _count lines of one histogram series. `counts` holds per-bucket (not
// cumulative) counts, one per bound plus the +Inf bucket; `labels` is the label list without
// braces (e.g. `store="s",camera="c"`, may be empty). No HELP/TYPE lines.
std::string histogram_lines(const std::string& name, const std::string& labels,
                            const std::vector<double>& bounds, const std::vector<uint64_t>& counts,
                            double sum);

// The process's CPU time (user + system, seconds) and resident memory (bytes) from
// /proc/self/stat and /proc/self/statm; -1 when unreadable.
double process_cpu_seconds();
int64_t process_resident_bytes();

// Parses the utime and stime fields (clock ticks) of a /proc/<pid>/stat line; false if malformed.
bool parse_proc_stat_times(const std::string& stat_line, uint64_t* utime, uint64_t* stime);

}  // namespace retail::prometheus
