// MOTChallenge text files: detections (`frame,-1,x,y,w,h,score,...`), ground truth
// (`frame,id,x,y,w,h,conf,cls,visibility` in MOT16+, `frame,id,x,y,w,h,conf,wx,wy,wz` in MOT15) and
// tracker results (`frame,id,x,y,w,h,score,-1,-1,-1`). Boxes are in pixels, frames 1-based.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace retail::track {

struct MotRow {
  int frame;
  int64_t id;  // -1 in detection files
  float x, y, w, h;
  float conf;             // detection score, or the gt "consider" flag (1 = counted, 0 = ignore)
  int cls = -1;           // MOT16+ gt class (1 = pedestrian); -1 when the file has none
  float visibility = -1;  // MOT16+ gt visibility ratio; -1 when the file has none
};

// Reads a MOTChallenge file (comma- or space-separated, blank lines and '#' comments skipped).
// Columns 8 and 9 are read as class and visibility only for 9-column rows (MOT16/17/20 gt);
// 10-column rows (MOT15 world coordinates, detection/result files) leave them at -1.
// Throws retail::Error(kNotFound) when the file is missing and kConfig (naming file and line)
// when a row has fewer than 7 numeric columns.
std::vector<MotRow> read_mot(const std::string& path);

// Writes rows in the MOTChallenge result format `frame,id,x,y,w,h,conf,-1,-1,-1` (the 3 trailing
// columns become `cls,visibility,-1` when a row carries a class). Throws retail::Error(kIo).
void write_mot(const std::string& path, const std::vector<MotRow>& rows);

// MOTChallenge `seqinfo.ini` ([Sequence] imWidth, imHeight, frameRate, seqLength).
struct SeqInfo {
  int width = 0, height = 0;
  double frame_rate = 0;
  int length = 0;
};
// Throws retail::Error(kNotFound) when the file is missing; absent keys stay 0.
SeqInfo read_seqinfo(const std::string& ini_path);

}  // namespace retail::track
