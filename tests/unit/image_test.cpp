// The region converter must give the same picture whatever the input layout.
#include "common/image.h"

#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "common/error.h"

using retail::ImageView;
using retail::PixelFormat;

namespace {

cv::Mat test_pattern() {
  cv::Mat m(240, 320, CV_8UC3);
  for (int y = 0; y < m.rows; ++y)
    for (int x = 0; x < m.cols; ++x)
      m.at<cv::Vec3b>(y, x) =
          cv::Vec3b(static_cast<uchar>(x * 255 / 320), static_cast<uchar>(y * 255 / 240), 128);
  cv::circle(m, {160, 120}, 50, {20, 200, 60}, -1);
  return m;
}

}  // namespace

TEST(Image, I420AndBgrGiveTheSameRegion) {
  const cv::Mat bgr = test_pattern();
  cv::Mat i420;
  cv::cvtColor(bgr, i420, cv::COLOR_BGR2YUV_I420);
  const cv::Rect roi(40, 30, 200, 150);
  const cv::Mat a =
      retail::crop_resize_color(ImageView::from_mat(bgr, PixelFormat::kBGR), roi, {100, 75});
  const cv::Mat b = retail::crop_resize_color(ImageView::from_i420(i420), roi, {100, 75});
  ASSERT_EQ(a.size(), b.size());
  cv::Mat diff;
  cv::absdiff(a, b, diff);
  EXPECT_LT(cv::mean(diff)[0] + cv::mean(diff)[1] + cv::mean(diff)[2], 3 * 6.0);
}

TEST(Image, RgbOrderSwapsChannels) {
  const cv::Mat bgr = test_pattern();
  const ImageView v = ImageView::from_mat(bgr, PixelFormat::kBGR);
  const cv::Mat rgb =
      retail::crop_resize_color(v, {0, 0, 320, 240}, {320, 240}, retail::ColorOrder::kRGB);
  EXPECT_EQ(rgb.at<cv::Vec3b>(10, 300)[2], bgr.at<cv::Vec3b>(10, 300)[0]);
}

TEST(Image, LetterboxKeepsAspectAndPadsBottomRight) {
  const cv::Mat bgr = test_pattern();
  const auto lb = retail::letterbox(ImageView::from_mat(bgr, PixelFormat::kBGR), {0, 0, 320, 240},
                                    {320, 320}, retail::ColorOrder::kBGR, false);
  EXPECT_FLOAT_EQ(lb.scale, 1.F);
  EXPECT_EQ(lb.image.at<cv::Vec3b>(300, 10), cv::Vec3b(0, 0, 0));
  EXPECT_NE(lb.image.at<cv::Vec3b>(120, 160), cv::Vec3b(0, 0, 0));
}

TEST(Image, EmptyRegionIsAFrameError) {
  const cv::Mat bgr = test_pattern();
  try {
    retail::crop_resize_color(ImageView::from_mat(bgr, PixelFormat::kBGR), {400, 400, 10, 10},
                              {10, 10});
    FAIL() << "expected an error";
  } catch (const retail::Error& e) {
    EXPECT_EQ(e.kind(), retail::ErrorKind::kFrame);
  }
}
