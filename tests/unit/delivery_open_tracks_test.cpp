// The open-tracks file of the event sink (core/delivery/event_sink.*): a restart after a kill
// closes every track whose track_started reached the spool exactly once, and no other, whatever
// point of a frame's submits the kill hit. The kill is reproduced by writing the file ahead of
// submits that never happen (or that happen through the spool alone), which is exactly what a
// SIGKILL between the two leaves on disk; the end-to-end SIGKILL runs are in
// tests/integration/kafkasink_faults_test.cpp.
#include <glib.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "common/json.h"
#include "delivery/event_sink.h"

namespace {

using namespace retail;
using namespace retail::delivery;

struct TempDir {
  std::string path;
  TempDir() {
    gchar* p = g_dir_make_tmp("open-tracks-XXXXXX", nullptr);
    path = p;
    g_free(p);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

SinkOptions options(const TempDir& d) {
  SinkOptions o;
  o.events.store_id = "s1";
  o.events.camera_id = "c1";
  o.delivery.location = d.path + "/events.jsonl";
  o.delivery.spool_dir = d.path + "/spool";
  return o;
}

FrameAnalytics frame(const std::string& type, uint64_t track_id) {
  FrameAnalytics f;
  f.source.store_id = "s1";
  f.source.camera_id = "c1";
  f.source.capture_time_us = g_get_real_time();
  f.events.push_back(
      {type, "{\"track_id\":" + std::to_string(track_id) + ",\"class\":\"person\"}"});
  return f;
}

// A track message as the builder makes it (only what OpenTracks reads), with the given seq.
schema::Message message(const std::string& type, uint64_t track_id, uint64_t seq) {
  schema::Message m;
  m.store_id = "s1";
  m.camera_id = "c1";
  m.type = type;
  m.seq = seq;
  m.key = "s1/c1";
  m.value = "{\"seq\":" + std::to_string(seq) + ",\"type\":\"" + type +
            "\",\"payload\":{\"track_id\":" + std::to_string(track_id) + "}}";
  return m;
}

struct Line {
  uint64_t seq = 0;
  std::string type, reason;
  uint64_t track_id = 0;
};

std::vector<Line> read_lines(const std::string& path) {
  std::vector<Line> out;
  std::ifstream in(path);
  std::string text;
  while (std::getline(in, text)) {
    auto node = json::parse(text, "line");
    JsonObject* o = json_node_get_object(node.get());
    Line l;
    l.seq = static_cast<uint64_t>(json_object_get_int_member(o, "seq"));
    l.type = json_object_get_string_member(o, "type");
    JsonObject* p = json_object_get_object_member(o, "payload");
    if (json_object_has_member(p, "track_id"))
      l.track_id = static_cast<uint64_t>(json_object_get_int_member(p, "track_id"));
    if (json_object_has_member(p, "reason")) l.reason = json_object_get_string_member(p, "reason");
    out.push_back(l);
  }
  return out;
}

std::map<uint64_t, int> closed_by_restart(const std::vector<Line>& lines) {
  std::map<uint64_t, int> out;
  for (const auto& l : lines)
    if (l.type == "track_ended" && l.reason == "restart") ++out[l.track_id];
  return out;
}

void expect_seq_contiguous(const std::vector<Line>& lines) {
  for (size_t i = 0; i < lines.size(); ++i) EXPECT_EQ(lines[i].seq, i) << "line " << i;
}

TEST(DeliveryOpenTracks, StartSavedButNeverSpooledIsNotClosedByTheRestart) {
  TempDir d;
  const SinkOptions o = options(d);
  {
    EventSink a(o);
    a.push(frame("track_started", 1), g_get_real_time());  // seq 0
    a.push(frame("track_started", 2), g_get_real_time());  // seq 1
    a.push(frame("track_ended", 2), g_get_real_time());    // seq 2
    ASSERT_EQ(a.flush(5000), 0U);
  }  // stopped without EOS: track 1 stays open, as after a kill
  {
    // The kill hit the next frame after its open-tracks save, before its submits: the file
    // names track 3 (seq 3) and the end of track 1 (seq 4); the spool has neither.
    OpenTracks file(o.delivery.spool_dir + "/open-tracks");
    auto left = file.load();
    ASSERT_EQ(left.size(), 1U);
    EXPECT_EQ(left[0].track_id, 1U);
    EXPECT_EQ(left[0].start_seq, 0U);
    file.reset(left);
    file.before_submit({message("track_started", 3, 3), message("track_ended", 1, 4)}, "run-a",
                       g_get_real_time());
    ASSERT_EQ(file.load().size(), 2U);
  }
  {
    EventSink b(o);
    ASSERT_EQ(b.flush(5000), 0U);
  }
  const auto lines = read_lines(o.delivery.location);
  ASSERT_EQ(lines.size(), 4U);
  expect_seq_contiguous(lines);
  EXPECT_EQ(closed_by_restart(lines), (std::map<uint64_t, int>{{1, 1}}))
      << "track 1 (started, end never spooled) is closed once; track 3 was never started";
  EXPECT_TRUE(OpenTracks(o.delivery.spool_dir + "/open-tracks").load().empty());
}

TEST(DeliveryOpenTracks, EndSpooledBeforeTheKillIsNotSentAgain) {
  TempDir d;
  const SinkOptions o = options(d);
  {
    EventSink a(o);
    a.push(frame("track_started", 5), g_get_real_time());  // seq 0
    ASSERT_EQ(a.flush(5000), 0U);
  }
  {
    // The kill hit after track 5's end (seq 1) was spooled, before the file was settled.
    OpenTracks file(o.delivery.spool_dir + "/open-tracks");
    file.reset(file.load());
    const auto end = message("track_ended", 5, 1);
    file.before_submit({end}, "run-a", g_get_real_time());
    const std::string loc = o.delivery.location;
    Delivery spool(
        o.delivery, [loc] { return make_file_producer(loc); }, o.delivery.spool_dir, nullptr, true);
    ASSERT_EQ(spool.next_seq("s1/c1"), 1U);
    const Delivery::SeqMark mark{"s1/c1", 1};
    ASSERT_TRUE(spool.submit(end.key, end.value, &mark));
    ASSERT_EQ(spool.flush(5000), 0U);
  }
  {
    EventSink b(o);
    b.push(frame("track_started", 6), g_get_real_time());  // seq 2
    ASSERT_EQ(b.flush(5000), 0U);
  }
  const auto lines = read_lines(o.delivery.location);
  ASSERT_EQ(lines.size(), 3U);
  expect_seq_contiguous(lines);
  EXPECT_TRUE(closed_by_restart(lines).empty()) << "track 5 was closed before the kill";
}

TEST(DeliveryOpenTracks, KillDuringTheRestartsOwnClosingDoesNotCloseTwice) {
  TempDir d;
  const SinkOptions o = options(d);
  {
    EventSink a(o);
    a.push(frame("track_started", 7), g_get_real_time());  // seq 0
    a.push(frame("track_started", 8), g_get_real_time());  // seq 1
    ASSERT_EQ(a.flush(5000), 0U);
  }
  {
    EventSink b(o);  // closes 7 and 8 (seqs 2, 3)
    ASSERT_EQ(b.flush(5000), 0U);
  }
  {
    // As if b had been killed after its closing messages were spooled and before the file was
    // cleared: the file still names both tracks with the seqs of their closing messages.
    OpenTracks file(o.delivery.spool_dir + "/open-tracks");
    auto t7 = OpenTracks::Track{};
    t7.store_id = "s1";
    t7.camera_id = "c1";
    t7.cls = "person";
    t7.track_id = 7;
    t7.start_seq = 0;
    t7.end_seq = 2;
    auto t8 = t7;
    t8.track_id = 8;
    t8.start_seq = 1;
    t8.end_seq = 3;
    file.reset({t7, t8});
    // The spool's written seq decides: both ends are below it.
    EXPECT_TRUE(
        OpenTracks::left_open(file.load(), [](const std::string&) { return uint64_t{4}; }).empty());
    EXPECT_EQ(
        OpenTracks::left_open(file.load(), [](const std::string&) { return uint64_t{3}; }).size(),
        1U)
        << "an end at the written seq was never written";
  }
  {
    EventSink c(o);
    ASSERT_EQ(c.flush(5000), 0U);
  }
  const auto lines = read_lines(o.delivery.location);
  ASSERT_EQ(lines.size(), 4U);
  expect_seq_contiguous(lines);
  EXPECT_EQ(closed_by_restart(lines), (std::map<uint64_t, int>{{7, 1}, {8, 1}}));
}

TEST(DeliveryOpenTracks, JournalReplaysChangesAndIgnoresATornLastLine) {
  TempDir d;
  const std::string path = d.path + "/open-tracks";
  {
    OpenTracks file(path);
    file.before_submit({message("track_started", 1, 0)}, "run-a", 1);
    file.before_submit({message("track_started", 2, 1), message("track_ended", 1, 2)}, "run-a", 2);
    FrameAnalytics f = frame("track_ended", 1);
    file.after_submit(f, {message("track_ended", 1, 2)}, {true}, 3);  // 1 is closed
  }
  {
    // A kill during an append: the last record has every field but no newline.
    std::ofstream out(path, std::ios::app);
    out << "s1\tc1\t3\tperson\trun-a\t4\t4\t0\t3\t-";
  }
  const auto left = OpenTracks(path).load();
  ASSERT_EQ(left.size(), 1U);
  EXPECT_EQ(left[0].track_id, 2U);
  EXPECT_EQ(left[0].start_seq, 1U);
  EXPECT_EQ(left[0].end_seq, OpenTracks::kNoSeq);
}

}  // namespace
