// FrameDetector: configuration, model resolution and fall-backs, interval, roi, face->person
// linking and FrameAnalytics output, on real media.
#include <cstdlib>

#include "common/error.h"
#include "detect/config.h"
#include "detect/frame_detector.h"
#include "detect_test_util.h"

namespace retail::detect {
namespace {

using testing::as_bgr;
using testing::load_bgr;

// Points RETAIL_SHARED_DIR somewhere else for the lifetime of the object.
class SharedDirOverride {
 public:
  explicit SharedDirOverride(const std::string& dir) {
    const char* old = std::getenv("RETAIL_SHARED_DIR");
    had_ = old != nullptr;
    if (had_) old_ = old;
    setenv("RETAIL_SHARED_DIR", dir.c_str(), 1);
  }
  ~SharedDirOverride() {
    if (had_)
      setenv("RETAIL_SHARED_DIR", old_.c_str(), 1);
    else
      unsetenv("RETAIL_SHARED_DIR");
  }

 private:
  bool had_ = false;
  std::string old_;
};

std::string error_of(const Config& c) {
  try {
    FrameDetector d(c);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(DetectConfig, RoiParsing) {
  const Box b = parse_roi("0.1, 0.2,0.5,0.25");
  EXPECT_FLOAT_EQ(b.x, 0.1F);
  EXPECT_FLOAT_EQ(b.y, 0.2F);
  EXPECT_FLOAT_EQ(b.w, 0.5F);
  EXPECT_FLOAT_EQ(b.h, 0.25F);
  for (const char* bad : {"", "0,0,1", "0,0,1,1,1", "a,0,1,1", "0,0,0,1", "0.5,0,0.6,1",
                          "-0.1,0,0.5,0.5", "0,0,1x,1"}) {
    try {
      parse_roi(bad);
      ADD_FAILURE() << "accepted roi '" << bad << "'";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kConfig);
      EXPECT_NE(std::string(e.what()).find("roi"), std::string::npos);
    }
  }
}

TEST(DetectConfig, ValidateNamesTheProperty) {
  Config c;
  c.face.threshold = 1.5F;
  EXPECT_NE(error_of(c).find("face-threshold"), std::string::npos);
  c = Config{};
  c.person.threshold = -0.1F;
  EXPECT_NE(error_of(c).find("person-threshold"), std::string::npos);
  c = Config{};
  c.nms_iou = 0.F;
  EXPECT_NE(error_of(c).find("nms-iou"), std::string::npos);
  c = Config{};
  c.interval = 0;
  EXPECT_NE(error_of(c).find("interval"), std::string::npos);
  c = Config{};
  c.face.backend = Backend::kHog;
  EXPECT_NE(error_of(c).find("face-backend"), std::string::npos);
  c = Config{};
  c.person.backend = Backend::kYuNet;
  EXPECT_NE(error_of(c).find("person-backend"), std::string::npos);
}

TEST(DetectConfig, DefaultsResolveToYuNetAndYoloxNano) {
  RETAIL_DETECT_REQUIRE_SHARED();
  const Config c;
  const DetectorConfig f = resolve_face(c);
  const DetectorConfig p = resolve_person(c);
  EXPECT_EQ(f.backend, Backend::kYuNet);
  EXPECT_EQ(f.model, paths::models_dir() + "/face/yunet_n_320x320.onnx");
  EXPECT_EQ(p.backend, Backend::kYolox);
  EXPECT_EQ(p.model, paths::models_dir() + "/person/yolox_nano_320x416.onnx");
  EXPECT_FLOAT_EQ(f.threshold, c.face.threshold);
  EXPECT_FLOAT_EQ(p.nms_iou, c.nms_iou);
}

TEST(DetectConfig, WithoutModelsFolderDefaultsFallBackToOpenCvBuiltIns) {
  const cv::Mat messi = cv::imread(testing::media("photos/messi5.jpg"), cv::IMREAD_COLOR);
  SharedDirOverride o("/nonexistent-shared-dir");
  const Config c;
  EXPECT_EQ(resolve_face(c).backend, Backend::kHaar);
  EXPECT_EQ(resolve_person(c).backend, Backend::kHog);
  FrameDetector d(c);
  ASSERT_NE(d.face_detector(), nullptr);
  EXPECT_EQ(d.face_detector()->backend(), Backend::kHaar);
  ASSERT_NE(d.person_detector(), nullptr);
  EXPECT_EQ(d.person_detector()->backend(), Backend::kHog);
  ASSERT_EQ(d.notices().size(), 2U);  // the user is told, with the fix
  EXPECT_NE(d.notices()[0].find("RETAIL_SHARED_DIR"), std::string::npos);
  // The fallback really works: Haar finds Messi.
  if (messi.empty()) GTEST_SKIP() << "media not found";
  FrameAnalytics fa;
  d.process(as_bgr(messi).view, fa);
  EXPECT_GE(fa.count(ObjectClass::kFace), 1U);
}

TEST(DetectConfig, OlderModelsFolderWithoutTheDefaultPersonModelUsesTheFastOne) {
  RETAIL_DETECT_REQUIRE_SHARED();
  const std::string real = paths::models_dir();
  const std::string dir = ::testing::TempDir() + "/older-shared";
  std::filesystem::create_directories(dir + "/models/person");
  for (const char* f : {"yolo-fastest-1.1-body.cfg", "yolo-fastest-1.1-body.weights"}) {
    std::error_code ec;
    std::filesystem::create_symlink(real + "/person/" + f, dir + "/models/person/" + f, ec);
  }
  SharedDirOverride o(dir);
  Config c;
  c.face.backend = Backend::kNone;
  std::vector<std::string> notices;
  const DetectorConfig p = resolve_person(c, &notices);
  EXPECT_EQ(p.backend, Backend::kYoloFastest);
  EXPECT_EQ(p.model, dir + "/models/person/yolo-fastest-1.1-body.cfg");
  ASSERT_EQ(notices.size(), 1U);
  EXPECT_NE(notices[0].find(kDefaultPersonModel), std::string::npos) << notices[0];
  // An explicit choice is never replaced.
  c.person.model = kDefaultPersonModel + std::string(".other");
  EXPECT_THROW(resolve_person(c), Error);
}

TEST(DetectConfig, ExplicitMissingModelIsNotFoundAndNamesFileAndProperty) {
  Config c;
  c.face.model = "/nope/faces.onnx";
  try {
    FrameDetector d(c);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kNotFound);
    const std::string m = e.what();
    EXPECT_NE(m.find("/nope/faces.onnx"), std::string::npos) << m;
    EXPECT_NE(m.find("face-model"), std::string::npos) << m;
  }
  // Even without a models folder an explicit path is never silently replaced.
  SharedDirOverride o("/nonexistent-shared-dir");
  Config p;
  p.person.model = "person/my-people.cfg";
  p.face.backend = Backend::kNone;
  const std::string m = error_of(p);
  EXPECT_NE(m.find("person-model"), std::string::npos) << m;
  EXPECT_NE(m.find("my-people.cfg"), std::string::npos) << m;
}

TEST(DetectConfig, PersonModelGivenAsFaceModelIsRejected) {
  RETAIL_DETECT_REQUIRE_SHARED();
  Config c;
  c.face.model = "person/nanodet-m-320.onnx";
  const std::string m = error_of(c);
  EXPECT_NE(m.find("face-model"), std::string::npos) << m;
}

TEST(DetectFrame, FaceIsLinkedToThePersonHoldingIt) {
  RETAIL_DETECT_REQUIRE_SHARED();
  Config c;  // default: YuNet faces + Yolo-Fastest people
  FrameDetector d(c);
  FrameAnalytics fa;
  d.process(as_bgr(load_bgr("photos/messi5.jpg")).view, fa, 1234);
  ASSERT_EQ(fa.count(ObjectClass::kFace), 1U);
  ASSERT_GE(fa.count(ObjectClass::kPerson), 1U);
  EXPECT_TRUE(fa.detector_ran);
  EXPECT_EQ(fa.source.pts_ns, 1234);
  EXPECT_GT(fa.source.width, 0);
  const Object* face = nullptr;
  for (const auto& o : fa.objects)
    if (o.cls == ObjectClass::kFace) face = &o;
  ASSERT_NE(face, nullptr);
  ASSERT_NE(face->parent_id, 0U);
  const Object* person = fa.find_object(face->parent_id);
  ASSERT_NE(person, nullptr);
  EXPECT_EQ(person->cls, ObjectClass::kPerson);
  EXPECT_GE(containment(face->box, person->box), 0.7F);
  // ids unique
  for (size_t i = 0; i < fa.objects.size(); ++i)
    for (size_t j = i + 1; j < fa.objects.size(); ++j)
      EXPECT_NE(fa.objects[i].id, fa.objects[j].id);
}

TEST(DetectFrame, LinkFacesPicksTheContainingPerson) {
  std::vector<Object> objs(4);
  objs[0] = {1, ObjectClass::kPerson, 0.9F, {0.0F, 0.0F, 0.3F, 0.9F}};
  objs[1] = {2, ObjectClass::kPerson, 0.9F, {0.5F, 0.0F, 0.3F, 0.9F}};
  objs[2] = {3, ObjectClass::kFace, 0.9F, {0.55F, 0.05F, 0.1F, 0.1F}};
  objs[3] = {4, ObjectClass::kFace, 0.9F, {0.25F, 0.05F, 0.1F, 0.1F}};  // half outside
  link_faces(objs, 0.7F);
  EXPECT_EQ(objs[2].parent_id, 2U);
  EXPECT_EQ(objs[3].parent_id, 0U);
}

TEST(DetectFrame, AppendKeepsUpstreamObjectsAndIds) {
  FrameAnalytics fa;
  fa.objects.push_back({7, ObjectClass::kPerson, 0.8F, {0.1F, 0.1F, 0.2F, 0.5F}});
  Detection d;
  d.cls = ObjectClass::kFace;
  d.confidence = 0.9F;
  d.box = {0.9F, 0.9F, 0.2F, 0.2F};  // clipped to the frame
  append_detections(fa, {d}, 0.7F);
  ASSERT_EQ(fa.objects.size(), 2U);
  EXPECT_EQ(fa.objects[1].id, 8U);
  EXPECT_NEAR(fa.objects[1].box.right(), 1.0F, 1e-6F);
}

TEST(DetectFrame, IntervalThreeRunsInferenceOnOneFrameInThree) {
  RETAIL_DETECT_REQUIRE_SHARED();
  Config c;
  c.face.backend = Backend::kNone;
  c.interval = 3;
  FrameDetector d(c);
  EXPECT_EQ(d.face_detector(), nullptr);
  const auto frames = testing::first_frames("people/pets09_s2l1_768x576.avi", 9);
  ASSERT_EQ(frames.size(), 9U);
  for (size_t i = 0; i < frames.size(); ++i) {
    FrameAnalytics fa;
    d.process(as_bgr(frames[i]).view, fa);
    EXPECT_EQ(fa.source.frame_index, i);
    if (i % 3 == 0) {
      EXPECT_TRUE(fa.detector_ran) << i;
      EXPECT_GE(fa.count(ObjectClass::kPerson), 3U) << i;
    } else {
      EXPECT_FALSE(fa.detector_ran) << i;
      EXPECT_TRUE(fa.objects.empty()) << i;
    }
  }
  EXPECT_EQ(d.stats().frames_seen, 9U);
  EXPECT_EQ(d.stats().inference_runs, 3U);
}

TEST(DetectFrame, RoiKeepsDetectionsInsideTheRegion) {
  RETAIL_DETECT_REQUIRE_SHARED();
  Config c;
  c.person.backend = Backend::kNone;
  c.roi = "0.5,0,0.5,1";
  FrameDetector d(c);
  FrameAnalytics fa;
  d.process(as_bgr(load_bgr("faces/group/10.jpg")).view, fa);
  EXPECT_GE(fa.objects.size(), 5U);
  for (const auto& o : fa.objects) EXPECT_GE(o.box.x, 0.5F - 1e-3F);
}

TEST(DetectFrame, MinFaceSizeDropsSmallFaces) {
  RETAIL_DETECT_REQUIRE_SHARED();
  Config c;
  c.person.backend = Backend::kNone;
  FrameDetector all(c);
  c.face.min_size_px = 10000;
  FrameDetector none(c);
  const auto frame = as_bgr(load_bgr("faces/group/10.jpg"));
  EXPECT_GE(all.detect(frame.view).size(), 17U);
  EXPECT_EQ(none.detect(frame.view).size(), 0U);
}

}  // namespace
}  // namespace retail::detect
