// MOTChallenge file I/O round trip and the real PETS09-S2L1 files.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "common/error.h"
#include "common/paths.h"
#include "track/mot_io.h"

using retail::track::MotRow;

namespace {
std::string tmp(const char* name) { return ::testing::TempDir() + name; }
}  // namespace

TEST(MotIo, WriteThenReadRoundTrips) {
  std::vector<MotRow> rows = {{1, 3, 10.5F, 20.25F, 30.F, 60.F, 0.875F},
                              {2, 4, 0.F, 1.F, 2.F, 3.F, 1.F}};
  const std::string path = tmp("mot_roundtrip.txt");
  retail::track::write_mot(path, rows);
  const auto back = retail::track::read_mot(path);
  ASSERT_EQ(back.size(), 2U);
  EXPECT_EQ(back[0].frame, 1);
  EXPECT_EQ(back[0].id, 3);
  EXPECT_FLOAT_EQ(back[0].x, 10.5F);
  EXPECT_FLOAT_EQ(back[0].y, 20.25F);
  EXPECT_FLOAT_EQ(back[0].conf, 0.875F);
  EXPECT_EQ(back[0].cls, -1);  // 10-column result rows carry no class
  std::remove(path.c_str());
}

TEST(MotIo, ReadsMot16GtClassesAndRejectsBadRows) {
  const std::string path = tmp("mot16.txt");
  {
    std::ofstream out(path);
    out << "# comment\n1,1,10,20,30,40,1,1,0.75\n\n2,1,10,20,30,40,0,7,0.5\n";
  }
  const auto rows = retail::track::read_mot(path);
  ASSERT_EQ(rows.size(), 2U);
  EXPECT_EQ(rows[0].cls, 1);
  EXPECT_FLOAT_EQ(rows[0].visibility, 0.75F);
  EXPECT_EQ(rows[1].cls, 7);
  {
    std::ofstream out(path);
    out << "1,1,10,20,30,40,1\n2,1,ten,20,30,40,1\n";
  }
  try {
    retail::track::read_mot(path);
    FAIL() << "no error";
  } catch (const retail::Error& e) {
    EXPECT_EQ(e.kind(), retail::ErrorKind::kConfig);
    EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos);
  }
  std::remove(path.c_str());
  EXPECT_THROW(retail::track::read_mot(tmp("does_not_exist.txt")), retail::Error);
}

TEST(MotIo, ReadsPets09GroundTruthAndSeqinfo) {
  const std::string dir = retail::paths::media_dir() + "/people/pets09_s2l1_gt";
  if (!retail::paths::file_exists(dir + "/seqinfo.ini")) GTEST_SKIP() << "shared media missing";
  const auto info = retail::track::read_seqinfo(dir + "/seqinfo.ini");
  EXPECT_EQ(info.width, 768);
  EXPECT_EQ(info.height, 576);
  EXPECT_EQ(info.length, 795);
  EXPECT_DOUBLE_EQ(info.frame_rate, 7.0);
  const auto gt = retail::track::read_mot(dir + "/gt/gt.txt");
  EXPECT_EQ(gt.size(), 4650U);
  EXPECT_EQ(gt.front().frame, 1);
  EXPECT_EQ(gt.front().id, 9);
  EXPECT_EQ(gt.front().cls, -1);  // MOT15: 10 columns, world coordinates
}
