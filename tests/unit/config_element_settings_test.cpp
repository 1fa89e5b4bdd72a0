// Stage settings are checked against the element's GObject properties (a real GObject class
// here, so the test needs no GStreamer) and applied through GValues.
#include <glib-object.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "common/error.h"
#include "common/paths.h"
#include "config/element_settings.h"
#include "config/store_config.h"

namespace {

enum TestMode { kModeFaces, kModePeople };
GType test_mode_get_type() {
  static GType type = 0;
  if (type == 0) {
    static const GEnumValue values[] = {
        {kModeFaces, "Faces", "faces"}, {kModePeople, "People", "people"}, {0, nullptr, nullptr}};
    type = g_enum_register_static("RetailTestMode", values);
  }
  return type;
}

// An enum that grew out of a boolean (as retailcamsrc's drop-old): nicks "true" and "false".
GType test_drop_get_type() {
  static GType type = 0;
  if (type == 0) {
    static const GEnumValue values[] = {
        {0, "Auto", "auto"}, {1, "On", "true"}, {2, "Off", "false"}, {0, nullptr, nullptr}};
    type = g_enum_register_static("RetailTestDrop", values);
  }
  return type;
}

struct TestStage {
  GObject parent;
  guint interval;
  gfloat threshold;
  gboolean draw;
  gint mode;
  gint drop;
  gchar* model;
  gchar* zones;
};
struct TestStageClass {
  GObjectClass parent_class;
};
enum {
  PROP_0,
  PROP_INTERVAL,
  PROP_THRESHOLD,
  PROP_DRAW,
  PROP_MODE,
  PROP_DROP,
  PROP_MODEL,
  PROP_ZONES,
  PROP_FRAMES
};

G_DEFINE_TYPE(TestStage, test_stage, G_TYPE_OBJECT)

void test_stage_set(GObject* o, guint id, const GValue* v, GParamSpec* ps) {
  auto* s = reinterpret_cast<TestStage*>(o);
  switch (id) {
    case PROP_INTERVAL:
      s->interval = g_value_get_uint(v);
      break;
    case PROP_THRESHOLD:
      s->threshold = g_value_get_float(v);
      break;
    case PROP_DRAW:
      s->draw = g_value_get_boolean(v);
      break;
    case PROP_MODE:
      s->mode = g_value_get_enum(v);
      break;
    case PROP_DROP:
      s->drop = g_value_get_enum(v);
      break;
    case PROP_MODEL:
      g_free(s->model);
      s->model = g_value_dup_string(v);
      break;
    case PROP_ZONES:
      g_free(s->zones);
      s->zones = g_value_dup_string(v);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(o, id, ps);
  }
}
void test_stage_get(GObject* o, guint id, GValue* v, GParamSpec* ps) {
  if (id == PROP_FRAMES) g_value_set_uint64(v, 7);
}
void test_stage_finalize(GObject* o) {
  auto* s = reinterpret_cast<TestStage*>(o);
  g_free(s->model);
  g_free(s->zones);
  G_OBJECT_CLASS(test_stage_parent_class)->finalize(o);
}
void test_stage_class_init(TestStageClass* k) {
  auto* oc = G_OBJECT_CLASS(k);
  oc->set_property = test_stage_set;
  oc->get_property = test_stage_get;
  oc->finalize = test_stage_finalize;
  const auto rw = static_cast<GParamFlags>(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_property(
      oc, PROP_INTERVAL, g_param_spec_uint("interval", "i", "run every N frames", 1, 100, 1, rw));
  g_object_class_install_property(
      oc, PROP_THRESHOLD,
      g_param_spec_float("threshold", "t", "score threshold", 0.F, 1.F, 0.5F, rw));
  g_object_class_install_property(oc, PROP_DRAW,
                                  g_param_spec_boolean("draw-labels", "d", "draw", FALSE, rw));
  g_object_class_install_property(
      oc, PROP_MODE, g_param_spec_enum("mode", "m", "mode", test_mode_get_type(), kModeFaces, rw));
  g_object_class_install_property(
      oc, PROP_DROP, g_param_spec_enum("drop", "d", "drop", test_drop_get_type(), 0, rw));
  g_object_class_install_property(
      oc, PROP_MODEL, g_param_spec_string("face-model", "f", "model file", nullptr, rw));
  g_object_class_install_property(oc, PROP_ZONES,
                                  g_param_spec_string("zones", "z", "zones JSON", nullptr, rw));
  g_object_class_install_property(
      oc, PROP_FRAMES,
      g_param_spec_uint64("frames", "n", "frames seen", 0, G_MAXUINT64, 0,
                          static_cast<GParamFlags>(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)));
}
void test_stage_init(TestStage* s) { s->interval = 1; }

retail::config::ElementSettings stage(const std::string& settings_json) {
  const auto c = retail::config::parse_store_config(
      R"({"store_id": "s", "cameras": [{"id": "a", "uri": "rtsp://h/x"}], "stages": [{"element": "teststage", "settings": )" +
          settings_json + "}]}",
      "store.json");
  return c.stages.at(0);
}

std::string error_of(const std::string& settings_json, retail::ErrorKind* kind = nullptr) {
  try {
    retail::config::validate_settings(stage(settings_json), test_stage_get_type(), "store.json");
  } catch (const retail::Error& e) {
    if (kind != nullptr) *kind = e.kind();
    return e.what();
  }
  return "";
}

}  // namespace

TEST(ElementSettings, UnknownSettingNamesPathElementAndKnownProperties) {
  const std::string m = error_of(R"({"interval": 3, "intervall": 2})");
  EXPECT_NE(m.find("store.json: $.stages[0].settings.intervall"), std::string::npos) << m;
  EXPECT_NE(m.find("unknown stage setting 'intervall' for element 'teststage'"), std::string::npos)
      << m;
  EXPECT_NE(m.find("interval, "), std::string::npos) << "lists the real properties: " << m;
}

TEST(ElementSettings, WrongTypesAndRangesAreRejected) {
  EXPECT_NE(error_of(R"({"interval": "three"})").find("expected an integer"), std::string::npos);
  EXPECT_NE(error_of(R"({"interval": 1000})").find("out of the allowed range"), std::string::npos);
  EXPECT_NE(error_of(R"({"interval": -1})").find("out of range"), std::string::npos);
  EXPECT_NE(error_of(R"({"threshold": 1.5})").find("out of the allowed range"), std::string::npos);
  EXPECT_NE(error_of(R"({"draw-labels": 1})").find("expected true or false"), std::string::npos);
  EXPECT_NE(error_of(R"({"mode": "cars"})").find("is not one of: faces, people"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"frames": 3})").find("read-only"), std::string::npos);
  // A JSON boolean picks the enum value nicknamed "true"/"false", and only where one exists.
  EXPECT_EQ(error_of(R"({"drop": true})"), "");
  EXPECT_EQ(error_of(R"({"drop": false})"), "");
  EXPECT_NE(error_of(R"({"mode": true})").find("is not one of: faces, people"), std::string::npos);
  EXPECT_EQ(error_of(R"({"interval": 3, "threshold": 0.7, "draw-labels": true, "mode": "people"})"),
            "");
}

TEST(ElementSettings, MissingModelFileIsNotFound) {
  retail::ErrorKind kind{};
  const std::string m = error_of(R"({"face-model": "face/missing.onnx"})", &kind);
  EXPECT_EQ(kind, retail::ErrorKind::kNotFound);
  EXPECT_NE(m.find("$.stages[0].settings.face-model"), std::string::npos) << m;
  EXPECT_NE(m.find("Fix:"), std::string::npos) << m;
}

TEST(ElementSettings, AppliesValuesToTheObject) {
  if (!std::filesystem::is_directory(retail::paths::models_dir()))
    GTEST_SKIP() << "no shared models";
  const auto st = stage(R"({"interval": 3, "threshold": 0.25, "draw-labels": true, "mode": "people",
                          "face-model": "face/yunet_n_320x320.onnx", "zones": [{"id": "door"}]})");
  retail::config::validate_settings(st, test_stage_get_type(), "store.json");
  auto* obj = reinterpret_cast<TestStage*>(g_object_new(test_stage_get_type(), nullptr));
  retail::config::apply_settings(G_OBJECT(obj), st, "store.json");
  EXPECT_EQ(obj->interval, 3U);
  EXPECT_FLOAT_EQ(obj->threshold, 0.25F);
  EXPECT_TRUE(obj->draw);
  EXPECT_EQ(obj->mode, kModePeople);
  EXPECT_STREQ(obj->model, "face/yunet_n_320x320.onnx");
  EXPECT_STREQ(obj->zones, R"([{"id":"door"}])")
      << "objects/arrays reach string properties as JSON";
  g_object_unref(obj);
}

// A value that came from the environment is quoted as written (${NAME}) in the error, never as
// its value.
TEST(ElementSettings, ErrorsQuoteEnvironmentValuesAsWritten) {
  setenv("RETAIL_TEST_MODE", "secret-mode", 1);
  setenv("RETAIL_TEST_COUNT", "secret-count", 1);
  const std::string mode = error_of(R"({"mode": "${RETAIL_TEST_MODE}"})");
  const std::string count = error_of(R"({"interval": "${RETAIL_TEST_COUNT}"})");
  unsetenv("RETAIL_TEST_MODE");
  unsetenv("RETAIL_TEST_COUNT");
  EXPECT_NE(mode.find("'${RETAIL_TEST_MODE}' is not one of: faces, people"), std::string::npos)
      << mode;
  EXPECT_NE(count.find("got \"${RETAIL_TEST_COUNT}\""), std::string::npos) << count;
  EXPECT_EQ((mode + count).find("secret"), std::string::npos) << mode << count;
}
