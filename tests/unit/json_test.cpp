#include <gtest/gtest.h>

#include "common/error.h"
#include "common/json.h"

TEST(Json, WriterBuildsNestedObjects) {
  retail::json::Writer w;
  w.field("type", "line_crossed").field("count", 3).key("hist").begin_array().value(1).value(2)
      .end_array().key("sub").begin_object().field("ok", true).end_object();
  EXPECT_EQ(w.str(), R"({"type":"line_crossed","count":3,"hist":[1,2],"sub":{"ok":true}})");
}

TEST(Json, ParseErrorNamesTheSource) {
  try {
    retail::json::parse("{\"a\": ", "zones.json");
    FAIL();
  } catch (const retail::Error& e) {
    EXPECT_EQ(e.kind(), retail::ErrorKind::kConfig);
    EXPECT_NE(std::string(e.what()).find("zones.json"), std::string::npos);
  }
}
