#include "delivery/spool.h"

#include <fcntl.h>
#include <glib.h>
#include <linux/falloc.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/error.h"
#include "common/log.h"

namespace retail::delivery {

namespace {

constexpr uint32_t kMagic = 0x31505352;  // "RSP1"

std::string errno_text() { return strerror(errno); }

[[noreturn]] void throw_io(const std::string& what, int err) {
  if (err == ENOSPC || err == EDQUOT)
    throw Error(ErrorKind::kNoSpace, what + ": the disk is full (" + strerror(err) +
                                         "): free space or lower spool-max-bytes");
  throw Error(ErrorKind::kIo, what + " (" + strerror(err) + ")");
}

void put_u32(char* p, uint32_t v) { memcpy(p, &v, 4); }
uint32_t get_u32(const char* p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}

}  // namespace

Spool::Spool(const std::string& dir, uint64_t segment_bytes)
    : dir_(dir), segment_bytes_(segment_bytes < 4096 ? 4096 : segment_bytes) {
  const std::string fix = ": choose a writable spool-dir (or fix its permissions)";
  if (g_mkdir_with_parents(dir.c_str(), 0700) != 0)
    throw Error(ErrorKind::kIo,
                "spool-dir: cannot create '" + dir + "' (" + errno_text() + ")" + fix);
  if (access(dir.c_str(), W_OK | X_OK) != 0)
    throw Error(ErrorKind::kIo,
                "spool-dir: '" + dir + "' is not writable (" + errno_text() + ")" + fix);
  const std::string lock = dir + "/lock";
  lock_fd_ = open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd_ < 0)
    throw Error(ErrorKind::kIo,
                "spool-dir: cannot write in '" + dir + "' (" + errno_text() + ")" + fix);
  if (flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    close(lock_fd_);
    lock_fd_ = -1;
    throw Error(ErrorKind::kIo,
                "spool-dir: '" + dir +
                    "' is in use by another kafkasink: give each sink its own spool-dir");
  }

  // Sequence numbers (reconciled with the records below).
  const std::string seq_path = dir + "/seq";
  load_seq_file(seq_path);
  seq_fd_ = open(seq_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (seq_fd_ < 0) throw_io("spool-dir: cannot open '" + seq_path + "'", errno);

  // What was handed to the producer.
  const std::string sent_path = dir + "/sent";
  {
    std::ifstream in(sent_path);
    in >> sent_until_;
  }
  sent_fd_ = open(sent_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (sent_fd_ < 0) throw_io("spool-dir: cannot open '" + sent_path + "'", errno);

  // Cursor.
  bool have_cursor = false;
  {
    std::ifstream in(dir + "/cursor");
    if (in >> committed_) have_cursor = true;
  }
  // Segments.
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() != 28 || name.compare(0, 4, "seg-") != 0 || name.compare(24, 4, ".log") != 0)
      continue;
    const uint64_t start = std::strtoull(name.c_str() + 4, nullptr, 10);
    Segment& s = open_segment(start, false);
    struct stat st {};
    if (fstat(s.fd, &st) == 0) s.size = static_cast<uint64_t>(st.st_size);
  }
  if (!have_cursor) committed_ = segments_.empty() ? 0 : segments_.begin()->first;
  if (!segments_.empty() && committed_ < segments_.begin()->first)
    committed_ = segments_.begin()->first;  // older records were dropped with their segment
  end_ = committed_;
  drop_committed_segments();

  // Validate every live record; cut a torn tail (a crash in the middle of an append).
  for (auto it = segments_.begin(); it != segments_.end(); ++it) {
    Segment& s = it->second;
    uint64_t off = std::max(committed_, s.start);
    const uint64_t seg_end = s.start + s.size;
    bool torn = false;
    while (off < seg_end) {
      uint32_t kl = 0, vl = 0;
      if (!read_header(off, &kl, &vl) || off + kHeaderBytes + kl + vl > seg_end) {
        torn = true;
        break;
      }
      off += kHeaderBytes + kl + vl;
      ++live_records_;
    }
    end_ = std::max(end_, off);
    if (torn) {
      log::warning("spool", "cutting a torn record at offset " + std::to_string(off) + " in " +
                                segment_path(s.start));
      if (ftruncate(s.fd, static_cast<off_t>(off - s.start)) != 0)
        throw_io("spool-dir: cannot repair " + segment_path(s.start), errno);
      s.size = off - s.start;
      // Anything after a torn record is unreadable: drop the later segments.
      for (auto later = std::next(it); later != segments_.end();) {
        close(later->second.fd);
        unlink(segment_path(later->first).c_str());
        later = segments_.erase(later);
      }
      break;
    }
  }
  synced_cursor_ = committed_;
  // The process died after the `seq` file was advanced for a record but before the record was
  // written (the spool ends where it would have started): that number was never used.
  if (pending_.set && end_ == pending_.start) written_[pending_.camera_key] = pending_.prev;
  seq_ = written_;
  if (live_records_ > 0)
    log::info("spool", dir + ": " + std::to_string(live_records_) +
                           " records left by a previous run will be sent first");
}

Spool::~Spool() {
  sync_cursor();
  for (auto& [start, s] : segments_)
    if (s.fd >= 0) close(s.fd);
  if (seq_fd_ >= 0) close(seq_fd_);
  if (sent_fd_ >= 0) close(sent_fd_);
  if (lock_fd_ >= 0) close(lock_fd_);  // releases the flock
}

std::string Spool::segment_path(uint64_t start) const {
  char name[40];
  snprintf(name, sizeof name, "seg-%020llu.log", static_cast<unsigned long long>(start));
  return dir_ + "/" + name;
}

Spool::Segment& Spool::open_segment(uint64_t start, bool create) {
  const std::string path = segment_path(start);
  const int fd = open(path.c_str(), O_RDWR | O_CLOEXEC | (create ? O_CREAT | O_EXCL : 0), 0600);
  if (fd < 0) throw_io("spool-dir: cannot open '" + path + "'", errno);
  Segment& s = segments_[start];
  s.start = start;
  s.size = 0;
  s.punched = 0;
  s.fd = fd;
  return s;
}

Spool::Segment* Spool::segment_for(uint64_t offset) {
  auto it = segments_.upper_bound(offset);
  if (it == segments_.begin()) return nullptr;
  --it;
  if (offset >= it->second.start + it->second.size) return nullptr;
  return &it->second;
}

bool Spool::read_header(uint64_t offset, uint32_t* key_len, uint32_t* value_len) {
  Segment* s = segment_for(offset);
  if (s == nullptr) return false;
  char h[kHeaderBytes];
  if (pread(s->fd, h, kHeaderBytes, static_cast<off_t>(offset - s->start)) !=
      static_cast<ssize_t>(kHeaderBytes))
    return false;
  if (get_u32(h) != kMagic) return false;
  *key_len = get_u32(h + 4);
  *value_len = get_u32(h + 8);
  return true;
}

uint64_t Spool::append(const std::string& key, const std::string& value, const SeqMark* mark) {
  if (mark != nullptr) {
    uint64_t& written = written_[mark->camera_key];
    if (mark->seq + 1 > written) {
      const uint64_t prev = written;
      written = mark->seq + 1;
      write_seq_file(&mark->camera_key, prev, end_);
    }
  }
  if (segments_.empty() || segments_.rbegin()->second.size >= segment_bytes_)
    open_segment(end_, true);
  Segment& s = segments_.rbegin()->second;
  std::string buf;
  buf.resize(kHeaderBytes);
  put_u32(&buf[0], kMagic);
  put_u32(&buf[4], static_cast<uint32_t>(key.size()));
  put_u32(&buf[8], static_cast<uint32_t>(value.size()));
  buf += key;
  buf += value;
  const ssize_t n = pwrite(s.fd, buf.data(), buf.size(), static_cast<off_t>(s.size));
  if (n != static_cast<ssize_t>(buf.size())) {
    const int err = n < 0 ? errno : ENOSPC;
    if (ftruncate(s.fd, static_cast<off_t>(s.size)) != 0) { /* best effort */
    }
    throw_io("spool-dir: cannot append to '" + segment_path(s.start) + "'", err);
  }
  s.size += buf.size();
  end_ += buf.size();
  ++live_records_;
  return end_;
}

std::vector<Spool::Record> Spool::read(uint64_t offset, size_t max_records, size_t max_bytes) {
  std::vector<Record> out;
  size_t bytes = 0;
  std::string chunk;
  while (offset < end_ && out.size() < max_records && bytes < max_bytes) {
    Segment* s = segment_for(offset);
    if (s == nullptr) break;
    const uint64_t in_seg = offset - s->start;
    const uint64_t avail = s->size - in_seg;
    const size_t want = static_cast<size_t>(
        std::min<uint64_t>(avail, std::max<size_t>(max_bytes - bytes, 64 * 1024)));
    chunk.resize(want);
    const ssize_t n = pread(s->fd, &chunk[0], want, static_cast<off_t>(in_seg));
    if (n <= 0)
      throw_io("spool-dir: cannot read '" + segment_path(s->start) + "'", n < 0 ? errno : EIO);
    size_t pos = 0;
    const size_t got = static_cast<size_t>(n);
    bool progressed = false;
    while (pos + kHeaderBytes <= got && out.size() < max_records) {
      if (get_u32(&chunk[pos]) != kMagic)
        throw Error(ErrorKind::kIo, "spool-dir: corrupt record in '" + segment_path(s->start) +
                                        "': move the spool directory away to start afresh");
      const uint32_t kl = get_u32(&chunk[pos + 4]);
      const uint32_t vl = get_u32(&chunk[pos + 8]);
      const size_t total = kHeaderBytes + kl + vl;
      if (pos + total > got) {
        if (!progressed && total > got) {  // one record bigger than the chunk: read it whole
          chunk.resize(total);
          if (pread(s->fd, &chunk[0], total, static_cast<off_t>(in_seg)) !=
              static_cast<ssize_t>(total))
            throw_io("spool-dir: cannot read '" + segment_path(s->start) + "'", EIO);
          Record r;
          r.offset = offset;
          r.end = offset + total;
          r.key.assign(chunk, kHeaderBytes, kl);
          r.value.assign(chunk, kHeaderBytes + kl, vl);
          out.push_back(std::move(r));
          offset += total;
          bytes += total;
          progressed = true;
        }
        break;
      }
      Record r;
      r.offset = offset;
      r.end = offset + total;
      r.key.assign(chunk, pos + kHeaderBytes, kl);
      r.value.assign(chunk, pos + kHeaderBytes + kl, vl);
      out.push_back(std::move(r));
      offset += total;
      pos += total;
      bytes += total;
      progressed = true;
      if (bytes >= max_bytes) break;
    }
    if (!progressed) break;
  }
  return out;
}

void Spool::commit(uint64_t offset, uint64_t records) {
  if (offset <= committed_) return;
  committed_ = std::min(offset, end_);
  live_records_ = records > live_records_ ? 0 : live_records_ - records;
  drop_committed_segments();
  const int64_t now = g_get_monotonic_time();
  if (now - last_cursor_sync_us_ > 100000) sync_cursor();
}

bool Spool::drop_oldest() {
  uint32_t kl = 0, vl = 0;
  if (committed_ >= end_ || !read_header(committed_, &kl, &vl)) return false;
  committed_ += kHeaderBytes + kl + vl;
  if (live_records_ > 0) --live_records_;
  drop_committed_segments();
  return true;
}

void Spool::drop_committed_segments() {
  while (segments_.size() > 1) {
    auto it = segments_.begin();
    if (it->second.start + it->second.size > committed_) break;
    close(it->second.fd);
    unlink(segment_path(it->first).c_str());
    segments_.erase(it);
  }
  // A single, fully committed segment is emptied in place so it does not grow without bound.
  if (segments_.size() == 1) {
    Segment& s = segments_.begin()->second;
    if (s.size > 0 && s.start + s.size == committed_ && s.size >= segment_bytes_) {
      close(s.fd);
      unlink(segment_path(s.start).c_str());
      segments_.clear();
      sync_cursor();  // with no segment left, a reopen takes the end offset from the cursor
    }
  }
}

void Spool::release_committed() {
  drop_committed_segments();
  if (segments_.empty()) return;
  Segment& s = segments_.begin()->second;
  if (s.start + s.size <= committed_) {  // the last segment, fully committed
    close(s.fd);
    unlink(segment_path(s.start).c_str());
    segments_.clear();
    sync_cursor();
    return;
  }
  // Give the committed pages at the head of the oldest segment back to the file system (the
  // offsets stay: a hole reads as zeros and is never read again). Best effort: file systems
  // without hole punching keep the space until the segment is deleted.
  const uint64_t done = committed_ > s.start ? (committed_ - s.start) & ~uint64_t{4095} : 0;
  if (done > s.punched) {
    if (fallocate(s.fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, static_cast<off_t>(s.punched),
                  static_cast<off_t>(done - s.punched)) == 0)
      s.punched = done;
  }
}

void Spool::sync_cursor() {
  last_cursor_sync_us_ = g_get_monotonic_time();
  if (synced_cursor_ == committed_) return;
  const std::string tmp = dir_ + "/cursor.tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << committed_ << "\n";
    out.flush();
    if (!out) {
      // A full disk: the cursor stays behind (what it covers is sent again, counted, after a
      // restart). Said once per episode.
      if (!cursor_warned_)
        log::warning("spool", "cannot write " + tmp + ": " + errno_text() +
                                  " (the cursor is updated again when space returns)");
      cursor_warned_ = true;
      return;
    }
  }
  cursor_warned_ = false;
  if (rename(tmp.c_str(), (dir_ + "/cursor").c_str()) != 0) {
    log::warning("spool", "cannot update the cursor in " + dir_ + ": " + errno_text());
    return;
  }
  synced_cursor_ = committed_;
}

void Spool::note_sent(uint64_t end) {
  if (end <= sent_until_) return;
  sent_until_ = end;
  char buf[24];
  const int n = snprintf(buf, sizeof buf, "%020llu", static_cast<unsigned long long>(end));
  // Fixed width: rewriting in place never needs a new block, even on a full disk.
  if (pwrite(sent_fd_, buf, static_cast<size_t>(n), 0) != n)
    log::debug("spool", "cannot update " + dir_ + "/sent: " + errno_text());
}

uint64_t Spool::next_seq(const std::string& camera_key) { return seq_[camera_key]++; }

uint64_t Spool::written_seq(const std::string& camera_key) const {
  const auto it = written_.find(camera_key);
  return it == written_.end() ? 0 : it->second;
}

// The `seq` file: one "<camera key>\t<next seq>" line per camera, then the note of the record
// being appended ("#pending\t<camera's previous value>\t<record start offset>\t<camera key>"),
// then newlines up to the file's previous length (it is rewritten in place and never shrinks).
void Spool::load_seq_file(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  static const std::string kPending = "#pending\t";
  while (std::getline(in, line)) {
    if (line.compare(0, kPending.size(), kPending) == 0) {
      char* end = nullptr;
      const char* p = line.c_str() + kPending.size();
      const uint64_t prev = std::strtoull(p, &end, 10);
      if (*end != '\t') continue;
      const uint64_t start = std::strtoull(end + 1, &end, 10);
      if (*end != '\t') continue;
      pending_ = {std::string(end + 1), prev, start, true};
      continue;
    }
    const size_t tab = line.rfind('\t');
    if (tab == std::string::npos) continue;
    written_[line.substr(0, tab)] = std::strtoull(line.c_str() + tab + 1, nullptr, 10);
  }
  seq_file_bytes_ = 0;
  struct stat st {};
  if (stat(path.c_str(), &st) == 0) seq_file_bytes_ = static_cast<size_t>(st.st_size);
}

void Spool::write_seq_file(const std::string* pending_key, uint64_t pending_prev,
                           uint64_t pending_start) {
  std::string text;
  for (const auto& [k, v] : written_) text += k + "\t" + std::to_string(v) + "\n";
  if (pending_key != nullptr)
    text += "#pending\t" + std::to_string(pending_prev) + "\t" + std::to_string(pending_start) +
            "\t" + *pending_key + "\n";
  if (text.size() < seq_file_bytes_) text.append(seq_file_bytes_ - text.size(), '\n');
  if (pwrite(seq_fd_, text.data(), text.size(), 0) == static_cast<ssize_t>(text.size())) {
    seq_file_bytes_ = text.size();
    return;
  }
  const int err = errno;
  if (err != ENOSPC && err != EDQUOT)
    throw_io("spool-dir: cannot persist sequence numbers in '" + dir_ + "/seq'", err);
  // A full disk: the numbers stay right in memory; they are persisted with the next write that
  // fits (the file keeps its blocks, so this only happens when it has to grow).
  log::warning("spool", "cannot persist sequence numbers in '" + dir_ + "/seq': " + strerror(err));
}

}  // namespace retail::delivery
