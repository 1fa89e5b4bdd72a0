/**
 * SECTION:element-kafkasink
 * @title: kafkasink
 *
 * Turns the gst-retail analytics riding on each video buffer into versioned JSON events
 * (configs/schema/retail-event.v1.schema.json, docs/EVENTS.md) and produces them to Kafka with an
 * idempotent librdkafka producer (acks=all). Every event is first appended to an on-disk spool,
 * so a broker outage, a full in-memory queue or a crash of the process loses nothing: the spool
 * is replayed in order when the broker answers again (also by the next run). render() never
 * waits for the network. With no `brokers`, events go to a JSON-lines file (`location`).
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 filesrc location=people.avi ! decodebin ! videoconvert ! retaildetect ! \
 *     retailtrack ! kafkasink brokers=127.0.0.1:9092 store-id=store-1 camera-id=cam-1
 * gst-launch-1.0 -e videotestsrc num-buffers=100 ! kafkasink location=/tmp/events.jsonl
 * ]|
 */
#include "kafkasink/gstkafkasink.h"

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "common/error.h"
#include "common/glue.h"
#include "delivery/event_sink.h"
#include "meta/retail_meta.h"

GST_DEBUG_CATEGORY_STATIC(gst_retail_kafka_sink_debug);
#define GST_CAT_DEFAULT gst_retail_kafka_sink_debug

namespace {

using retail::delivery::Counters;
using retail::delivery::SpoolFullPolicy;

enum {
  PROP_0,
  PROP_BROKERS,
  PROP_TOPIC,
  PROP_STORE_ID,
  PROP_CAMERA_ID,
  PROP_KEY,
  PROP_KAFKA_CONFIG,
  PROP_SPOOL_DIR,
  PROP_SPOOL_MAX_BYTES,
  PROP_FLUSH_TIMEOUT_MS,
  PROP_ON_SPOOL_FULL,
  PROP_FRAME_SUMMARY_INTERVAL_MS,
  PROP_DETECTIONS,
  PROP_LOCATION,
  PROP_STATS_INTERVAL_MS,
  // read-only counters
  PROP_PRODUCED,
  PROP_DELIVERED,
  PROP_SPOOLED,
  PROP_REPLAYED,
  PROP_RESENT,
  PROP_DROPPED_BY_POLICY,
  PROP_SPOOL_BYTES,
  PROP_BROKER_STATE,
};

constexpr uint64_t kMinSpoolBytes = 64 * 1024;

struct Settings {
  retail::delivery::SinkOptions options;
};

struct State {
  // Shared so render() and unlock() can use it without holding the state lock while the
  // "block" policy waits for room.
  std::shared_ptr<retail::delivery::EventSink> sink;
  bool eos_flushed = false;
  uint64_t rejected = 0;
};

struct Impl {
  std::mutex settings_mutex;
  Settings settings;
  std::mutex state_mutex;
  std::optional<State> state;
  std::mutex counters_mutex;
  Counters last;  // counters of the last run, readable after stop()
};

}  // namespace

struct _GstRetailKafkaSink {
  GstBaseSink parent;
  Impl* impl;
};

G_DEFINE_TYPE(GstRetailKafkaSink, gst_retail_kafka_sink, GST_TYPE_BASE_SINK)
GST_ELEMENT_REGISTER_DEFINE(kafkasink, "kafkasink", GST_RANK_NONE, GST_TYPE_RETAIL_KAFKA_SINK)

GType gst_retail_kafka_sink_spool_full_get_type(void) {
  static GType type = 0;
  static const GEnumValue values[] = {
      {static_cast<gint>(SpoolFullPolicy::kDropOldest), "Drop the oldest spooled events (counted)",
       "drop-oldest"},
      {static_cast<gint>(SpoolFullPolicy::kDropNewest), "Drop the new events (counted)",
       "drop-newest"},
      {static_cast<gint>(SpoolFullPolicy::kBlock),
       "Block the pipeline until the spool has room (counted)", "block"},
      {0, nullptr, nullptr}};
  if (g_once_init_enter(&type)) {
    GType t = g_enum_register_static("GstRetailKafkaSinkSpoolFull", values);
    g_once_init_leave(&type, t);
  }
  return type;
}

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE(
    "sink", GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS("video/x-raw(ANY)"));

static GstStructure* counters_structure(const Counters& c) {
  return gst_structure_new("kafkasink-stats", "produced", G_TYPE_UINT64, c.produced, "delivered",
                           G_TYPE_UINT64, c.delivered, "spooled", G_TYPE_UINT64, c.spooled,
                           "replayed", G_TYPE_UINT64, c.replayed, "resent", G_TYPE_UINT64, c.resent,
                           "dropped-by-policy", G_TYPE_UINT64, c.dropped, "blocked", G_TYPE_UINT64,
                           c.blocked, "spool-bytes", G_TYPE_UINT64, c.spool_bytes, "spool-records",
                           G_TYPE_UINT64, c.spool_records, "broker-state", G_TYPE_STRING,
                           retail::delivery::to_string(c.broker_state), nullptr);
}

static void post_counters(GstRetailKafkaSink* self, const Counters& c) {
  {
    std::lock_guard<std::mutex> lk(self->impl->counters_mutex);
    self->impl->last = c;
  }
  gst_element_post_message(GST_ELEMENT(self),
                           gst_message_new_element(GST_OBJECT(self), counters_structure(c)));
}

static Counters current_counters(GstRetailKafkaSink* self) {
  {
    std::lock_guard<std::mutex> lk(self->impl->state_mutex);
    if (self->impl->state && self->impl->state->sink) return self->impl->state->sink->counters();
  }
  std::lock_guard<std::mutex> lk(self->impl->counters_mutex);
  return self->impl->last;
}

static void set_string(std::string* dst, const GValue* v) {
  const gchar* s = g_value_get_string(v);
  *dst = s != nullptr ? s : "";
}

static void gst_retail_kafka_sink_set_property(GObject* object, guint id, const GValue* v,
                                               GParamSpec* pspec) {
  auto* self = GST_RETAIL_KAFKA_SINK(object);
  std::lock_guard<std::mutex> lk(self->impl->settings_mutex);
  auto& o = self->impl->settings.options;
  switch (id) {
    case PROP_BROKERS:
      set_string(&o.delivery.brokers, v);
      break;
    case PROP_TOPIC:
      set_string(&o.delivery.topic, v);
      break;
    case PROP_STORE_ID:
      set_string(&o.events.store_id, v);
      break;
    case PROP_CAMERA_ID:
      set_string(&o.events.camera_id, v);
      break;
    case PROP_KEY:
      set_string(&o.events.key_template, v);
      break;
    case PROP_KAFKA_CONFIG:
      set_string(&o.delivery.kafka_config, v);
      break;
    case PROP_SPOOL_DIR:
      set_string(&o.delivery.spool_dir, v);
      break;
    case PROP_SPOOL_MAX_BYTES:
      o.delivery.spool_max_bytes = g_value_get_uint64(v);
      break;
    case PROP_FLUSH_TIMEOUT_MS:
      o.delivery.flush_timeout_ms = g_value_get_uint(v);
      break;
    case PROP_ON_SPOOL_FULL:
      o.delivery.on_spool_full = static_cast<SpoolFullPolicy>(g_value_get_enum(v));
      break;
    case PROP_FRAME_SUMMARY_INTERVAL_MS:
      o.events.frame_summary_interval_ms = g_value_get_uint(v);
      break;
    case PROP_DETECTIONS:
      o.events.detections = g_value_get_boolean(v) != FALSE;
      break;
    case PROP_LOCATION:
      set_string(&o.delivery.location, v);
      break;
    case PROP_STATS_INTERVAL_MS:
      o.delivery.stats_interval_ms = g_value_get_uint(v);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
      break;
  }
}

static void gst_retail_kafka_sink_get_property(GObject* object, guint id, GValue* v,
                                               GParamSpec* pspec) {
  auto* self = GST_RETAIL_KAFKA_SINK(object);
  if (id >= PROP_PRODUCED) {
    const Counters c = current_counters(self);
    switch (id) {
      case PROP_PRODUCED:
        g_value_set_uint64(v, c.produced);
        break;
      case PROP_DELIVERED:
        g_value_set_uint64(v, c.delivered);
        break;
      case PROP_SPOOLED:
        g_value_set_uint64(v, c.spooled);
        break;
      case PROP_REPLAYED:
        g_value_set_uint64(v, c.replayed);
        break;
      case PROP_RESENT:
        g_value_set_uint64(v, c.resent);
        break;
      case PROP_DROPPED_BY_POLICY:
        g_value_set_uint64(v, c.dropped);
        break;
      case PROP_SPOOL_BYTES:
        g_value_set_uint64(v, c.spool_bytes);
        break;
      case PROP_BROKER_STATE:
        g_value_set_string(v, retail::delivery::to_string(c.broker_state));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
        break;
    }
    return;
  }
  std::lock_guard<std::mutex> lk(self->impl->settings_mutex);
  const auto& o = self->impl->settings.options;
  switch (id) {
    case PROP_BROKERS:
      g_value_set_string(v, o.delivery.brokers.c_str());
      break;
    case PROP_TOPIC:
      g_value_set_string(v, o.delivery.topic.c_str());
      break;
    case PROP_STORE_ID:
      g_value_set_string(v, o.events.store_id.c_str());
      break;
    case PROP_CAMERA_ID:
      g_value_set_string(v, o.events.camera_id.c_str());
      break;
    case PROP_KEY:
      g_value_set_string(v, o.events.key_template.c_str());
      break;
    case PROP_KAFKA_CONFIG:
      g_value_set_string(v, o.delivery.kafka_config.c_str());
      break;
    case PROP_SPOOL_DIR:
      g_value_set_string(v, o.delivery.spool_dir.c_str());
      break;
    case PROP_SPOOL_MAX_BYTES:
      g_value_set_uint64(v, o.delivery.spool_max_bytes);
      break;
    case PROP_FLUSH_TIMEOUT_MS:
      g_value_set_uint(v, o.delivery.flush_timeout_ms);
      break;
    case PROP_ON_SPOOL_FULL:
      g_value_set_enum(v, static_cast<gint>(o.delivery.on_spool_full));
      break;
    case PROP_FRAME_SUMMARY_INTERVAL_MS:
      g_value_set_uint(v, o.events.frame_summary_interval_ms);
      break;
    case PROP_DETECTIONS:
      g_value_set_boolean(v, o.events.detections ? TRUE : FALSE);
      break;
    case PROP_LOCATION:
      g_value_set_string(v, o.delivery.location.c_str());
      break;
    case PROP_STATS_INTERVAL_MS:
      g_value_set_uint(v, o.delivery.stats_interval_ms);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
      break;
  }
}

static gboolean gst_retail_kafka_sink_start(GstBaseSink* bs) {
  auto* self = GST_RETAIL_KAFKA_SINK(bs);
  return RETAIL_GLUE_GUARD(self, FALSE, [&] {
    retail::delivery::SinkOptions options;
    {
      std::lock_guard<std::mutex> lk(self->impl->settings_mutex);
      options = self->impl->settings.options;
    }
    State st;
    st.sink = std::make_shared<retail::delivery::EventSink>(
        options, [self](const Counters& c) { post_counters(self, c); });
    if (!st.sink->broker_warning().empty())
      retail::glue::post_error(GST_ELEMENT(self),
                               retail::Error(retail::ErrorKind::kBroker, st.sink->broker_warning()),
                               __FILE__, GST_FUNCTION, __LINE__);
    GST_INFO_OBJECT(self, "started: %s, spool %s, run %s",
                    options.delivery.brokers.empty() ? options.delivery.location.c_str()
                                                     : options.delivery.brokers.c_str(),
                    st.sink->spool_dir().c_str(), st.sink->pipeline_run_id().c_str());
    std::lock_guard<std::mutex> lk(self->impl->state_mutex);
    self->impl->state = std::move(st);
    return TRUE;
  });
}

static void report_left(GstRetailKafkaSink* self, uint64_t left, const std::string& dir,
                        const char* when) {
  if (left == 0) return;
  GST_ELEMENT_WARNING(self, RESOURCE, WRITE,
                      ("%" G_GUINT64_FORMAT " events not delivered %s stay in the spool %s and "
                       "are sent by the next run: check that the broker is reachable",
                       left, when, dir.c_str()),
                      (nullptr));
}

static gboolean gst_retail_kafka_sink_stop(GstBaseSink* bs) {
  auto* self = GST_RETAIL_KAFKA_SINK(bs);
  return RETAIL_GLUE_GUARD(self, FALSE, [&] {
    std::optional<State> st;
    {
      std::lock_guard<std::mutex> lk(self->impl->state_mutex);
      st.swap(self->impl->state);
    }
    if (!st || !st->sink) return TRUE;
    int timeout_ms = 0;
    {
      std::lock_guard<std::mutex> lk(self->impl->settings_mutex);
      timeout_ms = static_cast<int>(self->impl->settings.options.delivery.flush_timeout_ms);
    }
    const uint64_t left = st->sink->stop(st->eos_flushed ? 0 : timeout_ms);
    {
      std::lock_guard<std::mutex> lk(self->impl->counters_mutex);
      self->impl->last = st->sink->counters();
    }
    if (!st->eos_flushed) report_left(self, left, st->sink->spool_dir(), "at stop");
    return TRUE;
  });
}

static GstFlowReturn gst_retail_kafka_sink_render(GstBaseSink* bs, GstBuffer* buf) {
  auto* self = GST_RETAIL_KAFKA_SINK(bs);
  return RETAIL_GLUE_GUARD(self, GST_FLOW_ERROR, [&] {
    retail::FrameAnalyticsPtr frame = retail::meta::read(buf);
    if (!frame) return GST_FLOW_OK;  // no gst-retail analytics on this buffer
    std::shared_ptr<retail::delivery::EventSink> sink;
    {
      std::lock_guard<std::mutex> lk(self->impl->state_mutex);
      if (!self->impl->state) return GST_FLOW_FLUSHING;
      sink = self->impl->state->sink;
    }
    auto r = sink->push(*frame, g_get_real_time());  // disk only, never the network
    GST_LOG_OBJECT(self, "frame %" G_GUINT64_FORMAT ": %zu events", frame->source.frame_index,
                   r.accepted);
    if (!r.warning.empty())  // once per disk-full episode; the flow goes on (on-spool-full)
      GST_ELEMENT_WARNING(self, RESOURCE, NO_SPACE_LEFT, ("%s", r.warning.c_str()), (nullptr));
    if (!r.rejected.empty()) {
      std::lock_guard<std::mutex> lk(self->impl->state_mutex);
      if (!self->impl->state) return GST_FLOW_OK;
      for (const auto& why : r.rejected) {
        const uint64_t n = ++self->impl->state->rejected;
        if (n % 100 == 1)  // every malformed event is counted; 1 in 100 is posted
          GST_ELEMENT_WARNING(
              self, STREAM, FORMAT,
              ("an upstream event was not sent: %s (%" G_GUINT64_FORMAT " so far)", why.c_str(), n),
              (nullptr));
      }
    }
    return GST_FLOW_OK;
  });
}

static gboolean gst_retail_kafka_sink_event(GstBaseSink* bs, GstEvent* event) {
  auto* self = GST_RETAIL_KAFKA_SINK(bs);
  // Events that upstream stages emit at EOS (no frame left to carry them) arrive in a
  // "retail-final-events" event; they are published like a frame's events.
  if (retail::FrameAnalyticsPtr final_events = retail::meta::parse_final_events(event)) {
    RETAIL_GLUE_GUARD(self, FALSE, [&] {
      std::shared_ptr<retail::delivery::EventSink> sink;
      {
        std::lock_guard<std::mutex> lk(self->impl->state_mutex);
        if (!self->impl->state) return TRUE;
        sink = self->impl->state->sink;
      }
      const auto r = sink->push(*final_events, g_get_real_time());
      GST_DEBUG_OBJECT(self, "%zu end-of-stream events from upstream", r.accepted);
      return TRUE;
    });
  }
  if (GST_EVENT_TYPE(event) == GST_EVENT_EOS) {
    RETAIL_GLUE_GUARD(self, FALSE, [&] {
      int timeout_ms = 0;
      {
        std::lock_guard<std::mutex> lk(self->impl->settings_mutex);
        timeout_ms = static_cast<int>(self->impl->settings.options.delivery.flush_timeout_ms);
      }
      std::shared_ptr<retail::delivery::EventSink> sink;
      {
        std::lock_guard<std::mutex> lk(self->impl->state_mutex);
        if (!self->impl->state) return TRUE;
        self->impl->state->eos_flushed = true;
        sink = self->impl->state->sink;
      }
      sink->stream_ended();
      const uint64_t left = sink->flush(timeout_ms);
      post_counters(self, sink->counters());
      report_left(self, left, sink->spool_dir(), "at EOS");
      return TRUE;
    });
  }
  return GST_BASE_SINK_CLASS(gst_retail_kafka_sink_parent_class)->event(bs, event);
}

// Only the "block" policy waits in render(): unlock wakes it (the event is then spooled past
// the bound rather than dropped); unlock_stop restores the policy.
static gboolean set_unblocked(GstBaseSink* bs, bool on) {
  auto* self = GST_RETAIL_KAFKA_SINK(bs);
  std::shared_ptr<retail::delivery::EventSink> sink;
  {
    std::lock_guard<std::mutex> lk(self->impl->state_mutex);
    if (self->impl->state) sink = self->impl->state->sink;
  }
  if (sink) sink->unblock(on);
  return TRUE;
}
static gboolean gst_retail_kafka_sink_unlock(GstBaseSink* bs) { return set_unblocked(bs, true); }
static gboolean gst_retail_kafka_sink_unlock_stop(GstBaseSink* bs) {
  return set_unblocked(bs, false);
}

static void gst_retail_kafka_sink_init(GstRetailKafkaSink* self) {
  self->impl = new Impl();
  gst_base_sink_set_sync(GST_BASE_SINK(self), FALSE);
}

static void gst_retail_kafka_sink_finalize(GObject* object) {
  auto* self = GST_RETAIL_KAFKA_SINK(object);
  delete self->impl;
  G_OBJECT_CLASS(gst_retail_kafka_sink_parent_class)->finalize(object);
}

static void gst_retail_kafka_sink_class_init(GstRetailKafkaSinkClass* klass) {
  GObjectClass* oc = G_OBJECT_CLASS(klass);
  GstElementClass* ec = GST_ELEMENT_CLASS(klass);
  GstBaseSinkClass* bc = GST_BASE_SINK_CLASS(klass);
  GST_DEBUG_CATEGORY_INIT(gst_retail_kafka_sink_debug, "kafkasink", 0,
                          "gst-retail events to Kafka");
  oc->set_property = gst_retail_kafka_sink_set_property;
  oc->get_property = gst_retail_kafka_sink_get_property;
  oc->finalize = gst_retail_kafka_sink_finalize;

  const retail::delivery::SinkOptions d;  // defaults come from core
  const auto rw = static_cast<GParamFlags>(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                                           GST_PARAM_MUTABLE_READY);
  const auto ro = static_cast<GParamFlags>(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  auto str = [&](guint id, const char* name, const char* blurb, const std::string& def) {
    g_object_class_install_property(oc, id,
                                    g_param_spec_string(name, name, blurb, def.c_str(), rw));
  };
  str(PROP_BROKERS, "brokers",
      "Kafka bootstrap servers (host:port,...); empty = write JSON lines to 'location'",
      d.delivery.brokers);
  str(PROP_TOPIC, "topic", "Kafka topic", d.delivery.topic);
  str(PROP_STORE_ID, "store-id", "Store id of the events (empty = from the frame metadata)",
      d.events.store_id);
  str(PROP_CAMERA_ID, "camera-id", "Camera id of the events (empty = from the frame metadata)",
      d.events.camera_id);
  str(PROP_KEY, "key",
      "Message key template; {store_id} and {camera_id} are replaced (one camera = one partition, "
      "in order)",
      d.events.key_template);
  str(PROP_KAFKA_CONFIG, "kafka-config",
      "librdkafka settings passed through: 'key=value;key=value' or a file with one per line "
      "(TLS, SASL, compression, enable.idempotence=false for brokers < 0.11)",
      d.delivery.kafka_config);
  str(PROP_SPOOL_DIR, "spool-dir",
      "Directory of the on-disk spool (empty = <user cache>/gst-retail/spool/<store>/<camera>)",
      d.delivery.spool_dir);
  g_object_class_install_property(
      oc, PROP_SPOOL_MAX_BYTES,
      g_param_spec_uint64(
          "spool-max-bytes", "Spool max bytes",
          "Bound of the undelivered events kept on disk (then on-spool-full applies)",
          kMinSpoolBytes, G_MAXUINT64, d.delivery.spool_max_bytes, rw));
  g_object_class_install_property(
      oc, PROP_FLUSH_TIMEOUT_MS,
      g_param_spec_uint("flush-timeout-ms", "Flush timeout (ms)",
                        "How long EOS/stop wait for deliveries; the rest stays in the spool", 0,
                        G_MAXUINT, d.delivery.flush_timeout_ms, rw));
  g_object_class_install_property(
      oc, PROP_ON_SPOOL_FULL,
      g_param_spec_enum("on-spool-full", "On spool full",
                        "What to do when the spool reaches spool-max-bytes (always counted)",
                        GST_TYPE_RETAIL_KAFKA_SINK_SPOOL_FULL,
                        static_cast<gint>(d.delivery.on_spool_full), rw));
  g_object_class_install_property(
      oc, PROP_FRAME_SUMMARY_INTERVAL_MS,
      g_param_spec_uint("frame-summary-interval-ms", "Frame summary interval (ms)",
                        "Emit a frame_summary event at most this often (0 = off)", 0, G_MAXUINT,
                        d.events.frame_summary_interval_ms, rw));
  g_object_class_install_property(
      oc, PROP_DETECTIONS,
      g_param_spec_boolean("detections", "Detections",
                           "Emit a detections event per frame with every object (no landmarks, "
                           "no pixels)",
                           d.events.detections ? TRUE : FALSE, rw));
  str(PROP_LOCATION, "location", "JSON-lines output file used when no brokers are set",
      d.delivery.location);
  g_object_class_install_property(
      oc, PROP_STATS_INTERVAL_MS,
      g_param_spec_uint("stats-interval-ms", "Stats interval (ms)",
                        "Period of the kafkasink-stats element messages (0 = only at EOS/stop)", 0,
                        G_MAXUINT, d.delivery.stats_interval_ms, rw));
  auto counter = [&](guint id, const char* name, const char* blurb) {
    g_object_class_install_property(oc, id,
                                    g_param_spec_uint64(name, name, blurb, 0, G_MAXUINT64, 0, ro));
  };
  counter(PROP_PRODUCED, "produced", "Messages handed to the producer (including re-sends)");
  counter(PROP_DELIVERED, "delivered", "Messages acknowledged by the broker (or written)");
  counter(PROP_SPOOLED, "spooled",
          "Events accepted while the broker was down or the in-flight window full");
  counter(PROP_REPLAYED, "replayed", "Events delivered from the spool backlog");
  counter(PROP_RESENT, "resent", "Events sent again after a failure (possible duplicates)");
  counter(PROP_DROPPED_BY_POLICY, "dropped-by-policy", "Events dropped by on-spool-full");
  counter(PROP_SPOOL_BYTES, "spool-bytes", "Undelivered bytes in the spool");
  g_object_class_install_property(oc, PROP_BROKER_STATE,
                                  g_param_spec_string("broker-state", "Broker state",
                                                      "unknown, up, down or file", "unknown", ro));

  gst_element_class_add_static_pad_template(ec, &sink_template);
  gst_element_class_set_static_metadata(
      ec, "Retail events to Kafka", "Sink/Network",
      "Sends the frame's analytics events as versioned JSON to Kafka (or a JSON-lines file), "
      "spooling to disk so nothing is lost while the broker is unreachable",
      "gst-retail <https://github.com/gst-retail/gst-retail>");
  gst_type_mark_as_plugin_api(GST_TYPE_RETAIL_KAFKA_SINK_SPOOL_FULL,
                              static_cast<GstPluginAPIFlags>(0));

  bc->start = gst_retail_kafka_sink_start;
  bc->stop = gst_retail_kafka_sink_stop;
  bc->render = gst_retail_kafka_sink_render;
  bc->event = gst_retail_kafka_sink_event;
  bc->unlock = gst_retail_kafka_sink_unlock;
  bc->unlock_stop = gst_retail_kafka_sink_unlock_stop;
}
