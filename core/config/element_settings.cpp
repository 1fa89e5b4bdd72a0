#include "config/element_settings.h"

#include <cmath>
#include <limits>

#include "common/error.h"
#include "common/paths.h"

namespace retail::config {

namespace {

std::string property_names(GType type) {
  GObjectClass* klass = G_OBJECT_CLASS(g_type_class_ref(type));
  guint n = 0;
  GParamSpec** specs = g_object_class_list_properties(klass, &n);
  std::string out;
  for (guint i = 0; i < n; ++i) {
    if ((specs[i]->flags & G_PARAM_WRITABLE) == 0) continue;
    const std::string name = g_param_spec_get_name(specs[i]);
    if (name == "name" || name == "parent") continue;
    out += (out.empty() ? "" : ", ") + name;
  }
  g_free(specs);
  g_type_class_unref(klass);
  return out;
}

bool is_file_setting(const std::string& key) {
  const auto ends_with = [&](const std::string& s) {
    return key.size() >= s.size() && key.compare(key.size() - s.size(), s.size(), s) == 0;
  };
  return key.find("model") != std::string::npos || ends_with("-file");
}

template <typename T>
bool integer_in(const Value& v, T* out, std::string* problem) {
  if (v.kind == Value::Kind::kInt) {
    if (v.i < static_cast<int64_t>(std::numeric_limits<T>::lowest()) ||
        (v.i > 0 &&
         static_cast<uint64_t>(v.i) > static_cast<uint64_t>(std::numeric_limits<T>::max()))) {
      *problem = "value " + v.text + " out of range";
      return false;
    }
    *out = static_cast<T>(v.i);
    return true;
  }
  if (v.kind == Value::Kind::kDouble && std::floor(v.d) == v.d) {
    *out = static_cast<T>(v.d);
    return true;
  }
  *problem = "expected an integer, got " +
             (v.kind == Value::Kind::kString ? "\"" + v.printable() + "\"" : v.text);
  return false;
}

}  // namespace

bool to_gvalue(const Setting& s, GParamSpec* pspec, GValue* out, std::string* problem) {
  const GType t = G_PARAM_SPEC_VALUE_TYPE(pspec);
  const Value& v = s.value;
  g_value_init(out, t);
  bool ok = true;
  const GType fundamental = G_TYPE_FUNDAMENTAL(t);
  switch (fundamental) {
    case G_TYPE_BOOLEAN:
      if (v.kind == Value::Kind::kBool) {
        g_value_set_boolean(out, v.b ? TRUE : FALSE);
      } else {
        *problem = "expected true or false";
        ok = false;
      }
      break;
    case G_TYPE_INT: {
      gint x = 0;
      ok = integer_in(v, &x, problem);
      if (ok) g_value_set_int(out, x);
      break;
    }
    case G_TYPE_UINT: {
      guint x = 0;
      ok = integer_in(v, &x, problem);
      if (ok) g_value_set_uint(out, x);
      break;
    }
    case G_TYPE_LONG: {
      glong x = 0;
      ok = integer_in(v, &x, problem);
      if (ok) g_value_set_long(out, x);
      break;
    }
    case G_TYPE_ULONG: {
      gulong x = 0;
      ok = integer_in(v, &x, problem);
      if (ok) g_value_set_ulong(out, x);
      break;
    }
    case G_TYPE_INT64: {
      gint64 x = 0;
      ok = integer_in(v, &x, problem);
      if (ok) g_value_set_int64(out, x);
      break;
    }
    case G_TYPE_UINT64: {
      guint64 x = 0;
      ok = integer_in(v, &x, problem);
      if (ok) g_value_set_uint64(out, x);
      break;
    }
    case G_TYPE_FLOAT:
    case G_TYPE_DOUBLE:
      if (v.kind == Value::Kind::kInt || v.kind == Value::Kind::kDouble) {
        if (fundamental == G_TYPE_FLOAT)
          g_value_set_float(out, static_cast<float>(v.d));
        else
          g_value_set_double(out, v.d);
      } else {
        *problem = "expected a number";
        ok = false;
      }
      break;
    case G_TYPE_STRING:
      // Numbers and booleans are accepted for string properties (written as text).
      g_value_set_string(out, v.text.c_str());
      break;
    case G_TYPE_ENUM: {
      GEnumClass* ec = G_ENUM_CLASS(g_type_class_ref(t));
      GEnumValue* ev = nullptr;
      if (v.kind == Value::Kind::kString) {
        ev = g_enum_get_value_by_nick(ec, v.text.c_str());
        if (ev == nullptr) ev = g_enum_get_value_by_name(ec, v.text.c_str());
      } else if (v.kind == Value::Kind::kInt) {
        ev = g_enum_get_value(ec, static_cast<gint>(v.i));
      } else if (v.kind == Value::Kind::kBool) {  // an enum that grew out of a boolean
        ev = g_enum_get_value_by_nick(ec, v.b ? "true" : "false");
      }
      if (ev != nullptr) {
        g_value_set_enum(out, ev->value);
      } else {
        std::string nicks;
        for (guint i = 0; i < ec->n_values; ++i)
          nicks += (nicks.empty() ? "" : ", ") + std::string(ec->values[i].value_nick);
        *problem = "'" + v.printable() + "' is not one of: " + nicks;
        ok = false;
      }
      g_type_class_unref(ec);
      break;
    }
    case G_TYPE_FLAGS: {
      GFlagsClass* fc = G_FLAGS_CLASS(g_type_class_ref(t));
      guint flags = 0;
      std::string rest = v.text;
      size_t start = 0;
      while (ok && start <= rest.size()) {
        const size_t plus = rest.find('+', start);
        const std::string part =
            rest.substr(start, plus == std::string::npos ? std::string::npos : plus - start);
        if (!part.empty()) {
          GFlagsValue* fv = g_flags_get_value_by_nick(fc, part.c_str());
          if (fv == nullptr) fv = g_flags_get_value_by_name(fc, part.c_str());
          if (fv == nullptr) {
            *problem = v.display.empty() ? "unknown flag '" + part + "'"
                                         : "unknown flag in '" + v.display + "'";
            ok = false;
          } else {
            flags |= fv->value;
          }
        }
        if (plus == std::string::npos) break;
        start = plus + 1;
      }
      if (ok) g_value_set_flags(out, flags);
      g_type_class_unref(fc);
      break;
    }
    default:
      *problem = std::string("properties of type ") + g_type_name(t) +
                 " cannot be set from a store config";
      ok = false;
  }
  if (ok && g_param_value_validate(pspec, out)) {
    *problem = "value " + v.printable() + " is out of the allowed range";
    ok = false;
  }
  if (!ok) g_value_unset(out);
  return ok;
}

void validate_settings(const ElementSettings& es, GType type, const std::string& file) {
  GObjectClass* klass = G_OBJECT_CLASS(g_type_class_ref(type));
  try {
    for (const auto& s : es.settings) {
      GParamSpec* pspec = g_object_class_find_property(klass, s.key.c_str());
      if (pspec == nullptr || s.key == "name" || s.key == "parent")
        throw Error(
            ErrorKind::kConfig,
            config_message(file, s.json_path,
                           "unknown stage setting '" + s.key + "' for element '" + es.element + "'",
                           "use one of its properties (gst-inspect-1.0 " + es.element +
                               "): " + property_names(type)));
      if ((pspec->flags & G_PARAM_WRITABLE) == 0 || (pspec->flags & G_PARAM_CONSTRUCT_ONLY) != 0)
        throw Error(ErrorKind::kConfig,
                    config_message(file, s.json_path,
                                   "setting '" + s.key + "' of '" + es.element + "' is read-only",
                                   "remove it (it is a statistic the element reports)"));
      GValue v = G_VALUE_INIT;
      std::string problem;
      if (!to_gvalue(s, pspec, &v, &problem))
        throw Error(
            ErrorKind::kConfig,
            config_message(file, s.json_path,
                           "invalid value for '" + s.key + "' of '" + es.element + "': " + problem,
                           std::string("see gst-inspect-1.0 ") + es.element + " (" +
                               g_param_spec_get_blurb(pspec) + ")"));
      const bool is_string = G_VALUE_HOLDS_STRING(&v);
      g_value_unset(&v);
      if (is_string && is_file_setting(s.key) && !s.value.text.empty()) {
        const std::string resolved = paths::resolve_model(s.value.text);
        if (!paths::file_exists(resolved))
          throw Error(
              ErrorKind::kNotFound,
              config_message(file, s.json_path,
                             "file '" + s.value.printable() + "' for '" + s.key + "' of '" +
                                 es.element + "' not found",
                             "check the path; models resolve under RETAIL_SHARED_DIR/models (" +
                                 paths::models_dir() + "); or name a $.models entry as \"@name\""));
      }
    }
  } catch (...) {
    g_type_class_unref(klass);
    throw;
  }
  g_type_class_unref(klass);
}

void apply_settings(GObject* object, const ElementSettings& es, const std::string& file) {
  GObjectClass* klass = G_OBJECT_GET_CLASS(object);
  for (const auto& s : es.settings) {
    GParamSpec* pspec = g_object_class_find_property(klass, s.key.c_str());
    GValue v = G_VALUE_INIT;
    std::string problem = "unknown setting";
    if (pspec == nullptr || !to_gvalue(s, pspec, &v, &problem))
      throw Error(ErrorKind::kConfig,
                  config_message(file, s.json_path, problem, "see gst-inspect-1.0 " + es.element));
    g_object_set_property(object, s.key.c_str(), &v);
    g_value_unset(&v);
  }
}

}  // namespace retail::config
