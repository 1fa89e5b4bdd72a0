#include "delivery/event_sink.h"

#include <fcntl.h>
#include <glib.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sstream>

#include "common/error.h"
#include "common/json.h"
#include "common/log.h"
#include "schema/envelope.h"

namespace retail::delivery {

bool probe_brokers(const KafkaSettings& settings, int timeout_ms, std::string* reason) {
  return make_kafka_producer(settings)->probe(timeout_ms, reason);
}

namespace {
constexpr size_t kMaxOpenTracks = 256;
std::string track_key(const std::string& store, const std::string& camera, uint64_t id) {
  return store + "/" + camera + "/" + std::to_string(id);
}
// Fields are tab-separated; ids and names never contain tabs or newlines (they are sanitized
// here to be sure).
std::string clean(std::string s) {
  for (char& c : s)
    if (c == '\t' || c == '\n') c = ' ';
  return s;
}
// A track message's track id and class (false when it is not one, or has no track_id).
bool track_of(const schema::Message& m, uint64_t* id, std::string* cls) {
  if (m.type != "track_started" && m.type != "track_ended") return false;
  try {
    auto node = json::parse(m.value, "event");
    JsonObject* o = json_node_get_object(node.get());
    JsonObject* p = o != nullptr ? json_object_get_object_member(o, "payload") : nullptr;
    if (p == nullptr || !json_object_has_member(p, "track_id")) return false;
    *id = static_cast<uint64_t>(json_object_get_int_member(p, "track_id"));
    if (json_object_has_member(p, "class")) *cls = json_object_get_string_member(p, "class");
  } catch (const std::exception&) {
    return false;
  }
  return true;
}
uint64_t parse_seq(const std::string& f) {
  return f == "-" ? OpenTracks::kNoSeq : g_ascii_strtoull(f.c_str(), nullptr, 10);
}
std::string seq_field(uint64_t seq) {
  return seq == OpenTracks::kNoSeq ? "-" : std::to_string(seq);
}
}  // namespace

OpenTracks::OpenTracks(std::string path) : path_(std::move(path)) {}

std::vector<OpenTracks::Track> OpenTracks::load() const {
  gchar* text = nullptr;
  gsize len = 0;
  if (!g_file_get_contents(path_.c_str(), &text, &len, nullptr)) return {};
  const std::string all(text, len);
  g_free(text);
  // A journal: each line is a track's whole state (the last one wins) or "-" + its key (closed).
  // Only whole lines count: a kill during an append leaves a torn last line, ignored.
  std::map<std::string, Track> set;
  size_t pos = 0;
  for (size_t nl; (nl = all.find('\n', pos)) != std::string::npos; pos = nl + 1) {
    std::vector<std::string> f;
    std::istringstream ls(all.substr(pos, nl - pos));
    std::string field;
    while (std::getline(ls, field, '\t')) f.push_back(field);
    if (f.size() == 4 && f[0] == "-") {
      set.erase(track_key(f[1], f[2], g_ascii_strtoull(f[3].c_str(), nullptr, 10)));
      continue;
    }
    // 8 fields: version 1 (no seqs: its starts were written before it was saved); 10: version 2.
    if (f.size() != 8 && f.size() != 10) continue;  // a line from another version: ignored
    Track t;
    t.store_id = f[0];
    t.camera_id = f[1];
    t.track_id = g_ascii_strtoull(f[2].c_str(), nullptr, 10);
    t.cls = f[3];
    t.run_id = f[4];
    t.first_us = g_ascii_strtoll(f[5].c_str(), nullptr, 10);
    t.last_us = g_ascii_strtoll(f[6].c_str(), nullptr, 10);
    t.frames = g_ascii_strtoull(f[7].c_str(), nullptr, 10);
    if (f.size() == 10) {
      t.start_seq = parse_seq(f[8]);
      t.end_seq = parse_seq(f[9]);
    }
    set[track_key(t.store_id, t.camera_id, t.track_id)] = std::move(t);
  }
  std::vector<Track> out;
  for (auto& [k, t] : set) out.push_back(std::move(t));
  return out;
}

std::vector<OpenTracks::Track> OpenTracks::left_open(
    const std::vector<Track>& loaded,
    const std::function<uint64_t(const std::string& camera_key)>& written_seq) {
  std::vector<Track> out;
  for (const auto& t : loaded) {
    const uint64_t written = written_seq(t.store_id + "/" + t.camera_id);
    if (t.start_seq != kNoSeq && t.start_seq >= written) continue;  // its start never got out
    if (t.end_seq != kNoSeq && t.end_seq < written) continue;       // its end did
    out.push_back(t);
  }
  return out;
}

void OpenTracks::before_submit(const std::vector<schema::Message>& msgs, const std::string& run_id,
                               int64_t t_us) {
  std::string lines;
  for (const auto& m : msgs) {
    uint64_t id = 0;
    std::string cls;
    if (!track_of(m, &id, &cls)) continue;
    const std::string k = track_key(m.store_id, m.camera_id, id);
    if (m.type == "track_started") {
      Track t;
      t.store_id = m.store_id;
      t.camera_id = m.camera_id;
      t.track_id = id;
      t.cls = cls.empty() ? "person" : cls;
      t.run_id = run_id;
      t.first_us = t.last_us = t_us;
      t.start_seq = m.seq;
      lines += record(t);
      open_[k] = std::move(t);
      // Upstream that never ends its tracks must not grow the file without bound.
      if (open_.size() > kMaxOpenTracks) {
        auto oldest = open_.begin();
        for (auto it = open_.begin(); it != open_.end(); ++it)
          if (it->second.first_us < oldest->second.first_us) oldest = it;
        lines += removal(oldest->second);
        open_.erase(oldest);
      }
    } else if (auto it = open_.find(k); it != open_.end()) {
      it->second.end_seq = m.seq;
      lines += record(it->second);
    }
  }
  if (!lines.empty()) append(lines);
}

void OpenTracks::after_submit(const FrameAnalytics& frame, const std::vector<schema::Message>& msgs,
                              const std::vector<bool>& accepted, int64_t now_us) {
  std::string lines;
  for (size_t i = 0; i < msgs.size() && i < accepted.size(); ++i) {
    const auto& m = msgs[i];
    uint64_t id = 0;
    std::string cls;
    if (!track_of(m, &id, &cls)) continue;
    auto it = open_.find(track_key(m.store_id, m.camera_id, id));
    if (it == open_.end()) continue;
    if (m.type == "track_started" && !accepted[i] && it->second.start_seq == m.seq) {
      lines += removal(it->second);  // dropped by the spool policy: never seen open downstream
      open_.erase(it);
    } else if (m.type == "track_ended" && it->second.end_seq == m.seq) {
      if (accepted[i]) {
        lines += removal(it->second);
        open_.erase(it);
      } else {
        it->second.end_seq = kNoSeq;  // the end was dropped: the track stays open downstream
        lines += record(it->second);
      }
    }
  }
  const int64_t t_us = frame.source.capture_time_us > 0 ? frame.source.capture_time_us : now_us;
  if (!open_.empty())
    for (const auto& o : frame.objects) {
      if (o.track_id == 0) continue;
      for (auto& [k, t] : open_)
        if (t.track_id == o.track_id) {
          t.last_us = t_us;
          ++t.frames;
          dirty_ = true;
        }
    }
  if (!lines.empty()) append(lines);
  // Frame counts and times (the duration a restart reports) are saved at most once a second,
  // by rewriting the set: that also keeps the journal short.
  if (dirty_ && now_us - saved_us_ > G_USEC_PER_SEC) {
    saved_us_ = now_us;
    save();
  } else if (journal_lines_ > 4 * open_.size() + 256) {
    save();
  }
}

void OpenTracks::reset(const std::vector<Track>& tracks) {
  open_.clear();
  for (const auto& t : tracks) open_[track_key(t.store_id, t.camera_id, t.track_id)] = t;
  save();
}

std::string OpenTracks::record(const Track& t) {
  return clean(t.store_id) + "\t" + clean(t.camera_id) + "\t" + std::to_string(t.track_id) + "\t" +
         clean(t.cls) + "\t" + t.run_id + "\t" + std::to_string(t.first_us) + "\t" +
         std::to_string(t.last_us) + "\t" + std::to_string(t.frames) + "\t" +
         seq_field(t.start_seq) + "\t" + seq_field(t.end_seq) + "\n";
}

std::string OpenTracks::removal(const Track& t) {
  return "-\t" + clean(t.store_id) + "\t" + clean(t.camera_id) + "\t" + std::to_string(t.track_id) +
         "\n";
}

OpenTracks::~OpenTracks() {
  if (fd_ >= 0) close(fd_);
}

void OpenTracks::append(const std::string& lines) {
  if (fd_ < 0 || stale_) {  // first write, or an append failed: the whole set is written
    save();
    return;
  }
  // One write per frame; a kill can tear only the last line, which load() ignores.
  if (write(fd_, lines.data(), lines.size()) == static_cast<ssize_t>(lines.size())) {
    journal_lines_ += static_cast<size_t>(std::count(lines.begin(), lines.end(), '\n'));
    return;
  }
  failed(errno);
}

void OpenTracks::save() {
  dirty_ = false;
  std::string text;
  for (const auto& [k, t] : open_) text += record(t);
  // tmp + rename: a crash of the process leaves the old set or the new one, never half of one
  // (no fsync: a power cut loses the page cache of the spool too). Changes are then appended.
  const std::string tmp = path_ + ".tmp";
  const int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  bool ok = fd >= 0 && write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  const int err = errno;
  ok = ok && rename(tmp.c_str(), path_.c_str()) == 0;
  if (!ok) {
    if (fd >= 0) close(fd);
    failed(err);
    return;
  }
  if (fd_ >= 0) close(fd_);
  fd_ = fd;  // the renamed file, at its end: appends go there
  journal_lines_ = open_.size();
  stale_ = false;
  warned_ = false;
}

void OpenTracks::failed(int err) {
  stale_ = true;  // the file misses a change: the next write rewrites the set
  if (!warned_)   // a full disk: said once, retried on the next change
    log::warning("delivery", "cannot save the open tracks in " + path_ + ": " + strerror(err));
  warned_ = true;
}

EventSink::EventSink(const SinkOptions& o, Delivery::OnStats on_stats) {
  const Config& d = o.delivery;
  const bool file_mode = d.brokers.empty();
  if (file_mode && d.location.empty())
    throw Error(ErrorKind::kConfig,
                "kafkasink: neither brokers nor location is set: set brokers=host:port for Kafka "
                "or location=events.jsonl for a JSON-lines file");
  if (!file_mode && d.topic.empty())
    throw Error(ErrorKind::kConfig,
                "topic: no Kafka topic set: set topic (default edge-telemetry)");
  if (o.events.key_template.empty())
    throw Error(ErrorKind::kConfig,
                "key: the message key template is empty: use e.g. "
                "{store_id}/{camera_id}");
  KafkaSettings ks;
  ks.brokers = d.brokers;
  ks.topic = d.topic;
  ks.overrides = parse_kafka_config(d.kafka_config);
  ProducerFactory factory;
  if (file_mode) {
    const std::string loc = d.location;
    factory = [loc] { return make_file_producer(loc); };
  } else {
    factory = [ks] { return make_kafka_producer(ks); };
  }
  const std::string spool_dir =
      d.spool_dir.empty() ? default_spool_dir(o.events.store_id, o.events.camera_id) : d.spool_dir;
  // The producer is built once here so an unknown librdkafka key fails before the spool opens.
  (void)factory();
  if (!file_mode) {
    std::string reason;
    if (!probe_brokers(ks, o.probe_timeout_ms, &reason))
      broker_warning_ = "kafkasink: no Kafka broker answered at '" + d.brokers + "' (" + reason +
                        "): events are kept in the spool " + spool_dir +
                        " and sent when it is reachable; check brokers= and the network";
  }
  delivery_ = std::make_unique<Delivery>(d, factory, spool_dir, std::move(on_stats), file_mode);
  builder_ = std::make_unique<schema::EventBuilder>(
      o.events, schema::new_uuid(), [this](const std::string& store, const std::string& camera) {
        return delivery_->next_seq(store + "/" + camera);  // the key submit() marks
      });
  open_tracks_ = std::make_unique<OpenTracks>(delivery_->spool_dir() + "/open-tracks");
  close_tracks_left_open();
}

void EventSink::close_tracks_left_open() {
  auto left = OpenTracks::left_open(open_tracks_->load(), [this](const std::string& camera) {
    return delivery_->written_seq(camera);
  });
  if (left.empty()) {
    open_tracks_->reset({});
    return;
  }
  const int64_t now = g_get_real_time();
  std::vector<schema::Message> closing;
  for (auto& t : left) {
    FrameAnalytics f;
    f.source.store_id = t.store_id;
    f.source.camera_id = t.camera_id;
    f.source.capture_time_us = now;
    json::Writer w;
    w.field("track_id", t.track_id)
        .field("class", t.cls)
        .field("duration_ms", std::max<int64_t>(0, (t.last_us - t.first_us) / 1000))
        .field("frames", static_cast<int64_t>(t.frames))
        .field("reason", "restart")
        .field("run_id", t.run_id);
    f.events.push_back({"track_ended", w.str()});
    for (auto& m : builder_->build(f, now)) {
      t.end_seq = m.seq;  // a kill during these submits must not close the track twice
      closing.push_back(std::move(m));
    }
  }
  open_tracks_->reset(left);
  for (const auto& m : closing) submit(m);
  log::info("delivery", std::to_string(left.size()) +
                            " tracks open when the previous run stopped were closed "
                            "(track_ended, reason restart)");
  open_tracks_->reset({});
}

EventSink::~EventSink() {
  if (delivery_) delivery_->stop(0);
}

EventSink::PushResult EventSink::push(const FrameAnalytics& frame, int64_t now_us) {
  PushResult r;
  const auto msgs = builder_->build(frame, now_us, &r.rejected);
  const int64_t t_us = frame.source.capture_time_us > 0 ? frame.source.capture_time_us : now_us;
  open_tracks_->before_submit(msgs, builder_->pipeline_run_id(), t_us);
  std::vector<bool> accepted(msgs.size(), false);
  for (size_t i = 0; i < msgs.size(); ++i) {
    accepted[i] = submit(msgs[i]);
    if (accepted[i])
      ++r.accepted;
    else
      ++r.dropped;
  }
  open_tracks_->after_submit(frame, msgs, accepted, now_us);
  r.warning = delivery_->take_warning();
  return r;
}

bool EventSink::submit(const schema::Message& m) {
  const Delivery::SeqMark mark{m.store_id + "/" + m.camera_id, m.seq};
  return delivery_->submit(m.key, m.value, &mark);
}

void EventSink::unblock(bool on) {
  if (on)
    delivery_->unblock();
  else
    delivery_->reblock();
}

}  // namespace retail::delivery
