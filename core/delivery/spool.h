// An append-only, crash-safe on-disk log of messages (key, value) that the delivery engine sends
// in order and commits as the broker acknowledges them. Segment files `seg-<offset>.log` are
// deleted once every record in them is committed; `cursor` holds the committed offset; `seq`
// holds the next event sequence number per camera, so a restarted process continues both.
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

  // Appends one record; returns its end offset. Throws kNoSpace / kIo.
  uint64_t append(const std::string& key, const std::string& value);
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

  // Next sequence number for `camera_key`, persisted before it is returned.
  uint64_t next_seq(const std::string& camera_key);

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
  void write_seq_file();
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
  std::map<std::string, uint64_t> seq_;
};

}  // namespace retail::delivery
