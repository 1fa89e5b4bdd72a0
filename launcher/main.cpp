// retail-launch: runs a whole store (many cameras, one process) from one JSON config.
//
//   retail-launch configs/store.example.json     # run until SIGINT/SIGTERM
//   retail-launch --check store.json              # validate only
//   retail-launch --print-launch store.json       # the equivalent gst-launch-1.0 lines
//
// Exit codes: 0 clean shutdown (or every camera ended), 1 runtime error, 2 bad config or usage,
// 130/143 a second signal forced the exit.
#include <glib-unix.h>
#include <gst/gst.h>
#include <libsoup/soup.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "common/error.h"
#include "config/store_config.h"
#include "plugin.h"
#include "store_pipeline.h"

namespace {

using retail::launcher::Branch;
using retail::launcher::StorePipeline;

struct App {
  retail::config::StoreConfig config;
  std::unique_ptr<StorePipeline> store;
  GMainLoop* loop = nullptr;
  SoupServer* server = nullptr;
  bool shutting_down = false;
  int exit_code = 0;
  std::string fatal;
  gint64 started_us = 0;
};

void log_line(const std::string& m) {
  std::fprintf(stderr, "retail-launch: %s\n", m.c_str());
  std::fflush(stderr);
}

int64_t rss_bytes() {
  std::ifstream statm("/proc/self/statm");
  int64_t pages_total = 0;
  int64_t pages_rss = 0;
  statm >> pages_total >> pages_rss;
  return pages_rss * sysconf(_SC_PAGESIZE);
}

std::string label(const std::string& v) {
  std::string out;
  for (char ch : v) {
    if (ch == '"' || ch == '\\') out += '\\';
    if (ch == '\n') {
      out += "\\n";
      continue;
    }
    out += ch;
  }
  return out;
}

guint64 u64_prop(GstElement* e, const char* name) {
  if (e == nullptr || g_object_class_find_property(G_OBJECT_GET_CLASS(e), name) == nullptr)
    return 0;
  GParamSpec* ps = g_object_class_find_property(G_OBJECT_GET_CLASS(e), name);
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

// Prometheus text exposition format 0.0.4.
std::string render_metrics(App* app) {
  std::ostringstream o;
  const std::string store = label(app->config.store_id);
  auto family = [&o](const char* name, const char* type, const char* help) {
    o << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
  };
  auto& branches = app->store->branches();
  auto per_camera = [&](const char* name, const char* type, const char* help, auto value) {
    family(name, type, help);
    for (auto& b : branches)
      o << name << "{store=\"" << store << "\",camera=\"" << label(b.camera_id) << "\"} "
        << value(b) << '\n';
  };
  per_camera("retail_camera_up", "gauge", "1 while frames arrive from the camera",
             [](Branch& b) { return u64_prop(b.camsrc, "connected"); });
  per_camera("retail_camera_frames_total", "counter",
             "Frames that went through the whole analytics chain",
             [](Branch& b) { return b.stats->frames.load(); });
  per_camera("retail_camera_source_frames_total", "counter",
             "Frames delivered by the camera source",
             [](Branch& b) { return u64_prop(b.camsrc, "frames"); });
  per_camera("retail_camera_fps", "gauge", "Frames per second through the chain (last second)",
             [](Branch& b) { return b.fps; });
  per_camera("retail_camera_latency_seconds", "gauge",
             "End-to-end latency, capture to end of analytics (mean over the last second)",
             [](Branch& b) { return b.latency_s; });
  per_camera("retail_camera_latency_max_seconds", "gauge", "Largest end-to-end latency seen",
             [](Branch& b) { return static_cast<double>(b.stats->latency_max_us.load()) / 1e6; });
  per_camera("retail_camera_dropped_frames_total", "counter",
             "Oldest frames dropped because analytics were slower than the camera",
             [](Branch& b) { return u64_prop(b.camsrc, "dropped-frames"); });
  per_camera("retail_camera_reconnects_total", "counter", "Reconnect attempts of the camera source",
             [](Branch& b) { return u64_prop(b.camsrc, "reconnects"); });
  per_camera("retail_camera_events_total", "counter",
             "Analytics events produced on this camera's frames",
             [](Branch& b) { return b.stats->events.load(); });
  const char* sink_counters[][3] = {
      {"retail_sink_produced_total", "produced", "Messages handed to the Kafka producer"},
      {"retail_sink_delivered_total", "delivered",
       "Messages acknowledged by the broker (or written)"},
      {"retail_sink_spooled_total", "spooled", "Events written to the on-disk spool"},
      {"retail_sink_replayed_total", "replayed", "Events delivered from the spool backlog"},
      {"retail_sink_dropped_total", "dropped-by-policy", "Events dropped by on-spool-full"},
      {"retail_sink_spool_bytes", "spool-bytes", "Undelivered bytes in the spool"}};
  for (const auto& sc : sink_counters) {
    bool any = false;
    for (auto& b : branches) any = any || b.kafkasink != nullptr;
    if (!any) break;
    family(sc[0], std::strcmp(sc[1], "spool-bytes") == 0 ? "gauge" : "counter", sc[2]);
    for (auto& b : branches)
      if (b.kafkasink != nullptr)
        o << sc[0] << "{store=\"" << store << "\",camera=\"" << label(b.camera_id)
          << "\",sink=\"kafkasink\"} " << u64_prop(b.kafkasink, sc[1]) << '\n';
  }
  family("process_resident_memory_bytes", "gauge", "Resident memory of retail-launch");
  o << "process_resident_memory_bytes " << rss_bytes() << '\n';
  family("process_start_time_seconds", "gauge", "Start time of the process (Unix epoch)");
  o << "process_start_time_seconds " << app->started_us / 1000000 << '\n';
  family("retail_cameras_configured", "gauge", "Cameras in the store config");
  o << "retail_cameras_configured{store=\"" << store << "\"} " << branches.size() << '\n';
  return o.str();
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
    int up = 0;
    for (auto& b : app->store->branches()) up += u64_prop(b.camsrc, "connected") != 0 ? 1 : 0;
    status = app->shutting_down ? SOUP_STATUS_SERVICE_UNAVAILABLE : SOUP_STATUS_OK;
    body = std::string(app->shutting_down ? "shutting down" : "ok") +
           " cameras_up=" + std::to_string(up) + "/" +
           std::to_string(app->store->branches().size()) + "\n";
  } else {
    status = SOUP_STATUS_NOT_FOUND;
    body = "not found: try /metrics or /healthz\n";
  }
  soup_server_message_set_status(msg, status, nullptr);
  soup_server_message_set_response(msg, type, SOUP_MEMORY_COPY, body.data(), body.size());
}

gboolean on_tick(gpointer data) {
  auto* app = static_cast<App*>(data);
  for (auto& b : app->store->branches()) {
    const uint64_t f = b.stats->frames.load();
    b.fps = static_cast<double>(f - b.last_frames);
    b.last_frames = f;
    const uint64_t n = b.stats->latency_count.exchange(0);
    const int64_t sum = b.stats->latency_sum_us.exchange(0);
    if (n > 0) b.latency_s = static_cast<double>(sum) / static_cast<double>(n) / 1e6;
  }
  return G_SOURCE_CONTINUE;
}

gboolean on_shutdown_timeout(gpointer data) {
  auto* app = static_cast<App*>(data);
  log_line("shutdown timed out after " + std::to_string(app->config.shutdown_timeout_ms) +
           " ms (shutdown_timeout_ms); stopping now, undelivered events stay in the spool");
  g_main_loop_quit(app->loop);
  return G_SOURCE_REMOVE;
}

std::string counters_json(App* app);

gboolean on_signal(gpointer data) {
  auto* app = static_cast<App*>(data);
  if (app->shutting_down) {
    log_line("second signal: exiting at once");
    _exit(130);
  }
  app->shutting_down = true;
  log_line(
      "signal received: sending EOS to every camera and flushing (a second signal exits at once)");
  // The main loop may not come back if a streaming thread is stuck: a watchdog ends the process
  // within shutdown_timeout_ms + 2 s whatever happens, with a summary from the lock-free counters.
  std::thread([app] {
    std::this_thread::sleep_for(std::chrono::milliseconds(app->config.shutdown_timeout_ms + 2000));
    std::printf("retail-launch summary: %s\n", counters_json(app).c_str());
    std::fflush(stdout);
    log_line("shutdown watchdog: the pipeline did not stop within shutdown_timeout_ms + 2 s; "
             "exiting (undelivered events stay in the spool)");
    _exit(app->exit_code);
  }).detach();
  app->store->send_eos();
  g_timeout_add(app->config.shutdown_timeout_ms, on_shutdown_timeout, app);
  return G_SOURCE_CONTINUE;
}

gboolean on_bus(GstBus*, GstMessage* m, gpointer data) {
  auto* app = static_cast<App*>(data);
  switch (GST_MESSAGE_TYPE(m)) {
    case GST_MESSAGE_EOS:
      log_line("every camera branch ended (EOS)");
      g_main_loop_quit(app->loop);
      break;
    case GST_MESSAGE_ERROR: {
      GError* err = nullptr;
      gchar* dbg = nullptr;
      gst_message_parse_error(m, &err, &dbg);
      app->fatal = std::string(GST_OBJECT_NAME(GST_MESSAGE_SRC(m))) + ": " +
                   (err != nullptr ? err->message : "error");
      log_line("error: " + app->fatal + (dbg != nullptr ? std::string(" (") + dbg + ")" : ""));
      g_clear_error(&err);
      g_free(dbg);
      app->exit_code = 1;
      g_main_loop_quit(app->loop);
      break;
    }
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
        const char* cam = gst_structure_get_string(s, "camera-id");
        const char* reason = gst_structure_get_string(s, "reason");
        guint delay = 0;
        gst_structure_get_uint(s, "delay-ms", &delay);
        std::string line = std::string("camera ") + (cam ? cam : "?") + " " + (ev ? ev : "?");
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

std::string summary_json(App* app) {
  std::ostringstream o;
  o << "{\"store_id\":\"" << label(app->config.store_id) << "\",\"cameras\":{";
  bool first = true;
  for (auto& b : app->store->branches()) {
    o << (first ? "" : ",") << '"' << label(b.camera_id)
      << "\":{\"frames\":" << b.stats->frames.load() << ",\"events\":" << b.stats->events.load()
      << ",\"reconnects\":" << u64_prop(b.camsrc, "reconnects")
      << ",\"dropped_frames\":" << u64_prop(b.camsrc, "dropped-frames");
    if (b.kafkasink != nullptr)
      o << ",\"produced\":" << u64_prop(b.kafkasink, "produced")
        << ",\"delivered\":" << u64_prop(b.kafkasink, "delivered")
        << ",\"spooled\":" << u64_prop(b.kafkasink, "spooled")
        << ",\"dropped_by_policy\":" << u64_prop(b.kafkasink, "dropped-by-policy");
    o << '}';
    first = false;
  }
  o << "}}";
  return o.str();
}

// Only the per-camera atomics: safe while a streaming thread holds element locks.
std::string counters_json(App* app) {
  std::ostringstream o;
  o << "{\"store_id\":\"" << label(app->config.store_id) << "\",\"cameras\":{";
  bool first = true;
  for (auto& b : app->store->branches()) {
    o << (first ? "" : ",") << '"' << label(b.camera_id) << "\":{\"frames\":" << b.stats->frames.load()
      << ",\"events\":" << b.stats->events.load() << '}';
    first = false;
  }
  o << "}}";
  return o.str();
}

int usage() {
  std::fprintf(stderr,
               "usage: retail-launch [--check | --print-launch] <store.json>\n"
               "  runs every camera of the store config in one process (docs/CONFIG.md)\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
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
  GstElement* pipeline = app.store->pipeline();
  GstBus* bus = gst_element_get_bus(pipeline);
  // Start every element (models load, files open) before anything runs; fail on the first error.
  const GstStateChangeReturn ready = gst_element_set_state(pipeline, GST_STATE_PAUSED);
  GstMessage* err = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR);
  if (ready == GST_STATE_CHANGE_FAILURE || err != nullptr) {
    std::string text = "a stage failed to start";
    if (err != nullptr) {
      GError* e = nullptr;
      gst_message_parse_error(err, &e, nullptr);
      const std::string where = app.store->json_path_of(GST_OBJECT_NAME(GST_MESSAGE_SRC(err)));
      text = (where.empty() ? std::string() : file + ": " + where + ": ") +
             GST_OBJECT_NAME(GST_MESSAGE_SRC(err)) + ": " + (e ? e->message : "?");
      g_clear_error(&e);
      gst_message_unref(err);
    }
    log_line("cannot start: " + text);
    gst_object_unref(bus);
    app.store.reset();
    return 2;
  }
  if (check_only) {
    // --check = start without running: the same build and start (PAUSED: models loaded, files
    // and spools opened, zones and kafka-config validated by the elements), never PLAYING.
    gst_element_set_state(pipeline, GST_STATE_NULL);
    gst_object_unref(bus);
    app.store.reset();
    std::printf("%s: OK (%zu cameras, %zu stages)\n", file.c_str(), app.config.cameras.size(),
                app.config.stages.size());
    return 0;
  }

  app.loop = g_main_loop_new(nullptr, FALSE);
  gst_bus_add_watch(bus, on_bus, &app);
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
      gst_element_set_state(pipeline, GST_STATE_NULL);
      gst_object_unref(bus);
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
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  g_main_loop_run(app.loop);

  const std::string summary = summary_json(&app);
  gst_element_set_state(pipeline, GST_STATE_NULL);
  std::printf("retail-launch summary: %s\n", summary.c_str());
  std::fflush(stdout);
  log_line(app.exit_code == 0 ? "stopped cleanly" : "stopped after an error: " + app.fatal);
  gst_bus_remove_watch(bus);
  gst_object_unref(bus);
  if (app.server != nullptr) g_object_unref(app.server);
  app.store.reset();
  g_main_loop_unref(app.loop);
  return app.exit_code;
}
