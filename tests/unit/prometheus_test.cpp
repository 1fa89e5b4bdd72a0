#include "common/prometheus.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

using namespace retail::prometheus;

TEST(Prometheus, LatencyBucketsAreInclusiveUpperBounds) {
  EXPECT_EQ(latency_bucket(-5), 0u);
  EXPECT_EQ(latency_bucket(0), 0u);
  EXPECT_EQ(latency_bucket(10000), 0u);  // exactly 0.01 s: le="0.01"
  EXPECT_EQ(latency_bucket(10001), 1u);
  EXPECT_EQ(kLatencyBounds[latency_bucket(200000)], 0.2);  // the 200 ms target has its own bound
  EXPECT_EQ(kLatencyBounds[latency_bucket(200001)], 0.25);
  EXPECT_EQ(latency_bucket(2500000), kLatencyBounds.size() - 1);
  EXPECT_EQ(latency_bucket(2500001), kLatencyBounds.size());  // +Inf
  EXPECT_EQ(latency_bucket(std::numeric_limits<int64_t>::max()), kLatencyBuckets - 1);
}

TEST(Prometheus, HistogramLinesAreCumulativeAndCountEqualsInf) {
  const std::vector<double> bounds = {0.1, 0.2, 0.5};
  const std::string text =
      histogram_lines("x_seconds", "camera=\"c1\"", bounds, {1, 0, 2, 3}, 4.25);
  EXPECT_EQ(text,
            "x_seconds_bucket{camera=\"c1\",le=\"0.1\"} 1\n"
            "x_seconds_bucket{camera=\"c1\",le=\"0.2\"} 1\n"
            "x_seconds_bucket{camera=\"c1\",le=\"0.5\"} 3\n"
            "x_seconds_bucket{camera=\"c1\",le=\"+Inf\"} 6\n"
            "x_seconds_sum{camera=\"c1\"} 4.25\n"
            "x_seconds_count{camera=\"c1\"} 6\n");
}

TEST(Prometheus, HistogramWithoutLabelsOrSamples) {
  const std::string text = histogram_lines("h", "", {1.0}, {}, 0);
  EXPECT_EQ(text, "h_bucket{le=\"1\"} 0\nh_bucket{le=\"+Inf\"} 0\nh_sum 0\nh_count 0\n");
}

TEST(Prometheus, ValuesAndLabels) {
  EXPECT_EQ(format_value(3), "3");
  EXPECT_EQ(format_value(0.25), "0.25");
  EXPECT_EQ(format_value(0.075), "0.075");
  EXPECT_EQ(format_value(1.0 / 3), "0.3333333333333333");
  EXPECT_EQ(format_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format_value(std::nan("")), "NaN");
  EXPECT_EQ(escape_label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
}

TEST(Prometheus, ProcStatTimesSurviveSpacesAndParensInTheName) {
  uint64_t ut = 0;
  uint64_t st = 0;
  ASSERT_TRUE(parse_proc_stat_times(
      "1234 (retail (x) launch) S 1 1234 1234 0 -1 4194304 100 0 0 0 57 13 0 0 20 0 9 0 5", &ut,
      &st));
  EXPECT_EQ(ut, 57u);
  EXPECT_EQ(st, 13u);
  EXPECT_FALSE(parse_proc_stat_times("garbage", &ut, &st));
  EXPECT_FALSE(parse_proc_stat_times("1 (a) S 1 2", &ut, &st));
}

TEST(Prometheus, OwnProcessHasCpuAndMemory) {
  ASSERT_GE(process_cpu_seconds(), 0) << "/proc/self/stat unreadable";
  volatile double x = 0;  // burn a little CPU so that at least a clock tick is accounted
  for (int round = 0; round < 10000 && process_cpu_seconds() == 0; ++round)
    for (int i = 0; i < 1000000; ++i) x = x + i;
  EXPECT_GT(process_cpu_seconds(), 0);
  EXPECT_GT(process_resident_bytes(), 1 << 20);
}
