// Small RAII helpers over json-glib, so core modules build and read JSON without hand-written
// serializers. Objects are built with json-glib's JsonBuilder and printed with JsonGenerator.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <json-glib/json-glib.h>

namespace retail::json {

struct NodeDeleter {
  void operator()(JsonNode* n) const { json_node_unref(n); }
};
using NodePtr = std::unique_ptr<JsonNode, NodeDeleter>;

// Parses JSON text; throws retail::Error(kConfig) naming `what` (e.g. a file name) and the
// line/column of the problem.
NodePtr parse(const std::string& text, const std::string& what);
// Reads and parses a file; throws kNotFound when it is missing.
NodePtr parse_file(const std::string& path);
// Compact JSON text of a node.
std::string to_string(JsonNode* node, bool pretty = false);

// Builds one JSON object (nesting allowed) and returns its text.
class Writer {
 public:
  Writer();
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  Writer& key(const char* k);  // the next value's member name (inside an object)
  Writer& value(int64_t v);
  Writer& value(int v) { return value(static_cast<int64_t>(v)); }
  Writer& value(uint64_t v) { return value(static_cast<int64_t>(v)); }
  Writer& value(double v);
  Writer& value(bool v);
  Writer& value(const std::string& v);
  Writer& value(const char* v);
  Writer& null();
  Writer& raw(const std::string& json_text);  // splice already-serialized JSON as a value
  Writer& begin_object();
  Writer& end_object();
  Writer& begin_array();
  Writer& end_array();

  template <typename T>
  Writer& field(const char* k, const T& v) {
    key(k);
    return value(v);
  }

  JsonNode* root();          // borrowed; valid until the Writer is destroyed
  std::string str() const;   // compact JSON of the whole object

 private:
  JsonBuilder* builder_;
  mutable JsonNode* root_ = nullptr;
};

}  // namespace retail::json
