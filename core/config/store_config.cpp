#include "config/store_config.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "common/error.h"
#include "common/json.h"
#include "common/paths.h"

namespace retail::config {

namespace fs = std::filesystem;

std::string config_message(const std::string& file, const std::string& json_path,
                           const std::string& problem, const std::string& fix) {
  std::string m = file + ": " + json_path + ": " + problem;
  if (!fix.empty()) m += ". Fix: " + fix;
  return m;
}

const Setting* ElementSettings::find(const std::string& key) const {
  for (const auto& s : settings)
    if (s.key == key) return &s;
  return nullptr;
}

std::string expand_env(const std::string& text, const std::string& file,
                       const std::string& json_path, bool* substituted) {
  const char* syntax =
      "write ${NAME} or ${NAME:-default} (NAME: letters, digits, '_'); $$ is a literal $";
  std::string out;
  bool any = false;
  for (size_t i = 0; i < text.size();) {
    if (text[i] != '$') {
      out += text[i++];
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '$') {  // $$ -> $
      out += '$';
      i += 2;
      continue;
    }
    if (i + 1 >= text.size() || text[i + 1] != '{') {  // a lone $ stays as it is
      out += text[i++];
      continue;
    }
    const size_t close = text.find('}', i + 2);
    if (close == std::string::npos)
      throw Error(ErrorKind::kConfig,
                  config_message(file, json_path, "unterminated '${' in a string value", syntax));
    const std::string inner = text.substr(i + 2, close - i - 2);
    const size_t colon = inner.find(":-");
    const std::string name = inner.substr(0, colon);
    const bool valid_name =
        !name.empty() &&
        (std::isalpha(static_cast<unsigned char>(name[0])) != 0 || name[0] == '_') &&
        std::all_of(name.begin(), name.end(), [](char ch) {
          return std::isalnum(static_cast<unsigned char>(ch)) != 0 || ch == '_';
        });
    if (!valid_name)
      throw Error(
          ErrorKind::kConfig,
          config_message(file, json_path,
                         "'${" + inner + "}' is not an environment variable reference", syntax));
    const char* v = std::getenv(name.c_str());
    if (colon != std::string::npos) {  // as in a shell: the default also replaces an empty value
      out += (v != nullptr && *v != '\0') ? std::string(v) : inner.substr(colon + 2);
    } else if (v != nullptr) {
      out += v;
    } else {
      throw Error(ErrorKind::kConfig,
                  config_message(file, json_path, "environment variable " + name + " is not set",
                                 "set " + name +
                                     " in retail-launch's environment (systemd Environment=, "
                                     "docker -e ...), or give a default: ${" +
                                     name + ":-value}"));
    }
    any = true;
    i = close + 1;
  }
  if (substituted != nullptr) *substituted = any;
  return out;
}

namespace {

bool is_comment_key(const std::string& key) { return !key.empty() && key[0] == '_'; }

// An array that merges by id: non-empty, every element an object with a string "id".
bool by_id(JsonNode* n) {
  if (!JSON_NODE_HOLDS_ARRAY(n)) return false;
  JsonArray* a = json_node_get_array(n);
  if (json_array_get_length(a) == 0) return false;
  for (guint i = 0; i < json_array_get_length(a); ++i) {
    JsonNode* e = json_array_get_element(a, i);
    if (!JSON_NODE_HOLDS_OBJECT(e)) return false;
    JsonNode* id = json_object_get_member(json_node_get_object(e), "id");
    if (id == nullptr || !JSON_NODE_HOLDS_VALUE(id) ||
        json_node_get_value_type(id) != G_TYPE_STRING)
      return false;
  }
  return true;
}

std::string id_of(JsonNode* e) {
  return json_node_get_string(json_object_get_member(json_node_get_object(e), "id"));
}

// A new node: `over` merged onto `base` (neither is modified).
JsonNode* merge_nodes(JsonNode* base, JsonNode* over) {
  if (JSON_NODE_HOLDS_OBJECT(base) && JSON_NODE_HOLDS_OBJECT(over)) {
    JsonObject* b = json_node_get_object(base);
    JsonObject* o = json_node_get_object(over);
    JsonObject* out = json_object_new();
    GList* bm = json_object_get_members(b);
    for (GList* l = bm; l != nullptr; l = l->next) {
      const char* k = static_cast<const char*>(l->data);
      JsonNode* bn = json_object_get_member(b, k);
      JsonNode* on = json_object_get_member(o, k);
      if (on == nullptr)
        json_object_set_member(out, k, json_node_copy(bn));
      else if (!JSON_NODE_HOLDS_NULL(on))  // null removes the member
        json_object_set_member(out, k, merge_nodes(bn, on));
    }
    g_list_free(bm);
    GList* om = json_object_get_members(o);
    for (GList* l = om; l != nullptr; l = l->next) {
      const char* k = static_cast<const char*>(l->data);
      JsonNode* on = json_object_get_member(o, k);
      if (!json_object_has_member(b, k) && !JSON_NODE_HOLDS_NULL(on))
        json_object_set_member(out, k, json_node_copy(on));
    }
    g_list_free(om);
    JsonNode* n = json_node_new(JSON_NODE_OBJECT);
    json_node_take_object(n, out);
    return n;
  }
  if (by_id(base) && by_id(over)) {
    JsonArray* b = json_node_get_array(base);
    JsonArray* o = json_node_get_array(over);
    JsonArray* out = json_array_new();
    std::set<std::string> seen;
    for (guint i = 0; i < json_array_get_length(b); ++i) {
      JsonNode* be = json_array_get_element(b, i);
      const std::string id = id_of(be);
      seen.insert(id);
      JsonNode* match = nullptr;
      for (guint j = 0; j < json_array_get_length(o); ++j)
        if (id_of(json_array_get_element(o, j)) == id) match = json_array_get_element(o, j);
      json_array_add_element(out, match != nullptr ? merge_nodes(be, match) : json_node_copy(be));
    }
    for (guint j = 0; j < json_array_get_length(o); ++j) {
      JsonNode* oe = json_array_get_element(o, j);
      if (seen.insert(id_of(oe)).second) json_array_add_element(out, json_node_copy(oe));
    }
    JsonNode* n = json_node_new(JSON_NODE_ARRAY);
    json_node_take_array(n, out);
    return n;
  }
  return json_node_copy(over);
}

}  // namespace

std::string merge_json(const std::string& base, const std::string& over) {
  json::NodePtr b;
  json::NodePtr o;
  try {
    b = json::parse(base, "base");
    o = json::parse(over, "override");
  } catch (const Error&) {
    return over;
  }
  if (!JSON_NODE_HOLDS_OBJECT(b.get()) || !JSON_NODE_HOLDS_OBJECT(o.get())) return over;
  json::NodePtr m(merge_nodes(b.get(), o.get()));
  return json::to_string(m.get());
}

namespace {

class Parser {
 public:
  Parser(std::string file, std::string dir) : file_(std::move(file)), dir_(std::move(dir)) {}

  [[noreturn]] void fail(const std::string& path, const std::string& problem,
                         const std::string& fix, ErrorKind kind = ErrorKind::kConfig) const {
    throw Error(kind, config_message(file_, path, problem, fix));
  }

  JsonObject* object(JsonNode* n, const std::string& path, const std::string& fix) const {
    if (n == nullptr || !JSON_NODE_HOLDS_OBJECT(n)) fail(path, "expected a JSON object", fix);
    return json_node_get_object(n);
  }
  JsonArray* array(JsonNode* n, const std::string& path, const std::string& fix) const {
    if (n == nullptr || !JSON_NODE_HOLDS_ARRAY(n)) fail(path, "expected a JSON array", fix);
    return json_node_get_array(n);
  }
  std::string string(JsonNode* n, const std::string& path, const std::string& fix) const {
    if (n == nullptr || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_STRING)
      fail(path, "expected a string", fix);
    return json_node_get_string(n);
  }

  // ${NAME} substitution in every string value of the document (not in member names, not under
  // '_' comment keys). The text as written is kept for display_of.
  void expand_tree(JsonNode* n, const std::string& path) {
    if (JSON_NODE_HOLDS_OBJECT(n)) {
      JsonObject* o = json_node_get_object(n);
      for (const auto& k : members(o))
        if (!is_comment(k)) expand_tree(json_object_get_member(o, k.c_str()), path + "." + k);
    } else if (JSON_NODE_HOLDS_ARRAY(n)) {
      JsonArray* a = json_node_get_array(n);
      for (guint i = 0; i < json_array_get_length(a); ++i)
        expand_tree(json_array_get_element(a, i), path + "[" + std::to_string(i) + "]");
    } else if (JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_STRING) {
      const std::string written = json_node_get_string(n);
      if (written.find('$') == std::string::npos) return;
      bool substituted = false;
      const std::string value = expand_env(written, file_, path, &substituted);
      json_node_set_string(n, value.c_str());
      if (substituted) written_[n] = written;
    }
  }

  void env_nodes(JsonNode* n, std::vector<JsonNode*>* out) const {
    if (written_.count(n) != 0) out->push_back(n);
    if (JSON_NODE_HOLDS_OBJECT(n)) {
      JsonObject* o = json_node_get_object(n);
      for (const auto& k : members(o)) env_nodes(json_object_get_member(o, k.c_str()), out);
    } else if (JSON_NODE_HOLDS_ARRAY(n)) {
      JsonArray* a = json_node_get_array(n);
      for (guint i = 0; i < json_array_get_length(a); ++i)
        env_nodes(json_array_get_element(a, i), out);
    }
  }

  // "" when nothing under `n` came from the environment; else `n` as written in the file (a
  // string's text, or an object's/array's JSON text with its strings as written).
  std::string display_of(JsonNode* n) const {
    std::vector<JsonNode*> env;
    env_nodes(n, &env);
    if (env.empty()) return "";
    if (JSON_NODE_HOLDS_VALUE(n)) return written_.at(n);
    std::vector<std::string> values;
    for (JsonNode* e : env) {
      values.emplace_back(json_node_get_string(e));
      json_node_set_string(e, written_.at(e).c_str());
    }
    std::string out = json::to_string(n);
    for (size_t i = 0; i < env.size(); ++i) json_node_set_string(env[i], values[i].c_str());
    return out;
  }
  double number(JsonNode* n, const std::string& path, const std::string& fix) const {
    if (n == nullptr || !JSON_NODE_HOLDS_VALUE(n)) fail(path, "expected a number", fix);
    const GType t = json_node_get_value_type(n);
    if (t == G_TYPE_INT64) return static_cast<double>(json_node_get_int(n));
    if (t == G_TYPE_DOUBLE) return json_node_get_double(n);
    fail(path, "expected a number", fix);
  }
  bool boolean(JsonNode* n, const std::string& path, const std::string& fix) const {
    if (n == nullptr || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_BOOLEAN)
      fail(path, "expected true or false", fix);
    return json_node_get_boolean(n) != FALSE;
  }

  static std::vector<std::string> members(JsonObject* o) {
    std::vector<std::string> out;
    GList* names = json_object_get_members(o);
    for (GList* l = names; l != nullptr; l = l->next) out.emplace_back(static_cast<char*>(l->data));
    g_list_free(names);
    return out;
  }
  static bool is_comment(const std::string& key) { return is_comment_key(key); }

  void only_keys(JsonObject* o, const std::string& path,
                 const std::set<std::string>& allowed) const {
    for (const auto& k : members(o)) {
      if (is_comment(k) || allowed.count(k) != 0) continue;
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      fail(path + "." + k, "unknown key '" + k + "'",
           "use one of: " + list + " (keys starting with '_' are comments)");
    }
  }

  std::string resolve_file(const std::string& p, bool model) const {
    if (p.empty()) return p;
    if (fs::path(p).is_absolute()) return p;
    const std::string in_dir = (fs::path(dir_) / p).string();
    if (paths::file_exists(in_dir)) return in_dir;
    if (model) {
      const std::string m = paths::resolve_model(p);
      if (paths::file_exists(m)) return m;
      return paths::models_dir() + "/" + p;
    }
    const std::string in_media = paths::media_dir() + "/" + p;
    if (paths::file_exists(in_media)) return in_media;
    return in_dir;
  }

  Value value(JsonNode* n, const std::string& path) const {
    Value v;
    if (JSON_NODE_HOLDS_OBJECT(n) || JSON_NODE_HOLDS_ARRAY(n)) {
      v.kind = Value::Kind::kJson;
      v.text = json::to_string(n);
      v.display = display_of(n);
      return v;
    }
    if (JSON_NODE_HOLDS_NULL(n))
      fail(path, "null is not a valid setting", "give a value or remove the key");
    const GType t = json_node_get_value_type(n);
    if (t == G_TYPE_STRING) {
      v.kind = Value::Kind::kString;
      v.text = json_node_get_string(n);
      v.display = display_of(n);
    } else if (t == G_TYPE_INT64) {
      v.kind = Value::Kind::kInt;
      v.i = json_node_get_int(n);
      v.d = static_cast<double>(v.i);
      v.text = std::to_string(v.i);
    } else if (t == G_TYPE_DOUBLE) {
      v.kind = Value::Kind::kDouble;
      v.d = json_node_get_double(n);
      v.text = std::to_string(v.d);
    } else if (t == G_TYPE_BOOLEAN) {
      v.kind = Value::Kind::kBool;
      v.b = json_node_get_boolean(n) != FALSE;
      v.text = v.b ? "true" : "false";
    }
    return v;
  }

  ElementSettings settings(const std::string& element, JsonNode* n, const std::string& path,
                           const std::string& block_path,
                           const std::map<std::string, std::string>& models,
                           const std::set<std::string>& reserved = {}) const {
    ElementSettings es;
    es.element = element;
    es.json_path = block_path;
    if (n == nullptr) return es;
    JsonObject* o = object(n, path,
                           "write the settings as an object of element property names, e.g. "
                           "{\"interval\": 3}");
    for (const auto& k : members(o)) {
      if (is_comment(k) || reserved.count(k) != 0) continue;
      Setting s;
      s.key = k;
      s.json_path = path + "." + k;
      s.value = value(json_object_get_member(o, k.c_str()), s.json_path);
      if (s.value.kind == Value::Kind::kString && !s.value.text.empty() && s.value.text[0] == '@') {
        const std::string name = s.value.text.substr(1);
        auto it = models.find(name);
        if (it == models.end()) {
          std::string known;
          for (const auto& m : models) known += (known.empty() ? "" : ", ") + ("@" + m.first);
          fail(s.json_path, "'" + s.value.text + "' names no entry of $.models",
               known.empty() ? "add \"" + name + "\": \"<model file>\" under \"models\""
                             : "use one of " + known + " or add it under \"models\"");
        }
        s.value.text = it->second;
      }
      es.settings.push_back(std::move(s));
    }
    return es;
  }

  StoreConfig parse(const std::string& text) {
    StoreConfig c;
    c.file = file_;
    c.dir = dir_;
    json::NodePtr root;
    try {
      root = json::parse(text, file_);
    } catch (const Error& e) {
      throw Error(ErrorKind::kConfig,
                  std::string(e.what()) + ". Fix: correct the JSON syntax at that line/column");
    }
    JsonObject* o = object(root.get(), "$", "the file must hold one JSON object");
    expand_tree(root.get(), "$");
    only_keys(o, "$",
              {"store_id", "models", "cameras", "stages", "campaigns", "kafka", "output", "metrics",
               "shutdown_timeout_ms", "restart_backoff_ms", "health"});

    JsonNode* sid = json_object_get_member(o, "store_id");
    if (sid == nullptr) fail("$.store_id", "missing", "add \"store_id\": \"<your store id>\"");
    c.store_id = string(sid, "$.store_id", "give the store id as a string");
    if (c.store_id.empty()) fail("$.store_id", "empty", "give the store id, e.g. \"store-042\"");

    if (JsonNode* m = json_object_get_member(o, "models")) {
      JsonObject* mo =
          object(m, "$.models",
                 "map names to model files, e.g. {\"face\": \"face/yunet_n_320x320.onnx\"}");
      for (const auto& name : members(mo)) {
        if (is_comment(name)) continue;
        const std::string p = "$.models." + name;
        const std::string file = string(json_object_get_member(mo, name.c_str()), p,
                                        "give the model file path as a string");
        const std::string resolved = resolve_file(file, true);
        if (!paths::file_exists(resolved))
          fail(p, "model file '" + file + "' not found (looked for " + resolved + ")",
               "check the path; relative paths are searched in the config folder and in "
               "RETAIL_SHARED_DIR/models (" +
                   paths::models_dir() + ")",
               ErrorKind::kNotFound);
        c.models[name] = resolved;
      }
    }

    JsonNode* cams = json_object_get_member(o, "cameras");
    if (cams == nullptr)
      fail("$.cameras", "missing",
           "add \"cameras\": [{\"id\": \"entrance\", \"uri\": \"rtsp://...\"}]");
    JsonArray* ca = array(cams, "$.cameras", "list the cameras as an array of objects");
    if (json_array_get_length(ca) == 0)
      fail("$.cameras", "no camera", "add at least one {\"id\": ..., \"uri\": ...}");
    std::set<std::string> ids;
    for (guint i = 0; i < json_array_get_length(ca); ++i) {
      const std::string p = "$.cameras[" + std::to_string(i) + "]";
      JsonObject* co =
          object(json_array_get_element(ca, i), p, "each camera is an object with id and uri");
      only_keys(co, p, {"id", "uri", "fps_limit", "roi", "source", "stages"});
      Camera cam;
      cam.json_path = p;
      JsonNode* id = json_object_get_member(co, "id");
      if (id == nullptr) fail(p + ".id", "missing camera id", "add \"id\": \"<unique name>\"");
      cam.id = string(id, p + ".id", "give the camera id as a string");
      if (cam.id.empty() ||
          cam.id.find_first_not_of(
              "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") !=
              std::string::npos)
        fail(p + ".id",
             "camera id '" + cam.id +
                 "' is empty or has characters other than letters, digits, '_', '.', '-'",
             "rename it, e.g. \"entrance-1\"");
      if (!ids.insert(cam.id).second)
        fail(p + ".id", "duplicate camera id '" + cam.id + "'", "give every camera its own id");
      JsonNode* uri = json_object_get_member(co, "uri");
      if (uri == nullptr)
        fail(p + ".uri", "missing camera uri",
             "add \"uri\": \"rtsp://host:554/stream\" (or a file path / file:// URI)");
      cam.uri = string(uri, p + ".uri", "give the camera URI as a string");
      cam.uri_display = display_of(uri);
      if (cam.uri.empty())
        fail(p + ".uri", "empty camera uri", "give rtsp://..., http://..., file:///... or a path");
      if (cam.uri.find("://") == std::string::npos) {
        const std::string f = resolve_file(cam.uri, false);
        cam.uri = "file://" + fs::absolute(f).lexically_normal().string();
      }
      if (JsonNode* f = json_object_get_member(co, "fps_limit")) {
        cam.fps_limit =
            number(f, p + ".fps_limit", "give frames per second, e.g. 15 (0 = camera rate)");
        if (cam.fps_limit < 0)
          fail(p + ".fps_limit", "negative", "use 0 (camera rate) or a positive rate");
      }
      if (JsonNode* r = json_object_get_member(co, "roi")) {
        const std::string rp = p + ".roi";
        JsonObject* ro = object(r, rp, "give {\"x\":0.1,\"y\":0.2,\"w\":0.5,\"h\":0.6} in [0,1]");
        only_keys(ro, rp, {"x", "y", "w", "h"});
        Box b;
        const char* keys[] = {"x", "y", "w", "h"};
        float* vals[] = {&b.x, &b.y, &b.w, &b.h};
        for (int k = 0; k < 4; ++k) {
          JsonNode* kn = json_object_get_member(ro, keys[k]);
          if (kn == nullptr)
            fail(rp + "." + keys[k], "missing", "give x, y, w and h, normalized to [0,1]");
          *vals[k] = static_cast<float>(number(kn, rp + "." + keys[k], "a number in [0,1]"));
        }
        if (b.x < 0 || b.y < 0 || b.w <= 0 || b.h <= 0 || b.x + b.w > 1.0001F ||
            b.y + b.h > 1.0001F)
          fail(rp, "region outside the frame",
               "x, y >= 0, w, h > 0, x + w <= 1 and y + h <= 1 (normalized)");
        cam.roi = b;
      }
      cam.source = settings("retailcamsrc", json_object_get_member(co, "source"), p + ".source",
                            p + ".source", c.models);
      if (JsonNode* st = json_object_get_member(co, "stages")) {
        JsonObject* so = object(st, p + ".stages",
                                "map element names to settings, e.g. {\"retailzones\": {...}}");
        for (const auto& el : members(so)) {
          if (is_comment(el)) continue;
          const std::string sp = p + ".stages." + el;
          JsonNode* sn = json_object_get_member(so, el.c_str());
          JsonObject* eo = object(sn, sp,
                                  "give this camera's settings of the stage, e.g. {\"enabled\": "
                                  "false} or {\"interval\": 5}");
          bool enabled = true;
          if (JsonNode* e = json_object_get_member(eo, "enabled"))
            enabled = boolean(e, sp + ".enabled",
                              "true or false (false: this camera runs without the stage)");
          ElementSettings ov = settings(el, sn, sp, sp, c.models, {"enabled"});
          ov.enabled = enabled;
          cam.overrides.push_back(std::move(ov));
        }
      }
      c.cameras.push_back(std::move(cam));
    }

    std::map<std::string, std::string> disabled;  // element -> $.stages[i] of a disabled stage
    if (JsonNode* st = json_object_get_member(o, "stages")) {
      JsonArray* sa = array(st, "$.stages", "list the analytics stages in order");
      for (guint i = 0; i < json_array_get_length(sa); ++i) {
        const std::string p = "$.stages[" + std::to_string(i) + "]";
        JsonObject* so =
            object(json_array_get_element(sa, i), p,
                   "each stage is {\"element\": \"retaildetect\", \"settings\": {...}}");
        only_keys(so, p, {"element", "settings", "enabled"});
        JsonNode* en = json_object_get_member(so, "element");
        if (en == nullptr)
          fail(p + ".element", "missing", "name the element, e.g. \"retailtrack\"");
        const std::string element = string(en, p + ".element", "the element name as a string");
        if (JsonNode* e = json_object_get_member(so, "enabled"))
          if (!boolean(e, p + ".enabled", "true or false")) {
            disabled.emplace(element, p);
            continue;
          }
        c.stages.push_back(settings(element, json_object_get_member(so, "settings"),
                                    p + ".settings", p, c.models));
      }
    }
    for (const auto& cam : c.cameras)
      for (const auto& ov : cam.overrides) {
        const bool known =
            std::any_of(c.stages.begin(), c.stages.end(),
                        [&](const ElementSettings& s) { return s.element == ov.element; });
        if (known) continue;
        auto off = disabled.find(ov.element);
        if (off != disabled.end())
          fail(ov.json_path,
               "stage '" + ov.element + "' is disabled for every camera (" + off->second +
                   ".enabled is false)",
               "enable it in " + off->second +
                   " and set \"enabled\": false in the cameras that must not run it");
        std::string names;
        for (const auto& s : c.stages)
          if (names.find("'" + s.element + "'") == std::string::npos)
            names += (names.empty() ? "" : ", ") + ("'" + s.element + "'");
        fail(ov.json_path, "no stage '" + ov.element + "' in $.stages to override",
             names.empty() ? "add the element to $.stages or remove this override"
                           : "use the element name of one of the stages: " + names +
                                 " (or add the element to $.stages)");
      }

    if (JsonNode* cn = json_object_get_member(o, "campaigns")) {
      // adoverlay's campaigns format (configs/campaigns.json), inline or as a file path.
      json::NodePtr loaded;
      JsonNode* doc = cn;
      std::string base = dir_;
      std::string where = "$.campaigns";
      if (JSON_NODE_HOLDS_VALUE(cn) && json_node_get_value_type(cn) == G_TYPE_STRING) {
        const std::string given = json_node_get_string(cn);
        c.campaigns_file = resolve_file(given, false);
        if (!paths::file_exists(c.campaigns_file))
          fail("$.campaigns",
               "campaigns file '" + given + "' not found (looked for " + c.campaigns_file + ")",
               "check the path (relative to the config folder) or write the campaigns inline",
               ErrorKind::kNotFound);
        try {
          loaded = json::parse_file(c.campaigns_file);
        } catch (const Error& e) {
          fail("$.campaigns", std::string("campaigns file unreadable: ") + e.what(),
               "fix the JSON of " + c.campaigns_file);
        }
        doc = loaded.get();
        base = fs::path(c.campaigns_file).parent_path().string();
        where = c.campaigns_file + ": $";
      }
      JsonObject* co = object(doc, where,
                              "give adoverlay's campaigns object {\"creatives\": [{\"id\": ..., "
                              "\"file\": \"creative.png\"}], ...} or the path of such a file");
      JsonNode* crn = json_object_get_member(co, "creatives");
      if (crn == nullptr)
        fail(where + ".creatives", "missing", "list the creatives: [{\"id\": ..., \"file\": ...}]");
      JsonArray* ca2 = array(crn, where + ".creatives", "list the creatives as an array");
      std::set<std::string> cids;
      for (guint i = 0; i < json_array_get_length(ca2); ++i) {
        const std::string p = where + ".creatives[" + std::to_string(i) + "]";
        JsonObject* cr = object(json_array_get_element(ca2, i), p,
                                "each creative is {\"id\": ..., \"file\": \"image.png\"}");
        Campaign cp;
        cp.json_path = p;
        JsonNode* id = json_object_get_member(cr, "id");
        if (id == nullptr) fail(p + ".id", "missing creative id", "add \"id\": \"<name>\"");
        cp.id = string(id, p + ".id", "the creative id as a string");
        if (!cids.insert(cp.id).second)
          fail(p + ".id", "duplicate creative id '" + cp.id + "'", "give each creative its own id");
        JsonNode* fn = json_object_get_member(cr, "file");
        if (fn == nullptr)
          fail(p + ".file", "missing creative file", "add \"file\": \"<image file>\"");
        const std::string file = string(fn, p + ".file", "the creative image path as a string");
        cp.creative = fs::path(file).is_absolute() ? file : (fs::path(base) / file).string();
        if (!paths::file_exists(cp.creative))
          fail(p + ".file", "creative '" + file + "' not found (looked for " + cp.creative + ")",
               "check the path; relative paths are relative to the " +
                   std::string(c.campaigns_file.empty() ? "config" : "campaigns") +
                   " file's folder",
               ErrorKind::kNotFound);
        if (c.campaigns_file.empty())
          json_object_set_string_member(cr, "file",
                                        fs::absolute(cp.creative).lexically_normal().c_str());
        c.campaigns.push_back(std::move(cp));
      }
      if (c.campaigns_file.empty()) c.campaigns_json = json::to_string(cn);
      const bool has_overlay =
          std::any_of(c.stages.begin(), c.stages.end(),
                      [](const ElementSettings& s) { return s.element == "adoverlay"; });
      if (!has_overlay)
        fail("$.campaigns", "campaigns need an adoverlay stage to show them and count impressions",
             "add {\"element\": \"adoverlay\"} at the end of $.stages");
    }

    if (JsonNode* k = json_object_get_member(o, "kafka"))
      c.kafka = settings("kafkasink", k, "$.kafka", "$.kafka", c.models);

    if (JsonNode* out = json_object_get_member(o, "output")) {
      JsonObject* oo = object(out, "$.output", "give {\"type\": \"none\"|\"display\"|\"file\"}");
      only_keys(oo, "$.output", {"type", "path"});
      std::string type = "none";
      if (JsonNode* t = json_object_get_member(oo, "type"))
        type = string(t, "$.output.type", "\"none\", \"display\" or \"file\"");
      if (type == "none") {
        c.output.kind = OutputKind::kNone;
      } else if (type == "display") {
        c.output.kind = OutputKind::kDisplay;
      } else if (type == "file") {
        c.output.kind = OutputKind::kFile;
        JsonNode* pn = json_object_get_member(oo, "path");
        if (pn == nullptr)
          fail("$.output.path", "missing for type \"file\"", "add \"path\": \"out/{camera}.mp4\"");
        c.output.path =
            string(pn, "$.output.path", "a file path; {camera} is replaced by the camera id");
        if (!fs::path(c.output.path).is_absolute())
          c.output.path = (fs::path(dir_) / c.output.path).string();
      } else {
        fail("$.output.type", "unknown output type '" + type + "'",
             "use \"none\", \"display\" or \"file\"");
      }
    }

    if (JsonNode* m = json_object_get_member(o, "metrics")) {
      JsonObject* mo = object(m, "$.metrics", "give {\"address\": \"0.0.0.0\", \"port\": 9846}");
      only_keys(mo, "$.metrics", {"enabled", "address", "port"});
      if (JsonNode* e = json_object_get_member(mo, "enabled"))
        c.metrics.enabled = boolean(e, "$.metrics.enabled", "true or false");
      if (JsonNode* a = json_object_get_member(mo, "address"))
        c.metrics.address = string(a, "$.metrics.address", "an IP address, e.g. \"0.0.0.0\"");
      if (JsonNode* pn = json_object_get_member(mo, "port")) {
        const double port = number(pn, "$.metrics.port", "a TCP port number");
        if (port < 0 || port > 65535 || port != static_cast<int>(port))
          fail("$.metrics.port", "not a TCP port", "use 1..65535, or 0 for any free port");
        c.metrics.port = static_cast<int>(port);
      }
    }
    if (JsonNode* t = json_object_get_member(o, "shutdown_timeout_ms")) {
      const double v = number(t, "$.shutdown_timeout_ms", "milliseconds, e.g. 10000");
      if (v < 0 || v > 3600000) fail("$.shutdown_timeout_ms", "out of range", "use 0..3600000 ms");
      c.shutdown_timeout_ms = static_cast<uint32_t>(v);
    }
    if (JsonNode* r = json_object_get_member(o, "restart_backoff_ms")) {
      const char* fix = "give {\"initial\": 1000, \"max\": 30000} (milliseconds)";
      JsonObject* ro = object(r, "$.restart_backoff_ms", fix);
      only_keys(ro, "$.restart_backoff_ms", {"initial", "max"});
      auto ms = [&](const char* key, uint32_t* out) {
        JsonNode* n = json_object_get_member(ro, key);
        if (n == nullptr) return;
        const std::string p = std::string("$.restart_backoff_ms.") + key;
        const double v = number(n, p, "milliseconds, e.g. 1000");
        if (v < 1 || v > 3600000 || v != static_cast<uint32_t>(v))
          fail(p, "out of range", "use a whole number of milliseconds in 1..3600000");
        *out = static_cast<uint32_t>(v);
      };
      ms("initial", &c.restart_backoff.initial_ms);
      ms("max", &c.restart_backoff.max_ms);
      if (c.restart_backoff.max_ms < c.restart_backoff.initial_ms)
        fail("$.restart_backoff_ms.max",
             "smaller than initial (" + std::to_string(c.restart_backoff.initial_ms) + " ms)",
             "make max >= initial, e.g. {\"initial\": 1000, \"max\": 30000}");
    }
    if (JsonNode* h = json_object_get_member(o, "health")) {
      JsonObject* ho = object(h, "$.health", "give {\"max_down\": 0, \"down_after_ms\": 5000}");
      only_keys(ho, "$.health", {"max_down", "down_after_ms"});
      if (JsonNode* n = json_object_get_member(ho, "max_down")) {
        const double v = number(n, "$.health.max_down", "a number of cameras, e.g. 0");
        if (v < 0 || v != static_cast<uint32_t>(v) || v >= static_cast<double>(c.cameras.size()))
          fail("$.health.max_down",
               "must be a whole number below the number of cameras (" +
                   std::to_string(c.cameras.size()) + ")",
               "use 0 (any camera down = 503) up to " + std::to_string(c.cameras.size() - 1));
        c.health.max_down = static_cast<uint32_t>(v);
      }
      if (JsonNode* n = json_object_get_member(ho, "down_after_ms")) {
        const double v = number(n, "$.health.down_after_ms", "milliseconds, e.g. 5000");
        if (v < 0 || v > 3600000 || v != static_cast<uint32_t>(v))
          fail("$.health.down_after_ms", "out of range",
               "use a whole number of milliseconds in 0..3600000");
        c.health.down_after_ms = static_cast<uint32_t>(v);
      }
    }
    return c;
  }

 private:
  std::string file_;
  std::string dir_;
  std::map<JsonNode*, std::string> written_;  // strings that had ${...}: their text as written
};

}  // namespace

StoreConfig parse_store_config(const std::string& text, const std::string& file) {
  std::string dir = fs::path(file).parent_path().string();
  if (dir.empty()) dir = ".";
  Parser p(file, dir);
  return p.parse(text);
}

StoreConfig load_store_config(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec))
    throw Error(ErrorKind::kNotFound,
                path +
                    ": config file not found. Fix: give the path of a store config "
                    "(see configs/store.example.json)");
  std::string text;
  {
    FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr)
      throw Error(ErrorKind::kNotFound,
                  path + ": cannot read the config file. Fix: check permissions");
    char buf[65536];
    size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
    std::fclose(f);
  }
  return parse_store_config(text, path);
}

std::vector<ElementSettings> stages_for(const StoreConfig& config, const Camera& camera) {
  std::vector<ElementSettings> out;
  for (ElementSettings st : config.stages) {
    bool enabled = true;
    for (const auto& ov : camera.overrides) {
      if (ov.element != st.element) continue;
      enabled = ov.enabled;
      for (const auto& s : ov.settings) {
        auto it = std::find_if(st.settings.begin(), st.settings.end(),
                               [&](const Setting& x) { return x.key == s.key; });
        if (it == st.settings.end()) {
          st.settings.push_back(s);
        } else if (it->value.kind == Value::Kind::kJson && s.value.kind == Value::Kind::kJson) {
          Setting merged = s;  // the camera's path: its block is what changed the value
          merged.value.text = merge_json(it->value.text, s.value.text);
          if (!it->value.display.empty() || !s.value.display.empty())
            merged.value.display = merge_json(it->value.printable(), s.value.printable());
          *it = std::move(merged);
        } else {
          *it = s;
        }
      }
    }
    if (enabled) out.push_back(std::move(st));
  }
  return out;
}

}  // namespace retail::config
