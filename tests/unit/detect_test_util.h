// Helpers for the core detection tests (no GStreamer).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <string>
#include <vector>

#include "common/image.h"
#include "common/paths.h"
#include "detect/detector.h"

namespace retail::detect::testing {

inline std::string media(const std::string& rel) { return paths::media_dir() + "/" + rel; }
inline std::string model(const std::string& rel) { return paths::models_dir() + "/" + rel; }
inline bool shared_present() { return std::filesystem::is_directory(paths::models_dir()); }

#define RETAIL_DETECT_REQUIRE_SHARED()                                                \
  do {                                                                                \
    if (!::retail::detect::testing::shared_present())                                 \
      GTEST_SKIP() << "shared models/media folder not found (set RETAIL_SHARED_DIR)"; \
  } while (0)

inline cv::Mat load_bgr(const std::string& rel) {
  cv::Mat m = cv::imread(media(rel), cv::IMREAD_COLOR);
  EXPECT_FALSE(m.empty()) << "cannot read " << media(rel);
  return m;
}

// A frame in a given layout, owning its pixels.
struct Frame {
  cv::Mat storage;
  ImageView view;
};

inline Frame as_bgr(const cv::Mat& bgr) {
  Frame f;
  f.storage = bgr.clone();
  f.view = ImageView::from_mat(f.storage, PixelFormat::kBGR);
  return f;
}

// Even-sized I420 / NV12 copies of a BGR image (what a decoder would hand over).
inline Frame as_yuv(const cv::Mat& bgr_in, PixelFormat fmt) {
  cv::Mat bgr = bgr_in(cv::Rect(0, 0, bgr_in.cols & ~1, bgr_in.rows & ~1)).clone();
  cv::Mat i420;
  cv::cvtColor(bgr, i420, cv::COLOR_BGR2YUV_I420);
  const int w = bgr.cols;
  const int h = bgr.rows;
  Frame f;
  f.view.format = fmt;
  f.view.width = w;
  f.view.height = h;
  if (fmt == PixelFormat::kI420) {
    f.storage = i420;
    f.view.planes[0] = f.storage.data;
    f.view.planes[1] = f.storage.data + static_cast<size_t>(w) * h;
    f.view.planes[2] = f.view.planes[1] + static_cast<size_t>(w / 2) * (h / 2);
    f.view.strides[0] = w;
    f.view.strides[1] = w / 2;
    f.view.strides[2] = w / 2;
  } else {
    f.storage = cv::Mat(h * 3 / 2, w, CV_8UC1);
    i420(cv::Rect(0, 0, w, h)).copyTo(f.storage(cv::Rect(0, 0, w, h)));
    const uint8_t* u = i420.data + static_cast<size_t>(w) * h;
    const uint8_t* v = u + static_cast<size_t>(w / 2) * (h / 2);
    uint8_t* uv = f.storage.data + static_cast<size_t>(w) * h;
    for (size_t i = 0; i < static_cast<size_t>(w / 2) * (h / 2); ++i) {
      uv[2 * i] = u[i];
      uv[2 * i + 1] = v[i];
    }
    f.view.planes[0] = f.storage.data;
    f.view.planes[1] = uv;
    f.view.strides[0] = w;
    f.view.strides[1] = w;
  }
  return f;
}

// The first `n` frames of a clip, BGR.
inline std::vector<cv::Mat> first_frames(const std::string& rel, int n) {
  cv::VideoCapture cap(media(rel));
  EXPECT_TRUE(cap.isOpened()) << "cannot open " << media(rel);
  std::vector<cv::Mat> frames;
  cv::Mat f;
  while (static_cast<int>(frames.size()) < n && cap.read(f)) frames.push_back(f.clone());
  return frames;
}

inline bool inside01(const Box& b) {
  return b.x >= 0.F && b.y >= 0.F && b.w > 0.F && b.h > 0.F && b.right() <= 1.F + 1e-5F &&
         b.bottom() <= 1.F + 1e-5F;
}

inline size_t count_class(const std::vector<Detection>& d, ObjectClass c) {
  size_t n = 0;
  for (const auto& x : d) n += x.cls == c ? 1 : 0;
  return n;
}

}  // namespace retail::detect::testing
