// The store config of retail-launch (docs/CONFIG.md): one JSON file describing a whole store.
// Parsing and validation live here so a bad file fails before any pipeline exists, with the file,
// the JSON path of the problem and the fix in the message.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/geometry.h"

namespace retail::config {

// A JSON scalar (or a nested object/array kept as JSON text) given as an element setting.
struct Value {
  enum class Kind { kString, kInt, kDouble, kBool, kJson };
  Kind kind = Kind::kString;
  std::string text;  // the string (kString), the JSON text (kJson), else a printable form
  int64_t i = 0;
  double d = 0.0;
  bool b = false;
  // What --print-launch shows: "" = `text`; for a value with ${NAME} substitutions, the value as
  // written in the file (environment values, e.g. secrets, are never printed).
  std::string display;
  const std::string& printable() const { return display.empty() ? text : display; }
};

// key = element property name (kebab-case, as gst-inspect-1.0 shows it).
struct Setting {
  std::string key;
  Value value;
  std::string json_path;  // e.g. $.stages[1].settings.interval
};

struct ElementSettings {
  std::string element;    // factory name, e.g. "retaildetect"
  std::string json_path;  // where the block is, e.g. $.stages[1]
  std::vector<Setting> settings;
  bool enabled = true;  // a camera's override: "enabled": false drops the stage for that camera
  const Setting* find(const std::string& key) const;
};

struct Camera {
  std::string id;
  std::string uri;          // as configured: rtsp://..., file:///..., http://... or a plain path
  std::string uri_display;  // "" = uri; else the uri as written (${NAME} not substituted)
  double fps_limit = 0.0;   // 0 = camera rate
  std::optional<Box> roi;   // normalized region analysed (absent = whole frame)
  std::string json_path;    // $.cameras[i]
  ElementSettings source;   // retailcamsrc settings ($.cameras[i].source)
  std::vector<ElementSettings> overrides;  // per-camera stage settings ($.cameras[i].stages)
};

// One creative of the campaigns (adoverlay's format, configs/campaigns.json).
struct Campaign {
  std::string id;
  std::string creative;  // resolved path of the creative image
  std::string json_path;
};

enum class OutputKind { kNone, kDisplay, kFile };

struct Output {
  OutputKind kind = OutputKind::kNone;
  std::string path;  // kFile: may contain {camera}; relative paths are relative to the config dir
};

struct Metrics {
  bool enabled = true;
  std::string address = "127.0.0.1";
  int port = 9846;  // 0 = pick a free port (printed at start); 9100 is node_exporter's
};

// Fault isolation (docs/CONFIG.md, "Restarts and health"): a camera whose branch posts an error
// is rebuilt alone after a capped exponential delay.
struct RestartBackoff {
  uint32_t initial_ms = 1000;  // first delay; also the delay again after `max_ms` of good running
  uint32_t max_ms = 30000;     // cap of the doubling delay (+-10% jitter on top)
};

// When /healthz answers 503: more than `max_down` cameras have been down for `down_after_ms`.
struct Health {
  uint32_t max_down = 0;
  uint32_t down_after_ms = 5000;
};

struct StoreConfig {
  std::string file;  // the config file (as given)
  std::string dir;   // its folder: relative creatives/outputs resolve from here
  std::string store_id;
  std::map<std::string, std::string> models;  // name -> resolved model path ("@name" in settings)
  std::vector<Camera> cameras;
  std::vector<ElementSettings> stages;  // analytics chain, in order
  std::vector<Campaign> campaigns;
  std::string campaigns_file;  // "campaigns" given as a file path (resolved), else ""
  std::string campaigns_json;  // "campaigns" given inline: JSON text with absolute creative paths
  std::optional<ElementSettings> kafka;  // kafkasink settings; absent = no Kafka output
  Output output;
  Metrics metrics;
  uint32_t shutdown_timeout_ms = 10000;  // bounded wait for EOS + kafkasink flush
  RestartBackoff restart_backoff;
  Health health;
};

// Parses and validates `text` (the content of `file`). Throws retail::Error: kConfig for a
// malformed or invalid document, kNotFound for a missing model or creative. The message reads
// "<file>: <json path>: <problem>. Fix: <what to do>".
StoreConfig parse_store_config(const std::string& text, const std::string& file);
StoreConfig load_store_config(const std::string& path);

// Per-camera view (docs/CONFIG.md, "Per-camera stages"): $.stages in order, less the stages the
// camera disables ("enabled": false), with the camera's settings merged over the global ones key
// by key. A setting whose global and camera values are both JSON objects is merged member by
// member (merge_json); any other camera value replaces the global one.
std::vector<ElementSettings> stages_for(const StoreConfig& config, const Camera& camera);

// Merges JSON text `over` onto `base` (both objects): members of `over` replace or add to those
// of `base`, objects merge recursively, a null member removes the member, and an array whose
// elements are all objects with a string "id" (zones, lines, creatives) merges element by element
// by id (same id: merged; new id: appended). Any other value of `over` replaces. Returns `over`
// when either text is not a JSON object.
std::string merge_json(const std::string& base, const std::string& over);

// ${NAME} / ${NAME:-default} / $$ substitution of one config string (docs/CONFIG.md,
// "Environment variables"). `json_path` and `file` name the value in errors: an unset variable
// without default, or a malformed ${...}, throws retail::Error(kConfig). `*substituted` tells
// whether any ${...} was expanded.
std::string expand_env(const std::string& text, const std::string& file,
                       const std::string& json_path, bool* substituted);

// "<file>: <json path>: <problem>. Fix: <fix>"
std::string config_message(const std::string& file, const std::string& json_path,
                           const std::string& problem, const std::string& fix);

}  // namespace retail::config
