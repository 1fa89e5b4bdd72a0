#include "delivery/delivery.h"

#include <glib.h>

#include <algorithm>
#include <utility>

#include "common/error.h"
#include "common/log.h"

namespace retail::delivery {

namespace {
int64_t now_us() { return g_get_monotonic_time(); }

std::string sanitize(const std::string& s) {
  std::string out = s.empty() ? std::string("unknown") : s;
  for (char& c : out)
    if (!(g_ascii_isalnum(c) || c == '-' || c == '_' || c == '.')) c = '_';
  if (out == "." || out == "..") out = "_";
  return out;
}

// A producer tag = spool offset (low 48 bits) + send generation (high 16 bits), so a report that
// arrives after a rewind (from a purged earlier attempt) cannot fail the new attempt.
constexpr int kGenShift = 48;
constexpr uint64_t kOffsetMask = kTagOffsetMask;
uint64_t make_tag(uint64_t offset, uint64_t gen) { return offset | ((gen & 0xFFFF) << kGenShift); }

uint64_t segment_size_for(uint64_t max_bytes) {
  return std::clamp<uint64_t>(max_bytes / 8, 64 * 1024, 64ULL << 20);
}
}  // namespace

const char* to_string(SpoolFullPolicy p) {
  switch (p) {
    case SpoolFullPolicy::kDropOldest:
      return "drop-oldest";
    case SpoolFullPolicy::kDropNewest:
      return "drop-newest";
    case SpoolFullPolicy::kBlock:
      return "block";
  }
  return "?";
}

SpoolFullPolicy parse_policy(const std::string& text) {
  if (text == "drop-oldest") return SpoolFullPolicy::kDropOldest;
  if (text == "drop-newest") return SpoolFullPolicy::kDropNewest;
  if (text == "block") return SpoolFullPolicy::kBlock;
  throw Error(ErrorKind::kConfig, "on-spool-full: unknown policy '" + text +
                                      "': use drop-oldest, drop-newest or block");
}

const char* to_string(BrokerState s) {
  switch (s) {
    case BrokerState::kUnknown:
      return "unknown";
    case BrokerState::kUp:
      return "up";
    case BrokerState::kDown:
      return "down";
    case BrokerState::kFile:
      return "file";
  }
  return "?";
}

std::string default_spool_dir(const std::string& store_id, const std::string& camera_id) {
  return std::string(g_get_user_cache_dir()) + "/gst-retail/spool/" + sanitize(store_id) + "/" +
         sanitize(camera_id);
}

Delivery::Delivery(const Config& config, ProducerFactory factory, std::string spool_dir,
                   OnStats on_stats, bool file_mode)
    : config_(config),
      factory_(std::move(factory)),
      spool_dir_(std::move(spool_dir)),
      on_stats_(std::move(on_stats)),
      file_mode_(file_mode),
      spool_(spool_dir_, segment_size_for(config.spool_max_bytes)) {
  producer_ = factory_();  // configuration errors surface here, in the caller's thread
  reader_ = spool_.committed();
  backlog_until_ = spool_.end();  // whatever a previous run left counts as replayed
  // What a previous run (even one killed with SIGKILL) had handed to the producer: sending it
  // again may duplicate it, so it counts as re-sent.
  sent_until_ = std::min(spool_.sent_until(), spool_.end());
  replay_until_ = sent_until_;
  producer_->begin_replay(spool_.end());
  c_.broker_state = file_mode_ ? BrokerState::kFile : BrokerState::kUnknown;
  thread_ = std::thread([this] { run(); });
}

Delivery::~Delivery() { stop(0); }

uint64_t Delivery::next_seq(const std::string& camera_key) {
  std::lock_guard<std::mutex> lk(mu_);
  return spool_.next_seq(camera_key);
}

uint64_t Delivery::written_seq(const std::string& camera_key) {
  std::lock_guard<std::mutex> lk(mu_);
  return spool_.written_seq(camera_key);
}

bool Delivery::submit(const std::string& key, const std::string& value, const SeqMark* seq) {
  const uint64_t size = Spool::record_size(key, value);
  std::unique_lock<std::mutex> lk(mu_);
  const uint64_t max = config_.spool_max_bytes;
  if (config_.on_spool_full == SpoolFullPolicy::kDropNewest && max > 0) {
    // Once full, keep dropping until a tenth of the spool is free again, so the loss is one
    // contiguous gap in seq rather than many (events differ in size).
    const uint64_t limit = dropping_newest_ ? max - max / 10 : max;
    dropping_newest_ = spool_.live_bytes() + size > limit;
  }
  if (max > 0 && (spool_.live_bytes() + size > max || dropping_newest_)) {
    switch (config_.on_spool_full) {
      case SpoolFullPolicy::kDropNewest:
        ++c_.dropped;
        return false;
      case SpoolFullPolicy::kDropOldest:
        if (size > max) {  // could never fit
          ++c_.dropped;
          return false;
        }
        while (spool_.live_bytes() + size > max && spool_.drop_oldest()) ++c_.dropped;
        reader_ = std::max(reader_, spool_.committed());
        while (!in_flight_.empty() && in_flight_.begin()->first < spool_.committed())
          in_flight_.erase(in_flight_.begin());
        break;
      case SpoolFullPolicy::kBlock:
        ++c_.blocked;
        room_cv_.wait(lk, [&] {
          return spool_.live_bytes() + size <= max || unblocked_ || stopped_ || quit_;
        });
        break;
    }
  }
  const bool backlog = file_mode_ ? false
                                  : (c_.broker_state == BrokerState::kDown ||
                                     in_flight_.size() >= config_.max_in_flight);
  if (!append_or_apply_policy(lk, key, value, seq)) return false;
  if (backlog) {
    ++c_.spooled;
    backlog_until_ = spool_.end();
  }
  lk.unlock();
  work_cv_.notify_one();
  return true;
}

bool Delivery::append_or_apply_policy(std::unique_lock<std::mutex>& lk, const std::string& key,
                                      const std::string& value, const SeqMark* seq) {
  bool waited = false, tried_oldest = false;
  for (;;) {
    std::string why;
    try {
      spool_.append(key, value, seq);
      return true;
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::kNoSpace) throw;
      why = e.what();
    }
    // The disk refused the write (it is full below spool-max-bytes): the same policy as a full
    // spool. The event's seq was already taken, so every drop is one counted gap.
    if (!disk_full_) {
      disk_full_ = true;
      disk_was_full_ = true;
      disk_full_drops_ = 0;
      pending_warning_ = "spool-dir '" + spool_dir_ + "': the disk is full (" + why +
                         "): applying on-spool-full=" + to_string(config_.on_spool_full) +
                         " (counted in dropped-by-policy) until space returns; free space there "
                         "or lower spool-max-bytes";
      log::warning("delivery", pending_warning_);
    }
    switch (config_.on_spool_full) {
      case SpoolFullPolicy::kDropOldest:
        // Space comes back only when a whole segment file is deleted: drop the oldest records
        // up to the end of the oldest segment, then try again once.
        // Space comes back only when whole pages of the oldest records are given back: drop
        // up to 64 KiB of the oldest records, then try again once. Records already handed to
        // the producer are not dropped (they may be delivered: the count would lie).
        if (in_flight_.empty() && !tried_oldest) {
          tried_oldest = true;
          const uint64_t until = spool_.committed() + 64 * 1024;
          uint64_t n = 0;
          while (spool_.committed() < until && spool_.drop_oldest()) ++n;
          c_.dropped += n;
          disk_full_drops_ += n;
          reader_ = std::max(reader_, spool_.committed());
          spool_.release_committed();
          if (n > 0) continue;
        }
        [[fallthrough]];
      case SpoolFullPolicy::kDropNewest:
        ++c_.dropped;
        ++disk_full_drops_;
        return false;
      case SpoolFullPolicy::kBlock:
        // Wait for the sender to commit (and delete) spooled segments, or for unblock().
        if (!waited) ++c_.blocked;
        waited = true;
        if (unblocked_ || stopped_ || quit_) {
          ++c_.dropped;
          ++disk_full_drops_;
          return false;
        }
        room_cv_.wait_for(lk, std::chrono::milliseconds(200));
        continue;
    }
  }
}

uint64_t Delivery::flush(int timeout_ms) {
  std::unique_lock<std::mutex> lk(mu_);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  room_cv_.wait_until(lk, deadline, [&] { return spool_.live_bytes() == 0 || stopped_; });
  return spool_.live_records();
}

void Delivery::unblock() {
  {
    std::lock_guard<std::mutex> lk(mu_);
    unblocked_ = true;
  }
  room_cv_.notify_all();
}

void Delivery::reblock() {
  std::lock_guard<std::mutex> lk(mu_);
  unblocked_ = false;
}

uint64_t Delivery::stop(int timeout_ms) {
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (stopped_) return spool_.live_records();
    quit_ = true;
    stop_deadline_us_ = now_us() + static_cast<int64_t>(timeout_ms) * 1000;
  }
  work_cv_.notify_all();
  room_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard<std::mutex> lk(mu_);
  stopped_ = true;
  spool_.sync_cursor();
  room_cv_.notify_all();
  if (spool_.live_records() > 0)
    log::warning("delivery", std::to_string(spool_.live_records()) +
                                 " events not yet delivered stay in " + spool_dir_ +
                                 " and will be sent by the next run");
  return spool_.live_records();
}

std::string Delivery::take_warning() {
  std::lock_guard<std::mutex> lk(mu_);
  std::string w;
  w.swap(pending_warning_);
  return w;
}

Counters Delivery::counters() const {
  std::lock_guard<std::mutex> lk(mu_);
  return counters_locked();
}

Counters Delivery::counters_locked() const {
  Counters c = c_;
  c.spool_bytes = spool_.live_bytes();
  c.spool_records = spool_.live_records();
  return c;
}

void Delivery::advance_commit() {
  uint64_t c = spool_.committed();
  while (!in_flight_.empty() && in_flight_.begin()->first < c) in_flight_.erase(in_flight_.begin());
  uint64_t n = 0;
  while (!in_flight_.empty() && in_flight_.begin()->first == c &&
         in_flight_.begin()->second.acked) {
    c = in_flight_.begin()->second.end;
    in_flight_.erase(in_flight_.begin());
    ++n;
  }
  if (n > 0) {
    spool_.commit(c, n);
    // On a disk that has been full, the space of delivered records is given back at once
    // (normally the last segment is kept and reused until it reaches its size, which may be
    // more than the disk holds).
    if (disk_was_full_) spool_.release_committed();
    // The episode ends when the backlog has drained (appends that fit in between are kept, but
    // the disk is still nearly full): one warning per episode, not one per flap.
    if (disk_full_ && spool_.live_bytes() == 0) {
      log::info("delivery", "spool-dir '" + spool_dir_ + "': the backlog has drained, " +
                                std::to_string(disk_full_drops_) +
                                " events were dropped while the disk was full");
      disk_full_ = false;
    }
    room_cv_.notify_all();
  }
}

void Delivery::on_report(const DeliveryReport& r) {
  std::lock_guard<std::mutex> lk(mu_);
  const uint64_t offset = r.tag & kOffsetMask;
  const bool current = (r.tag >> kGenShift) == (generation_ & 0xFFFF);
  auto it = in_flight_.find(offset);
  c_.resent += r.duplicates;
  if (r.ok) {
    ++c_.delivered;
    if (offset < backlog_until_) ++c_.replayed;
    if (!file_mode_) c_.broker_state = BrokerState::kUp;
    backoff_ms_ = 0;
    if (it != in_flight_.end() && !it->second.acked) it->second.acked = true;
    advance_commit();
  } else if (current && it != in_flight_.end() && !it->second.acked) {
    // (A late failure of an earlier generation was already taken as possibly written when
    // that generation was rewound.)
    if (r.possibly_written)
      maybe_written_.insert(offset);
    else
      it->second.not_written = true;
  }
  if (!r.ok && current && (!quit_ || now_us() < stop_deadline_us_)) {
    ++c_.failures;
    if (!failed_)
      log::warning("delivery", "delivery failed (" + r.error +
                                   "): events stay in the spool and are re-sent in order");
    failed_ = true;
  }
}

void Delivery::send_some() {
  std::lock_guard<std::mutex> lk(mu_);
  if (failed_ || now_us() < retry_at_us_) return;
  if (reader_ < spool_.committed()) reader_ = spool_.committed();
  if (reader_ >= spool_.end() || in_flight_.size() >= config_.max_in_flight) return;
  const size_t room = config_.max_in_flight - in_flight_.size();
  std::vector<Spool::Record> recs = spool_.read(reader_, std::min<size_t>(room, 2000), 4 << 20);
  for (const auto& rec : recs) {
    std::string err;
    const Producer::Result res =
        producer_->produce(rec.key, rec.value, make_tag(rec.offset, generation_), &err);
    if (res == Producer::Result::kQueueFull) break;  // retried on the next turn
    if (res == Producer::Result::kFailed) {
      log::warning("delivery", "produce failed: " + err);
      ++c_.failures;
      failed_ = true;
      break;
    }
    ++c_.produced;
    // Sent before: a possible duplicate unless that attempt is known not to have been written.
    if (rec.end <= sent_until_ &&
        (rec.end <= replay_until_ || maybe_written_.erase(rec.offset) > 0))
      ++c_.resent;
    sent_until_ = std::max(sent_until_, rec.end);
    in_flight_[rec.offset] = InFlight{rec.end, false};
    reader_ = rec.end;
  }
  spool_.note_sent(sent_until_);
}

void Delivery::handle_failure() {
  // Fail everything outstanding now, so the spool is re-sent from the first unacknowledged
  // record in order (acks still arriving while purging are kept).
  producer_->purge();
  const int64_t deadline = now_us() + 2 * G_USEC_PER_SEC;
  while (producer_->outstanding() > 0 && now_us() < deadline)
    producer_->poll(10, [this](const DeliveryReport& r) { on_report(r); });
  const bool fatal = producer_->fatal();
  std::lock_guard<std::mutex> lk(mu_);
  // Whatever is still unreported may have been written (its report did not come in time).
  for (const auto& [off, f] : in_flight_)
    if (!f.acked && !f.not_written) maybe_written_.insert(off);
  maybe_written_.erase(maybe_written_.begin(), maybe_written_.lower_bound(spool_.committed()));
  in_flight_.clear();
  ++generation_;
  backlog_until_ = std::max(backlog_until_, sent_until_);
  reader_ = spool_.committed();
  failed_ = false;
  if (!file_mode_) c_.broker_state = BrokerState::kDown;
  backoff_ms_ = backoff_ms_ == 0 ? 250 : std::min(backoff_ms_ * 2, 5000);
  retry_at_us_ = now_us() + static_cast<int64_t>(backoff_ms_) * 1000;
  if (fatal) {
    log::warning("delivery", "the producer hit a fatal error: recreating it");
    producer_.reset();
  }
}

void Delivery::run() {
  int64_t next_stats = now_us() + static_cast<int64_t>(config_.stats_interval_ms) * 1000;
  const auto report = [this](const DeliveryReport& r) { on_report(r); };
  for (;;) {
    {
      std::unique_lock<std::mutex> lk(mu_);
      if (quit_ && (spool_.live_bytes() == 0 || now_us() >= stop_deadline_us_)) break;
      const bool can_send = !failed_ && now_us() >= retry_at_us_ && reader_ < spool_.end() &&
                            in_flight_.size() < config_.max_in_flight;
      if (!can_send && in_flight_.empty() && !failed_)
        work_cv_.wait_for(lk, std::chrono::milliseconds(quit_ ? 10 : 50));
    }
    if (!producer_) {
      try {
        producer_ = factory_();
        std::lock_guard<std::mutex> lk(mu_);
        producer_->begin_replay(spool_.end());
      } catch (const std::exception& e) {
        log::warning("delivery", std::string("cannot recreate the producer: ") + e.what());
        std::lock_guard<std::mutex> lk(mu_);
        retry_at_us_ = now_us() + G_USEC_PER_SEC;
        continue;
      }
    }
    send_some();
    bool idle;
    {
      std::lock_guard<std::mutex> lk(mu_);
      idle = in_flight_.empty();
    }
    producer_->poll(idle ? 0 : 5, report);
    bool failed;
    {
      std::lock_guard<std::mutex> lk(mu_);
      failed = failed_;
      if (!file_mode_ && producer_->down() && c_.broker_state != BrokerState::kDown)
        c_.broker_state = BrokerState::kDown;
    }
    if (failed || producer_->fatal()) handle_failure();
    if (on_stats_ && config_.stats_interval_ms > 0 && now_us() >= next_stats) {
      next_stats = now_us() + static_cast<int64_t>(config_.stats_interval_ms) * 1000;
      on_stats_(counters());
    }
  }
  // Stopping: whatever is still outstanding is failed now and stays in the spool.
  if (producer_) {
    producer_->purge();
    const int64_t deadline = now_us() + G_USEC_PER_SEC;
    while (producer_->outstanding() > 0 && now_us() < deadline) producer_->poll(10, report);
    producer_.reset();
  }
  if (on_stats_) on_stats_(counters());
}

}  // namespace retail::delivery
