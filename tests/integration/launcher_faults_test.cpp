// Faults (ctest -L faults): sources that can never work fail with an error naming the path, from
// gst-launch-1.0 and from retail-launch (which restarts that camera with backoff); --check refuses
// every bad config start refuses, with the JSON path, exit 2.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "support/rtsp_server.h"
#include "support/test_support.h"

namespace fs = std::filesystem;
using retail::test::ChildProcess;

namespace {

std::string launcher_bin() { return retail::test::build_path("launcher/retail-launch"); }

std::string work_dir(const std::string& name) {
  const std::string d = retail::test::build_path("Testing/faults/" + name);
  fs::remove_all(d);
  fs::create_directories(d);
  fs::permissions(d, fs::perms::all);
  return d;
}

void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

// The four sources that can never work, each with the words its error must contain.
struct BadSource {
  std::string name, path, words;
};

std::vector<BadSource> bad_sources(const std::string& dir) {
  const std::string clip = retail::test::media("faces/hamilton_640x360.mp4");
  write(dir + "/notes.mp4", "this is a text file, not a video\n");
  {
    std::ifstream in(clip, std::ios::binary);
    std::string head(200000, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    std::ofstream(dir + "/truncated.mp4", std::ios::binary) << head;
  }
  fs::copy_file(clip, dir + "/private.mp4", fs::copy_options::overwrite_existing);
  chmod((dir + "/private.mp4").c_str(), 0600);
  return {{"missing", dir + "/no-such.mp4", "does not exist"},
          {"text", dir + "/notes.mp4", "cannot be played"},
          {"truncated", dir + "/truncated.mp4", "cannot be played"},
          {"permission", dir + "/private.mp4", "Permission denied"}};
}

// As root every file is readable: the permission case runs as the unprivileged user "nobody".
std::vector<std::string> as_unprivileged(std::vector<std::string> argv) {
  if (geteuid() != 0) return argv;
  std::vector<std::string> out = {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534",
                                  "--clear-groups"};
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

}  // namespace

TEST(CamSrcFaults, SourcesThatCanNeverWorkFailFromGstLaunchNamingThePath) {
  RETAIL_REQUIRE_SHARED();
  const std::string dir = work_dir("gst-launch");
  for (const auto& b : bad_sources(dir)) {
    std::vector<std::string> argv = {"/usr/bin/env",
                                     "GST_PLUGIN_PATH=" + retail::test::build_path("plugins"),
                                     "HOME=" + dir, "GST_REGISTRY=" + dir + "/registry.bin",
                                     "gst-launch-1.0", "retailcamsrc",
                                     "uri=" + b.path, "!", "fakesink"};
    if (b.name == "permission") argv = as_unprivileged(argv);
    ChildProcess p;
    ASSERT_TRUE(p.start(argv, dir + "/" + b.name));
    const int code = p.wait(60000);
    const std::string all = p.out() + p.err();
    EXPECT_EQ(code, 1) << b.name << " (not retried forever): " << all;
    EXPECT_NE(all.find("ERROR: from element"), std::string::npos) << b.name << ": " << all;
    EXPECT_NE(all.find(b.path), std::string::npos) << b.name << ": names the path: " << all;
    EXPECT_NE(all.find(b.words), std::string::npos) << b.name << ": " << all;
    std::printf("[ %s -> exit %d ]\n", b.name.c_str(), code);
  }
}

// From retail-launch the same error restarts the camera with backoff (the process keeps running:
// the other cameras of a store are never stopped by one, see launcher_isolation_test.cpp); every
// restart is logged with the path and the fix; SIGTERM still exits 0.
TEST(LauncherFaults, SourcesThatCanNeverWorkNameThePathFromRetailLaunch) {
  RETAIL_REQUIRE_SHARED();
  ASSERT_TRUE(fs::exists(launcher_bin()));
  const std::string dir = work_dir("launch-sources");
  for (const auto& b : bad_sources(dir)) {
    const std::string cfg = dir + "/" + b.name + ".json";
    write(cfg, R"({"store_id": "s", "cameras": [{"id": "c1", "uri": ")" + b.path +
                   R"("}], "metrics": {"enabled": false},
                   "restart_backoff_ms": {"initial": 100, "max": 400}, "shutdown_timeout_ms": 3000})");
    std::vector<std::string> argv = {launcher_bin(), cfg};
    if (b.name == "permission") argv = as_unprivileged(argv);
    ChildProcess p;
    ASSERT_TRUE(p.start(argv, dir + "/" + b.name));
    bool restarted = false;
    for (int i = 0; i < 240 && !restarted && p.running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
      restarted = p.err().find("(restart 2,") != std::string::npos;
    }
    const std::string err = p.err();
    EXPECT_TRUE(restarted) << b.name << ": restarted with backoff: " << err;
    ASSERT_TRUE(p.running()) << b.name << ": a camera error never ends the process: " << err;
    EXPECT_NE(err.find("camera c1: "), std::string::npos) << b.name << ": " << err;
    EXPECT_NE(err.find(b.path), std::string::npos) << b.name << ": names the path: " << err;
    EXPECT_NE(err.find(b.words), std::string::npos) << b.name << ": " << err;
    EXPECT_NE(err.find("rebuilding this camera in"), std::string::npos) << b.name << ": " << err;
    p.signal(SIGTERM);
    const int code = p.wait(3000 + 2000 + 3000);
    EXPECT_EQ(code, 0) << b.name << ": " << p.err();
    std::printf("[ retail-launch %s -> restarted with backoff, SIGTERM -> exit %d ]\n",
                b.name.c_str(), code);
  }
}

TEST(LauncherFaults, CheckRefusesWhatStartRefusesWithTheJsonPath) {
  RETAIL_REQUIRE_SHARED();
  ASSERT_TRUE(fs::exists(launcher_bin()));
  const std::string dir = work_dir("check");
  const std::string clip = retail::test::media("faces/hamilton_640x360.mp4");
  const std::string cams = R"("cameras": [{"id": "c1", "uri": ")" + clip +
                           R"("}, {"id": "c2", "uri": ")" + clip + R"("}], "metrics": {"enabled": false})";
  struct Case {
    std::string name, json, path, words;
  };
  std::vector<Case> cases = {
      {"self-intersecting-zones",
       R"({"store_id": "s", )" + cams +
           R"(, "stages": [{"element": "retailzones", "settings": {"zones-json": {"zones": [{"id": "z", "points": [[0,0],[1,1],[1,0],[0,1]]}]}}}]})",
       "$.stages[0]", "self-intersecting"},
      {"unknown-kafka-config-key",
       R"({"store_id": "s", )" + cams +
           R"(, "kafka": {"brokers": "127.0.0.1:1", "kafka-config": "bogus.key=1", "spool-dir": ")" +
           dir + R"(/spool-{camera}"}})",
       "$.kafka", "bogus.key"},
      {"read-only-output",
       R"({"store_id": "s", )" + cams + R"(, "output": {"type": "file", "path": "/proc/no-dir/{camera}.mp4"}})",
       "$.output.path", "/proc/no-dir/c"},
      {"unwritable-location",
       R"({"store_id": "s", )" + cams + R"(, "kafka": {"location": "/proc/no-dir/{camera}.jsonl"}})",
       "$.kafka", "cannot open"},
      {"shared-spool-dir",
       R"({"store_id": "s", )" + cams + R"(, "kafka": {"brokers": "127.0.0.1:1", "spool-dir": ")" + dir +
           R"(/spool"}})",
       "$.kafka.spool-dir", "two cameras would share"},
      {"shared-location",
       R"({"store_id": "s", )" + cams + R"(, "kafka": {"location": ")" + dir + R"(/events.jsonl"}})",
       "$.kafka.location", "every camera would write the same file"},
  };
  // Camera files that can never play: start restarts such a camera with backoff, --check refuses.
  write(dir + "/not-video.mp4", "this is a text file, not a video\n");
  {
    std::ifstream in(clip, std::ios::binary);
    std::string head(64 * 1024, '\0');
    in.read(&head[0], static_cast<std::streamsize>(head.size()));
    write(dir + "/truncated.mp4", head);
  }
  const auto one_camera = [&](const std::string& uri) {
    return R"({"store_id": "s", "cameras": [{"id": "c1", "uri": ")" + clip +
           R"("}, {"id": "c2", "uri": ")" + uri + R"("}], "metrics": {"enabled": false}})";
  };
  cases.push_back({"missing-camera-file", one_camera(dir + "/no-such.mp4"), "$.cameras[1].uri",
                   "does not exist"});
  cases.push_back(
      {"text-camera-file", one_camera(dir + "/not-video.mp4"), "$.cameras[1].uri", "cannot be played"});
  cases.push_back({"truncated-camera-file", one_camera(dir + "/truncated.mp4"), "$.cameras[1].uri",
                   "cannot be played"});
  for (const auto& c : cases) {
    const std::string file = dir + "/" + c.name + ".json";
    write(file, c.json);
    ChildProcess p;
    ASSERT_TRUE(p.start({launcher_bin(), "--check", file}, dir + "/" + c.name));
    const int code = p.wait(60000);
    const std::string err = p.err();
    EXPECT_EQ(code, 2) << c.name << ": " << err << p.out();
    EXPECT_NE(err.find(c.path), std::string::npos) << c.name << ": names the JSON path: " << err;
    EXPECT_NE(err.find(c.words), std::string::npos) << c.name << ": " << err;
    EXPECT_EQ(p.out().find("OK"), std::string::npos) << c.name;
    std::printf("[ --check %s -> exit %d ]\n", c.name.c_str(), code);
  }
  // And a good config passes.
  const std::string good = dir + "/good.json";
  write(good, R"({"store_id": "s", )" + cams + "}");
  ChildProcess p;
  ASSERT_TRUE(p.start({launcher_bin(), "--check", good}, dir + "/good"));
  EXPECT_EQ(p.wait(60000), 0) << p.err();
  EXPECT_NE(p.out().find("OK (2 cameras"), std::string::npos) << p.out();
}
