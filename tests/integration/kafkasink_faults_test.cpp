// kafkasink under faults (ctest -L faults): the spool's disk fills up (a real 256 KiB tmpfs) and
// the process is killed with SIGKILL mid-stream and started again (a child process: this binary
// re-executed). Real components only: librdkafka's mock cluster, the JSON-lines file, ajv.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "integration/kafka_support.h"
#include "support/test_support.h"

namespace {

using namespace retail::test;
using namespace retail::test::kafka;

constexpr int kBrokers = 3;
constexpr int kPartitions = 8;
const char* kTopic = "edge-telemetry";

// A 256 KiB tmpfs mounted for the test (we run as root in CI); skipped with the reason otherwise.
struct SmallDisk {
  std::string dir;
  bool mounted = false;
  std::string why;
  explicit SmallDisk(const std::string& d) : dir(d) {
    mkdir(dir.c_str(), 0700);
    if (mount("tmpfs", dir.c_str(), "tmpfs", 0, "size=256k,mode=0700") == 0)
      mounted = true;
    else
      why = std::string("cannot mount a 256 KiB tmpfs on ") + dir + " (" + strerror(errno) +
            "): the disk-full test needs root (or CAP_SYS_ADMIN)";
  }
  ~SmallDisk() {
    if (mounted) umount2(dir.c_str(), MNT_DETACH);
  }
};

class KafkaSinkDiskFull : public ::testing::TestWithParam<const char*> {};

// The spool's disk fills while the brokers are down: on-spool-full applies (counted), no error,
// one warning naming the directory; when the brokers return the spool drains, space comes back
// and the events after it are spooled and delivered again. Every seq gap is a counted drop.
TEST_P(KafkaSinkDiskFull, PolicyAppliesNoErrorAndSpoolingResumesWhenSpaceReturns) {
  RETAIL_REQUIRE_SHARED();
  const std::string policy = GetParam();
  TempDir d;
  SmallDisk disk(d.path + "/disk");
  if (!disk.mounted) GTEST_SKIP() << disk.why;
  MockCluster mc(kBrokers, kTopic, kPartitions);
  mc.set_all(false, kBrokers);
  Injector inj;
  inj.events_per_frame = 10;  // ~7 KB of spool per frame: 256 KiB is full after ~40 frames
  GstElement* s = nullptr;
  std::thread outage;
  // drop-oldest needs several segment files to give space back (64 KiB each with 512 KiB);
  // with the default 256 MiB bound the disk fills inside the first segment.
  const std::string bound = policy == "drop-oldest" ? " spool-max-bytes=524288" : "";
  const std::string desc = image_source(300, 10000) + " ! kafkasink name=s brokers=" +
                           mc.bootstraps + " store-id=store-1 camera-id=cam-1 spool-dir=" +
                           disk.dir + "/s stats-interval-ms=1000 flush-timeout-ms=30000" +
                           " on-spool-full=" + policy + bound;
  auto r = run_pipeline(desc, 240, [&](GstElement* p) {
    inj.attach(p, "s");
    s = keep(p, "s");
    outage = std::thread([&] {
      // Down until the disk has been full for a while, then up for the rest of the run. "Full"
      // is observed, not timed (a slow build, e.g. ASan, fills it later): a drop policy has
      // dropped, or with "block" the stream has stopped for a second. 120 s is only a guard.
      using Clock = std::chrono::steady_clock;
      const auto guard = Clock::now() + std::chrono::seconds(120);
      auto last_change = Clock::now();
      uint64_t last_frames = inj.frames;
      for (;;) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        const uint64_t frames = inj.frames;
        if (frames != last_frames) {
          last_frames = frames;
          last_change = Clock::now();
        }
        const bool full = policy == "block"
                              ? frames > 0 && Clock::now() - last_change > std::chrono::seconds(1)
                              : counter(s, "dropped-by-policy") > 0;
        if (full || Clock::now() > guard) break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(500));  // full for a while
      mc.set_all(true, kBrokers);
    });
  });
  outage.join();
  EXPECT_EQ(r.error, "") << "a full spool disk must never stop the pipeline";
  size_t disk_warnings = 0;
  for (const auto& w : r.warnings)
    if (w.find("disk is full") != std::string::npos) {
      ++disk_warnings;
      EXPECT_NE(w.find(disk.dir), std::string::npos) << "the warning names the directory: " << w;
    }
  EXPECT_EQ(disk_warnings, 1U) << "one warning per episode";
  const uint64_t total = inj.events;
  ASSERT_EQ(total, 3000U);
  const uint64_t dropped = counter(s, "dropped-by-policy");
  if (policy == "block") {
    EXPECT_EQ(dropped, 0U) << "block waits for room, it never drops";
  } else {
    EXPECT_GT(dropped, 0U) << "the disk never filled";
  }
  EXPECT_EQ(counter(s, "spool-bytes"), 0U);
  gst_object_unref(s);
  const auto events = consume_all(mc.bootstraps, kTopic, kPartitions, total - dropped, 120);
  std::set<uint64_t> seqs, ns;
  for (const auto& e : events) {
    seqs.insert(e.seq);
    ns.insert(e.n);
  }
  EXPECT_EQ(seqs.size(), total - dropped) << "kept events lost (or drops not counted)";
  ASSERT_FALSE(seqs.empty());
  EXPECT_EQ(*seqs.rbegin(), total - 1) << "the events after space returned were not delivered";
  EXPECT_EQ(*seqs.rbegin() + 1 - seqs.size(), dropped) << "every gap in seq is a counted drop";
  EXPECT_EQ(ns.count(total - 1), 1U);
  write_jsonl(events, d.path + "/consumed.jsonl");
  EXPECT_EQ(validate_jsonl(d.path + "/consumed.jsonl"), "");
}

INSTANTIATE_TEST_SUITE_P(Policies, KafkaSinkDiskFull,
                         ::testing::Values("drop-newest", "drop-oldest", "block"));

// --- SIGKILL and restart of a JSON-lines sink --------------------------------------------------

// Per frame: one dwell event; every 10th frame a track starts (id = frame / 10 + 1), 25 frames
// later it ends: about three tracks are open at any time.
struct TrackInjector {
  uint64_t frame_base = 0;
  std::atomic<uint64_t> frames{0};
  void attach(GstElement* pipeline, const char* sink_name) {
    GstElement* sink = gst_bin_get_by_name(GST_BIN(pipeline), sink_name);
    ASSERT_NE(sink, nullptr);
    GstPad* pad = gst_element_get_static_pad(sink, "sink");
    gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, &TrackInjector::probe, this, nullptr);
    gst_object_unref(pad);
    gst_object_unref(sink);
  }
  static GstPadProbeReturn probe(GstPad*, GstPadProbeInfo* info, gpointer data) {
    auto* self = static_cast<TrackInjector*>(data);
    GstBuffer* buf = gst_buffer_make_writable(GST_PAD_PROBE_INFO_BUFFER(info));
    GST_PAD_PROBE_INFO_DATA(info) = buf;
    retail::FrameAnalytics fa = retail::meta::copy_or_new(buf);
    const uint64_t f = self->frame_base + self->frames++;
    fa.source.frame_index = f;
    fa.source.capture_time_us = g_get_real_time();
    const auto track = [](uint64_t id, const char* type) {
      retail::json::Writer w;
      w.field("track_id", id).field("class", "person");
      if (std::string(type) == "track_started") {
        w.key("box")
            .begin_object()
            .field("x", 0.1)
            .field("y", 0.2)
            .field("w", 0.3)
            .field("h", 0.4)
            .end_object();
      } else {
        w.field("duration_ms", 1000).field("frames", 25);
      }
      return retail::Event{type, w.str()};
    };
    if (f % 10 == 0) fa.events.push_back(track(f / 10 + 1, "track_started"));
    if (f >= 25 && (f - 25) % 10 == 0) fa.events.push_back(track((f - 25) / 10 + 1, "track_ended"));
    for (uint64_t id = f >= 25 ? (f - 25) / 10 + 2 : 1; id <= f / 10 + 1; ++id) {
      retail::Object o;
      o.id = id;
      o.cls = retail::ObjectClass::kPerson;
      o.box = {0.1F, 0.2F, 0.3F, 0.4F};
      o.track_id = id;
      fa.objects.push_back(o);
    }
    retail::json::Writer dwell;
    dwell.field("zone_id", "z").field("track_id", f / 10 + 1).field("dwell_ms", 1000);
    fa.events.push_back({"dwell", dwell.str()});
    retail::meta::write(buf, std::move(fa));
    return GST_PAD_PROBE_OK;
  }
};

const char* kChildEnv = "RETAIL_KAFKASINK_CRASH_CHILD";

// The child: a JSON-lines sink fed for `frames` frames (2 ms each), then EOS.
int run_child(const std::string& location, const std::string& spool, int frames,
              uint64_t frame_base) {
  TrackInjector inj;
  inj.frame_base = frame_base;
  auto r = run_pipeline(image_source(frames, 2000) + " ! kafkasink name=s location=" + location +
                            " spool-dir=" + spool + " store-id=store-1 camera-id=cam-1",
                        600, [&](GstElement* p) { inj.attach(p, "s"); });
  if (!r.error.empty()) {
    std::fprintf(stderr, "child: %s\n", r.error.c_str());
    return 1;
  }
  return 0;
}

pid_t spawn_child(const std::string& location, const std::string& spool, int frames,
                  uint64_t frame_base) {
  const pid_t pid = fork();
  if (pid != 0) return pid;
  setenv(kChildEnv, (location + "|" + spool + "|" + std::to_string(frames) + "|" +
                     std::to_string(frame_base))
                        .c_str(),
         1);
  execl("/proc/self/exe", "kafkasink_faults_child",
        "--gtest_filter=KafkaSinkCrash.JsonLinesSinkKilledMidStreamDoesNotDuplicateAndClosesOpenTracks",
        static_cast<char*>(nullptr));
  _exit(127);
}

size_t count_lines(const std::string& path) { return read_lines(path).size(); }

TEST(KafkaSinkCrash, JsonLinesSinkKilledMidStreamDoesNotDuplicateAndClosesOpenTracks) {
  if (const char* child = std::getenv(kChildEnv)) {  // re-executed: be the sink process
    gchar** f = g_strsplit(child, "|", 4);
    const int rc = run_child(f[0], f[1], std::atoi(f[2]), g_ascii_strtoull(f[3], nullptr, 10));
    g_strfreev(f);
    std::fflush(nullptr);
    _exit(rc);
  }
  RETAIL_REQUIRE_SHARED();
  TempDir d;
  const std::string location = d.path + "/events.jsonl";
  const std::string spool = d.path + "/spool";
  // Run 1: endless (100,000 frames); killed with SIGKILL once ~1,000 lines are written.
  const pid_t first = spawn_child(location, spool, 100000, 0);
  ASSERT_GT(first, 0);
  for (int i = 0; i < 1200 && count_lines(location) < 1000; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_EQ(kill(first, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(waitpid(first, &status, 0), first);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the first run ended before the kill";
  const size_t at_kill = count_lines(location);
  ASSERT_GE(at_kill, 1000U) << "the first run never got going";
  // Run 2: same file, same spool, 200 frames then EOS.
  const pid_t second = spawn_child(location, spool, 200, 1000000);
  ASSERT_GT(second, 0);
  ASSERT_EQ(waitpid(second, &status, 0), second);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the restarted run failed";

  const auto lines = read_lines(location);
  std::map<uint64_t, std::string> by_seq;
  std::string run1;
  std::set<uint64_t> started1, ended1, closed_by_restart;
  size_t dups = 0;
  for (const auto& line : lines) {
    const Event e = parse_event("", line);
    auto node = retail::json::parse(line, "line");
    JsonObject* o = json_node_get_object(node.get());
    const std::string type = json_object_get_string_member(o, "type");
    const std::string run = json_object_get_string_member(o, "pipeline_run_id");
    JsonObject* p = json_object_get_object_member(o, "payload");
    if (run1.empty()) run1 = run;
    if (!by_seq.emplace(e.seq, e.event_id).second) ++dups;
    if (type != "track_started" && type != "track_ended") continue;
    const auto id = static_cast<uint64_t>(json_object_get_int_member(p, "track_id"));
    const bool restart = json_object_has_member(p, "reason") &&
                         std::string(json_object_get_string_member(p, "reason")) == "restart";
    if (restart) {
      EXPECT_NE(run, run1) << "restart closes come from the new run";
      EXPECT_EQ(std::string(json_object_get_string_member(p, "run_id")), run1);
      closed_by_restart.insert(id);
    } else if (run == run1) {
      (type == "track_started" ? started1 : ended1).insert(id);
    }
  }
  EXPECT_EQ(dups, 0U) << "lines written before the kill were written again";
  ASSERT_FALSE(by_seq.empty());
  EXPECT_EQ(by_seq.begin()->first, 0U);
  EXPECT_EQ(by_seq.rbegin()->first + 1, by_seq.size()) << "a seq gap: events were lost";
  std::set<uint64_t> open_at_kill;
  for (uint64_t id : started1)
    if (!ended1.count(id)) open_at_kill.insert(id);
  EXPECT_FALSE(open_at_kill.empty());
  EXPECT_EQ(closed_by_restart, open_at_kill)
      << "every track open at the kill is closed once by the restart, and no other";
  std::printf("SIGKILL at %zu lines: %zu lines after the restart, %zu tracks closed by restart\n",
              at_kill, lines.size(), closed_by_restart.size());
  EXPECT_EQ(validate_jsonl(location), "");
}

}  // namespace
