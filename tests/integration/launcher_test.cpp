// retail-launch on loopback RTSP cameras (integration): cameras killed, frozen and never
// answering while the others keep producing frames; /metrics and /healthz; SIGTERM without
// event loss; bad configs fail before anything starts.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/rtsp_server.h"
#include "support/test_support.h"

namespace fs = std::filesystem;
using retail::test::ChildProcess;
using retail::test::RtspServer;

namespace {

std::string launcher_bin() { return retail::test::build_path("launcher/retail-launch"); }

std::string work_dir(const std::string& name) {
  const std::string d = retail::test::build_path("Testing/launcher/" + name);
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

// A TCP port that accepts connections (kernel backlog) but never answers: a camera that hangs.
struct SilentPort {
  int fd = -1;
  int port = 0;
  SilentPort() {
    fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    listen(fd, 64);
    socklen_t len = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
  }
  ~SilentPort() { close(fd); }
};

using retail::test::Metrics;
using retail::test::scrape;

// Lightweight analytics for soak runs: faces every 3rd frame, tracking, events to JSON lines.
std::string store_config(const std::vector<std::pair<std::string, std::string>>& cameras,
                         const std::string& dir, int metrics_port) {
  std::string cams;
  for (const auto& [id, uri] : cameras) {
    if (!cams.empty()) cams += ",\n";
    cams +=
        R"(    {"id": ")" + id + R"(", "uri": ")" + uri +
        R"(", "source": {"timeout-ms": 3000, "backoff-initial-ms": 250, "backoff-max-ms": 2000}})";
  }
  return R"({
  "store_id": "it-store",
  "models": {"face": "face/yunet_n_320x320.onnx"},
  "cameras": [
)" + cams +
         R"(
  ],
  "stages": [
    {"element": "retaildetect", "settings": {"interval": 3, "face-model": "@face", "person-backend": "none"}},
    {"element": "retailtrack"}
  ],
  "kafka": {"location": ")" +
         dir + R"(/events-{camera}.jsonl", "spool-dir": ")" + dir +
         R"(/spool-{camera}"},
  "metrics": {"port": )" +
         std::to_string(metrics_port) + R"(},
  "health": {"max_down": 1},
  "shutdown_timeout_ms": 15000
})";
}

std::vector<std::string> lines_of(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  std::string l;
  while (std::getline(in, l))
    if (!l.empty()) out.push_back(l);
  return out;
}

// Waits until `pred` holds (polling /metrics every 250 ms) or `timeout_ms` passes.
template <typename Pred>
bool wait_metrics(int port, int timeout_ms, Pred pred, Metrics* m) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  std::string problem;
  while (std::chrono::steady_clock::now() < deadline) {
    if (scrape(port, m, &problem) && pred(*m)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  std::string body;
  retail::test::http_get(port, "/metrics", &body);
  ADD_FAILURE() << "condition not met; last /metrics problem: '" << problem << "'; metrics:\n"
                << body;
  return false;
}

class RtspStore : public ::testing::Test {
 protected:
  void SetUp() override {
    RETAIL_REQUIRE_SHARED();
    ASSERT_TRUE(fs::exists(launcher_bin())) << launcher_bin();
    ASSERT_FALSE(retail::test::prepare_h264_clip().empty());
  }
};

// Checks that every camera in `ids` produced frames since `before`.
void expect_moving(const Metrics& before, const Metrics& now, const std::vector<std::string>& ids,
                   const std::string& when) {
  for (const auto& id : ids)
    EXPECT_GT(now.cam("retail_camera_frames_total", id),
              before.cam("retail_camera_frames_total", id))
        << "camera " << id << " stopped producing frames " << when;
}

}  // namespace

TEST_F(RtspStore, KilledCameraReturnsOthersNeverStopSilentCameraReportedDownNoEventLost) {
  const std::string dir = work_dir("kill");
  std::vector<std::unique_ptr<RtspServer>> servers;
  std::vector<std::pair<std::string, std::string>> cams;
  for (int i = 1; i <= 4; ++i) {
    servers.push_back(std::make_unique<RtspServer>(retail::test::free_tcp_port(),
                                                   std::vector<std::string>{"/cam"}));
    ASSERT_TRUE(servers.back()->start()) << "rtsp server " << i;
    cams.emplace_back("cam" + std::to_string(i), servers.back()->url("/cam"));
  }
  SilentPort silent;
  cams.emplace_back("ghost", "rtsp://127.0.0.1:" + std::to_string(silent.port) + "/never");
  const int mport = retail::test::free_tcp_port();
  write(dir + "/store.json", store_config(cams, dir, mport));
  ChildProcess launcher;
  ASSERT_TRUE(launcher.start({launcher_bin(), dir + "/store.json"}, dir + "/launcher"));

  Metrics m;
  const std::vector<std::string> live = {"cam1", "cam2", "cam3", "cam4"};
  ASSERT_TRUE(wait_metrics(
      mport, 30000,
      [&](const Metrics& x) {
        for (const auto& id : live)
          if (x.cam("retail_camera_frames_total", id) < 15) return false;
        return true;
      },
      &m))
      << "cameras did not start: " << launcher.err();

  // /healthz answers; the silent camera is reported down while the others are up.
  std::string body;
  // One camera down is within health.max_down (1): 200, and the body names it.
  EXPECT_EQ(retail::test::http_get(mport, "/healthz", &body), 200) << body;
  EXPECT_NE(body.find("\"status\":\"ok\""), std::string::npos) << body;
  EXPECT_NE(body.find("\"ghost\""), std::string::npos) << body;
  EXPECT_EQ(m.cam("retail_camera_up", "ghost"), 0.0);
  EXPECT_EQ(m.cam("retail_camera_frames_total", "ghost"), 0.0);
  for (const auto& id : live) EXPECT_EQ(m.cam("retail_camera_up", id), 1.0) << id;
  EXPECT_GT(m.s["process_resident_memory_bytes"], 10e6);

  const std::vector<std::string> others = {"cam2", "cam3", "cam4"};
  for (int round = 0; round < 5; ++round) {
    Metrics before = m;
    servers[0]->kill9();
    // Down for 2 s; the others keep producing in every 1 s window.
    for (int t = 0; t < 2; ++t) {
      std::this_thread::sleep_for(std::chrono::seconds(1));
      Metrics now;
      std::string problem;
      ASSERT_TRUE(scrape(mport, &now, &problem)) << problem;
      expect_moving(before, now, others,
                    "while cam1 was down (round " + std::to_string(round) + ")");
      before = now;
    }
    ASSERT_TRUE(launcher.running()) << "retail-launch exited: " << launcher.err();
    ASSERT_TRUE(servers[0]->start()) << "restart " << round;
    const double frames = before.cam("retail_camera_frames_total", "cam1");
    const auto t0 = std::chrono::steady_clock::now();
    const bool back = wait_metrics(
        mport, 5000,
        [&](const Metrics& x) { return x.cam("retail_camera_frames_total", "cam1") > frames + 2; },
        &m);
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
            .count();
    EXPECT_TRUE(back) << "cam1 not back within 5 s of the server restart (round " << round << ")";
    std::printf("[ cam1 back after %lld ms (round %d) ]\n", static_cast<long long>(ms), round);
    expect_moving(before, m, others, "after cam1 came back");
  }
  EXPECT_GE(m.cam("retail_camera_reconnects_total", "cam1"), 5.0);
  EXPECT_GE(m.cam("retail_camera_reconnects_total", "ghost"), 2.0)
      << "the watchdog retries the silent camera";
  EXPECT_EQ(m.cam("retail_camera_up", "ghost"), 0.0);
  ASSERT_TRUE(launcher.running());

  // /metrics counters move between two scrapes.
  Metrics a;
  Metrics b;
  std::string problem;
  ASSERT_TRUE(scrape(mport, &a, &problem)) << problem;
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  ASSERT_TRUE(scrape(mport, &b, &problem)) << problem;
  for (const auto& id : live) {
    EXPECT_GT(b.cam("retail_camera_frames_total", id), a.cam("retail_camera_frames_total", id));
    EXPECT_GT(b.cam("retail_camera_fps", id), 5.0) << id;
    EXPECT_GE(b.cam("retail_camera_latency_mean_seconds", id), 0.0);
    EXPECT_LT(b.cam("retail_camera_latency_mean_seconds", id), 5.0);
  }
  EXPECT_GT(b.cam("retail_sink_produced_total", "cam2"), 0.0) << "faces on the clip produce events";

  // SIGTERM mid-run: exit 0, every event delivered or spooled, none lost.
  launcher.signal(SIGTERM);
  const int code = launcher.wait(30000);
  EXPECT_EQ(code, 0) << launcher.err();
  const std::string out = launcher.out();
  std::smatch sm;
  ASSERT_TRUE(std::regex_search(out, sm, std::regex("retail-launch summary: (\\{.*\\})"))) << out;
  const std::string summary = sm[1].str();
  for (const auto& id : live) {
    const std::regex cam_re(
        "\"" + id +
        R"(":\{"frames":(\d+),"events":(\d+),"reconnects":\d+,"dropped_frames":\d+,"produced":(\d+),"delivered":(\d+),"spooled":(\d+))");
    std::smatch c;
    ASSERT_TRUE(std::regex_search(summary, c, cam_re)) << summary;
    const long events = std::stol(c[2]);
    const long produced = std::stol(c[3]);
    const long delivered = std::stol(c[4]);
    const long spooled = std::stol(c[5]);
    EXPECT_GT(events, 0) << id;
    EXPECT_EQ(delivered + spooled, produced) << id << ": " << summary;
    const auto lines = lines_of(dir + "/events-" + id + ".jsonl");
    EXPECT_EQ(static_cast<long>(lines.size()), delivered) << id;
    long analytics_events = 0;
    for (const auto& l : lines)
      if (l.find("\"type\":\"frame_summary\"") == std::string::npos &&
          l.find("\"type\":\"detections\"") == std::string::npos)
        ++analytics_events;
    EXPECT_EQ(analytics_events, events)
        << id << ": every event produced on the frames reached the file";
  }
}

TEST_F(RtspStore, FrozenServerIsDetectedByTheWatchdogOthersNeverStop) {
  const std::string dir = work_dir("freeze");
  std::vector<std::unique_ptr<RtspServer>> servers;
  std::vector<std::pair<std::string, std::string>> cams;
  for (int i = 1; i <= 4; ++i) {
    servers.push_back(std::make_unique<RtspServer>(retail::test::free_tcp_port(),
                                                   std::vector<std::string>{"/cam"}));
    ASSERT_TRUE(servers.back()->start());
    cams.emplace_back("cam" + std::to_string(i), servers.back()->url("/cam"));
  }
  const int mport = retail::test::free_tcp_port();
  write(dir + "/store.json", store_config(cams, dir, mport));
  ChildProcess launcher;
  ASSERT_TRUE(launcher.start({launcher_bin(), dir + "/store.json"}, dir + "/launcher"));
  Metrics m;
  ASSERT_TRUE(wait_metrics(
      mport, 30000,
      [&](const Metrics& x) {
        for (int i = 1; i <= 4; ++i)
          if (x.cam("retail_camera_frames_total", "cam" + std::to_string(i)) < 15) return false;
        return true;
      },
      &m))
      << launcher.err();

  servers[1]->freeze();  // SIGSTOP: the TCP connection stays open, nothing errors, frames stop
  const std::vector<std::string> others = {"cam1", "cam3", "cam4"};
  Metrics before = m;
  bool seen_down = false;
  for (int t = 0; t < 10; ++t) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    Metrics now;
    std::string problem;
    ASSERT_TRUE(scrape(mport, &now, &problem)) << problem;
    expect_moving(before, now, others,
                  "while cam2's server was frozen (second " + std::to_string(t) + ")");
    seen_down = seen_down || now.cam("retail_camera_up", "cam2") == 0.0;
    before = now;
  }
  EXPECT_TRUE(seen_down) << "the watchdog (timeout-ms=3000) marks the frozen camera down";
  EXPECT_GE(before.cam("retail_camera_reconnects_total", "cam2"), 1.0);
  servers[1]->resume();
  const double frames = before.cam("retail_camera_frames_total", "cam2");
  EXPECT_TRUE(wait_metrics(
      mport, 15000,
      [&](const Metrics& x) {
        return x.cam("retail_camera_frames_total", "cam2") > frames + 5 &&
               x.cam("retail_camera_up", "cam2") == 1.0;
      },
      &m))
      << "cam2 did not reconnect after SIGCONT";
  expect_moving(before, m, others, "after cam2 came back");
  ASSERT_TRUE(launcher.running());
  launcher.signal(SIGINT);
  EXPECT_EQ(launcher.wait(30000), 0) << launcher.err();
}

TEST(LauncherConfig, FiveBadConfigsFailBeforeAnythingStarts) {
  RETAIL_REQUIRE_SHARED();
  ASSERT_TRUE(fs::exists(launcher_bin()));
  const std::string dir = work_dir("bad");
  const std::string clip = retail::test::media("faces/hamilton_640x360.mp4");
  const std::string cam = R"({"id": "c1", "uri": ")" + clip + R"("})";
  struct Case {
    std::string name, json, path, words;
  };
  const std::vector<Case> cases = {
      {"invalid-json", R"({"store_id": "s", "cameras": [)" + cam + ",", "invalid JSON", "Fix:"},
      {"missing-uri", R"({"store_id": "s", "cameras": [{"id": "c1"}]})", "$.cameras[0].uri",
       "missing camera uri"},
      {"unknown-setting",
       R"({"store_id": "s", "cameras": [)" + cam +
           R"(], "stages": [{"element": "retaildetect"}, {"element": "retailtrack", "settings": {"max-age-frames": 30}}]})",
       "$.stages[1].settings.max-age-frames",
       "unknown stage setting 'max-age-frames' for element 'retailtrack'"},
      {"missing-model",
       R"({"store_id": "s", "cameras": [)" + cam +
           R"(], "stages": [{"element": "retaildetect", "settings": {"face-model": "face/yunet_missing.onnx"}}]})",
       "$.stages[0].settings.face-model", "not found"},
      {"missing-creative",
       R"({"store_id": "s", "cameras": [)" + cam +
           R"(], "stages": [{"element": "adoverlay"}], "campaigns": {"creatives": [{"id": "x", "file": "creatives/nope.png"}]}})",
       "$.campaigns.creatives[0].file", "creative 'creatives/nope.png' not found"},
  };
  for (const auto& c : cases) {
    const std::string file = dir + "/" + c.name + ".json";
    write(file, c.json);
    ChildProcess p;
    ASSERT_TRUE(p.start({launcher_bin(), file}, dir + "/" + c.name));
    const int code = p.wait(30000);
    const std::string err = p.err();
    EXPECT_NE(code, 0) << c.name;
    EXPECT_NE(code, -1) << c.name << " did not exit";
    EXPECT_NE(err.find(file), std::string::npos) << c.name << ": names the file: " << err;
    EXPECT_NE(err.find(c.path), std::string::npos) << c.name << ": names the JSON path: " << err;
    EXPECT_NE(err.find(c.words), std::string::npos) << c.name << ": " << err;
    EXPECT_NE(err.find("Fix:"), std::string::npos) << c.name << ": says what to do: " << err;
    EXPECT_EQ(err.find("metrics on"), std::string::npos) << c.name << ": nothing started: " << err;
    EXPECT_EQ(err.find("camera c1 up"), std::string::npos)
        << c.name << ": nothing started: " << err;
    std::printf("[ %s -> exit %d: %s ]\n", c.name.c_str(), code,
                err.substr(0, err.find('\n')).c_str());
  }
}

// Per-camera stages in the launch line: camera 1 keeps adoverlay and gets its zones merged over
// the global heatmap, camera 2 runs without adoverlay; a secret from the environment is printed
// as ${NAME}, never its value.
TEST(LauncherConfig, PrintLaunchShowsEachCamerasMergedStagesAndMasksTheEnvironment) {
  ASSERT_TRUE(fs::exists(launcher_bin()));
  const std::string dir = work_dir("print-launch");
  const std::string file = dir + "/store.json";
  write(file, R"({
  "store_id": "s",
  "cameras": [
    {"id": "entrance", "uri": "rtsp://127.0.0.1:1/a",
     "stages": {"retailzones": {"zones-json": {"lines": [{"id": "door", "points": [[0.25, 0.75], [0.75, 0.75]]}]}}}},
    {"id": "checkout", "uri": "rtsp://127.0.0.1:1/b", "stages": {"adoverlay": {"enabled": false}}}
  ],
  "stages": [
    {"element": "retailtrack"},
    {"element": "retailzones", "settings": {"zones-json": {"heatmap": {"grid_w": 16, "grid_h": 9}}}},
    {"element": "adoverlay", "settings": {"draw-boxes": true}}
  ],
  "kafka": {"brokers": "127.0.0.1:1", "kafka-config": "sasl.password=${RETAIL_IT_SECRET}",
            "spool-dir": ")" +
                  dir + R"(/spool-{camera}"},
  "metrics": {"enabled": false}
})");
  setenv("RETAIL_IT_SECRET", "hunter2-not-for-logs", 1);
  ChildProcess p;
  ASSERT_TRUE(p.start({launcher_bin(), "--print-launch", file}, dir + "/run"));
  const int code = p.wait(30000);
  unsetenv("RETAIL_IT_SECRET");
  ASSERT_EQ(code, 0) << p.err();
  std::vector<std::string> lines;
  std::istringstream in(p.out());
  for (std::string l; std::getline(in, l);)
    if (l.rfind("gst-launch-1.0 ", 0) == 0) lines.push_back(l);
  ASSERT_EQ(lines.size(), 2U) << p.out();
  const std::string& entrance = lines[0];
  const std::string& checkout = lines[1];
  EXPECT_NE(entrance.find("camera-id=entrance"), std::string::npos) << entrance;
  EXPECT_NE(checkout.find("camera-id=checkout"), std::string::npos) << checkout;
  // Camera 1: adoverlay, and zones-json carries both the global heatmap and its own line.
  EXPECT_NE(entrance.find("! adoverlay draw-boxes=true"), std::string::npos) << entrance;
  const std::string merged =
      R"(zones-json="{\"heatmap\":{\"grid_w\":16,\"grid_h\":9},\"lines\":[{\"id\":\"door\",)"
      R"(\"points\":[[0.25,0.75],[0.75,0.75]]}]}")";
  EXPECT_NE(entrance.find(merged), std::string::npos) << entrance;
  // Camera 2: no adoverlay, the global zones unchanged.
  EXPECT_EQ(checkout.find("adoverlay"), std::string::npos) << checkout;
  EXPECT_NE(checkout.find(R"(zones-json="{\"heatmap\":{\"grid_w\":16,\"grid_h\":9}}")"),
            std::string::npos)
      << checkout;
  EXPECT_NE(checkout.find("! retailtrack ! retailzones"), std::string::npos) << checkout;
  for (const auto& l : lines) {
    EXPECT_NE(l.find("kafka-config=\"sasl.password=${RETAIL_IT_SECRET}\""), std::string::npos) << l;
    EXPECT_EQ(l.find("hunter2"), std::string::npos) << "secret printed: " << l;
  }
  EXPECT_EQ(p.err().find("hunter2"), std::string::npos) << p.err();
}
