// Checks store-config element settings against an element's GObject properties (GLib only, no
// GStreamer: the caller resolves the element name to its GType) and converts them to GValues.
#pragma once

#include <glib-object.h>

#include <string>

#include "config/store_config.h"

namespace retail::config {

// Throws retail::Error(kConfig) "unknown stage setting" (with the JSON path and the element's
// property names), for a value of the wrong type or out of range, for a read-only property; and
// kNotFound for a missing model/file setting (string properties whose name contains "model" or
// ends in "-file" must name an existing file; models resolve through retail::paths).
void validate_settings(const ElementSettings& settings, GType type, const std::string& file);

// Converts one setting to a GValue of the property's type (enums by nick or name, flags as
// "a+b"). Returns false and sets `problem` when it cannot. `out` is initialised on success.
bool to_gvalue(const Setting& setting, GParamSpec* pspec, GValue* out, std::string* problem);

// Sets every setting on `object` (after validate_settings succeeded).
void apply_settings(GObject* object, const ElementSettings& settings, const std::string& file);

}  // namespace retail::config
