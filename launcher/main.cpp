// retail-launch: runs a whole store (many cameras, one process) from one JSON config.
//
//   retail-launch configs/store.example.json     # run until SIGINT/SIGTERM
//   retail-launch --check store.json              # validate only
//   retail-launch --print-launch store.json       # the equivalent gst-launch-1.0 lines
//
// Exit codes: 0 clean shutdown (or every camera ended), 2 bad config, failed start or usage,
// 130 a second signal forced the exit. A runtime error never ends the process: the camera whose
// pipeline posted it is torn down and rebuilt alone, with capped exponential backoff.
//
// Threads: the main loop owns every camera's state, the HTTP server and the signal handlers, and
// never calls into a camera's elements in a way that can wait on a streaming thread. State
// changes, EOS and property reads of camera pipelines run on a worker pool (supervision below);
// the workers hand their results back to the main loop with g_idle_add.
#include <glib-unix.h>
#include <gst/gst.h>
#include <gst/pbutils/pbutils.h>
#include <libsoup/soup.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/error.h"
#include "common/prometheus.h"
#include "config/camera_source.h"
#include "config/store_config.h"
#include "plugin.h"
#include "store_pipeline.h"

namespace {

using retail::launcher::BranchStats;
using retail::launcher::CameraPipeline;
using retail::launcher::StorePipeline;

// Element counters sampled off the main thread (index into Sample::v).
enum Counter : size_t {
  kSourceFrames,
  kDroppedFrames,
  kReconnects,
  kProduced,
  kDelivered,
  kSpooled,
  kReplayed,
  kDroppedByPolicy,
  kSpoolBytes,  // a gauge: not summed over restarts
  kCounters
};
struct CounterProp {
  bool sink;  // kafkasink (else retailcamsrc)
  const char* prop;
};
constexpr CounterProp kProps[kCounters] = {
    {false, "frames"},  {false, "dropped-frames"},   {false, "reconnects"},
    {true, "produced"}, {true, "delivered"},         {true, "spooled"},
    {true, "replayed"}, {true, "dropped-by-policy"}, {true, "spool-bytes"}};

// One build of one camera's pipeline. Shared by the main loop and the worker tasks on it; the
// elements stay alive as long as any holder does.
struct Generation {
  uint64_t number = 0;
  std::unique_ptr<CameraPipeline> p;
  std::string start_error;  // set by the start task when the pipeline could not start
  std::array<std::atomic<uint64_t>, kCounters> v{};  // last sampled values (counters only grow)
  std::atomic<bool> connected{false};
  std::atomic<int> broker_up{0};  // kafkasink's broker-state: 1 "up" or "file", 0 otherwise
  std::atomic<bool> sampling{false};
  gint64 running_since_us = 0;  // main thread
};

enum class CamState { kStarting, kRunning, kStopping, kWaiting, kEnded, kStopped };

// Everything the main loop knows about one camera (main thread only, except the atomics).
struct Camera {
  size_t index = 0;
  std::string id;
  std::unique_ptr<BranchStats> stats = std::make_unique<BranchStats>();  // survives restarts
  CamState state = CamState::kStarting;
  std::shared_ptr<Generation> gen;  // while starting, running or stopping
  uint64_t generations = 0;
  std::array<uint64_t, kCounters> base{};  // sums over the generations already torn down
  std::atomic<uint64_t> restarts{0};
  std::optional<retail::config::Backoff> backoff;
  bool ended_after_stop = false;  // ... by the camera's own end of stream
  gint64 error_at_us = 0;
  uint32_t delay_ms = 0;
  std::string last_error;
  guint timer = 0;           // pending restart
  guint bus_watch = 0;       // on the current generation's bus
  gint64 down_since_us = 0;  // 0 = up
  // Updated once a second (main thread).
  uint64_t last_frames = 0;
  double fps = 0.0;
  double latency_s = 0.0;      // mean over the last second that had samples
  double latency_max_s = 0.0;  // max over that same second

  uint64_t value(Counter c) const {
    const uint64_t live = gen ? gen->v[c].load() : 0;
    return c == kSpoolBytes ? (gen ? live : base[c]) : base[c] + live;
  }
  bool up() const { return state == CamState::kRunning && gen && gen->connected.load(); }
};

struct App {
  retail::config::StoreConfig config;
  std::unique_ptr<StorePipeline> store;
  std::vector<std::unique_ptr<Camera>> cameras;
  GThreadPool* pool = nullptr;
  GMainLoop* loop = nullptr;
  SoupServer* server = nullptr;
  bool shutting_down = false;
  std::atomic<bool> exiting{false};  // main() is tearing down: the watchdog prints nothing
  std::atomic<int> exit_code{0};
  gint64 started_us = 0;
};

void log_line(const std::string& m) {
  std::fprintf(stderr, "retail-launch: %s\n", m.c_str());
  std::fflush(stderr);
}

std::string label(const std::string& v) { return retail::prometheus::escape_label(v); }

// A string property ("" when the element or the property is missing).
std::string string_prop(GstElement* e, const char* name) {
  if (e == nullptr || g_object_class_find_property(G_OBJECT_GET_CLASS(e), name) == nullptr)
    return "";
  gchar* v = nullptr;
  g_object_get(e, name, &v, nullptr);
  std::string out = v != nullptr ? v : "";
  g_free(v);
  return out;
}

guint64 u64_prop(GstElement* e, const char* name) {
  if (e == nullptr) return 0;
  GParamSpec* ps = g_object_class_find_property(G_OBJECT_GET_CLASS(e), name);
  if (ps == nullptr) return 0;
  GValue v = G_VALUE_INIT;
  g_value_init(&v, G_PARAM_SPEC_VALUE_TYPE(ps));
  g_object_get_property(G_OBJECT(e), name, &v);
  guint64 out = 0;
  if (G_VALUE_HOLDS_UINT64(&v))
    out = g_value_get_uint64(&v);
  else if (G_VALUE_HOLDS_UINT(&v))
    out = g_value_get_uint(&v);
  else if (G_VALUE_HOLDS_INT64(&v))
    out = static_cast<guint64>(std::max<gint64>(0, g_value_get_int64(&v)));
  else if (G_VALUE_HOLDS_INT(&v))
    out = static_cast<guint64>(std::max(0, g_value_get_int(&v)));
  else if (G_VALUE_HOLDS_BOOLEAN(&v))
    out = g_value_get_boolean(&v) ? 1 : 0;
  g_value_unset(&v);
  return out;
}

// ---- Worker tasks (never on the main thread) ----------------------------------------------

enum class TaskKind { kStart, kEos, kStop, kSample };
struct Task {
  TaskKind kind;
  App* app;
  Camera* cam;
  std::shared_ptr<Generation> gen;
};

// Reads the element counters of a generation into its atomics (may wait on element locks).
void sample(Generation* g) {
  CameraPipeline* p = g->p.get();
  if (p == nullptr) return;
  for (size_t i = 0; i < kCounters; ++i) {
    GstElement* e = kProps[i].sink ? p->kafkasink : p->camsrc;
    if (e == nullptr) continue;
    const uint64_t now = u64_prop(e, kProps[i].prop);
    if (i == kSpoolBytes) {
      g->v[i].store(now);
      continue;
    }
    uint64_t prev = g->v[i].load();
    while (now > prev && !g->v[i].compare_exchange_weak(prev, now)) {
    }
  }
  if (p->kafkasink != nullptr) {
    const std::string broker = string_prop(p->kafkasink, "broker-state");
    g->broker_up.store(broker == "up" || broker == "file" ? 1 : 0);
  }
  // Last: once retail_camera_up reads 1, the sink's state above has been sampled too.
  g->connected.store(u64_prop(p->camsrc, "connected") != 0);
}

std::string error_text(GstMessage* m, const StorePipeline& store) {
  GError* e = nullptr;
  gchar* dbg = nullptr;
  gst_message_parse_error(m, &e, &dbg);
  const std::string where = store.json_path_of(GST_MESSAGE_SRC(m));
  std::string text = std::string(GST_OBJECT_NAME(GST_MESSAGE_SRC(m))) +
                     (where.empty() ? "" : " (" + where + ")") + ": " +
                     (e != nullptr ? e->message : "error");
  if (dbg != nullptr) {  // one log line: the details may hold newlines
    std::string d = dbg;
    for (char& ch : d)
      if (ch == '\n') ch = ' ';
    text += " [" + d + "]";
  }
  g_clear_error(&e);
  g_free(dbg);
  return text;
}

gboolean on_task_done(gpointer data);

void run_task(gpointer data, gpointer) {
  auto* t = static_cast<Task*>(data);
  Generation* g = t->gen.get();
  switch (t->kind) {
    case TaskKind::kStart: {
      if (!g->p) {
        try {
          g->p = t->app->store->build(t->cam->index, t->cam->stats.get());
        } catch (const std::exception& e) {  // retail::Error: a setting the element refused
          g->start_error = std::string("cannot build the pipeline: ") + e.what();
        }
      }
      if (g->p) {
        if (gst_element_set_state(g->p->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
          g->start_error = "a stage failed to start";
          GstBus* bus = gst_element_get_bus(g->p->pipeline);
          if (GstMessage* m = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR)) {
            g->start_error = error_text(m, *t->app->store);
            gst_message_unref(m);
          }
          gst_object_unref(bus);
          gst_element_set_state(g->p->pipeline, GST_STATE_NULL);
          sample(g);
        }
      }
      g_idle_add(on_task_done, t);
      return;
    }
    case TaskKind::kEos:
      // Serialized event: may wait for the source's streaming thread, hence here.
      if (g->p) gst_element_send_event(g->p->camsrc, gst_event_new_eos());
      break;
    case TaskKind::kStop:
      if (g->p) {
        gst_element_set_state(g->p->pipeline, GST_STATE_NULL);  // joins the streaming threads
        sample(g);  // final values (the sinks keep their last counters after stop)
      }
      g_idle_add(on_task_done, t);
      return;
    case TaskKind::kSample:
      sample(g);
      g->sampling.store(false);
      break;
  }
  delete t;
}

void push(App* app, TaskKind kind, Camera* cam, std::shared_ptr<Generation> gen) {
  g_thread_pool_push(app->pool, new Task{kind, app, cam, std::move(gen)}, nullptr);
}

// ---- Supervision (main thread) ----------------------------------------------------------------

gboolean on_bus(GstBus*, GstMessage* m, gpointer data);

struct Watch {
  App* app;
  Camera* cam;
  uint64_t gen;
};

void maybe_quit(App* app) {
  bool all_ended = true;
  for (auto& c : app->cameras) {
    if (c->state != CamState::kEnded && c->state != CamState::kStopped) return;
    all_ended = all_ended && c->state == CamState::kEnded;
  }
  if (all_ended && !app->shutting_down) log_line("every camera ended (EOS)");
  g_main_loop_quit(app->loop);
}

void remove_watch(Camera* cam) {
  if (cam->bus_watch != 0) g_source_remove(cam->bus_watch);
  cam->bus_watch = 0;
}

// Stops the current generation on a worker; on_task_done decides what comes next.
void begin_stop(App* app, Camera* cam) {
  remove_watch(cam);
  cam->state = CamState::kStopping;
  push(app, TaskKind::kStop, cam, cam->gen);
}

void start_generation(App* app, Camera* cam, std::unique_ptr<CameraPipeline> built) {
  auto g = std::make_shared<Generation>();
  g->number = ++cam->generations;
  g->p = std::move(built);
  cam->gen = g;
  cam->state = CamState::kStarting;
  push(app, TaskKind::kStart, cam, g);
}

gboolean on_restart_timer(gpointer data) {
  auto* w = static_cast<Watch*>(data);
  w->cam->timer = 0;
  if (!w->app->shutting_down) {
    log_line("camera " + w->cam->id + ": restarting (restart " +
             std::to_string(w->cam->restarts.load()) + ")");
    start_generation(w->app, w->cam, nullptr);
  }
  return G_SOURCE_REMOVE;
}

// An error in one camera's pipeline: count it, stop that pipeline, rebuild it after the backoff.
void camera_failed(App* app, Camera* cam, const std::string& reason, bool at_start) {
  const gint64 now = g_get_monotonic_time();
  const auto& rb = app->config.restart_backoff;
  if (!at_start && cam->gen && cam->gen->running_since_us > 0 &&
      now - cam->gen->running_since_us >= static_cast<gint64>(rb.max_ms) * 1000)
    cam->backoff->reset();  // it had been running well: start the delays again from initial
  cam->delay_ms = cam->backoff->next_ms();
  cam->error_at_us = now;
  cam->last_error = reason;
  const uint64_t n = ++cam->restarts;
  if (cam->down_since_us == 0) cam->down_since_us = now;
  log_line("camera " + cam->id + (at_start ? ": restart failed: " : ": error: ") + reason +
           "; rebuilding this camera in " + std::to_string(cam->delay_ms) + " ms (restart " +
           std::to_string(n) + ", the other cameras keep running)");
}

// A worker finished a start or a stop (main thread).
gboolean on_task_done(gpointer data) {
  std::unique_ptr<Task> t(static_cast<Task*>(data));
  App* app = t->app;
  Camera* cam = t->cam;
  if (cam->gen != t->gen) return G_SOURCE_REMOVE;  // not expected: every task is on the current
  Generation* g = t->gen.get();
  if (t->kind == TaskKind::kStart) {
    if (!g->start_error.empty()) {
      if (!app->shutting_down) camera_failed(app, cam, g->start_error, true);
      cam->state = CamState::kStopping;  // already in NULL: retire it at once
      t->kind = TaskKind::kStop;
    } else if (app->shutting_down) {
      begin_stop(app, cam);
      return G_SOURCE_REMOVE;
    } else {
      auto* w = new Watch{app, cam, g->number};
      GstBus* bus = gst_element_get_bus(g->p->pipeline);
      cam->bus_watch = gst_bus_add_watch_full(bus, G_PRIORITY_DEFAULT, on_bus, w,
                                              [](gpointer p) { delete static_cast<Watch*>(p); });
      gst_object_unref(bus);
      cam->state = CamState::kRunning;
      g->running_since_us = g_get_monotonic_time();
      return G_SOURCE_REMOVE;
    }
  }
  // The generation is in NULL: keep its counters, drop it.
  for (size_t i = 0; i < kCounters; ++i)
    cam->base[i] = i == kSpoolBytes ? g->v[i].load() : cam->base[i] + g->v[i].load();
  cam->gen.reset();
  if (app->shutting_down) {
    cam->state = CamState::kStopped;
    maybe_quit(app);
  } else if (cam->ended_after_stop) {
    cam->state = CamState::kEnded;
    maybe_quit(app);
  } else {
    cam->state = CamState::kWaiting;
    const gint64 waited_ms = (g_get_monotonic_time() - cam->error_at_us) / 1000;
    const guint left =
        waited_ms >= cam->delay_ms ? 0 : cam->delay_ms - static_cast<guint>(waited_ms);
    cam->timer =
        g_timeout_add_full(G_PRIORITY_DEFAULT, left, on_restart_timer, new Watch{app, cam, 0},
                           [](gpointer p) { delete static_cast<Watch*>(p); });
  }
  return G_SOURCE_REMOVE;
}

gboolean on_bus(GstBus*, GstMessage* m, gpointer data) {
  auto* w = static_cast<Watch*>(data);
  App* app = w->app;
  Camera* cam = w->cam;
  if (!cam->gen || cam->gen->number != w->gen || cam->state != CamState::kRunning) return TRUE;
  switch (GST_MESSAGE_TYPE(m)) {
    case GST_MESSAGE_EOS:
      if (!app->shutting_down) {
        log_line("camera " + cam->id + " ended (EOS)");
        cam->ended_after_stop = true;
      }
      cam->bus_watch = 0;  // removed by returning FALSE
      cam->state = CamState::kStopping;
      push(app, TaskKind::kStop, cam, cam->gen);
      return FALSE;
    case GST_MESSAGE_ERROR:
      if (app->shutting_down)
        log_line("camera " + cam->id + ": error while draining: " + error_text(m, *app->store));
      else
        camera_failed(app, cam, error_text(m, *app->store), false);
      cam->bus_watch = 0;
      cam->state = CamState::kStopping;
      push(app, TaskKind::kStop, cam, cam->gen);
      return FALSE;
    case GST_MESSAGE_WARNING: {
      GError* err = nullptr;
      gst_message_parse_warning(m, &err, nullptr);
      log_line(std::string("warning: ") + GST_OBJECT_NAME(GST_MESSAGE_SRC(m)) + ": " +
               (err != nullptr ? err->message : "?"));
      g_clear_error(&err);
      break;
    }
    case GST_MESSAGE_ELEMENT: {
      const GstStructure* s = gst_message_get_structure(m);
      if (s != nullptr && gst_structure_has_name(s, "retailcamsrc")) {
        const char* ev = gst_structure_get_string(s, "event");
        const char* reason = gst_structure_get_string(s, "reason");
        guint delay = 0;
        gst_structure_get_uint(s, "delay-ms", &delay);
        std::string line = "camera " + cam->id + " " + (ev ? ev : "?");
        if (reason != nullptr) line += ": " + std::string(reason);
        if (delay > 0) line += " (retry in " + std::to_string(delay) + " ms)";
        log_line(line);
      }
      break;
    }
    default:
      break;
  }
  return TRUE;
}

// ---- Metrics, health, summary (main thread; no element is touched) ---------------------------

// Prometheus text exposition format 0.0.4.
std::string render_metrics(App* app) {
  std::ostringstream o;
  const std::string store = label(app->config.store_id);
  auto family = [&o](const char* name, const char* type, const char* help) {
    o << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
  };
  auto per_camera = [&](const char* name, const char* type, const char* help, auto value) {
    family(name, type, help);
    for (auto& c : app->cameras)
      o << name << "{store=\"" << store << "\",camera=\"" << label(c->id) << "\"} " << value(*c)
        << '\n';
  };
  per_camera("retail_camera_up", "gauge",
             "1 while the camera's pipeline runs and frames arrive from the camera",
             [](const Camera& c) { return c.up() ? 1 : 0; });
  per_camera("retail_camera_restarts_total", "counter",
             "Rebuilds of the camera's pipeline after an error in it (source, stage or sink)",
             [](const Camera& c) { return c.restarts.load(); });
  per_camera("retail_camera_frames_total", "counter",
             "Frames that went through the whole analytics chain",
             [](const Camera& c) { return c.stats->frames.load(); });
  per_camera("retail_camera_source_frames_total", "counter",
             "Frames delivered by the camera source",
             [](const Camera& c) { return c.value(kSourceFrames); });
  per_camera("retail_camera_fps", "gauge", "Frames per second through the chain (last second)",
             [](const Camera& c) { return c.fps; });
  family("retail_camera_latency_seconds", "histogram",
         "Glass-to-event latency: capture time to the end of the analytics chain, per frame");
  {
    const std::vector<double> bounds(retail::prometheus::kLatencyBounds.begin(),
                                     retail::prometheus::kLatencyBounds.end());
    for (auto& c : app->cameras) {
      std::vector<uint64_t> counts;
      for (const auto& b : c->stats->latency_buckets) counts.push_back(b.load());
      o << retail::prometheus::histogram_lines(
          "retail_camera_latency_seconds",
          "store=\"" + store + "\",camera=\"" + label(c->id) + "\"", bounds, counts,
          static_cast<double>(c->stats->latency_total_us.load()) / 1e6);
    }
  }
  per_camera("retail_camera_latency_mean_seconds", "gauge",
             "Glass-to-event latency, mean over the last second that had frames",
             [](const Camera& c) { return c.latency_s; });
  per_camera("retail_camera_latency_max_seconds", "gauge",
             "Glass-to-event latency, largest over the last second that had frames",
             [](const Camera& c) { return c.latency_max_s; });
  per_camera("retail_camera_dropped_frames_total", "counter",
             "Oldest frames dropped because analytics were slower than the camera",
             [](const Camera& c) { return c.value(kDroppedFrames); });
  per_camera("retail_camera_reconnects_total", "counter", "Reconnect attempts of the camera source",
             [](const Camera& c) { return c.value(kReconnects); });
  per_camera("retail_camera_events_total", "counter",
             "Analytics events produced on this camera's frames",
             [](const Camera& c) { return c.stats->events.load(); });
  if (app->config.kafka) {
    struct SinkSeries {
      Counter counter;
      const char* name;
      const char* help;
    };
    const SinkSeries series[] = {
        {kProduced, "retail_sink_produced_total", "Messages handed to the Kafka producer"},
        {kDelivered, "retail_sink_delivered_total",
         "Messages acknowledged by the broker (or written)"},
        {kSpooled, "retail_sink_spooled_total", "Events written to the on-disk spool"},
        {kReplayed, "retail_sink_replayed_total", "Events delivered from the spool backlog"},
        {kDroppedByPolicy, "retail_sink_dropped_total", "Events dropped by on-spool-full"},
        {kSpoolBytes, "retail_sink_spool_bytes", "Undelivered bytes in the spool"}};
    for (const auto& sc : series) {
      family(sc.name, sc.counter == kSpoolBytes ? "gauge" : "counter", sc.help);
      for (auto& c : app->cameras)
        o << sc.name << "{store=\"" << store << "\",camera=\"" << label(c->id)
          << "\",sink=\"kafkasink\"} " << c->value(sc.counter) << '\n';
    }
    // Without brokers kafkasink writes JSON lines to a file: its broker-state reads "file" and
    // this series is 1 while the sink runs (a write failure is a pipeline error: a restart).
    const retail::config::Setting* brokers = app->config.kafka->find("brokers");
    const bool file_mode = brokers == nullptr || brokers->value.text.empty();
    family("retail_sink_broker_up", "gauge",
           "1 while kafkasink's broker state is up (file mode: while the sink runs), else 0");
    for (auto& c : app->cameras)
      o << "retail_sink_broker_up{store=\"" << store << "\",camera=\"" << label(c->id)
        << "\",sink=\"kafkasink\",mode=\"" << (file_mode ? "file" : "kafka") << "\"} "
        << (c->state == CamState::kRunning && c->gen ? c->gen->broker_up.load() : 0) << '\n';
  }
  // /proc unreadable (not Linux, or hidepid): the series are left out rather than reported as -1.
  const double cpu_s = retail::prometheus::process_cpu_seconds();
  if (cpu_s >= 0) {
    family("process_cpu_seconds_total", "counter", "User and system CPU time of retail-launch");
    o << "process_cpu_seconds_total " << retail::prometheus::format_value(cpu_s) << '\n';
  }
  const int64_t rss = retail::prometheus::process_resident_bytes();
  if (rss >= 0) {
    family("process_resident_memory_bytes", "gauge", "Resident memory of retail-launch");
    o << "process_resident_memory_bytes " << rss << '\n';
  }
  family("process_start_time_seconds", "gauge", "Start time of the process (Unix epoch)");
  o << "process_start_time_seconds " << app->started_us / 1000000 << '\n';
  family("retail_build_info", "gauge",
         "Always 1; the labels name the gst-retail version and git commit of this build");
  o << "retail_build_info{version=\"" << label(RETAIL_VERSION) << "\",commit=\""
    << label(RETAIL_GIT_COMMIT) << "\"} 1\n";
  family("retail_cameras_configured", "gauge", "Cameras in the store config");
  o << "retail_cameras_configured{store=\"" << store << "\"} " << app->cameras.size() << '\n';
  return o.str();
}

std::string json_list(const std::vector<std::string>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) out += (i ? ",\"" : "\"") + label(v[i]) + "\"";
  return out + "]";
}

// /healthz: 503 when more than health.max_down cameras have been down for health.down_after_ms
// (or while shutting down), else 200; the JSON body names the cameras in each state.
guint render_health(App* app, std::string* body) {
  const gint64 now = g_get_monotonic_time();
  const auto& h = app->config.health;
  std::vector<std::string> up, down, recovering, ended;
  for (auto& c : app->cameras) {
    if (c->state == CamState::kEnded)
      ended.push_back(c->id);
    else if (c->up())
      up.push_back(c->id);
    else if (c->down_since_us != 0 &&
             now - c->down_since_us >= static_cast<gint64>(h.down_after_ms) * 1000)
      down.push_back(c->id);
    else
      recovering.push_back(c->id);
  }
  const bool degraded = down.size() > h.max_down;
  const char* status = app->shutting_down ? "shutting down" : degraded ? "degraded" : "ok";
  std::ostringstream o;
  o << "{\"status\":\"" << status << "\",\"down\":" << json_list(down)
    << ",\"up\":" << json_list(up) << ",\"recovering\":" << json_list(recovering)
    << ",\"ended\":" << json_list(ended) << ",\"restarts\":{";
  for (size_t i = 0; i < app->cameras.size(); ++i)
    o << (i ? "," : "") << '"' << label(app->cameras[i]->id)
      << "\":" << app->cameras[i]->restarts.load();
  o << "},\"max_down\":" << h.max_down << ",\"down_after_ms\":" << h.down_after_ms << "}\n";
  *body = o.str();
  return app->shutting_down || degraded ? SOUP_STATUS_SERVICE_UNAVAILABLE : SOUP_STATUS_OK;
}

void on_http(SoupServer*, SoupServerMessage* msg, const char* path, GHashTable*, gpointer data) {
  auto* app = static_cast<App*>(data);
  if (std::strcmp(soup_server_message_get_method(msg), "GET") != 0) {
    soup_server_message_set_status(msg, SOUP_STATUS_METHOD_NOT_ALLOWED, nullptr);
    return;
  }
  std::string body;
  const char* type = "text/plain; charset=utf-8";
  guint status = SOUP_STATUS_OK;
  if (std::strcmp(path, "/metrics") == 0) {
    body = render_metrics(app);
    type = "text/plain; version=0.0.4; charset=utf-8";
  } else if (std::strcmp(path, "/healthz") == 0) {
    status = render_health(app, &body);
    type = "application/json";
  } else {
    status = SOUP_STATUS_NOT_FOUND;
    body = "not found: try /metrics or /healthz\n";
  }
  soup_server_message_set_status(msg, status, nullptr);
  soup_server_message_set_response(msg, type, SOUP_MEMORY_COPY, body.data(), body.size());
}

gboolean on_tick(gpointer data) {
  auto* app = static_cast<App*>(data);
  const gint64 now = g_get_monotonic_time();
  for (auto& c : app->cameras) {
    const uint64_t f = c->stats->frames.load();
    c->fps = static_cast<double>(f - c->last_frames);
    c->last_frames = f;
    const uint64_t n = c->stats->latency_count.exchange(0);
    const int64_t sum = c->stats->latency_sum_us.exchange(0);
    const int64_t max = c->stats->latency_max_us.exchange(0);
    if (n > 0) {
      c->latency_s = static_cast<double>(sum) / static_cast<double>(n) / 1e6;
      c->latency_max_s = static_cast<double>(max) / 1e6;
    }
    if (c->up())
      c->down_since_us = 0;
    else if (c->down_since_us == 0 && c->state != CamState::kEnded)
      c->down_since_us = now;
    // One sample in flight per camera: a pipeline stuck in a lock delays only its own numbers.
    if (c->state == CamState::kRunning && !c->gen->sampling.exchange(true))
      push(app, TaskKind::kSample, c.get(), c->gen);
  }
  return G_SOURCE_CONTINUE;
}

std::string summary_json(App* app) {
  std::ostringstream o;
  o << "{\"store_id\":\"" << label(app->config.store_id) << "\",\"cameras\":{";
  bool first = true;
  for (auto& c : app->cameras) {
    o << (first ? "" : ",") << '"' << label(c->id) << "\":{\"frames\":" << c->stats->frames.load()
      << ",\"events\":" << c->stats->events.load() << ",\"reconnects\":" << c->value(kReconnects)
      << ",\"dropped_frames\":" << c->value(kDroppedFrames);
    if (app->config.kafka)
      o << ",\"produced\":" << c->value(kProduced) << ",\"delivered\":" << c->value(kDelivered)
        << ",\"spooled\":" << c->value(kSpooled)
        << ",\"dropped_by_policy\":" << c->value(kDroppedByPolicy);
    o << ",\"restarts\":" << c->restarts.load() << '}';
    first = false;
  }
  o << "}}";
  return o.str();
}

// Only atomics: safe from the watchdog thread whatever the main loop is doing.
std::string counters_json(App* app) {
  std::ostringstream o;
  o << "{\"store_id\":\"" << label(app->config.store_id) << "\",\"cameras\":{";
  bool first = true;
  for (auto& c : app->cameras) {
    o << (first ? "" : ",") << '"' << label(c->id) << "\":{\"frames\":" << c->stats->frames.load()
      << ",\"events\":" << c->stats->events.load() << ",\"restarts\":" << c->restarts.load() << '}';
    first = false;
  }
  o << "}}";
  return o.str();
}

// ---- Shutdown -------------------------------------------------------------------------------

gboolean on_shutdown_timeout(gpointer data) {
  auto* app = static_cast<App*>(data);
  log_line("shutdown_timeout_ms (" + std::to_string(app->config.shutdown_timeout_ms) +
           " ms) reached: stopping the cameras that have not drained; undelivered events stay in "
           "the spool");
  for (auto& c : app->cameras)
    if (c->state == CamState::kRunning) begin_stop(app, c.get());
  return G_SOURCE_REMOVE;
}

gboolean on_signal(gpointer data) {
  auto* app = static_cast<App*>(data);
  if (app->shutting_down) {
    log_line("second signal: exiting at once");
    _exit(130);
  }
  app->shutting_down = true;
  log_line(
      "signal received: sending EOS to every camera and flushing (a second signal exits at once)");
  // Whatever a camera's threads do, the process ends within shutdown_timeout_ms + 2 s, with a
  // summary from the lock-free counters.
  std::thread([app] {
    std::this_thread::sleep_for(std::chrono::milliseconds(app->config.shutdown_timeout_ms + 2000));
    if (app->exiting.load()) _exit(app->exit_code.load());  // the summary is already out
    std::printf("retail-launch summary: %s\n", counters_json(app).c_str());
    std::fflush(stdout);
    log_line(
        "shutdown watchdog: a camera did not stop within shutdown_timeout_ms + 2 s; "
        "exiting (undelivered events stay in the spool)");
    _exit(app->exit_code.load());
  }).detach();
  for (auto& c : app->cameras) {
    switch (c->state) {
      case CamState::kRunning:
        push(app, TaskKind::kEos, c.get(), c->gen);  // the pipeline's EOS message stops it
        break;
      case CamState::kWaiting:
        if (c->timer != 0) g_source_remove(c->timer);
        c->timer = 0;
        c->state = CamState::kStopped;
        break;
      default:  // starting or stopping: on_task_done stops it; ended: nothing to do
        break;
    }
  }
  g_timeout_add(app->config.shutdown_timeout_ms, on_shutdown_timeout, app);
  maybe_quit(app);
  return G_SOURCE_CONTINUE;
}

int usage() {
  std::fprintf(stderr,
               "usage: retail-launch [--check | --print-launch] <store.json>\n"
               "  runs every camera of the store config in one process (docs/CONFIG.md)\n");
  return 2;
}

// Builds every camera and starts it to PAUSED (models loaded, files and spools opened, settings
// checked by the elements): "" when all started, else the first problem.
std::string start_all(App& app, const std::string& file,
                      std::vector<std::unique_ptr<CameraPipeline>>* built) {
  for (size_t i = 0; i < app.cameras.size(); ++i) {
    try {
      built->push_back(app.store->build(i, app.cameras[i]->stats.get()));
    } catch (const retail::Error& e) {
      return std::string("cannot build the pipeline: ") + e.what();
    }
    GstElement* pipeline = built->back()->pipeline;
    GstBus* bus = gst_element_get_bus(pipeline);
    const GstStateChangeReturn ret = gst_element_set_state(pipeline, GST_STATE_PAUSED);
    GstMessage* err = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR);
    gst_object_unref(bus);
    if (ret == GST_STATE_CHANGE_FAILURE || err != nullptr) {
      std::string text = "camera " + app.cameras[i]->id + ": a stage failed to start";
      if (err != nullptr) {
        GError* e = nullptr;
        gst_message_parse_error(err, &e, nullptr);
        const std::string where = app.store->json_path_of(GST_MESSAGE_SRC(err));
        text = (where.empty() ? std::string() : file + ": " + where + ": ") +
               GST_OBJECT_NAME(GST_MESSAGE_SRC(err)) + ": " + (e ? e->message : "?");
        g_clear_error(&e);
        gst_message_unref(err);
      }
      return text;
    }
  }
  return "";
}

// --check only: a camera file that can never play. A running store restarts such a camera with
// backoff (the others keep going); a check before start must say so. Returns "" or the problem.
std::string check_camera_files(const App& app, const std::string& file) {
  for (size_t i = 0; i < app.config.cameras.size(); ++i) {
    const std::string uri = retail::config::to_uri(app.config.cameras[i].uri);
    if (retail::config::file_uri_path(uri).empty()) continue;  // network sources: tried at start
    const std::string where = file + ": $.cameras[" + std::to_string(i) + "].uri: ";
    std::string problem = retail::config::file_source_problem(uri);
    if (problem.empty()) {
      // Readable: is it a video the decoders can open? (GstDiscoverer: typefind, demux, decode.)
      GError* err = nullptr;
      GstDiscoverer* disc = gst_discoverer_new(10 * GST_SECOND, &err);
      GstDiscovererInfo* info =
          disc != nullptr ? gst_discoverer_discover_uri(disc, uri.c_str(), &err) : nullptr;
      const GstDiscovererResult r =
          info != nullptr ? gst_discoverer_info_get_result(info) : GST_DISCOVERER_ERROR;
      GList* videos = info != nullptr ? gst_discoverer_info_get_video_streams(info) : nullptr;
      if (r != GST_DISCOVERER_OK || videos == nullptr)
        problem = "camera file '" + retail::config::file_uri_path(uri) + "' " +
                  (r == GST_DISCOVERER_OK ? std::string("has no video stream")
                                          : std::string("cannot be played (") +
                                                (err != nullptr ? err->message : "not a media file") +
                                                ")") +
                  ": give the path of a complete video file (e.g. an .mp4 from the camera)";
      gst_discoverer_stream_info_list_free(videos);
      if (info != nullptr) g_object_unref(info);
      if (disc != nullptr) g_object_unref(disc);
      g_clear_error(&err);
    }
    if (!problem.empty()) return where + problem;
  }
  return "";
}

}  // namespace

// True when retailcamsrc comes from the elements linked into this executable. A registry scan
// inside the process (GST_REGISTRY_FORK=no, or no gst-plugin-scanner) dlopens an installed
// libgstretail.so first, whose types then take the names and the statically linked elements
// cannot register: the process would run a second, half-registered copy of gst-retail.
bool static_elements_in_use() {
  GstElementFactory* f = gst_element_factory_find("retailcamsrc");
  if (f == nullptr) return false;
  GstPlugin* plugin = gst_plugin_feature_get_plugin(GST_PLUGIN_FEATURE(f));
  const bool ok = plugin != nullptr && gst_plugin_get_filename(plugin) == nullptr;
  if (plugin != nullptr) gst_object_unref(plugin);
  gst_object_unref(f);
  return ok;
}

int main(int argc, char** argv) {
  // The elements are linked in: a registry rebuild must run in gst-plugin-scanner (the default),
  // never in this process (see static_elements_in_use).
  g_unsetenv("GST_REGISTRY_FORK");
  gst_init(&argc, &argv);
  bool check_only = false;
  bool print_launch = false;
  std::string file;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--check")
      check_only = true;
    else if (a == "--print-launch")
      print_launch = true;
    else if (a == "-h" || a == "--help")
      return usage();
    else if (!a.empty() && a[0] == '-')
      return usage();
    else
      file = a;
  }
  if (file.empty()) return usage();
  retail_plugin_register_static();
  if (!static_elements_in_use()) {
    log_line(
        "the gst-retail elements of this executable could not be registered: a libgstretail.so "
        "was loaded into the process first (GStreamer rebuilt its registry in-process). Fix: "
        "install gst-plugin-scanner (gstreamer1.0 package) or run once with "
        "GST_REGISTRY_UPDATE=no");
    return 2;
  }

  App app;
  app.started_us = g_get_real_time();
  try {
    app.config = retail::config::load_store_config(file);
    retail::launcher::validate_elements(app.config);
  } catch (const retail::Error& e) {
    log_line(std::string("invalid config: ") + e.what());
    return 2;
  }
  if (print_launch) {
    for (const auto& cam : app.config.cameras)
      std::printf("gst-launch-1.0 -e %s\n", StorePipeline::launch_line(app.config, cam).c_str());
    return 0;
  }
  try {
    app.store = std::make_unique<StorePipeline>(app.config);
  } catch (const retail::Error& e) {
    log_line(std::string("cannot build the pipeline: ") + e.what());
    return 2;
  }
  for (size_t i = 0; i < app.config.cameras.size(); ++i) {
    auto c = std::make_unique<Camera>();
    c->index = i;
    c->id = app.config.cameras[i].id;
    c->backoff.emplace(app.config.restart_backoff.initial_ms, app.config.restart_backoff.max_ms,
                       0.1, static_cast<uint32_t>(g_random_int()));
    app.cameras.push_back(std::move(c));
  }
  // Start every camera (models load, files open) before anything runs; fail on the first error.
  // --check = start without running: exactly this, never PLAYING.
  std::vector<std::unique_ptr<CameraPipeline>> built;
  std::string problem = start_all(app, file, &built);
  if (problem.empty() && check_only) problem = check_camera_files(app, file);
  if (!problem.empty() || check_only) {
    built.clear();  // each to NULL (nothing runs yet: no streaming thread to wait for)
    app.store.reset();
    if (!problem.empty()) {
      log_line("cannot start: " + problem);
      return 2;
    }
    std::printf("%s: OK (%zu cameras, %zu stages)\n", file.c_str(), app.config.cameras.size(),
                app.config.stages.size());
    return 0;
  }

  GError* perr = nullptr;
  app.pool = g_thread_pool_new(run_task, nullptr, -1, FALSE, &perr);  // unbounded: a stuck
  if (app.pool == nullptr) {  // camera holds one thread, never the others' tasks
    log_line(std::string("cannot create the worker threads: ") + (perr ? perr->message : "?"));
    g_clear_error(&perr);
    return 1;
  }
  app.loop = g_main_loop_new(nullptr, FALSE);
  if (app.config.metrics.enabled) {
    app.server = soup_server_new("server-header", "retail-launch", nullptr);
    soup_server_add_handler(app.server, "/metrics", on_http, &app, nullptr);
    soup_server_add_handler(app.server, "/healthz", on_http, &app, nullptr);
    GInetAddress* addr = g_inet_address_new_from_string(app.config.metrics.address.c_str());
    GError* e = nullptr;
    gboolean ok = FALSE;
    if (addr != nullptr) {
      GSocketAddress* sa =
          g_inet_socket_address_new(addr, static_cast<guint16>(app.config.metrics.port));
      ok = soup_server_listen(app.server, sa, static_cast<SoupServerListenOptions>(0), &e);
      g_object_unref(sa);
      g_object_unref(addr);
    }
    if (!ok) {
      log_line("cannot serve metrics on " + app.config.metrics.address + ":" +
               std::to_string(app.config.metrics.port) + ": " + (e ? e->message : "bad address") +
               ". Fix: change $.metrics.port/address or free the port");
      g_clear_error(&e);
      built.clear();
      return 2;
    }
    GSList* uris = soup_server_get_uris(app.server);
    for (GSList* l = uris; l != nullptr; l = l->next) {
      gchar* u = g_uri_to_string(static_cast<GUri*>(l->data));
      log_line(std::string("metrics on ") + u + "metrics");
      g_free(u);
    }
    g_slist_free_full(uris, reinterpret_cast<GDestroyNotify>(g_uri_unref));
  }
  g_unix_signal_add(SIGINT, on_signal, &app);
  g_unix_signal_add(SIGTERM, on_signal, &app);
  g_timeout_add(1000, on_tick, &app);

  log_line("store " + app.config.store_id + ": " + std::to_string(app.config.cameras.size()) +
           " cameras, " + std::to_string(app.config.stages.size()) + " stages");
  const gint64 now = g_get_monotonic_time();
  for (size_t i = 0; i < app.cameras.size(); ++i) {
    app.cameras[i]->down_since_us = now;  // until its source delivers frames
    start_generation(&app, app.cameras[i].get(), std::move(built[i]));
  }
  built.clear();
  g_main_loop_run(app.loop);

  // maybe_quit ends the loop only once every camera is stopped or ended: nothing runs any more.
  std::printf("retail-launch summary: %s\n", summary_json(&app).c_str());
  std::fflush(stdout);
  log_line("stopped cleanly");
  app.exiting.store(true);
  g_thread_pool_free(app.pool, FALSE, TRUE);
  if (app.server != nullptr) g_object_unref(app.server);
  app.cameras.clear();
  app.store.reset();
  g_main_loop_unref(app.loop);
  return app.exit_code.load();
}
