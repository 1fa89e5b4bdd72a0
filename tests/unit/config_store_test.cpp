// Store config parsing: every error names the file, the JSON path and the fix.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/paths.h"
#include "config/store_config.h"

using retail::Error;
using retail::ErrorKind;
using retail::config::parse_store_config;

namespace {

std::string error_of(const std::string& text, ErrorKind* kind = nullptr) {
  try {
    parse_store_config(text, "/etc/retail/store.json");
  } catch (const Error& e) {
    if (kind != nullptr) *kind = e.kind();
    return e.what();
  }
  return "";
}

bool models_present() { return std::filesystem::is_directory(retail::paths::models_dir()); }

const char* kMinimal =
    R"({"store_id": "s1", "cameras": [{"id": "c1", "uri": "rtsp://127.0.0.1:8554/cam"}]})";

}  // namespace

TEST(StoreConfig, MinimalConfigHasDefaults) {
  const auto c = parse_store_config(kMinimal, "/etc/retail/store.json");
  EXPECT_EQ(c.store_id, "s1");
  ASSERT_EQ(c.cameras.size(), 1U);
  EXPECT_EQ(c.cameras[0].id, "c1");
  EXPECT_EQ(c.cameras[0].uri, "rtsp://127.0.0.1:8554/cam");
  EXPECT_FALSE(c.cameras[0].roi.has_value());
  EXPECT_FALSE(c.kafka.has_value());
  EXPECT_EQ(c.output.kind, retail::config::OutputKind::kNone);
  EXPECT_TRUE(c.metrics.enabled);
  EXPECT_EQ(c.metrics.port, 9846);
  EXPECT_EQ(c.dir, "/etc/retail");
}

TEST(StoreConfig, InvalidJsonNamesFileLineAndFix) {
  ErrorKind kind{};
  const std::string m = error_of(R"({"store_id": "s1", "cameras": [ )", &kind);
  EXPECT_EQ(kind, ErrorKind::kConfig);
  EXPECT_NE(m.find("/etc/retail/store.json"), std::string::npos) << m;
  EXPECT_NE(m.find("invalid JSON"), std::string::npos) << m;
  EXPECT_NE(m.find("Fix:"), std::string::npos) << m;
}

TEST(StoreConfig, MissingCameraUriNamesThePath) {
  const std::string m =
      error_of(R"({"store_id": "s1", "cameras": [{"id": "a", "uri": "x.mp4"}, {"id": "b"}]})");
  EXPECT_NE(m.find("$.cameras[1].uri"), std::string::npos) << m;
  EXPECT_NE(m.find("missing camera uri"), std::string::npos) << m;
  EXPECT_NE(m.find("Fix:"), std::string::npos) << m;
}

TEST(StoreConfig, RejectsStructuralMistakes) {
  EXPECT_NE(error_of(R"([1,2])").find("$: expected a JSON object"), std::string::npos);
  EXPECT_NE(error_of(R"({"cameras": []})").find("$.store_id: missing"), std::string::npos);
  EXPECT_NE(error_of(R"({"store_id": "s", "cameras": []})").find("$.cameras: no camera"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"store_id": "s", "camras": []})").find("$.camras: unknown key"),
            std::string::npos);
  EXPECT_NE(
      error_of(
          R"({"store_id": "s", "cameras": [{"id": "a", "uri": "rtsp://h/x"}, {"id": "a", "uri": "rtsp://h/y"}]})")
          .find("duplicate camera id 'a'"),
      std::string::npos);
  EXPECT_NE(error_of(R"({"store_id": "s", "cameras": [{"id": "a b", "uri": "rtsp://h/x"}]})")
                .find("$.cameras[0].id"),
            std::string::npos);
  EXPECT_NE(
      error_of(
          R"({"store_id": "s", "cameras": [{"id": "a", "uri": "rtsp://h/x", "roi": {"x": 0.5, "y": 0, "w": 0.8, "h": 1}}]})")
          .find("$.cameras[0].roi: region outside the frame"),
      std::string::npos);
  EXPECT_NE(
      error_of(
          R"({"store_id": "s", "cameras": [{"id": "a", "uri": "rtsp://h/x", "fps_limit": "fast"}]})")
          .find("$.cameras[0].fps_limit: expected a number"),
      std::string::npos);
  EXPECT_NE(
      error_of(
          R"({"store_id": "s", "cameras": [{"id": "a", "uri": "rtsp://h/x"}], "output": {"type": "file"}})")
          .find("$.output.path"),
      std::string::npos);
  EXPECT_NE(
      error_of(
          R"({"store_id": "s", "cameras": [{"id": "a", "uri": "rtsp://h/x"}], "output": {"type": "tv"}})")
          .find("unknown output type 'tv'"),
      std::string::npos);
  EXPECT_NE(
      error_of(
          R"({"store_id": "s", "cameras": [{"id": "a", "uri": "rtsp://h/x"}], "metrics": {"port": 70000}})")
          .find("$.metrics.port"),
      std::string::npos);
  EXPECT_NE(
      error_of(
          R"({"store_id": "s", "cameras": [{"id": "a", "uri": "rtsp://h/x"}], "stages": [{"settings": {}}]})")
          .find("$.stages[0].element: missing"),
      std::string::npos);
  EXPECT_NE(
      error_of(
          R"({"store_id": "s", "cameras": [{"id": "a", "uri": "rtsp://h/x", "stages": {"retailzones": {}}}]})")
          .find("no stage 'retailzones'"),
      std::string::npos);
}

TEST(StoreConfig, StagesKeepOrderTypesAndCameraOverrides) {
  const auto c = parse_store_config(R"({
    "store_id": "s1",
    "cameras": [
      {"id": "a", "uri": "rtsp://h/a", "fps_limit": 15, "roi": {"x": 0.1, "y": 0.2, "w": 0.5, "h": 0.5},
       "source": {"timeout-ms": 3000},
       "stages": {"retailtrack": {"lost-frames": 10}}},
      {"id": "b", "uri": "rtsp://h/b"}
    ],
    "stages": [
      {"element": "retaildetect", "settings": {"interval": 3, "threshold": 0.6, "draw": true, "mode": "faces", "zones": [1, 2]}},
      {"element": "retailattr", "enabled": false},
      {"element": "retailtrack", "settings": {"lost-frames": 30, "_note": "comment"}}
    ]})",
                                    "store.json");
  ASSERT_EQ(c.stages.size(), 2U) << "disabled stage skipped";
  EXPECT_EQ(c.stages[0].element, "retaildetect");
  EXPECT_EQ(c.stages[1].element, "retailtrack");
  using K = retail::config::Value::Kind;
  const auto& d = c.stages[0];
  ASSERT_EQ(d.settings.size(), 5U);
  EXPECT_EQ(d.find("interval")->value.kind, K::kInt);
  EXPECT_EQ(d.find("interval")->value.i, 3);
  EXPECT_EQ(d.find("interval")->json_path, "$.stages[0].settings.interval");
  EXPECT_EQ(d.find("threshold")->value.kind, K::kDouble);
  EXPECT_DOUBLE_EQ(d.find("threshold")->value.d, 0.6);
  EXPECT_EQ(d.find("draw")->value.kind, K::kBool);
  EXPECT_EQ(d.find("mode")->value.text, "faces");
  EXPECT_EQ(d.find("zones")->value.kind, K::kJson);
  EXPECT_EQ(d.find("zones")->value.text, "[1,2]");
  EXPECT_EQ(c.stages[1].settings.size(), 1U) << "keys starting with _ are comments";
  EXPECT_DOUBLE_EQ(c.cameras[0].fps_limit, 15.0);
  ASSERT_TRUE(c.cameras[0].roi.has_value());
  EXPECT_FLOAT_EQ(c.cameras[0].roi->w, 0.5F);
  EXPECT_EQ(c.cameras[0].source.find("timeout-ms")->value.i, 3000);
  const auto a = retail::config::stages_for(c, c.cameras[0]);
  const auto b = retail::config::stages_for(c, c.cameras[1]);
  EXPECT_EQ(a[1].find("lost-frames")->value.i, 10);
  EXPECT_EQ(a[1].find("lost-frames")->json_path, "$.cameras[0].stages.retailtrack.lost-frames");
  EXPECT_EQ(b[1].find("lost-frames")->value.i, 30);
}

TEST(StoreConfig, PlainPathsBecomeFileUris) {
  const auto c = parse_store_config(
      R"({"store_id": "s", "cameras": [{"id": "a", "uri": "clips/x.mp4"}]})", "/srv/store.json");
  EXPECT_EQ(c.cameras[0].uri.rfind("file:///", 0), 0U) << c.cameras[0].uri;
}

TEST(StoreConfig, MissingModelIsNotFoundWithPathAndFix) {
  ErrorKind kind{};
  const std::string m = error_of(
      R"({"store_id": "s", "models": {"face": "face/no_such_model.onnx"}, "cameras": [{"id": "a", "uri": "rtsp://h/x"}]})",
      &kind);
  EXPECT_EQ(kind, ErrorKind::kNotFound);
  EXPECT_NE(m.find("$.models.face"), std::string::npos) << m;
  EXPECT_NE(m.find("no_such_model.onnx"), std::string::npos) << m;
  EXPECT_NE(m.find("Fix:"), std::string::npos) << m;
}

TEST(StoreConfig, ModelReferencesResolveToRealFiles) {
  if (!models_present()) GTEST_SKIP() << "shared models not found";
  const auto c = parse_store_config(R"({"store_id": "s",
      "models": {"face": "face/yunet_n_320x320.onnx"},
      "cameras": [{"id": "a", "uri": "rtsp://h/x"}],
      "stages": [{"element": "retaildetect", "settings": {"face-model": "@face"}}]})",
                                    "store.json");
  const std::string path = c.stages[0].find("face-model")->value.text;
  EXPECT_TRUE(retail::paths::file_exists(path)) << path;
  EXPECT_NE(error_of(R"({"store_id": "s", "cameras": [{"id": "a", "uri": "rtsp://h/x"}],
      "stages": [{"element": "retaildetect", "settings": {"face-model": "@nope"}}]})")
                .find("'@nope' names no entry of $.models"),
            std::string::npos);
}

TEST(StoreConfig, MissingCreativeIsNotFound) {
  ErrorKind kind{};
  const std::string m = error_of(R"({"store_id": "s", "cameras": [{"id": "a", "uri": "rtsp://h/x"}],
      "stages": [{"element": "adoverlay"}],
      "campaigns": {"creatives": [{"id": "summer", "file": "creatives/none.png"}]}})",
                                 &kind);
  EXPECT_EQ(kind, ErrorKind::kNotFound);
  EXPECT_NE(m.find("$.campaigns.creatives[0].file"), std::string::npos) << m;
  EXPECT_NE(m.find("none.png"), std::string::npos) << m;
  // campaigns without an adoverlay stage to show them
  EXPECT_NE(error_of(R"({"store_id": "s", "cameras": [{"id": "a", "uri": "rtsp://h/x"}],
      "campaigns": {"creatives": []}})")
                .find("need an adoverlay stage"),
            std::string::npos);
}

TEST(StoreConfig, ExampleConfigInTheRepositoryParses) {
  if (!models_present()) GTEST_SKIP() << "shared models not found";
  const auto c = retail::config::load_store_config(std::string(RETAIL_SOURCE_DIR) +
                                                   "/configs/store.example.json");
  EXPECT_FALSE(c.store_id.empty());
  EXPECT_GE(c.cameras.size(), 1U);
  EXPECT_GE(c.stages.size(), 3U);
  EXPECT_TRUE(c.kafka.has_value());
  EXPECT_FALSE(c.campaigns.empty());
  EXPECT_FALSE(c.campaigns_file.empty() && c.campaigns_json.empty());
  for (const auto& cp : c.campaigns)
    EXPECT_TRUE(retail::paths::file_exists(cp.creative)) << cp.creative;
  // The entrance keeps the global heatmap next to its door line; the checkout has no ad panel.
  const auto entrance = retail::config::stages_for(c, c.cameras[0]);
  const auto checkout = retail::config::stages_for(c, c.cameras[1]);
  bool zones_checked = false;
  for (const auto& st : entrance)
    if (st.element == "retailzones") {
      const std::string z = st.find("zones-json")->value.text;
      EXPECT_NE(z.find("\"heatmap\""), std::string::npos) << z;
      EXPECT_NE(z.find("\"door\""), std::string::npos) << z;
      zones_checked = true;
    }
  EXPECT_TRUE(zones_checked);
  EXPECT_EQ(entrance.back().element, "adoverlay");
  for (const auto& st : checkout) EXPECT_NE(st.element, "adoverlay");
}

TEST(StoreConfig, MissingFileIsNotFound) {
  try {
    retail::config::load_store_config("/nonexistent/store.json");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kNotFound);
    EXPECT_NE(std::string(e.what()).find("/nonexistent/store.json"), std::string::npos);
  }
}

TEST(StoreConfig, RestartBackoffAndHealthHaveDefaultsAndAreValidated) {
  const auto d = parse_store_config(kMinimal, "/etc/retail/store.json");
  EXPECT_EQ(d.restart_backoff.initial_ms, 1000U);
  EXPECT_EQ(d.restart_backoff.max_ms, 30000U);
  EXPECT_EQ(d.health.max_down, 0U);
  EXPECT_EQ(d.health.down_after_ms, 5000U);
  const std::string two =
      R"({"store_id": "s", "cameras": [{"id": "a", "uri": "rtsp://h/a"}, {"id": "b", "uri": "rtsp://h/b"}], )";
  const auto c = parse_store_config(
      two +
          R"("restart_backoff_ms": {"initial": 200, "max": 800}, "health": {"max_down": 1, "down_after_ms": 0}})",
      "s.json");
  EXPECT_EQ(c.restart_backoff.initial_ms, 200U);
  EXPECT_EQ(c.restart_backoff.max_ms, 800U);
  EXPECT_EQ(c.health.max_down, 1U);
  EXPECT_EQ(c.health.down_after_ms, 0U);
  struct Case {
    std::string json, words;
  };
  const Case bad[] = {
      {R"("restart_backoff_ms": 1000})", "$.restart_backoff_ms: expected a JSON object"},
      {R"("restart_backoff_ms": {"initial": 0}})", "$.restart_backoff_ms.initial: out of range"},
      {R"("restart_backoff_ms": {"initial": 5000, "max": 1000}})",
       "$.restart_backoff_ms.max: smaller than initial"},
      {R"("restart_backoff_ms": {"first": 5}})", "$.restart_backoff_ms.first: unknown key"},
      {R"("health": {"max_down": 2}})", "$.health.max_down: must be a whole number below"},
      {R"("health": {"max_down": 0.5}})", "$.health.max_down"},
      {R"("health": {"down_after_ms": -1}})", "$.health.down_after_ms: out of range"},
  };
  for (const auto& b : bad) {
    const std::string m = error_of(two + b.json);
    EXPECT_NE(m.find(b.words), std::string::npos) << b.json << " -> " << m;
    EXPECT_NE(m.find("Fix:"), std::string::npos) << m;
  }
}

// Per-camera stages (docs/CONFIG.md, "Per-camera stages"): merged over $.stages key by key,
// JSON objects member by member (arrays of objects with an "id" by id), "enabled": false drops
// the stage for that camera only.
namespace {

const char* kTwoCameras = R"({
  "store_id": "s1",
  "cameras": [
    {"id": "entrance", "uri": "rtsp://h/a",
     "stages": {"retailzones": {"zones-json": {
        "lines": [{"id": "door", "points": [[0.25, 0.75], [0.75, 0.75]], "entrance": true}],
        "zones": [{"id": "shelf", "min_dwell_ms": 500}, {"id": "till", "points": [[0,0],[1,0],[1,1]]}],
        "heatmap": {"interval_ms": 5000},
        "occupancy": null}}}},
    {"id": "checkout", "uri": "rtsp://h/b",
     "stages": {"adoverlay": {"enabled": false}, "retailtrack": {"lost-frames": 5}}}
  ],
  "stages": [
    {"element": "retailtrack", "settings": {"lost-frames": 30}},
    {"element": "retailzones", "settings": {"zones-json": {
        "heatmap": {"grid_w": 16, "grid_h": 9, "interval_ms": 60000},
        "zones": [{"id": "shelf", "points": [[0.25,0.25],[0.5,0.25],[0.5,0.5]], "min_dwell_ms": 2000}],
        "occupancy": {"daily_reset": "04:00"}}}},
    {"element": "adoverlay", "settings": {"draw-boxes": true}}
  ]})";

std::vector<std::string> elements_of(const std::vector<retail::config::ElementSettings>& st) {
  std::vector<std::string> out;
  for (const auto& s : st) out.push_back(s.element);
  return out;
}

// RAII environment variable for a test.
struct Env {
  std::string name;
  Env(const std::string& n, const char* value) : name(n) {
    if (value != nullptr)
      setenv(n.c_str(), value, 1);
    else
      unsetenv(n.c_str());
  }
  ~Env() { unsetenv(name.c_str()); }
};

}  // namespace

TEST(StoreConfig, CameraStageSettingsMergeOverTheGlobalOnes) {
  const auto c = parse_store_config(kTwoCameras, "/etc/retail/store.json");
  const auto entrance = retail::config::stages_for(c, c.cameras[0]);
  ASSERT_EQ(elements_of(entrance),
            (std::vector<std::string>{"retailtrack", "retailzones", "adoverlay"}));
  EXPECT_EQ(entrance[0].find("lost-frames")->value.i, 30) << "not overridden: global value";
  const auto* zones = entrance[1].find("zones-json");
  ASSERT_NE(zones, nullptr);
  EXPECT_EQ(zones->json_path, "$.cameras[0].stages.retailzones.zones-json");
  // The global heatmap survives, with the camera's interval; the camera's lines are added; the
  // zone "shelf" keeps its global points with the camera's dwell; "till" is appended; the null
  // removes the global occupancy block.
  EXPECT_EQ(
      zones->value.text,
      R"({"heatmap":{"grid_w":16,"grid_h":9,"interval_ms":5000},)"
      R"("zones":[{"id":"shelf","points":[[0.25,0.25],[0.5,0.25],[0.5,0.5]],"min_dwell_ms":500},)"
      R"({"id":"till","points":[[0,0],[1,0],[1,1]]}],)"
      R"("lines":[{"id":"door","points":[[0.25,0.75],[0.75,0.75]],"entrance":true}]})");
  EXPECT_EQ(entrance[2].find("draw-boxes")->value.b, true);
  // The global stages themselves are untouched.
  EXPECT_EQ(c.stages[1].find("zones-json")->value.text.find("lines"), std::string::npos);
}

TEST(StoreConfig, EnabledFalseDropsTheStageForThatCameraOnly) {
  const auto c = parse_store_config(kTwoCameras, "/etc/retail/store.json");
  const auto checkout = retail::config::stages_for(c, c.cameras[1]);
  EXPECT_EQ(elements_of(checkout), (std::vector<std::string>{"retailtrack", "retailzones"}));
  EXPECT_EQ(checkout[0].find("lost-frames")->value.i, 5);
  EXPECT_EQ(checkout[1].find("zones-json")->value.text, c.stages[1].find("zones-json")->value.text)
      << "no override: the global zones";
  ASSERT_EQ(c.cameras[1].overrides.size(), 2U);
  EXPECT_TRUE(c.cameras[1].overrides[0].settings.empty()) << "'enabled' is no element property";
  EXPECT_EQ(c.stages.size(), 3U) << "the global chain keeps adoverlay";
  const auto entrance = retail::config::stages_for(c, c.cameras[0]);
  EXPECT_EQ(entrance.back().element, "adoverlay");
}

TEST(StoreConfig, CameraStageErrorsNameTheJsonPath) {
  const std::string cams_head =
      R"({"store_id": "s", "stages": [{"element": "retailtrack"}, {"element": "adoverlay"},
          {"element": "retailattr", "enabled": false}], "cameras": [{"id": "a", "uri": "rtsp://h/x", "stages": )";
  struct Case {
    std::string stages, words;
  };
  const Case bad[] = {
      {R"({"retailzones": {}})",
       "$.cameras[0].stages.retailzones: no stage 'retailzones' in $.stages to override. Fix: use "
       "the element name of one of the stages: 'retailtrack', 'adoverlay'"},
      {R"({"retailattr": {"enabled": true}})",
       "$.cameras[0].stages.retailattr: stage 'retailattr' is disabled for every camera "
       "($.stages[2].enabled is false)"},
      {R"({"adoverlay": {"enabled": "no"}})",
       "$.cameras[0].stages.adoverlay.enabled: expected true or false"},
      {R"({"adoverlay": false})", "$.cameras[0].stages.adoverlay: expected a JSON object"},
  };
  for (const auto& b : bad) {
    const std::string m = error_of(cams_head + b.stages + "}]}");
    EXPECT_NE(m.find(b.words), std::string::npos) << b.stages << " -> " << m;
    EXPECT_NE(m.find("/etc/retail/store.json: "), std::string::npos) << m;
    EXPECT_NE(m.find("Fix:"), std::string::npos) << m;
  }
}

TEST(StoreConfig, MergeJsonRule) {
  using retail::config::merge_json;
  EXPECT_EQ(merge_json(R"({"a":1,"b":{"c":2,"d":3}})", R"({"b":{"d":4,"e":5},"f":6})"),
            R"({"a":1,"b":{"c":2,"d":4,"e":5},"f":6})");
  EXPECT_EQ(merge_json(R"({"a":1,"b":2})", R"({"a":null})"), R"({"b":2})");
  EXPECT_EQ(merge_json(R"({"p":[[0,0],[1,1]]})", R"({"p":[[0,1]]})"), R"({"p":[[0,1]]})")
      << "arrays without ids replace";
  EXPECT_EQ(merge_json(R"({"z":[{"id":"a","x":1}]})", R"({"z":[]})"), R"({"z":[]})")
      << "an empty array clears";
  EXPECT_EQ(merge_json(R"({"z":[{"id":"a","x":1},{"id":"b","x":2}]})",
                       R"({"z":[{"id":"b","y":3},{"id":"c"}]})"),
            R"({"z":[{"id":"a","x":1},{"id":"b","x":2,"y":3},{"id":"c"}]})");
  EXPECT_EQ(merge_json(R"([1])", R"({"a":1})"), R"({"a":1})") << "not both objects: replace";
}

TEST(StoreConfig, EnvironmentVariablesAreSubstitutedInStrings) {
  Env pw("RETAIL_TEST_PASSWORD", "s3cr$t");
  Env empty("RETAIL_TEST_EMPTY", "");
  Env unset("RETAIL_TEST_UNSET", nullptr);
  const auto c = parse_store_config(R"({"store_id": "s",
      "cameras": [{"id": "a", "uri": "rtsp://admin:${RETAIL_TEST_PASSWORD}@h/x"}],
      "stages": [{"element": "retailzones", "settings": {"zones-json": {"zones": [{"id": "${RETAIL_TEST_UNSET:-z1}"}]}}}],
      "kafka": {"kafka-config": "sasl.password=${RETAIL_TEST_PASSWORD};x=$$5",
                "topic": "${RETAIL_TEST_UNSET:-edge}-${RETAIL_TEST_EMPTY:-x}",
                "brokers": "${RETAIL_TEST_EMPTY}", "location": "cost $5 and $$",
                "_note": "${NOT_SET_BUT_A_COMMENT}"}})",
                                    "/etc/retail/store.json");
  const auto& k = *c.kafka;
  EXPECT_EQ(k.find("kafka-config")->value.text, "sasl.password=s3cr$t;x=$5");
  EXPECT_EQ(k.find("kafka-config")->value.printable(),
            "sasl.password=${RETAIL_TEST_PASSWORD};x=$$5")
      << "printed as written: the secret never";
  EXPECT_EQ(k.find("topic")->value.text, "edge-x") << "default when unset or empty";
  EXPECT_EQ(k.find("brokers")->value.text, "") << "set but empty, no default: empty";
  EXPECT_EQ(k.find("location")->value.text, "cost $5 and $") << "a lone $ stays, $$ is $";
  EXPECT_EQ(k.find("location")->value.display, "") << "nothing from the environment";
  EXPECT_EQ(c.cameras[0].uri, "rtsp://admin:s3cr$t@h/x");
  EXPECT_EQ(c.cameras[0].uri_display, "rtsp://admin:${RETAIL_TEST_PASSWORD}@h/x");
  const auto& z = c.stages[0].find("zones-json")->value;
  EXPECT_EQ(z.text, R"({"zones":[{"id":"z1"}]})");
  EXPECT_EQ(z.printable(), R"({"zones":[{"id":"${RETAIL_TEST_UNSET:-z1}"}]})");
}

TEST(StoreConfig, UnsetEnvironmentVariableNamesThePathAndTheVariable) {
  Env unset("RETAIL_TEST_UNSET", nullptr);
  const std::string head =
      R"({"store_id": "s", "cameras": [{"id": "a", "uri": "rtsp://h/x"}], "kafka": {"kafka-config": ")";
  ErrorKind kind{};
  std::string m = error_of(head + R"(sasl.password=${RETAIL_TEST_UNSET}"}})", &kind);
  EXPECT_EQ(kind, ErrorKind::kConfig);
  EXPECT_NE(m.find("/etc/retail/store.json: $.kafka.kafka-config: environment variable "
                   "RETAIL_TEST_UNSET is not set. Fix: "),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("${RETAIL_TEST_UNSET:-value}"), std::string::npos) << m;
  m = error_of(head + R"(${RETAIL_TEST_UNSET"}})");
  EXPECT_NE(m.find("$.kafka.kafka-config: unterminated '${'"), std::string::npos) << m;
  m = error_of(head + R"(${1X}"}})");
  EXPECT_NE(m.find("$.kafka.kafka-config: '${1X}' is not an environment variable reference"),
            std::string::npos)
      << m;
  m = error_of(
      R"({"store_id": "s", "cameras": [{"id": "a", "uri": "rtsp://h/x"}, {"id": "b", "uri": "${RETAIL_TEST_UNSET}"}]})");
  EXPECT_NE(m.find("$.cameras[1].uri: environment variable RETAIL_TEST_UNSET is not set"),
            std::string::npos)
      << m;
}
