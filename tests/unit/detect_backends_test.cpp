// Every detector back end on real images and video from the shared media folder.
#include <algorithm>
#include <thread>

#include "common/error.h"
#include "detect/detector.h"
#include "detect_test_util.h"

namespace retail::detect {
namespace {

using testing::as_bgr;
using testing::as_yuv;
using testing::count_class;
using testing::inside01;
using testing::load_bgr;
using testing::media;
using testing::model;

DetectorConfig dnn(Backend b, const std::string& rel, float threshold) {
  DetectorConfig c;
  c.backend = b;
  c.model = model(rel);
  c.threshold = threshold;
  c.nms_iou = b == Backend::kYuNet || b == Backend::kUltraFace ? 0.3F : 0.45F;
  return c;
}

DetectorConfig yunet() { return dnn(Backend::kYuNet, "face/yunet_n_320x320.onnx", 0.7F); }
DetectorConfig yolo() {
  return dnn(Backend::kYoloFastest, "person/yolo-fastest-1.1-body.cfg", 0.5F);
}

TEST(DetectYuNet, FindsAtLeast17Of19FacesInGroupPhoto) {
  RETAIL_DETECT_REQUIRE_SHARED();
  auto det = make_detector(yunet());
  const auto frame = as_bgr(load_bgr("faces/group/10.jpg"));
  const auto faces = det->detect(frame.view, {});
  EXPECT_GE(faces.size(), 17U);
  EXPECT_LE(faces.size(), 21U);  // no spray of false positives
  for (const auto& f : faces) {
    EXPECT_EQ(f.cls, ObjectClass::kFace);
    EXPECT_TRUE(inside01(f.box));
    ASSERT_EQ(f.landmarks.size(), 5U);
    // Eyes and nose lie inside the face box; right eye (image left) is left of the left eye.
    for (int i = 0; i < 3; ++i) {
      const Point& p = f.landmarks[static_cast<size_t>(i)];
      EXPECT_TRUE(f.box.contains(p)) << "landmark " << i;
    }
    EXPECT_LT(f.landmarks[0].x, f.landmarks[1].x);
  }
}

TEST(DetectYuNet, FindsExactlyOneFaceInMessi) {
  RETAIL_DETECT_REQUIRE_SHARED();
  auto det = make_detector(yunet());
  const auto faces = det->detect(as_bgr(load_bgr("photos/messi5.jpg")).view, {});
  ASSERT_EQ(faces.size(), 1U);
  EXPECT_GT(faces[0].confidence, 0.8F);
}

TEST(DetectYuNet, PinnedInputSizeComesFromTheFileName) {
  RETAIL_DETECT_REQUIRE_SHARED();
  auto det = make_detector(dnn(Backend::kYuNet, "face/yunet_n_480x640.onnx", 0.7F));
  EXPECT_NE(det->describe().find("640x480"), std::string::npos) << det->describe();
  const auto faces = det->detect(as_bgr(load_bgr("faces/group/10.jpg")).view, {});
  EXPECT_GE(faces.size(), 17U);
  EXPECT_LE(faces.size(), 21U);
}

TEST(DetectYuNet, RegionOfInterestLimitsTheSearch) {
  RETAIL_DETECT_REQUIRE_SHARED();
  auto det = make_detector(yunet());
  const auto frame = as_bgr(load_bgr("faces/group/10.jpg"));
  const auto all = det->detect(frame.view, {});
  const cv::Rect left(0, 0, frame.view.width / 2, frame.view.height);
  const auto half = det->detect(frame.view, left);
  EXPECT_GE(half.size(), 5U);
  EXPECT_LT(half.size(), all.size());
  for (const auto& f : half) EXPECT_LE(f.box.x, 0.5F + 1e-3F);  // normalized to the full frame
}

TEST(DetectHaar, BuiltInCascadeFindsMessi) {
  DetectorConfig c;
  c.backend = Backend::kHaar;
  c.nms_iou = 0.3F;
  auto det = make_detector(c);
  const auto faces = det->detect(as_bgr(load_bgr("photos/messi5.jpg")).view, {});
  EXPECT_GE(faces.size(), 1U);
  EXPECT_LE(faces.size(), 3U);
}

TEST(DetectLbp, BuiltInCascadeFindsGracePortrait) {
  DetectorConfig c;
  c.backend = Backend::kLbp;
  auto det = make_detector(c);
  const auto faces = det->detect(as_bgr(load_bgr("photos/grace_hopper_512x512.jpg")).view, {});
  EXPECT_GE(faces.size(), 1U);
  EXPECT_LE(faces.size(), 2U);
}

TEST(DetectUltraFace, AgreesWithYuNetOnMessi) {
  RETAIL_DETECT_REQUIRE_SHARED();
  auto uf = make_detector(dnn(Backend::kUltraFace, "face/ultraface_rfb_320x240.onnx", 0.7F));
  auto yn = make_detector(yunet());
  const auto frame = as_bgr(load_bgr("photos/messi5.jpg"));
  const auto a = uf->detect(frame.view, {});
  const auto b = yn->detect(frame.view, {});
  ASSERT_EQ(a.size(), 1U);
  ASSERT_EQ(b.size(), 1U);
  EXPECT_GT(iou(a[0].box, b[0].box), 0.5F);
}

TEST(DetectUltraFace, FindsTheGroupPhotoFacesYuNetFinds) {
  RETAIL_DETECT_REQUIRE_SHARED();
  auto uf = make_detector(dnn(Backend::kUltraFace, "face/ultraface_rfb_320x240.onnx", 0.7F));
  auto yn = make_detector(yunet());
  const auto frame = as_bgr(load_bgr("faces/group/10.jpg"));
  const auto a = uf->detect(frame.view, {});
  const auto b = yn->detect(frame.view, {});
  EXPECT_GE(a.size(), 15U);
  EXPECT_LE(a.size(), 21U);
  size_t matched = 0;
  for (const auto& x : a)
    for (const auto& y : b)
      if (iou(x.box, y.box) > 0.4F) {
        ++matched;
        break;
      }
  EXPECT_GE(matched, 15U);
}

TEST(DetectNanoDet, FindsPeopleInStreetScene) {
  RETAIL_DETECT_REQUIRE_SHARED();
  auto det = make_detector(dnn(Backend::kNanoDet, "person/nanodet-m-320.onnx", 0.4F));
  const auto people = det->detect(as_bgr(load_bgr("photos/darknet_person.jpg")).view, {});
  ASSERT_GE(people.size(), 1U);
  EXPECT_LE(people.size(), 2U);
  // The one person in darknet_person.jpg stands upright: taller than wide.
  EXPECT_GT(people[0].box.h, people[0].box.w);
  for (const auto& p : people) EXPECT_TRUE(inside01(p.box));
}

TEST(DetectNanoDet, AgreesWithYoloFastestOnPets) {
  RETAIL_DETECT_REQUIRE_SHARED();
  auto nd = make_detector(dnn(Backend::kNanoDet, "person/nanodet-m-320.onnx", 0.4F));
  auto yf = make_detector(yolo());
  const auto frames = testing::first_frames("people/pets09_s2l1_768x576.avi", 1);
  ASSERT_EQ(frames.size(), 1U);
  const auto frame = as_bgr(frames[0]);
  const auto a = nd->detect(frame.view, {});
  const auto b = yf->detect(frame.view, {});
  EXPECT_GE(a.size(), 3U);
  size_t matched = 0;
  for (const auto& x : a)
    for (const auto& y : b)
      if (iou(x.box, y.box) > 0.4F) {
        ++matched;
        break;
      }
  EXPECT_GE(matched * 10, a.size() * 6) << matched << " of " << a.size();
}

TEST(DetectHog, FindsPedestriansOnPets) {
  DetectorConfig c;
  c.backend = Backend::kHog;
  auto det = make_detector(c);
  const auto frames = testing::first_frames("people/pets09_s2l1_768x576.avi", 1);
  ASSERT_EQ(frames.size(), 1U);
  const auto people = det->detect(as_bgr(frames[0]).view, {});
  EXPECT_GE(people.size(), 2U);
  EXPECT_LE(people.size(), 15U);
  for (const auto& p : people) {
    EXPECT_TRUE(inside01(p.box));
    EXPECT_GT(p.box.h, p.box.w);
  }
}

TEST(DetectYoloFastest, AtLeastFourPeoplePerFrameOverFirst100Frames) {
  RETAIL_DETECT_REQUIRE_SHARED();
  auto det = make_detector(yolo());
  const auto frames = testing::first_frames("people/pets09_s2l1_768x576.avi", 100);
  ASSERT_EQ(frames.size(), 100U);
  size_t total = 0;
  for (const auto& f : frames) {
    const auto people = det->detect(as_bgr(f).view, {});
    total += people.size();
    for (const auto& p : people) {
      EXPECT_EQ(p.cls, ObjectClass::kPerson);
      EXPECT_TRUE(inside01(p.box)) << p.box.x << "," << p.box.y << "," << p.box.w << "," << p.box.h;
      EXPECT_GE(p.confidence, 0.5F);
    }
  }
  const double mean = static_cast<double>(total) / 100.0;
  RecordProperty("mean_people_per_frame", std::to_string(mean));
  EXPECT_GE(mean, 4.0);
  EXPECT_LE(mean, 10.0);  // PETS shows 4-8 people
}

// Same boxes whatever the pixel layout (only the network input is converted).
void expect_same(const std::vector<Detection>& ref, const std::vector<Detection>& got,
                 const char* what) {
  EXPECT_NEAR(static_cast<double>(got.size()), static_cast<double>(ref.size()), 1.0) << what;
  size_t matched = 0;
  for (const auto& r : ref) {
    for (const auto& g : got) {
      if (iou(r.box, g.box) > 0.85F) {
        ++matched;
        break;
      }
    }
  }
  EXPECT_GE(matched + 1, ref.size()) << what << ": " << matched << " of " << ref.size();
}

TEST(DetectFormats, SameFacesFromBgrI420AndNv12) {
  RETAIL_DETECT_REQUIRE_SHARED();
  auto det = make_detector(yunet());
  const cv::Mat bgr = load_bgr("faces/group/10.jpg");
  const auto ref = det->detect(as_bgr(bgr).view, {});
  ASSERT_GE(ref.size(), 17U);
  expect_same(ref, det->detect(as_yuv(bgr, PixelFormat::kI420).view, {}), "I420");
  expect_same(ref, det->detect(as_yuv(bgr, PixelFormat::kNV12).view, {}), "NV12");
}

TEST(DetectFormats, SamePeopleFromBgrI420AndNv12) {
  RETAIL_DETECT_REQUIRE_SHARED();
  auto det = make_detector(yolo());
  const auto frames = testing::first_frames("people/pets09_s2l1_768x576.avi", 1);
  ASSERT_EQ(frames.size(), 1U);
  const auto ref = det->detect(as_bgr(frames[0]).view, {});
  ASSERT_GE(ref.size(), 3U);
  expect_same(ref, det->detect(as_yuv(frames[0], PixelFormat::kI420).view, {}), "I420");
  expect_same(ref, det->detect(as_yuv(frames[0], PixelFormat::kNV12).view, {}), "NV12");
}

TEST(DetectCache, SameModelIsLoadedOnce) {
  RETAIL_DETECT_REQUIRE_SHARED();
  auto a = make_detector(yunet());
  const size_t after_first = cached_model_count();
  auto b = make_detector(yunet());
  auto c = make_detector(dnn(Backend::kYuNet, "face/../face/yunet_n_320x320.onnx", 0.9F));
  EXPECT_EQ(cached_model_count(), after_first);
}

TEST(DetectThreads, ConcurrentDetectCallsGiveTheSameResult) {
  RETAIL_DETECT_REQUIRE_SHARED();
  auto det = make_detector(yunet());
  const auto frame = as_bgr(load_bgr("faces/group/10.jpg"));
  const size_t ref = det->detect(frame.view, {}).size();
  std::vector<size_t> got(4, 0);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < got.size(); ++t)
    threads.emplace_back([&, t] { got[t] = det->detect(frame.view, {}).size(); });
  for (auto& t : threads) t.join();
  for (size_t n : got) EXPECT_EQ(n, ref);
}

TEST(DetectErrors, MissingModelNamesTheFile) {
  DetectorConfig c;
  c.backend = Backend::kYuNet;
  c.model = "/nonexistent/my_yunet.onnx";
  try {
    make_detector(c);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kNotFound);
    EXPECT_NE(std::string(e.what()).find("/nonexistent/my_yunet.onnx"), std::string::npos);
  }
}

TEST(DetectErrors, CorruptModelIsAModelError) {
  const std::string path = ::testing::TempDir() + "/corrupt_yunet.onnx";
  {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fputs("this is not an onnx graph", f);
    std::fclose(f);
  }
  DetectorConfig c;
  c.model = path;  // back end inferred from the name: yunet
  try {
    make_detector(c);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kModel);
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos);
  }
}

TEST(DetectErrors, WrongModelForBackEndIsAModelError) {
  RETAIL_DETECT_REQUIRE_SHARED();
  // An UltraFace file decoded as YuNet: it loads, but lacks YuNet's outputs.
  DetectorConfig c = dnn(Backend::kYuNet, "face/ultraface_rfb_320x240.onnx", 0.7F);
  EXPECT_THROW(make_detector(c), Error);
}

TEST(DetectErrors, YoloNeedsItsWeightsBesideTheCfg) {
  const std::string cfg = ::testing::TempDir() + "/lonely-yolo.cfg";
  {
    std::FILE* f = std::fopen(cfg.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fputs("[net]\n", f);
    std::fclose(f);
  }
  DetectorConfig c;
  c.model = cfg;
  try {
    make_detector(c);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kNotFound);
    EXPECT_NE(std::string(e.what()).find("lonely-yolo.weights"), std::string::npos);
  }
}

TEST(DetectBackends, NamesRoundTripAndInference) {
  for (Backend b :
       {Backend::kAuto, Backend::kYuNet, Backend::kUltraFace, Backend::kYoloFastest,
        Backend::kNanoDet, Backend::kHog, Backend::kHaar, Backend::kLbp, Backend::kNone,
        Backend::kYolox, Backend::kPicoDet})
    EXPECT_EQ(backend_from_string(to_string(b)), b);
  EXPECT_THROW(backend_from_string("ssd"), Error);
  EXPECT_EQ(infer_backend("face/yunet_n_320x320.onnx"), Backend::kYuNet);
  EXPECT_EQ(infer_backend("x/ultraface_rfb_320x240.onnx"), Backend::kUltraFace);
  EXPECT_EQ(infer_backend("person/yolo-fastest-1.1-body.cfg"), Backend::kYoloFastest);
  EXPECT_EQ(infer_backend("person/yolo-fastest-1.1-body.weights"), Backend::kYoloFastest);
  EXPECT_EQ(infer_backend("nanodet-m-320.onnx"), Backend::kNanoDet);
  EXPECT_EQ(infer_backend(default_cascade(Backend::kHaar)), Backend::kHaar);
  EXPECT_EQ(infer_backend(default_cascade(Backend::kLbp)), Backend::kLbp);
  EXPECT_THROW(infer_backend("model.onnx"), Error);
  EXPECT_EQ(class_of(Backend::kHog), ObjectClass::kPerson);
  EXPECT_EQ(class_of(Backend::kYuNet), ObjectClass::kFace);
}

}  // namespace
}  // namespace retail::detect
