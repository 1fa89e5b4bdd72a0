// An append-only, crash-safe on-disk log of messages (key, value) that the delivery engine sends
// in order and commits as the broker acknowledges them. Segment files `seg-<offset>.log` are
// deleted once every record in them is committed; `cursor` holds the committed offset; `seq`
// holds, per camera, the sequence number after the last one written into the spool, so a
// restarted process continues both without a gap (a number handed out but never written is
// handed out again) and without reuse (a number written is never handed out again).
// A `lock` file (flock) keeps two processes from sharing one spool directory.
// Not thread-safe: the delivery engine serializes access.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace retail::delivery {

class Spool {
 public:
  struct Record {
    uint64_t offset = 0;  // logical byte offset of the record
    uint64_t end = 0;     // offset of the next record
    std::string key;
    std::string value;
  };

  // Opens (creating) `dir`, takes its lock and recovers the state left by a previous process
  // (a torn last record is cut off). Throws retail::Error(kIo) naming the directory and the fix.
  Spool(const std::string& dir, uint64_t segment_bytes);
  ~Spool();
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  // The sequence number a record carries (see next_seq).
  struct SeqMark {
    std::string camera_key;
    uint64_t seq = 0;
  };

  // Appends one record; returns its end offset. Throws kNoSpace / kIo. With `mark`, the `seq`
  // file is advanced past mark->seq together with the record: the file is written first with a
  // note of where the record starts, and a reopen that finds the spool ending exactly there
  // (the process died between the two writes) takes the number back.
  uint64_t append(const std::string& key, const std::string& value,
                  const SeqMark* mark = nullptr);
  static uint64_t record_size(const std::string& key, const std::string& value) {
    return kHeaderBytes + key.size() + value.size();
  }

  // Records from `offset` (a record boundary), at most `max_records` and about `max_bytes`.
  std::vector<Record> read(uint64_t offset, size_t max_records, size_t max_bytes);

  // Everything before `offset` (a record boundary) is done; `records` of them.
  void commit(uint64_t offset, uint64_t records);
  // Drops the oldest record (moves the committed offset past it); false when empty.
  bool drop_oldest();

  // Deletes every fully committed segment, the last one included, and punches the committed
  // head of the oldest one out of the file (a full disk gets that space back).
  void release_committed();

  uint64_t committed() const { return committed_; }
  uint64_t end() const { return end_; }
  uint64_t live_bytes() const { return end_ - committed_; }
  uint64_t live_records() const { return live_records_; }
  size_t segment_count() const { return segments_.size(); }
  // End offset of the oldest segment file (end() when there is none).
  uint64_t first_segment_end() const {
    return segments_.empty() ? end_
                             : segments_.begin()->second.start + segments_.begin()->second.size;
  }
  const std::string& dir() const { return dir_; }

  // Writes the cursor file now (also done by commit at most every 100 ms and by the destructor).
  void sync_cursor();

  // The end of what has ever been handed to the producer (kept in `sent`, written without
  // fsync: a process crash keeps it, a power cut may lose the last value).
  void note_sent(uint64_t end);
  uint64_t sent_until() const { return sent_until_; }

  // Next sequence number for `camera_key`. Only a number later written with append(mark) is
  // persisted: numbers taken but never written (a crash in between) are handed out again.
  uint64_t next_seq(const std::string& camera_key);
  // The number after the last one written for `camera_key` (0 if none): a seq below it is in
  // the spool or was delivered from it (or was dropped by the on-spool-full policy); one at or
  // above it was never written.
  uint64_t written_seq(const std::string& camera_key) const;

 private:
  static constexpr uint64_t kHeaderBytes = 12;  // magic, key length, value length (u32 each)
  struct Segment {
    uint64_t start = 0;
    uint64_t size = 0;
    int fd = -1;
    uint64_t punched = 0;  // bytes at the head given back (release_committed)
  };
  std::string segment_path(uint64_t start) const;
  Segment& open_segment(uint64_t start, bool create);
  Segment* segment_for(uint64_t offset);
  void drop_committed_segments();
  void load_seq_file(const std::string& path);
  void write_seq_file(const std::string* pending_key, uint64_t pending_prev,
                      uint64_t pending_start);
  bool read_header(uint64_t offset, uint32_t* key_len, uint32_t* value_len);

  std::string dir_;
  uint64_t segment_bytes_;
  int lock_fd_ = -1;
  int seq_fd_ = -1;
  int sent_fd_ = -1;
  uint64_t sent_until_ = 0;
  std::map<uint64_t, Segment> segments_;  // by start offset
  uint64_t committed_ = 0;
  uint64_t end_ = 0;
  uint64_t live_records_ = 0;
  int64_t last_cursor_sync_us_ = 0;
  uint64_t synced_cursor_ = 0;
  bool cursor_warned_ = false;
  std::map<std::string, uint64_t> seq_;      // next number to hand out, per camera
  std::map<std::string, uint64_t> written_;  // after the last number written, per camera
  size_t seq_file_bytes_ = 0;                // length of the last `seq` file written
  // The `seq` file's note of the last record being appended: restored on reopen if absent.
  struct Pending {
    std::string camera_key;
    uint64_t prev = 0;   // the camera's `written_` before that record
    uint64_t start = 0;  // the offset the record starts at
    bool set = false;
  } pending_;
};

}  // namespace retail::delivery
