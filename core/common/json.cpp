#include "common/json.h"

#include <fstream>
#include <sstream>

#include "common/error.h"

namespace retail::json {

NodePtr parse(const std::string& text, const std::string& what) {
  JsonParser* parser = json_parser_new();
  GError* err = nullptr;
  if (!json_parser_load_from_data(parser, text.c_str(), static_cast<gssize>(text.size()), &err)) {
    const std::string msg = what + ": invalid JSON: " + (err != nullptr ? err->message : "?");
    if (err != nullptr) g_error_free(err);
    g_object_unref(parser);
    throw Error(ErrorKind::kConfig, msg);
  }
  JsonNode* root = json_parser_get_root(parser);
  NodePtr out(root != nullptr ? json_node_copy(root) : json_node_new(JSON_NODE_NULL));
  g_object_unref(parser);
  return out;
}

NodePtr parse_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorKind::kNotFound, "cannot open '" + path + "': check the path");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse(ss.str(), path);
}

std::string to_string(JsonNode* node, bool pretty) {
  JsonGenerator* gen = json_generator_new();
  json_generator_set_root(gen, node);
  json_generator_set_pretty(gen, pretty ? TRUE : FALSE);
  gchar* text = json_generator_to_data(gen, nullptr);
  std::string out(text != nullptr ? text : "");
  g_free(text);
  g_object_unref(gen);
  return out;
}

Writer::Writer() : builder_(json_builder_new()) { json_builder_begin_object(builder_); }

Writer::~Writer() {
  if (root_ != nullptr) json_node_unref(root_);
  g_object_unref(builder_);
}

Writer& Writer::key(const char* k) {
  json_builder_set_member_name(builder_, k);
  return *this;
}
Writer& Writer::value(int64_t v) {
  json_builder_add_int_value(builder_, v);
  return *this;
}
Writer& Writer::value(double v) {
  json_builder_add_double_value(builder_, v);
  return *this;
}
Writer& Writer::value(bool v) {
  json_builder_add_boolean_value(builder_, v ? TRUE : FALSE);
  return *this;
}
Writer& Writer::value(const std::string& v) {
  json_builder_add_string_value(builder_, v.c_str());
  return *this;
}
Writer& Writer::value(const char* v) {
  json_builder_add_string_value(builder_, v);
  return *this;
}
Writer& Writer::null() {
  json_builder_add_null_value(builder_);
  return *this;
}
Writer& Writer::raw(const std::string& json_text) {
  NodePtr n = parse(json_text, "embedded JSON");
  json_builder_add_value(builder_, json_node_copy(n.get()));
  return *this;
}
Writer& Writer::begin_object() {
  json_builder_begin_object(builder_);
  return *this;
}
Writer& Writer::end_object() {
  json_builder_end_object(builder_);
  return *this;
}
Writer& Writer::begin_array() {
  json_builder_begin_array(builder_);
  return *this;
}
Writer& Writer::end_array() {
  json_builder_end_array(builder_);
  return *this;
}

JsonNode* Writer::root() {
  if (root_ == nullptr) {
    json_builder_end_object(builder_);
    root_ = json_builder_get_root(builder_);
  }
  return root_;
}

std::string Writer::str() const { return to_string(const_cast<Writer*>(this)->root()); }

}  // namespace retail::json
