// A read-only view of a video frame's planes, and the one place that turns a region of it into
// the small BGR/RGB/gray image a network or classifier needs. The full frame is never converted:
// the region is cropped and resized per plane first, colour conversion runs on the small result.
#pragma once

#include <cstdint>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "common/geometry.h"

namespace retail {

enum class PixelFormat { kI420, kNV12, kBGR, kRGB, kBGRx, kRGBx, kBGRA, kRGBA, kGray8 };
const char* to_string(PixelFormat f);

struct ImageView {
  PixelFormat format = PixelFormat::kBGR;
  int width = 0;
  int height = 0;
  const uint8_t* planes[3] = {nullptr, nullptr, nullptr};
  int strides[3] = {0, 0, 0};

  // Wraps a continuous or strided cv::Mat (CV_8UC3 BGR/RGB, CV_8UC4, CV_8UC1).
  static ImageView from_mat(const cv::Mat& m, PixelFormat format);
  // Wraps a packed I420 image as cv::cvtColor(..., COLOR_BGR2YUV_I420) makes it: one CV_8UC1 Mat
  // of (height * 3 / 2) rows and `width` columns, even width and height.
  static ImageView from_i420(const cv::Mat& packed);
  // Pixel rectangle of a normalized box, clipped to the frame (may be empty).
  cv::Rect to_pixels(const Box& b) const;
};

enum class ColorOrder { kBGR, kRGB };

// Crops `roi` (pixels, clipped to the frame), resizes it to `out` and converts to 3-channel 8-bit
// in `order`. Throws retail::Error(kFrame) on an empty roi or unsupported view.
cv::Mat crop_resize_color(const ImageView& img, const cv::Rect& roi, cv::Size out,
                          ColorOrder order = ColorOrder::kBGR,
                          int interpolation = cv::INTER_LINEAR);
// Same, as 8-bit gray (the Y plane directly for YUV formats).
cv::Mat crop_resize_gray(const ImageView& img, const cv::Rect& roi, cv::Size out,
                         int interpolation = cv::INTER_LINEAR);

// Letterbox: fits `roi` into `canvas` keeping its aspect ratio. The image is placed top-left
// (`centered=false`) or centred, the rest filled with `pad`. Returns the scale applied
// (network pixels per frame pixel) and the offset of the placed image in the canvas.
struct Letterbox {
  cv::Mat image;
  float scale = 1.F;
  cv::Point offset;
};
Letterbox letterbox(const ImageView& img, const cv::Rect& roi, cv::Size canvas, ColorOrder order,
                    bool centered, int interpolation = cv::INTER_LINEAR,
                    cv::Scalar pad = cv::Scalar(0, 0, 0));

}  // namespace retail
