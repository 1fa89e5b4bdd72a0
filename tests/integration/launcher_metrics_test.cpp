// retail-launch's /metrics on a looping file camera: the latency histogram, build info, broker
// state and process metrics hold real values, and every query of the Grafana dashboard
// (docs/grafana/gst-retail.json) names a series that a running retail-launch exports.
#include <gtest/gtest.h>
#include <json-glib/json-glib.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <regex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "support/rtsp_server.h"
#include "support/test_support.h"

namespace fs = std::filesystem;
using retail::test::ChildProcess;
using retail::test::Metrics;

namespace {

std::string launcher_bin() { return retail::test::build_path("launcher/retail-launch"); }

// A store with one looping file camera, no analytics stage, events to a JSON-lines file (or,
// with `brokers`, to Kafka).
std::string store_config(const std::string& dir, int port, const std::string& brokers) {
  const std::string clip = retail::test::media("faces/hamilton_640x360.mp4");
  return R"({"store_id": "metrics-store",
  "cameras": [{"id": "c1", "uri": ")" +
         clip + R"(", "source": {"loop": true}}],
  "stages": [],
  "kafka": {)" +
         (brokers.empty() ? R"("location": ")" + dir + R"(/events-{camera}.jsonl")"
                          : R"("brokers": ")" + brokers + R"(")") +
         R"(, "spool-dir": ")" + dir + R"(/spool-{camera}"},
  "metrics": {"port": )" +
         std::to_string(port) + "}}";
}

// Runs retail-launch until the camera is up and its latency histogram has samples, then scrapes
// once more (into `m`, and the text into `text`) and stops it with SIGTERM.
void run_and_scrape(const std::string& name, Metrics* m, std::string* text,
                    const std::string& brokers = "") {
  const std::string dir = retail::test::build_path("Testing/launcher/" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  const int port = retail::test::free_tcp_port();
  std::ofstream(dir + "/store.json") << store_config(dir, port, brokers);
  ChildProcess p;
  ASSERT_TRUE(p.start({launcher_bin(), dir + "/store.json"}, dir + "/launch"));
  ASSERT_TRUE(retail::test::wait_for_port(port, 60000)) << p.err();
  std::string problem;
  bool ready = false;
  for (int i = 0; i < 240 && !ready && p.running(); ++i) {  // polls until frames went through
    ready = retail::test::scrape(port, m, &problem) &&
            m->cam("retail_camera_latency_seconds_count", "c1") > 0 &&
            m->cam("retail_camera_frames_total", "c1") > 10 &&
            m->cam("retail_camera_up", "c1") == 1;  // sampled after the sink's broker state
    if (!ready) usleep(250 * 1000);
  }
  ASSERT_TRUE(ready) << "no latency sample; last problem: " << problem << "\n" << p.err();
  ASSERT_TRUE(retail::test::scrape(port, m, &problem)) << problem;
  ASSERT_EQ(retail::test::http_get(port, "/metrics", text), 200);
  p.signal(SIGTERM);
  EXPECT_EQ(p.wait(30000), 0) << p.err();
}

// The label value of `label` in a series key `name{a="x",label="v"}` ("" when absent).
std::string label_of(const std::string& key, const std::string& label) {
  const std::string k = label + "=\"";
  size_t pos = key.find("{" + k);
  pos = pos == std::string::npos ? key.find("," + k) : pos;
  if (pos == std::string::npos) return "";
  pos += k.size() + 1;
  return key.substr(pos, key.find('"', pos) - pos);
}

// The metric names a PromQL expression reads: identifiers outside strings, label matchers,
// range/subquery brackets and grouping clauses, that are not functions, keywords or Grafana
// variables.
std::set<std::string> metric_names(const std::string& expr) {
  std::string s;
  for (size_t i = 0; i < expr.size(); ++i) {
    const char ch = expr[i];
    if (ch == '"' || ch == '\'') {
      for (++i; i < expr.size() && expr[i] != ch; ++i)
        if (expr[i] == '\\') ++i;
      s += ' ';
    } else if (ch == '{' || ch == '[') {
      const char close = ch == '{' ? '}' : ']';
      while (i < expr.size() && expr[i] != close) {
        if (expr[i] == '"') {
          for (++i; i < expr.size() && expr[i] != '"'; ++i)
            if (expr[i] == '\\') ++i;
        }
        ++i;
      }
      s += ' ';
    } else {
      s += ch;
    }
  }
  s = std::regex_replace(
      s, std::regex(R"(\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\))"), " ");
  static const std::set<std::string> keywords = {
      "and", "or",       "unless",     "bool",        "offset", "by", "without",
      "on",  "ignoring", "group_left", "group_right", "inf",    "nan"};
  std::set<std::string> out;
  const std::regex ident(R"([A-Za-z_:][A-Za-z0-9_:]*)");
  for (auto it = std::sregex_iterator(s.begin(), s.end(), ident); it != std::sregex_iterator();
       ++it) {
    const size_t at = static_cast<size_t>(it->position());
    const std::string name = it->str();
    const char before = at > 0 ? s[at - 1] : ' ';
    if (before == '$' || std::isdigit(static_cast<unsigned char>(before)) || before == '.')
      continue;  // a Grafana variable, or the unit of a duration / exponent of a number
    size_t next = at + name.size();
    while (next < s.size() && std::isspace(static_cast<unsigned char>(s[next]))) ++next;
    if (next < s.size() && s[next] == '(') continue;  // a function or aggregation
    std::string lower = name;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (keywords.count(lower) != 0) continue;
    out.insert(name);
  }
  return out;
}

// Every "expr" string anywhere in a JSON tree, and every label_values(<metric>, ...) query.
void collect_queries(JsonNode* n, std::vector<std::string>* exprs) {
  if (JSON_NODE_HOLDS_OBJECT(n)) {
    JsonObject* o = json_node_get_object(n);
    GList* members = json_object_get_members(o);
    for (GList* l = members; l != nullptr; l = l->next) {
      const char* key = static_cast<const char*>(l->data);
      JsonNode* v = json_object_get_member(o, key);
      if (JSON_NODE_HOLDS_VALUE(v) && json_node_get_value_type(v) == G_TYPE_STRING) {
        const std::string text = json_node_get_string(v);
        if (std::strcmp(key, "expr") == 0) exprs->push_back(text);
        std::smatch m;
        if ((std::strcmp(key, "definition") == 0 || std::strcmp(key, "query") == 0) &&
            std::regex_search(text, m,
                              std::regex(R"(label_values\(\s*([A-Za-z_:][A-Za-z0-9_:]*)\s*,)")))
          exprs->push_back(m[1].str());
      } else {
        collect_queries(v, exprs);
      }
    }
    g_list_free(members);
  } else if (JSON_NODE_HOLDS_ARRAY(n)) {
    JsonArray* a = json_node_get_array(n);
    for (guint i = 0; i < json_array_get_length(a); ++i)
      collect_queries(json_array_get_element(a, i), exprs);
  }
}

class LauncherMetrics : public ::testing::Test {
 protected:
  void SetUp() override {
    RETAIL_REQUIRE_SHARED();
    ASSERT_TRUE(fs::exists(launcher_bin())) << launcher_bin();
  }
};

}  // namespace

TEST(DashboardQueries, MetricNamesAreExtractedFromPromQL) {
  EXPECT_EQ(metric_names("histogram_quantile(0.95, sum by (camera, le) "
                         "(rate(retail_camera_latency_seconds_bucket{store=~\"$store\"}"
                         "[$__rate_interval])))"),
            (std::set<std::string>{"retail_camera_latency_seconds_bucket"}));
  EXPECT_EQ(metric_names("increase(a_total[1h] offset 5m) / on(camera) group_left b_up > bool 1e3"),
            (std::set<std::string>{"a_total", "b_up"}));
  EXPECT_EQ(metric_names("retail_x{a=\"}\"} and ignoring(x) rate(y_total[5m:1m])"),
            (std::set<std::string>{"retail_x", "y_total"}));
}

TEST_F(LauncherMetrics, ShortRunExportsHistogramBuildInfoBrokerUpAndProcessMetrics) {
  Metrics m;
  std::string text;
  run_and_scrape("metrics-values", &m, &text);
  if (HasFatalFailure()) return;

  // The histogram: one series per bound plus +Inf, cumulative, +Inf == _count > 0, _sum > 0.
  std::vector<std::pair<double, double>> buckets;  // (le, cumulative count)
  for (const auto& [key, value] : m.s) {
    if (key.rfind("retail_camera_latency_seconds_bucket{", 0) != 0) continue;
    if (label_of(key, "camera") != "c1") continue;
    const std::string le = label_of(key, "le");
    ASSERT_FALSE(le.empty()) << key;
    buckets.emplace_back(
        le == "+Inf" ? std::numeric_limits<double>::infinity() : std::strtod(le.c_str(), nullptr),
        value);
  }
  std::sort(buckets.begin(), buckets.end());
  ASSERT_EQ(buckets.size(), 13u) << text;
  EXPECT_EQ(buckets.front().first, 0.01);
  EXPECT_EQ(buckets[buckets.size() - 2].first, 2.5);
  bool has_200ms = false;
  for (size_t i = 0; i < buckets.size(); ++i) {
    has_200ms = has_200ms || buckets[i].first == 0.2;
    if (i > 0) {
      EXPECT_GE(buckets[i].second, buckets[i - 1].second) << "le=" << buckets[i].first;
    }
  }
  EXPECT_TRUE(has_200ms) << "a bucket bound at the 200 ms target";
  const double count = m.cam("retail_camera_latency_seconds_count", "c1");
  EXPECT_GT(count, 0);
  EXPECT_EQ(buckets.back().second, count);
  EXPECT_GT(m.cam("retail_camera_latency_seconds_sum", "c1"), 0);
  EXPECT_NE(text.find("# TYPE retail_camera_latency_seconds histogram\n"), std::string::npos);
  // Every frame through the chain carried a capture time: one sample each.
  EXPECT_LE(count, m.cam("retail_camera_frames_total", "c1"));
  EXPECT_GE(m.cam("retail_camera_latency_max_seconds", "c1"),
            m.cam("retail_camera_latency_mean_seconds", "c1"));

  // Build info: exactly one series, value 1, the CMake project version.
  int build_series = 0;
  for (const auto& [key, value] : m.s) {
    if (key.rfind("retail_build_info{", 0) != 0) continue;
    ++build_series;
    EXPECT_EQ(value, 1) << key;
    EXPECT_EQ(label_of(key, "version"), RETAIL_PROJECT_VERSION) << key;
    EXPECT_FALSE(label_of(key, "commit").empty()) << key;
  }
  EXPECT_EQ(build_series, 1) << text;

  // JSON-lines file mode: the sink runs, so broker_up is 1 and says which mode it is in.
  EXPECT_EQ(m.cam("retail_sink_broker_up", "c1"), 1) << text;
  EXPECT_NE(text.find("retail_sink_broker_up{store=\"metrics-store\",camera=\"c1\","
                      "sink=\"kafkasink\",mode=\"file\"} 1\n"),
            std::string::npos)
      << text;

  // Process metrics of a process that decoded video for a while.
  ASSERT_EQ(m.s.count("process_cpu_seconds_total"), 1u) << text;
  ASSERT_EQ(m.s.count("process_resident_memory_bytes"), 1u) << text;
  EXPECT_GT(m.s.at("process_cpu_seconds_total"), 0);
  EXPECT_GT(m.s.at("process_resident_memory_bytes"), 10.0 * 1024 * 1024);
  EXPECT_NE(text.find("# TYPE process_cpu_seconds_total counter\n"), std::string::npos);
}

TEST_F(LauncherMetrics, EveryDashboardQueryNamesAnExportedMetric) {
  const std::string path = std::string(RETAIL_SOURCE_DIR) + "/docs/grafana/gst-retail.json";
  JsonParser* parser = json_parser_new();
  GError* err = nullptr;
  ASSERT_TRUE(json_parser_load_from_file(parser, path.c_str(), &err))
      << path << ": " << (err ? err->message : "?");
  std::vector<std::string> exprs;
  collect_queries(json_parser_get_root(parser), &exprs);
  g_object_unref(parser);
  ASSERT_GE(exprs.size(), 10u) << "the dashboard's queries were not found in " << path;

  Metrics m;
  std::string text;
  run_and_scrape("metrics-dashboard", &m, &text);
  if (HasFatalFailure()) return;
  std::set<std::string> exported;
  for (const auto& [key, value] : m.s) exported.insert(key.substr(0, key.find('{')));

  // The check itself must catch a query on a series that does not exist.
  ASSERT_EQ(exported.count("retail_camera_latency_bucket"), 0u);
  for (const auto& e : exprs) {
    const std::set<std::string> names = metric_names(e);
    EXPECT_FALSE(names.empty()) << "no metric in query: " << e;
    for (const auto& n : names)
      EXPECT_EQ(exported.count(n), 1u)
          << "the dashboard queries '" << n << "', which retail-launch does not export: " << e;
  }
}

// Kafka mode with a broker address where nothing listens: the camera runs (events go to the
// spool), and broker_up says the broker is not up.
TEST_F(LauncherMetrics, BrokerUpIsZeroWhileNoBrokerAnswers) {
  Metrics m;
  std::string text;
  run_and_scrape("metrics-no-broker", &m, &text,
                 "127.0.0.1:" + std::to_string(retail::test::free_tcp_port()));
  if (HasFatalFailure()) return;
  EXPECT_NE(text.find("retail_sink_broker_up{store=\"metrics-store\",camera=\"c1\","
                      "sink=\"kafkasink\",mode=\"kafka\"} 0\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(m.cam("retail_sink_delivered_total", "c1"), 0) << text;
}
