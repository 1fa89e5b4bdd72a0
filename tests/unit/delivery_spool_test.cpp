// The on-disk spool and the kafka-config parser (core/delivery).
#include <glib.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "common/error.h"
#include "delivery/kafka_config.h"
#include "delivery/spool.h"

namespace {

using retail::delivery::Spool;

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/retail-spool-XXXXXX";
    path = g_mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

TEST(DeliverySpool, RecordsComeBackInOrderAcrossSegments) {
  TempDir d;
  Spool s(d.path, 4096);
  for (int i = 0; i < 500; ++i) s.append("k" + std::to_string(i), std::string(50, 'a' + i % 26));
  EXPECT_EQ(s.live_records(), 500U);
  uint64_t off = s.committed();
  int n = 0;
  while (off < s.end()) {
    auto recs = s.read(off, 37, 1 << 20);
    ASSERT_FALSE(recs.empty());
    for (const auto& r : recs) {
      EXPECT_EQ(r.key, "k" + std::to_string(n));
      EXPECT_EQ(r.value, std::string(50, 'a' + n % 26));
      ++n;
      off = r.end;
    }
  }
  EXPECT_EQ(n, 500);
  EXPECT_GT(std::distance(std::filesystem::directory_iterator(d.path), {}), 5);  // several segments
}

TEST(DeliverySpool, CommittedSegmentsAreDeletedAndStateSurvivesReopen) {
  TempDir d;
  uint64_t mid = 0;
  {
    Spool s(d.path, 4096);
    for (int i = 0; i < 300; ++i) s.append("k", "value-" + std::to_string(i));
    auto recs = s.read(s.committed(), 200, 1 << 20);
    ASSERT_EQ(recs.size(), 200U);
    mid = recs.back().end;
    s.commit(mid, 200);
    EXPECT_EQ(s.live_records(), 100U);
    for (const char* cam : {"store/cam", "store/cam", "store/other"}) {
      const Spool::SeqMark mark{cam, s.next_seq(cam)};
      s.append("k", "event", &mark);
    }
  }
  Spool s(d.path, 4096);  // a new process
  EXPECT_EQ(s.committed(), mid);
  EXPECT_EQ(s.live_records(), 103U);
  auto recs = s.read(s.committed(), 1, 1 << 20);
  ASSERT_EQ(recs.size(), 1U);
  EXPECT_EQ(recs[0].value, "value-200");
  EXPECT_EQ(s.next_seq("store/cam"), 2U);  // continues, no gap, no reuse
  EXPECT_EQ(s.next_seq("store/other"), 1U);
}

// The segment file holding the spool's records (one segment in these tests).
std::string only_segment(const std::string& dir) {
  std::string seg;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().filename().string().rfind("seg-", 0) == 0) seg = e.path();
  return seg;
}

TEST(DeliverySpool, SeqTakenButNeverWrittenIsHandedOutAgain) {
  // A process killed after an event took its number but before the event reached the spool:
  // the number was never used, so the next run hands it out again (no gap downstream).
  TempDir d;
  {
    Spool s(d.path, 1 << 20);
    const Spool::SeqMark m0{"store/cam", s.next_seq("store/cam")};
    s.append("k", "event-0", &m0);
    EXPECT_EQ(s.next_seq("store/cam"), 1U);  // built, never submitted
    EXPECT_EQ(s.next_seq("store/cam"), 2U);
  }
  Spool s(d.path, 1 << 20);
  EXPECT_EQ(s.next_seq("store/cam"), 1U);
}

TEST(DeliverySpool, SeqAdvancedButRecordLostIsTakenBack) {
  // Killed between the `seq` file write and the record write: the spool ends exactly where the
  // record would have started (here: the record is cut off the file), so its number is reused.
  TempDir d;
  uint64_t before = 0;
  {
    Spool s(d.path, 1 << 20);
    for (int i = 0; i < 3; ++i) {
      const Spool::SeqMark m{"store/cam-with-a-long-name", s.next_seq("store/cam-with-a-long-name")};
      s.append("k", "event-" + std::to_string(i), &m);
    }
    before = s.end();
    const Spool::SeqMark m{"store/cam-with-a-long-name", s.next_seq("store/cam-with-a-long-name")};
    s.append("k", "event-3", &m);
  }
  ASSERT_EQ(truncate(only_segment(d.path).c_str(), static_cast<off_t>(before)), 0);
  {
    Spool s(d.path, 1 << 20);
    EXPECT_EQ(s.live_records(), 3U);
    EXPECT_EQ(s.next_seq("store/cam-with-a-long-name"), 3U);
    // A shorter camera key rewrites the file in place; both numbers survive the next reopen.
    const Spool::SeqMark a{"store/cam-with-a-long-name", 3};
    s.append("k", "event-3", &a);
    const Spool::SeqMark b{"s/c", s.next_seq("s/c")};
    s.append("k", "other-0", &b);
  }
  Spool s(d.path, 1 << 20);
  EXPECT_EQ(s.live_records(), 5U);
  EXPECT_EQ(s.next_seq("store/cam-with-a-long-name"), 4U);
  EXPECT_EQ(s.next_seq("s/c"), 1U);
}

TEST(DeliverySpool, SeqWrittenWithItsRecordIsNeverReused) {
  // The record and its number are both on disk, then everything is committed and deleted: the
  // next run continues after it even though no record is left to read it from.
  TempDir d;
  {
    Spool s(d.path, 4096);
    for (int i = 0; i < 100; ++i) {
      const Spool::SeqMark m{"store/cam", s.next_seq("store/cam")};
      s.append("k", std::string(100, 'x'), &m);
    }
    s.commit(s.end(), 100);
    s.release_committed();
    EXPECT_EQ(s.segment_count(), 0U);
  }
  Spool s(d.path, 4096);
  EXPECT_EQ(s.live_records(), 0U);
  EXPECT_EQ(s.next_seq("store/cam"), 100U);
}

TEST(DeliverySpool, TornTailFromACrashIsCutOff) {
  TempDir d;
  std::string seg;
  {
    Spool s(d.path, 1 << 20);
    for (int i = 0; i < 10; ++i) s.append("k", "v" + std::to_string(i));
  }
  for (const auto& e : std::filesystem::directory_iterator(d.path))
    if (e.path().filename().string().rfind("seg-", 0) == 0) seg = e.path();
  ASSERT_FALSE(seg.empty());
  {
    std::ofstream out(seg, std::ios::app | std::ios::binary);
    out.write("RSP1\x05\x00", 6);  // half a header, as if killed mid-write
  }
  Spool s(d.path, 1 << 20);
  EXPECT_EQ(s.live_records(), 10U);
  s.append("k", "after");
  auto recs = s.read(s.committed(), 100, 1 << 20);
  ASSERT_EQ(recs.size(), 11U);
  EXPECT_EQ(recs.back().value, "after");
}

TEST(DeliverySpool, DropOldestMovesPastWholeRecords) {
  TempDir d;
  Spool s(d.path, 4096);
  for (int i = 0; i < 10; ++i) s.append("k", "v" + std::to_string(i));
  ASSERT_TRUE(s.drop_oldest());
  ASSERT_TRUE(s.drop_oldest());
  EXPECT_EQ(s.live_records(), 8U);
  EXPECT_EQ(s.read(s.committed(), 1, 1 << 20)[0].value, "v2");
}

TEST(DeliverySpool, SecondUserOfTheSameDirectoryIsRefused) {
  TempDir d;
  Spool a(d.path, 4096);
  try {
    Spool b(d.path, 4096);
    FAIL() << "a second spool on the same directory must be refused";
  } catch (const retail::Error& e) {
    EXPECT_NE(std::string(e.what()).find("in use"), std::string::npos) << e.what();
  }
}

TEST(DeliverySpool, UnwritableDirectoryIsAnErrorNamingIt) {
  TempDir d;
  // A directory below a regular file cannot be created, even by root.
  const std::string ro = d.path + "/a-file";
  std::ofstream(ro) << "x";
  try {
    Spool s(ro + "/spool", 4096);
    FAIL() << "expected an error";
  } catch (const retail::Error& e) {
    EXPECT_EQ(e.kind(), retail::ErrorKind::kIo);
    EXPECT_NE(std::string(e.what()).find("spool-dir"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(ro), std::string::npos) << e.what();
  }
}

TEST(DeliveryKafkaConfig, PairsAndFiles) {
  auto kv =
      retail::delivery::parse_kafka_config(" security.protocol=ssl ; compression.type = lz4;");
  ASSERT_EQ(kv.size(), 2U);
  EXPECT_EQ(kv[0].first, "security.protocol");
  EXPECT_EQ(kv[1].second, "lz4");
  TempDir d;
  const std::string f = d.path + "/k.conf";
  std::ofstream(f) << "# TLS\nsecurity.protocol=ssl\n\nssl.ca.location=/etc/ca.pem\n";
  kv = retail::delivery::parse_kafka_config(f);
  ASSERT_EQ(kv.size(), 2U);
  EXPECT_EQ(kv[1].second, "/etc/ca.pem");
  std::ofstream(f) << "acks=all\nthis line is wrong\n";
  try {
    retail::delivery::parse_kafka_config(f);
    FAIL();
  } catch (const retail::Error& e) {
    EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos) << e.what();
  }
  EXPECT_THROW(retail::delivery::parse_kafka_config("acks=all;garbage"), retail::Error);
  EXPECT_THROW(retail::delivery::parse_kafka_config("/no/such/file.conf"), retail::Error);
  EXPECT_TRUE(retail::delivery::parse_kafka_config("").empty());
}

}  // namespace
