/**
 * SECTION:element-retailcamsrc
 * @title: retailcamsrc
 *
 * A camera source that comes back. A #GstBin around `uridecodebin3` (files, RTSP, HTTP) that
 * outputs raw video and:
 *
 * - reconnects a failed source (error, end of a live stream) and a silent one (no frame for
 *   `timeout-ms`, e.g. an RTSP server that hangs without closing) with capped, jittered
 *   exponential backoff. The inner decoder is rebuilt; no error reaches the pipeline, the source
 *   pad, its caps and segment stay, and timestamps continue, so other branches never notice;
 * - replays a file forever with `loop=true` and paces files like a camera (`sync=true`);
 * - bounds latency: when downstream is slower than a live camera the oldest frames are dropped
 *   (`drop-old`, `queue-size-buffers`), counted (`dropped-frames`) and warned about once per
 *   episode; a file never loses a frame unless `drop-old=true` (`auto`, the default);
 * - stamps `store-id`, `camera-id`, the frame index and the wall-clock capture time into the
 *   frame's gst-retail metadata (FrameAnalytics::source);
 * - posts element messages named `retailcamsrc` with `event` = `up`, `down` or `reconnect`
 *   and the counts (`frames`, `reconnects`, `attempt`, `delay-ms`, `reason`).
 *
 * The element behaves as a live source (no preroll); it connects when set to PLAYING.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 retailcamsrc uri=rtsp://127.0.0.1:8554/cam camera-id=entrance store-id=s1 ! \
 *     videoconvert ! autovideosink sync=false
 * ]| An RTSP camera that reconnects by itself.
 * |[
 * gst-launch-1.0 retailcamsrc uri=file://$RETAIL_SHARED_DIR/media/faces/hamilton_640x360.mp4 \
 *     loop=true camera-id=demo ! retaildetect interval=3 ! fakesink
 * ]| A clip replayed forever at its own frame rate, as if it were a camera.
 */
#include "retailcamsrc/gstretailcamsrc.h"

#include <gst/video/video.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "common/error.h"
#include "common/glue.h"
#include "config/camera_source.h"
#include "meta/retail_meta.h"

GST_DEBUG_CATEGORY_STATIC(gst_retail_cam_src_debug);
#define GST_CAT_DEFAULT gst_retail_cam_src_debug

namespace {

enum {
  PROP_0,
  PROP_URI,
  PROP_STORE_ID,
  PROP_CAMERA_ID,
  PROP_LOOP,
  PROP_SYNC,
  PROP_TIMEOUT_MS,
  PROP_BACKOFF_INITIAL_MS,
  PROP_BACKOFF_MAX_MS,
  PROP_BACKOFF_JITTER,
  PROP_QUEUE_SIZE_BUFFERS,
  PROP_DROP_OLD,
  PROP_MAX_FPS,
  PROP_RTSP_LATENCY_MS,
  PROP_RTSP_TCP,
  PROP_FRAMES,
  PROP_DROPPED_FRAMES,
  PROP_RECONNECTS,
  PROP_CONNECTED,
};

struct Settings {
  std::string uri;
  std::string store_id;
  std::string camera_id;
  retail::config::CameraSourceConfig config;
};

// kFailed: a source that can never work (missing or unplayable file); the element posted an
// error and stops trying (retail-launch rebuilds the camera with its own backoff).
enum class Phase { kIdle, kConnecting, kStreaming, kWaiting, kEnded, kFailed };

using Clock = std::chrono::steady_clock;

}  // namespace

struct RetailCamSrcImpl;

namespace {
// One per connection: lets the pad probe and callbacks tell a stale decoder from the current one.
struct Conn {
  RetailCamSrcImpl* impl;
  uint64_t gen;
};
}  // namespace

struct RetailCamSrcImpl {
  GstElement* self = nullptr;
  GstPad* ghost = nullptr;

  std::mutex settings_mutex;
  Settings settings;

  // Fixed chain, built at NULL->READY: [pace (clocksync)] ! [rate (videorate)] ! queue.
  GstElement* pace = nullptr;
  GstElement* rate = nullptr;
  GstElement* queue = nullptr;
  GstPad* entry = nullptr;  // sink pad the decoder links to

  // Counters (read-only properties), kept after stop.
  std::atomic<uint64_t> frames_in{0};
  std::atomic<uint64_t> frames_out{0};
  std::atomic<uint64_t> dropped{0};
  std::atomic<bool> drop_episode{false};        // a drop warning was posted (see on_overrun)
  std::atomic<uint64_t> frames_since_drop{0};  // written by the queue's two threads
  std::atomic<uint32_t> reconnects{0};
  std::atomic<bool> connected{false};

  // Run state, guarded by `mutex`.
  std::mutex mutex;
  std::condition_variable cv;
  std::thread supervisor;
  bool running = false;
  bool playing = false;
  Settings active;  // settings copied at start
  bool live = false;
  Phase phase = Phase::kIdle;
  uint64_t gen = 0;
  GstElement* decoder = nullptr;
  bool restart = false;
  bool restart_now = false;  // file loop: no backoff, not a failure
  bool restart_fatal = false;  // the source can never work: post an error, stop retrying
  bool warned_down = false;    // a warning was posted for the current outage
  std::string restart_reason;
  Clock::time_point last_activity;
  Clock::time_point next_attempt;
  std::optional<retail::config::Backoff> backoff;
  retail::config::Timeline timeline;
  GstSegment in_segment{};
  bool segment_sent = false;
  bool stream_started = false;
  bool eos_forced = false;
  bool was_up = false;
  // Seeking (files without loop): the decoder's segments and timestamps pass through, each
  // segment's base shifted so its first frame plays at the running time it arrives; seeks go to
  // the decoder and their flushes (seek_seqnum) pass. Live sources and loops refuse seeks.
  bool seekable = false;
  bool segment_pending = false;
  guint32 segment_seqnum = GST_SEQNUM_INVALID;
  guint32 seek_seqnum = GST_SEQNUM_INVALID;
  bool seek_refusal_posted = false;
  int width = 0;
  int height = 0;
};

struct _GstRetailCamSrc {
  GstBin parent;
  RetailCamSrcImpl* impl;
};

G_DEFINE_TYPE(GstRetailCamSrc, gst_retail_cam_src, GST_TYPE_BIN)
GST_ELEMENT_REGISTER_DEFINE(retailcamsrc, "retailcamsrc", GST_RANK_NONE, GST_TYPE_RETAIL_CAM_SRC)

GType gst_retail_cam_src_drop_old_get_type(void) {
  using retail::config::DropOld;
  static GType type = 0;
  // The nicks "true"/"false" keep drop-old=true|false (the former boolean) working.
  static const GEnumValue values[] = {
      {static_cast<gint>(DropOld::kAuto),
       "Drop for live sources (RTSP, UDP, SRT), keep every frame of files", "auto"},
      {static_cast<gint>(DropOld::kOn), "Always drop the oldest frame (bounded latency)", "true"},
      {static_cast<gint>(DropOld::kOff), "Never drop: the decoder waits for downstream", "false"},
      {0, nullptr, nullptr}};
  if (g_once_init_enter(&type)) {
    GType t = g_enum_register_static("GstRetailCamSrcDropOld", values);
    g_once_init_leave(&type, t);
  }
  return type;
}

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE(
    "src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS("video/x-raw(ANY)"));

namespace {

void post_status(RetailCamSrcImpl* impl, const char* event, const std::string& reason,
                 guint attempt, guint delay_ms) {
  std::string camera_id;
  std::string store_id;
  std::string uri;
  {
    std::lock_guard<std::mutex> lock(impl->mutex);
    camera_id = impl->active.camera_id;
    store_id = impl->active.store_id;
    uri = impl->active.uri;
  }
  GstStructure* s = gst_structure_new(
      "retailcamsrc", "event", G_TYPE_STRING, event, "camera-id", G_TYPE_STRING, camera_id.c_str(),
      "store-id", G_TYPE_STRING, store_id.c_str(), "uri", G_TYPE_STRING, uri.c_str(), "frames",
      G_TYPE_UINT64, impl->frames_out.load(), "dropped-frames", G_TYPE_UINT64, impl->dropped.load(),
      "reconnects", G_TYPE_UINT, impl->reconnects.load(), nullptr);
  if (!reason.empty()) gst_structure_set(s, "reason", G_TYPE_STRING, reason.c_str(), nullptr);
  if (std::string(event) == "reconnect")
    gst_structure_set(s, "attempt", G_TYPE_UINT, attempt, "delay-ms", G_TYPE_UINT, delay_ms,
                      nullptr);
  gst_element_post_message(impl->self, gst_message_new_element(GST_OBJECT(impl->self), s));
}

// Asks the supervisor to drop connection `gen` (ignored if it is no longer current).
void request_restart(RetailCamSrcImpl* impl, uint64_t gen, const std::string& reason, bool now,
                     bool fatal = false) {
  std::lock_guard<std::mutex> lock(impl->mutex);
  if (gen != impl->gen || impl->restart || !impl->running || impl->eos_forced) return;
  impl->restart = true;
  impl->restart_now = now;
  impl->restart_fatal = fatal;
  impl->restart_reason = reason;
  impl->cv.notify_all();
}

int64_t now_running_time(GstElement* element) {
  GstClock* clock = gst_element_get_clock(element);
  if (clock == nullptr) return -1;
  const GstClockTime now = gst_clock_get_time(clock);
  gst_object_unref(clock);
  const GstClockTime base = gst_element_get_base_time(element);
  return now > base ? static_cast<int64_t>(now - base) : 0;
}

int64_t segment_start_rt(const GstSegment* seg) {
  const GstClockTime pos = seg->rate >= 0 ? seg->start : seg->stop;
  if (!GST_CLOCK_TIME_IS_VALID(pos)) return static_cast<int64_t>(seg->base);
  const GstClockTime rt = gst_segment_to_running_time(seg, GST_FORMAT_TIME, pos);
  return GST_CLOCK_TIME_IS_VALID(rt) ? static_cast<int64_t>(rt) : -1;
}

// Called with impl->mutex held: the decoder's last segment, its base moved so that a frame at
// running time `in_rt` of that segment plays at `now_rt` (never earlier than the segment says).
GstEvent* take_pending_segment(RetailCamSrcImpl* impl, int64_t in_rt, int64_t now_rt) {
  impl->segment_pending = false;
  impl->segment_sent = true;
  if (in_rt < 0 || now_rt <= in_rt) return nullptr;  // on time: the segment sent stays
  GstSegment& seg = impl->in_segment;
  seg.base += static_cast<guint64>(now_rt - in_rt);
  GstEvent* ev = gst_event_new_segment(&seg);
  if (impl->segment_seqnum != GST_SEQNUM_INVALID) gst_event_set_seqnum(ev, impl->segment_seqnum);
  return ev;
}

GstPadProbeReturn on_decoded(GstPad* pad, GstPadProbeInfo* info, gpointer data) {
  auto* conn = static_cast<Conn*>(data);
  RetailCamSrcImpl* impl = conn->impl;
  if ((info->type & GST_PAD_PROBE_TYPE_BUFFER) != 0) {
    bool first = false;
    int64_t out = 0;
    int width = 0;
    int height = 0;
    std::string store_id;
    std::string camera_id;
    int64_t in_rt = -1;
    {
      std::lock_guard<std::mutex> lock(impl->mutex);
      if (conn->gen != impl->gen || impl->eos_forced || !impl->running) return GST_PAD_PROBE_DROP;
      GstBuffer* b = GST_PAD_PROBE_INFO_BUFFER(info);
      const GstClockTime pts = GST_BUFFER_PTS(b);
      if (GST_CLOCK_TIME_IS_VALID(pts) && impl->in_segment.format == GST_FORMAT_TIME) {
        const GstClockTime rt =
            gst_segment_to_running_time(&impl->in_segment, GST_FORMAT_TIME, pts);
        if (GST_CLOCK_TIME_IS_VALID(rt)) in_rt = static_cast<int64_t>(rt);
      }
    }
    const int64_t now_rt = now_running_time(impl->self);
    GstEvent* segment = nullptr;
    {
      std::lock_guard<std::mutex> lock(impl->mutex);
      if (conn->gen != impl->gen) return GST_PAD_PROBE_DROP;
      if (impl->seekable) {
        // Timestamps stay the decoder's (position and duration agree); the pending segment goes
        // out first, based so this frame plays now.
        if (impl->segment_pending) segment = take_pending_segment(impl, in_rt, now_rt);
        const GstClockTime pts = GST_BUFFER_PTS(GST_PAD_PROBE_INFO_BUFFER(info));
        out = GST_CLOCK_TIME_IS_VALID(pts) ? static_cast<int64_t>(pts) : -1;
      } else {
        out = impl->timeline.map(in_rt, now_rt, impl->live);
      }
      impl->last_activity = Clock::now();
      if (impl->phase != Phase::kStreaming) {
        impl->phase = Phase::kStreaming;
        impl->warned_down = false;
        if (impl->backoff) impl->backoff->reset();
        first = true;
      }
      width = impl->width;
      height = impl->height;
      store_id = impl->active.store_id;
      camera_id = impl->active.camera_id;
    }
    if (segment != nullptr) gst_pad_send_event(impl->entry, segment);
    GstBuffer* buf = gst_buffer_make_writable(GST_PAD_PROBE_INFO_BUFFER(info));
    GST_PAD_PROBE_INFO_DATA(info) = buf;
    GST_BUFFER_PTS(buf) = out >= 0 ? static_cast<GstClockTime>(out) : GST_CLOCK_TIME_NONE;
    GST_BUFFER_DTS(buf) = GST_CLOCK_TIME_NONE;
    retail::FrameAnalytics fa = retail::meta::copy_or_new(buf);
    fa.source.store_id = store_id;
    fa.source.camera_id = camera_id;
    fa.source.frame_index = impl->frames_in.fetch_add(1);
    fa.source.pts_ns = out;
    fa.source.capture_time_us = g_get_real_time();
    fa.source.width = width;
    fa.source.height = height;
    retail::meta::write(buf, std::move(fa));
    if (first) {
      impl->connected = true;
      GST_INFO_OBJECT(impl->self, "camera up (%s)", camera_id.c_str());
      post_status(impl, "up", "", 0, 0);
    }
    return GST_PAD_PROBE_OK;
  }
  if ((info->type & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM) == 0) return GST_PAD_PROBE_OK;
  GstEvent* ev = GST_PAD_PROBE_INFO_EVENT(info);
  if (GST_EVENT_TYPE(ev) == GST_EVENT_EOS) {
    // A segment still pending (a seek past the last frame) goes out before the EOS.
    GstEvent* segment = nullptr;
    {
      std::lock_guard<std::mutex> lock(impl->mutex);
      if (conn->gen == impl->gen && !impl->eos_forced && impl->seekable &&
          impl->segment_pending)
        segment = take_pending_segment(impl, -1, -1);
    }
    if (segment != nullptr) gst_pad_send_event(impl->entry, segment);
  }
  const int64_t seg_now_rt =
      GST_EVENT_TYPE(ev) == GST_EVENT_SEGMENT ? now_running_time(impl->self) : -1;
  std::lock_guard<std::mutex> lock(impl->mutex);
  if (conn->gen != impl->gen || impl->eos_forced) return GST_PAD_PROBE_DROP;
  switch (GST_EVENT_TYPE(ev)) {
    case GST_EVENT_STREAM_START:
      if (impl->stream_started) return GST_PAD_PROBE_DROP;
      impl->stream_started = true;
      return GST_PAD_PROBE_OK;
    case GST_EVENT_SEGMENT: {
      // Remember the connection's segment; downstream keeps one segment for all connections.
      gst_event_copy_segment(ev, &impl->in_segment);
      if (impl->seekable) {
        // The decoder's segment passes, based so its start plays now; the first frame moves
        // the base again if it comes later (take_pending_segment).
        impl->segment_seqnum = gst_event_get_seqnum(ev);
        GstEvent* out =
            take_pending_segment(impl, segment_start_rt(&impl->in_segment), seg_now_rt);
        impl->segment_pending = true;
        if (out != nullptr) {
          GST_PAD_PROBE_INFO_DATA(info) = out;
          gst_event_unref(ev);
        }
        return GST_PAD_PROBE_OK;
      }
      if (impl->segment_sent) return GST_PAD_PROBE_DROP;
      impl->segment_sent = true;
      GstSegment seg;
      gst_segment_init(&seg, GST_FORMAT_TIME);
      GstEvent* out = gst_event_new_segment(&seg);
      impl->segment_seqnum = gst_event_get_seqnum(out);  // the forced EOS carries it
      GST_PAD_PROBE_INFO_DATA(info) = out;
      gst_event_unref(ev);
      return GST_PAD_PROBE_OK;
    }
    case GST_EVENT_CAPS: {
      GstCaps* caps = nullptr;
      gst_event_parse_caps(ev, &caps);
      GstVideoInfo vi;
      if (caps != nullptr && gst_video_info_from_caps(&vi, caps)) {
        impl->width = GST_VIDEO_INFO_WIDTH(&vi);
        impl->height = GST_VIDEO_INFO_HEIGHT(&vi);
      }
      return GST_PAD_PROBE_OK;
    }
    case GST_EVENT_EOS: {
      if (!impl->live && !impl->active.config.loop) {
        impl->phase = Phase::kEnded;  // end of the file: a real end of stream
        impl->cv.notify_all();
        return GST_PAD_PROBE_OK;
      }
      const bool loop = !impl->live && impl->active.config.loop;
      if (!impl->restart && impl->running) {
        impl->restart = true;
        impl->restart_now = loop;
        impl->restart_reason = loop ? "end of file (loop)" : "the stream ended";
        impl->cv.notify_all();
      }
      return GST_PAD_PROBE_DROP;
    }
    case GST_EVENT_FLUSH_START:
    case GST_EVENT_FLUSH_STOP:
      // The flushes of a seek this element forwarded reach downstream; others (a decoder being
      // replaced) never do.
      if (impl->seekable && impl->seek_seqnum != GST_SEQNUM_INVALID &&
          gst_event_get_seqnum(ev) == impl->seek_seqnum)
        return GST_PAD_PROBE_OK;
      return GST_PAD_PROBE_DROP;
    case GST_EVENT_GAP:
      return GST_PAD_PROBE_DROP;
    default:
      return GST_PAD_PROBE_OK;
  }
}

GstPadProbeReturn drop_all(GstPad*, GstPadProbeInfo* info, gpointer) {
  if ((info->type & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM) != 0 &&
      GST_EVENT_IS_STICKY(GST_PAD_PROBE_INFO_EVENT(info)))
    return GST_PAD_PROBE_OK;
  return GST_PAD_PROBE_DROP;
}

void on_pad_added(GstElement* decoder, GstPad* pad, gpointer data) {
  auto* conn = static_cast<Conn*>(data);
  RetailCamSrcImpl* impl = conn->impl;
  GstCaps* caps = gst_pad_get_current_caps(pad);
  if (caps == nullptr) caps = gst_pad_query_caps(pad, nullptr);
  bool video = false;
  if (caps != nullptr && gst_caps_get_size(caps) > 0) {
    const gchar* name = gst_structure_get_name(gst_caps_get_structure(caps, 0));
    video = g_str_has_prefix(name, "video/");
  }
  if (caps != nullptr) gst_caps_unref(caps);
  const gchar* pad_name = GST_PAD_NAME(pad);
  if (!video && g_str_has_prefix(pad_name, "video")) video = true;
  const auto ptype =
      static_cast<GstPadProbeType>(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST |
                                   GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM);
  {
    std::lock_guard<std::mutex> lock(impl->mutex);
    if (conn->gen != impl->gen) video = false;
  }
  if (!video || gst_pad_is_linked(impl->entry)) {
    // Audio or a second video stream: consumed and dropped so the source never sees not-linked.
    gst_pad_add_probe(pad, ptype, drop_all, nullptr, nullptr);
    return;
  }
  auto* c = new Conn{impl, conn->gen};
  gst_pad_add_probe(pad, ptype, on_decoded, c, [](gpointer p) { delete static_cast<Conn*>(p); });
  const GstPadLinkReturn r = gst_pad_link(pad, impl->entry);
  if (r != GST_PAD_LINK_OK) {
    GST_WARNING_OBJECT(impl->self, "cannot link decoder pad %s: %s", pad_name,
                       gst_pad_link_get_name(r));
    request_restart(impl, conn->gen, "decoded video could not be linked", false);
  }
  (void)decoder;
}

void on_source_setup(GstElement*, GstElement* source, gpointer data) {
  auto* impl = static_cast<RetailCamSrcImpl*>(data);
  retail::config::CameraSourceConfig c;
  {
    std::lock_guard<std::mutex> lock(impl->mutex);
    c = impl->active.config;
  }
  GObjectClass* k = G_OBJECT_GET_CLASS(source);
  if (g_object_class_find_property(k, "latency") != nullptr &&
      g_object_class_find_property(k, "protocols") != nullptr) {  // rtspsrc
    g_object_set(source, "latency", c.rtsp_latency_ms, nullptr);
    if (c.rtsp_tcp) gst_util_set_object_arg(G_OBJECT(source), "protocols", "tcp");
    const guint64 tcp_timeout_us =
        static_cast<guint64>(c.timeout_ms > 0 ? c.timeout_ms : 20000) * 1000;
    if (g_object_class_find_property(k, "tcp-timeout") != nullptr)
      g_object_set(source, "tcp-timeout", tcp_timeout_us, nullptr);
    if (g_object_class_find_property(k, "teardown-timeout") != nullptr)
      g_object_set(source, "teardown-timeout", static_cast<guint64>(100 * GST_MSECOND), nullptr);
  }
}

void unlink_decoder_pads(RetailCamSrcImpl* impl) {
  GstPad* peer = gst_pad_get_peer(impl->entry);
  if (peer != nullptr) {
    gst_pad_unlink(peer, impl->entry);
    gst_object_unref(peer);
  }
}

// Supervisor-side: stops and removes the current decoder. Never called with impl->mutex held.
void teardown(RetailCamSrcImpl* impl, GstElement* decoder) {
  if (decoder == nullptr) return;
  unlink_decoder_pads(impl);
  gst_element_set_locked_state(decoder, TRUE);
  gst_element_set_state(decoder, GST_STATE_NULL);
  gst_bin_remove(GST_BIN(impl->self), decoder);
  gst_object_unref(decoder);
  // gst_bin_remove clears the source flag with the last source child; this bin stays a source
  // so the pipeline's EOS reaches it even while the camera is down.
  GST_OBJECT_FLAG_SET(impl->self, GST_ELEMENT_FLAG_SOURCE);
}

// Supervisor-side: creates and starts a decoder for a new connection.
void connect(RetailCamSrcImpl* impl) {
  std::string uri;
  uint64_t gen = 0;
  {
    std::lock_guard<std::mutex> lock(impl->mutex);
    gen = ++impl->gen;
    uri = impl->active.uri;
    impl->phase = Phase::kConnecting;
    impl->last_activity = Clock::now();
    impl->timeline.new_connection();
    gst_segment_init(&impl->in_segment, GST_FORMAT_TIME);
  }
  const std::string problem = retail::config::file_source_problem(uri);
  if (!problem.empty()) {
    request_restart(impl, gen, problem, false, true);
    return;
  }
  GstElement* dec = gst_element_factory_make("uridecodebin3", nullptr);
  if (dec == nullptr) dec = gst_element_factory_make("uridecodebin", nullptr);
  if (dec == nullptr) {
    request_restart(impl, gen, "uridecodebin3 is not installed (gstreamer1.0-plugins-base)", false);
    return;
  }
  g_object_set(dec, "uri", uri.c_str(), nullptr);
  auto* conn = new Conn{impl, gen};
  g_signal_connect_data(
      dec, "pad-added", G_CALLBACK(on_pad_added), conn,
      [](gpointer p, GClosure*) { delete static_cast<Conn*>(p); }, static_cast<GConnectFlags>(0));
  g_signal_connect(dec, "source-setup", G_CALLBACK(on_source_setup), impl);
  gst_object_ref(dec);
  {
    std::lock_guard<std::mutex> lock(impl->mutex);
    impl->decoder = dec;
  }
  gst_bin_add(GST_BIN(impl->self), dec);
  GST_DEBUG_OBJECT(impl->self, "connecting to %s (connection %" G_GUINT64_FORMAT ")", uri.c_str(),
                   gen);
  if (!gst_element_sync_state_with_parent(dec))
    request_restart(impl, gen, "cannot open " + uri, false);
}

void supervise(RetailCamSrcImpl* impl) {
  std::unique_lock<std::mutex> lock(impl->mutex);
  bool connect_now = true;
  while (impl->running) {
    if (!impl->playing) {
      impl->cv.wait_for(lock, std::chrono::milliseconds(200));
      continue;
    }
    if (connect_now && impl->phase != Phase::kEnded && impl->phase != Phase::kFailed &&
        !impl->eos_forced) {
      connect_now = false;
      lock.unlock();
      connect(impl);
      lock.lock();
      continue;
    }
    if (impl->restart) {
      impl->restart = false;
      const bool fatal = impl->restart_fatal;
      impl->restart_fatal = false;
      const bool now = impl->restart_now;
      const std::string reason = impl->restart_reason;
      GstElement* dec = impl->decoder;
      impl->decoder = nullptr;
      ++impl->gen;  // everything still in flight from the old decoder is dropped
      const bool was_streaming = impl->phase == Phase::kStreaming;
      impl->phase = Phase::kWaiting;
      if (fatal) impl->phase = Phase::kFailed;
      const std::string uri = impl->active.uri;
      const bool file = !retail::config::file_uri_path(uri).empty();
      const bool warn = !fatal && !now && !impl->warned_down;
      if (warn) impl->warned_down = true;
      lock.unlock();
      teardown(impl, dec);
      if (fatal) {
        impl->connected = false;
        GST_ELEMENT_ERROR(impl->self, RESOURCE, OPEN_READ, ("%s", reason.c_str()),
                          ("uri %s: the source can never work as configured; not retrying",
                           uri.c_str()));
        lock.lock();
        continue;
      }
      if (warn && !file)
        GST_ELEMENT_WARNING(impl->self, RESOURCE, READ,
                            ("camera %s is down: %s (retrying with backoff, up to backoff-max-ms)",
                             uri.c_str(), reason.c_str()),
                            (nullptr));
      if (now) {
        GST_DEBUG_OBJECT(impl->self, "%s: restarting", reason.c_str());
        lock.lock();
        connect_now = true;
        continue;
      }
      if (was_streaming || impl->connected) {
        impl->connected = false;
        GST_WARNING_OBJECT(impl->self, "camera down: %s", reason.c_str());
        post_status(impl, "down", reason, 0, 0);
      } else {
        GST_INFO_OBJECT(impl->self, "connection failed: %s", reason.c_str());
      }
      lock.lock();
      const guint attempt = impl->backoff->attempts() + 1;
      const guint delay = impl->backoff->next_ms();
      impl->next_attempt = Clock::now() + std::chrono::milliseconds(delay);
      impl->reconnects++;
      lock.unlock();
      post_status(impl, "reconnect", reason, attempt, delay);
      lock.lock();
      continue;
    }
    const auto now = Clock::now();
    if (impl->phase == Phase::kWaiting && now >= impl->next_attempt) {
      connect_now = true;
      continue;
    }
    const uint32_t timeout_ms = impl->active.config.timeout_ms;
    if (timeout_ms > 0 && (impl->phase == Phase::kConnecting || impl->phase == Phase::kStreaming) &&
        now - impl->last_activity > std::chrono::milliseconds(timeout_ms)) {
      impl->restart = true;
      impl->restart_now = false;
      impl->restart_reason =
          std::string(impl->phase == Phase::kConnecting ? "no answer for " : "no frame for ") +
          std::to_string(timeout_ms) + " ms (timeout-ms)";
      continue;
    }
    impl->cv.wait_for(lock, std::chrono::milliseconds(50));
  }
}

void stop_supervisor(RetailCamSrcImpl* impl) {
  GstElement* dec = nullptr;
  {
    std::lock_guard<std::mutex> lock(impl->mutex);
    if (!impl->running && !impl->supervisor.joinable()) return;
    impl->running = false;
    ++impl->gen;
    impl->cv.notify_all();
  }
  // A decoder thread may be blocked inside the fixed chain: clocksync holds every buffer while
  // PAUSED, a non-leaky queue while downstream is stuck. It holds its pad's stream lock there, so
  // stopping the decoder (below, or in a teardown the supervisor is running) would wait for it
  // forever. Stopping the chain first (downstream first) flushes it and releases that thread.
  for (GstElement* e : {impl->queue, impl->rate, impl->pace})
    if (e != nullptr) gst_element_set_state(e, GST_STATE_READY);
  if (impl->supervisor.joinable()) impl->supervisor.join();
  {
    std::lock_guard<std::mutex> lock(impl->mutex);
    dec = impl->decoder;
    impl->decoder = nullptr;
  }
  teardown(impl, dec);
  impl->connected = false;
}

// Frames passed on without a drop that end a dropping episode (the next drop warns again).
constexpr uint64_t kFramesEndingDropEpisode = 300;

void on_overrun(GstElement*, gpointer data) {
  // Connected only with leaky=downstream, where each overrun drops the oldest queued frame.
  auto* impl = static_cast<RetailCamSrcImpl*>(data);
  const uint64_t n = ++impl->dropped;
  impl->frames_since_drop = 0;
  if (!impl->drop_episode.exchange(true))
    GST_ELEMENT_WARNING(impl->self, STREAM, TOO_LAZY,
                        ("dropping frames: downstream is slower than the source"),
                        ("dropped the oldest queued frame (%" G_GUINT64_FORMAT
                         " so far, counted in dropped-frames); warned once until %" G_GUINT64_FORMAT
                         " frames pass without a drop. To keep every frame set drop-old=false "
                         "(the decoder then waits), or lighten the analysis (interval, max-fps)",
                         n, kFramesEndingDropEpisode));
}

GstPadProbeReturn on_output(GstPad*, GstPadProbeInfo* info, gpointer data) {
  if ((info->type & GST_PAD_PROBE_TYPE_BUFFER) != 0) {
    auto* impl = static_cast<RetailCamSrcImpl*>(data);
    impl->frames_out++;
    if (impl->drop_episode && ++impl->frames_since_drop >= kFramesEndingDropEpisode)
      impl->drop_episode = false;
  }
  return GST_PAD_PROBE_OK;
}

void destroy_chain(RetailCamSrcImpl* impl) {
  gst_ghost_pad_set_target(GST_GHOST_PAD(impl->ghost), nullptr);
  for (GstElement** e : {&impl->pace, &impl->rate, &impl->queue}) {
    if (*e == nullptr) continue;
    gst_element_set_state(*e, GST_STATE_NULL);
    gst_bin_remove(GST_BIN(impl->self), *e);
    *e = nullptr;
  }
  if (impl->entry != nullptr) {
    gst_object_unref(impl->entry);
    impl->entry = nullptr;
  }
}

void build_chain(RetailCamSrcImpl* impl, const Settings& s, bool live) {
  const auto& c = s.config;
  if (c.sync && !live) {
    impl->pace = gst_element_factory_make("clocksync", nullptr);
    if (impl->pace == nullptr)
      throw retail::Error(retail::ErrorKind::kNotFound,
                          "clocksync not found: install gstreamer1.0-plugins-base/core >= 1.16 "
                          "or set sync=false");
  }
  if (c.max_fps > 0.0) {
    impl->rate = gst_element_factory_make("videorate", nullptr);
    if (impl->rate == nullptr)
      throw retail::Error(
          retail::ErrorKind::kNotFound,
          "videorate not found: install gstreamer1.0-plugins-base or set max-fps=0");
    g_object_set(impl->rate, "drop-only", TRUE, "max-rate",
                 static_cast<gint>(std::max(1.0, c.max_fps + 0.5)), nullptr);
  }
  impl->queue = gst_element_factory_make("queue", nullptr);
  g_object_set(impl->queue, "max-size-buffers", c.queue_size_buffers, "max-size-bytes", 0U,
               "max-size-time", static_cast<guint64>(0), nullptr);
  if (retail::config::drops_old_frames(c, s.uri)) {
    gst_util_set_object_arg(G_OBJECT(impl->queue), "leaky", "downstream");
    g_signal_connect(impl->queue, "overrun", G_CALLBACK(on_overrun), impl);
  }
  GstElement* prev = nullptr;
  for (GstElement* e : {impl->pace, impl->rate, impl->queue}) {
    if (e == nullptr) continue;
    gst_bin_add(GST_BIN(impl->self), e);
    if (prev != nullptr) gst_element_link(prev, e);
    if (impl->entry == nullptr) impl->entry = gst_element_get_static_pad(e, "sink");
    prev = e;
  }
  GstPad* out = gst_element_get_static_pad(impl->queue, "src");
  gst_pad_add_probe(out, GST_PAD_PROBE_TYPE_BUFFER, on_output, impl, nullptr);
  gst_ghost_pad_set_target(GST_GHOST_PAD(impl->ghost), out);
  gst_object_unref(out);
}

gboolean ghost_query(GstPad* pad, GstObject* parent, GstQuery* query) {
  auto* self = GST_RETAIL_CAM_SRC(parent);
  if (GST_QUERY_TYPE(query) == GST_QUERY_LATENCY) {
    // A camera: live, with the RTSP jitterbuffer as minimum latency.
    GstClockTime min = 0;
    {
      std::lock_guard<std::mutex> lock(self->impl->mutex);
      if (self->impl->live) min = self->impl->active.config.rtsp_latency_ms * GST_MSECOND;
    }
    gst_query_set_latency(query, TRUE, min, GST_CLOCK_TIME_NONE);
    return TRUE;
  }
  bool seekable = false;
  bool loop = false;
  {
    std::lock_guard<std::mutex> lock(self->impl->mutex);
    seekable = self->impl->seekable;
    loop = self->impl->active.config.loop;
  }
  if (GST_QUERY_TYPE(query) == GST_QUERY_SEEKING && !seekable) {
    // A live camera or a clip replayed forever: honestly not seekable.
    GstFormat format = GST_FORMAT_UNDEFINED;
    gst_query_parse_seeking(query, &format, nullptr, nullptr, nullptr);
    gst_query_set_seeking(query, format, FALSE, 0, -1);
    return TRUE;
  }
  if (GST_QUERY_TYPE(query) == GST_QUERY_DURATION && loop) {
    // loop=true never ends: no duration (the position keeps growing past the file's length).
    GstFormat format = GST_FORMAT_UNDEFINED;
    gst_query_parse_duration(query, &format, nullptr);
    gst_query_set_duration(query, format, -1);
    return TRUE;
  }
  return gst_pad_query_default(pad, parent, query);
}

// Seeks from downstream: forwarded to the decoder on a file (its flushes then pass, see
// on_decoded); refused at once, with a warning posted once, on a live source or loop=true.
gboolean ghost_event(GstPad* pad, GstObject* parent, GstEvent* event) {
  auto* self = GST_RETAIL_CAM_SRC(parent);
  RetailCamSrcImpl* impl = self->impl;
  if (GST_EVENT_TYPE(event) != GST_EVENT_SEEK) return gst_pad_event_default(pad, parent, event);
  bool seekable = false;
  bool warn = false;
  bool live = false;
  {
    std::lock_guard<std::mutex> lock(impl->mutex);
    seekable = impl->seekable && !impl->eos_forced;
    if (seekable) {
      impl->seek_seqnum = gst_event_get_seqnum(event);
    } else if (!impl->seek_refusal_posted) {
      impl->seek_refusal_posted = true;
      warn = true;
    }
    live = impl->live;
  }
  if (seekable) return gst_pad_event_default(pad, parent, event);

  gst_event_unref(event);
  if (warn) {
    GST_ELEMENT_WARNING(self, RESOURCE, SEEK, ("seek refused"),
                        ("%s", live ? "a live camera cannot seek; seek a file (file://...) instead"
                                    : "loop=true replays the file forever and cannot seek; set "
                                      "loop=false to seek the file"));
  } else {
    GST_DEBUG_OBJECT(self, "seek refused (not seekable)");
  }
  return FALSE;
}

}  // namespace

static void gst_retail_cam_src_set_property(GObject* object, guint id, const GValue* value,
                                            GParamSpec* pspec) {
  auto* self = GST_RETAIL_CAM_SRC(object);
  std::lock_guard<std::mutex> lock(self->impl->settings_mutex);
  Settings& s = self->impl->settings;
  auto str = [value] {
    return std::string(g_value_get_string(value) ? g_value_get_string(value) : "");
  };
  switch (id) {
    case PROP_URI:
      s.uri = str();
      break;
    case PROP_STORE_ID:
      s.store_id = str();
      break;
    case PROP_CAMERA_ID:
      s.camera_id = str();
      break;
    case PROP_LOOP:
      s.config.loop = g_value_get_boolean(value) != FALSE;
      break;
    case PROP_SYNC:
      s.config.sync = g_value_get_boolean(value) != FALSE;
      break;
    case PROP_TIMEOUT_MS:
      s.config.timeout_ms = g_value_get_uint(value);
      break;
    case PROP_BACKOFF_INITIAL_MS:
      s.config.backoff_initial_ms = g_value_get_uint(value);
      break;
    case PROP_BACKOFF_MAX_MS:
      s.config.backoff_max_ms = g_value_get_uint(value);
      break;
    case PROP_BACKOFF_JITTER:
      s.config.backoff_jitter = g_value_get_double(value);
      break;
    case PROP_QUEUE_SIZE_BUFFERS:
      s.config.queue_size_buffers = g_value_get_uint(value);
      break;
    case PROP_DROP_OLD:
      s.config.drop_old = static_cast<retail::config::DropOld>(g_value_get_enum(value));
      break;
    case PROP_MAX_FPS:
      s.config.max_fps = g_value_get_double(value);
      break;
    case PROP_RTSP_LATENCY_MS:
      s.config.rtsp_latency_ms = g_value_get_uint(value);
      break;
    case PROP_RTSP_TCP:
      s.config.rtsp_tcp = g_value_get_boolean(value) != FALSE;
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
  }
}

static void gst_retail_cam_src_get_property(GObject* object, guint id, GValue* value,
                                            GParamSpec* pspec) {
  auto* self = GST_RETAIL_CAM_SRC(object);
  RetailCamSrcImpl* impl = self->impl;
  std::lock_guard<std::mutex> lock(impl->settings_mutex);
  const Settings& s = impl->settings;
  switch (id) {
    case PROP_URI:
      g_value_set_string(value, s.uri.c_str());
      break;
    case PROP_STORE_ID:
      g_value_set_string(value, s.store_id.c_str());
      break;
    case PROP_CAMERA_ID:
      g_value_set_string(value, s.camera_id.c_str());
      break;
    case PROP_LOOP:
      g_value_set_boolean(value, s.config.loop);
      break;
    case PROP_SYNC:
      g_value_set_boolean(value, s.config.sync);
      break;
    case PROP_TIMEOUT_MS:
      g_value_set_uint(value, s.config.timeout_ms);
      break;
    case PROP_BACKOFF_INITIAL_MS:
      g_value_set_uint(value, s.config.backoff_initial_ms);
      break;
    case PROP_BACKOFF_MAX_MS:
      g_value_set_uint(value, s.config.backoff_max_ms);
      break;
    case PROP_BACKOFF_JITTER:
      g_value_set_double(value, s.config.backoff_jitter);
      break;
    case PROP_QUEUE_SIZE_BUFFERS:
      g_value_set_uint(value, s.config.queue_size_buffers);
      break;
    case PROP_DROP_OLD:
      g_value_set_enum(value, static_cast<gint>(s.config.drop_old));
      break;
    case PROP_MAX_FPS:
      g_value_set_double(value, s.config.max_fps);
      break;
    case PROP_RTSP_LATENCY_MS:
      g_value_set_uint(value, s.config.rtsp_latency_ms);
      break;
    case PROP_RTSP_TCP:
      g_value_set_boolean(value, s.config.rtsp_tcp);
      break;
    case PROP_FRAMES:
      g_value_set_uint64(value, impl->frames_out.load());
      break;
    case PROP_DROPPED_FRAMES:
      g_value_set_uint64(value, impl->dropped.load());
      break;
    case PROP_RECONNECTS:
      g_value_set_uint(value, impl->reconnects.load());
      break;
    case PROP_CONNECTED:
      g_value_set_boolean(value, impl->connected.load());
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
  }
}

// Validates the settings and builds the fixed chain (NULL -> READY).
static bool gst_retail_cam_src_start(GstRetailCamSrc* self) {
  RetailCamSrcImpl* impl = self->impl;
  return RETAIL_GLUE_GUARD(self, false, [&] {
    Settings s;
    {
      std::lock_guard<std::mutex> lock(impl->settings_mutex);
      s = impl->settings;
    }
    retail::config::validate(s.config, s.uri);
    s.uri = retail::config::to_uri(s.uri);
    if (!gst_uri_is_valid(s.uri.c_str()))
      throw retail::Error(
          retail::ErrorKind::kConfig,
          "invalid uri '" + s.uri +
              "': use rtsp://host:port/path, http://..., file:///abs/path or a path");
    const bool live = retail::config::is_live_uri(s.uri);
    build_chain(impl, s, live);
    std::lock_guard<std::mutex> lock(impl->mutex);
    impl->active = s;
    impl->live = live;
    impl->seekable = !live && !s.config.loop;
    return true;
  });
}

static GstStateChangeReturn gst_retail_cam_src_change_state(GstElement* element,
                                                            GstStateChange transition) {
  auto* self = GST_RETAIL_CAM_SRC(element);
  RetailCamSrcImpl* impl = self->impl;
  switch (transition) {
    case GST_STATE_CHANGE_NULL_TO_READY:
      if (!gst_retail_cam_src_start(self)) {
        destroy_chain(impl);
        return GST_STATE_CHANGE_FAILURE;
      }
      break;
    case GST_STATE_CHANGE_READY_TO_PAUSED: {
      std::lock_guard<std::mutex> lock(impl->mutex);
      impl->frames_in = 0;
      impl->frames_out = 0;
      impl->dropped = 0;
      impl->reconnects = 0;
      impl->connected = false;
      impl->running = true;
      impl->playing = false;
      impl->phase = Phase::kIdle;
      impl->restart = false;
      impl->eos_forced = false;
      impl->segment_sent = false;
      impl->segment_pending = false;
      impl->segment_seqnum = GST_SEQNUM_INVALID;
      impl->seek_seqnum = GST_SEQNUM_INVALID;
      impl->seek_refusal_posted = false;
      impl->stream_started = false;
      impl->timeline = retail::config::Timeline();
      const auto& c = impl->active.config;
      impl->backoff.emplace(c.backoff_initial_ms, c.backoff_max_ms, c.backoff_jitter,
                            static_cast<uint32_t>(g_random_int()));
      impl->supervisor = std::thread(supervise, impl);
      break;
    }
    case GST_STATE_CHANGE_PLAYING_TO_PAUSED: {
      std::lock_guard<std::mutex> lock(impl->mutex);
      impl->playing = false;
      break;
    }
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      stop_supervisor(impl);
      break;
    default:
      break;
  }

  GstStateChangeReturn ret =
      GST_ELEMENT_CLASS(gst_retail_cam_src_parent_class)->change_state(element, transition);
  if (ret == GST_STATE_CHANGE_FAILURE) return ret;

  switch (transition) {
    case GST_STATE_CHANGE_READY_TO_PAUSED:
    case GST_STATE_CHANGE_PLAYING_TO_PAUSED:
      ret = GST_STATE_CHANGE_NO_PREROLL;  // a camera: live, nothing to preroll
      break;
    case GST_STATE_CHANGE_PAUSED_TO_PLAYING: {
      std::lock_guard<std::mutex> lock(impl->mutex);
      impl->playing = true;
      impl->cv.notify_all();
      break;
    }
    case GST_STATE_CHANGE_READY_TO_NULL:
      destroy_chain(impl);
      break;
    default:
      break;
  }
  return ret;
}

static gboolean gst_retail_cam_src_send_event(GstElement* element, GstEvent* event) {
  auto* self = GST_RETAIL_CAM_SRC(element);
  RetailCamSrcImpl* impl = self->impl;
  if (GST_EVENT_TYPE(event) == GST_EVENT_EOS) {
    // Shut down: stop reconnecting, drop what the decoder still sends, and end the stream
    // through the same queue as the frames (nothing overtakes them).
    GstPad* entry = nullptr;
    {
      std::lock_guard<std::mutex> lock(impl->mutex);
      if (impl->eos_forced || impl->phase == Phase::kEnded) {
        // Already ended (this EOS, or the file's own end): no second EOS downstream.
        gst_event_unref(event);
        return TRUE;
      }
      impl->eos_forced = true;
      ++impl->gen;
      impl->cv.notify_all();
      if (impl->entry != nullptr) entry = GST_PAD(gst_object_ref(impl->entry));
      // Like a demuxer's EOS: the seqnum of the segment it ends (the last one sent downstream).
      if (impl->segment_seqnum != GST_SEQNUM_INVALID) {
        event = gst_event_make_writable(event);
        gst_event_set_seqnum(event, impl->segment_seqnum);
      }
    }
    gboolean ok = FALSE;
    if (entry != nullptr) {
      ok = gst_pad_send_event(entry, event);
      gst_object_unref(entry);
    } else {
      gst_event_unref(event);
    }
    return ok;
  }
  if (GST_EVENT_TYPE(event) == GST_EVENT_SEEK) {
    // A seek sent to the element itself takes the same path as one from downstream.
    return gst_pad_send_event(impl->ghost, event);
  }
  return GST_ELEMENT_CLASS(gst_retail_cam_src_parent_class)->send_event(element, event);
}

static void gst_retail_cam_src_handle_message(GstBin* bin, GstMessage* message) {
  auto* self = GST_RETAIL_CAM_SRC(bin);
  RetailCamSrcImpl* impl = self->impl;
  GstElement* fixed[] = {impl->pace, impl->rate, impl->queue};
  GstObject* src = GST_MESSAGE_SRC(message);
  bool from_decoder = src != nullptr && src != GST_OBJECT(bin);
  for (GstElement* e : fixed)
    if (e != nullptr && src == GST_OBJECT(e)) from_decoder = false;
  if (from_decoder) {
    switch (GST_MESSAGE_TYPE(message)) {
      case GST_MESSAGE_ERROR: {
        GError* err = nullptr;
        gchar* dbg = nullptr;
        gst_message_parse_error(message, &err, &dbg);
        const std::string text = err != nullptr ? err->message : "unknown error";
        GST_INFO_OBJECT(self, "source error (handled, reconnecting): %s (%s)", text.c_str(),
                        dbg != nullptr ? dbg : "");
        g_clear_error(&err);
        g_free(dbg);
        uint64_t gen = 0;
        bool current = false;
        bool streamed = false;
        std::string uri;
        {
          // Only the current decoder's errors count; a decoder being torn down may still post.
          std::lock_guard<std::mutex> lock(impl->mutex);
          gen = impl->gen;
          uri = impl->active.uri;
          streamed = impl->phase == Phase::kStreaming || impl->frames_in.load() > 0;
          current = impl->decoder != nullptr &&
                    (src == GST_OBJECT(impl->decoder) ||
                     gst_object_has_as_ancestor(src, GST_OBJECT(impl->decoder)));
        }
        if (current) {
          // A local file that fails before its first frame (not a media file, truncated, no
          // video, unknown codec) fails the same way every time: an error, not a retry loop.
          const bool file = !retail::config::file_uri_path(uri).empty();
          if (file && !streamed) {
            const std::string path = retail::config::file_uri_path(uri);
            request_restart(impl, gen,
                            "camera file '" + path + "' cannot be played (" + text +
                                "): give a complete video file (e.g. check it with "
                                "gst-discoverer-1.0 " +
                                path + ")",
                            false, true);
          } else {
            request_restart(impl, gen, text, false);
          }
        }
        gst_message_unref(message);
        return;
      }
      case GST_MESSAGE_ASYNC_START:
      case GST_MESSAGE_ASYNC_DONE:
      case GST_MESSAGE_BUFFERING:
      case GST_MESSAGE_EOS:
      case GST_MESSAGE_CLOCK_LOST:
      case GST_MESSAGE_CLOCK_PROVIDE:
      case GST_MESSAGE_NEW_CLOCK:
        // The inner decoder comes and goes while the pipeline plays: none of its preroll,
        // buffering or clock messages may disturb the pipeline.
        gst_message_unref(message);
        return;
      default:
        break;
    }
  }
  GST_BIN_CLASS(gst_retail_cam_src_parent_class)->handle_message(bin, message);
}

static void gst_retail_cam_src_finalize(GObject* object) {
  auto* self = GST_RETAIL_CAM_SRC(object);
  delete self->impl;
  self->impl = nullptr;
  G_OBJECT_CLASS(gst_retail_cam_src_parent_class)->finalize(object);
}

static void gst_retail_cam_src_class_init(GstRetailCamSrcClass* klass) {
  auto* gobject_class = G_OBJECT_CLASS(klass);
  auto* element_class = GST_ELEMENT_CLASS(klass);
  auto* bin_class = GST_BIN_CLASS(klass);
  gobject_class->set_property = gst_retail_cam_src_set_property;
  gobject_class->get_property = gst_retail_cam_src_get_property;
  gobject_class->finalize = gst_retail_cam_src_finalize;
  element_class->change_state = gst_retail_cam_src_change_state;
  element_class->send_event = gst_retail_cam_src_send_event;
  bin_class->handle_message = gst_retail_cam_src_handle_message;

  const retail::config::CameraSourceConfig d;
  const auto rw = static_cast<GParamFlags>(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                                           GST_PARAM_MUTABLE_READY);
  const auto ro = static_cast<GParamFlags>(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_property(
      gobject_class, PROP_URI,
      g_param_spec_string("uri", "URI",
                          "Camera or clip: rtsp://host:port/path, http://..., file:///path or a "
                          "plain file path",
                          nullptr, rw));
  g_object_class_install_property(
      gobject_class, PROP_STORE_ID,
      g_param_spec_string("store-id", "Store id", "Store id stamped into every frame's metadata",
                          "", rw));
  g_object_class_install_property(
      gobject_class, PROP_CAMERA_ID,
      g_param_spec_string("camera-id", "Camera id", "Camera id stamped into every frame's metadata",
                          "", rw));
  g_object_class_install_property(
      gobject_class, PROP_LOOP,
      g_param_spec_boolean("loop", "Loop", "Replay a file forever (demo, soak tests)", d.loop, rw));
  g_object_class_install_property(
      gobject_class, PROP_SYNC,
      g_param_spec_boolean("sync", "Sync",
                           "Pace non-live sources (files, HTTP) at their frame rate, like a "
                           "camera; false = decode as fast as downstream takes frames",
                           d.sync, rw));
  g_object_class_install_property(
      gobject_class, PROP_TIMEOUT_MS,
      g_param_spec_uint("timeout-ms", "Timeout (ms)",
                        "Reconnect when no frame arrived for this long, e.g. a server that hangs "
                        "without closing (0 = never)",
                        0, G_MAXUINT, d.timeout_ms, rw));
  g_object_class_install_property(
      gobject_class, PROP_BACKOFF_INITIAL_MS,
      g_param_spec_uint("backoff-initial-ms", "Initial backoff (ms)",
                        "Delay before the first reconnect attempt; doubles on each failure", 1,
                        G_MAXUINT, d.backoff_initial_ms, rw));
  g_object_class_install_property(gobject_class, PROP_BACKOFF_MAX_MS,
                                  g_param_spec_uint("backoff-max-ms", "Maximum backoff (ms)",
                                                    "Cap of the exponential reconnect delay", 1,
                                                    G_MAXUINT, d.backoff_max_ms, rw));
  g_object_class_install_property(
      gobject_class, PROP_BACKOFF_JITTER,
      g_param_spec_double("backoff-jitter", "Backoff jitter",
                          "Random +-fraction applied to each reconnect delay so cameras that "
                          "fail together do not retry together",
                          0.0, 0.99, d.backoff_jitter, rw));
  g_object_class_install_property(
      gobject_class, PROP_QUEUE_SIZE_BUFFERS,
      g_param_spec_uint("queue-size-buffers", "Queue size (buffers)",
                        "Decoded frames kept for a slow downstream before the oldest is dropped", 1,
                        1000, d.queue_size_buffers, rw));
  g_object_class_install_property(
      gobject_class, PROP_DROP_OLD,
      g_param_spec_enum("drop-old", "Drop old frames",
                        "When downstream is slower than the source: drop the oldest frame "
                        "(bounded latency; counted in dropped-frames, warned once per episode) "
                        "or make the decoder wait. auto = drop for live sources only, so a file "
                        "(also with sync=false) never loses a frame",
                        GST_TYPE_RETAIL_CAM_SRC_DROP_OLD, static_cast<gint>(d.drop_old), rw));
  g_object_class_install_property(
      gobject_class, PROP_MAX_FPS,
      g_param_spec_double("max-fps", "Maximum frame rate",
                          "Drop frames above this rate (0 = the camera's rate)", 0.0, 1000.0,
                          d.max_fps, rw));
  g_object_class_install_property(
      gobject_class, PROP_RTSP_LATENCY_MS,
      g_param_spec_uint("rtsp-latency-ms", "RTSP latency (ms)", "rtspsrc jitterbuffer latency", 0,
                        10000, d.rtsp_latency_ms, rw));
  g_object_class_install_property(
      gobject_class, PROP_RTSP_TCP,
      g_param_spec_boolean("rtsp-tcp", "RTSP over TCP",
                           "Carry RTP inside the RTSP TCP connection (false = let rtspsrc try "
                           "UDP first)",
                           d.rtsp_tcp, rw));
  g_object_class_install_property(
      gobject_class, PROP_FRAMES,
      g_param_spec_uint64("frames", "Frames", "Frames delivered downstream since start", 0,
                          G_MAXUINT64, 0, ro));
  g_object_class_install_property(
      gobject_class, PROP_DROPPED_FRAMES,
      g_param_spec_uint64("dropped-frames", "Dropped frames",
                          "Oldest frames dropped because downstream was slower than the camera", 0,
                          G_MAXUINT64, 0, ro));
  g_object_class_install_property(
      gobject_class, PROP_RECONNECTS,
      g_param_spec_uint("reconnects", "Reconnects", "Reconnect attempts scheduled since start", 0,
                        G_MAXUINT, 0, ro));
  g_object_class_install_property(
      gobject_class, PROP_CONNECTED,
      g_param_spec_boolean("connected", "Connected", "TRUE while frames arrive from the camera",
                           FALSE, ro));

  gst_element_class_add_static_pad_template(element_class, &src_template);
  gst_type_mark_as_plugin_api(GST_TYPE_RETAIL_CAM_SRC_DROP_OLD, static_cast<GstPluginAPIFlags>(0));
  gst_element_class_set_static_metadata(
      element_class, "Retail camera source", "Source/Video/Network",
      "Decodes a camera or clip (RTSP, HTTP, file) to raw video, reconnects with backoff when it "
      "fails or stalls, drops the oldest frames when downstream is slow, and stamps store and "
      "camera ids into gst-retail metadata",
      "gst-retail <https://github.com/gst-retail/gst-retail>");
  GST_DEBUG_CATEGORY_INIT(gst_retail_cam_src_debug, "retailcamsrc", 0, "gst-retail camera source");
}

static void gst_retail_cam_src_init(GstRetailCamSrc* self) {
  self->impl = new RetailCamSrcImpl();
  self->impl->self = GST_ELEMENT(self);
  GstPadTemplate* tmpl = gst_static_pad_template_get(&src_template);
  self->impl->ghost = gst_ghost_pad_new_no_target_from_template("src", tmpl);
  gst_object_unref(tmpl);
  gst_pad_set_query_function(self->impl->ghost, ghost_query);
  gst_pad_set_event_function(self->impl->ghost, ghost_event);
  gst_element_add_pad(GST_ELEMENT(self), self->impl->ghost);
  GST_OBJECT_FLAG_SET(self, GST_ELEMENT_FLAG_SOURCE);
}
