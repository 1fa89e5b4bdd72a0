// Blurring a region of a frame in place (blur-faces), plane by plane, without converting the
// frame: only the pixels of the region (and its chroma) are touched.
#pragma once

#include <cstdint>
#include <opencv2/core.hpp>
#include <vector>

#include "common/image.h"

namespace retail::overlay {

// A writable view of a frame's planes (the glue maps the buffer READWRITE).
struct MutableImage {
  PixelFormat format = PixelFormat::kBGR;
  int width = 0;
  int height = 0;
  uint8_t* planes[3] = {nullptr, nullptr, nullptr};
  int strides[3] = {0, 0, 0};
};

// Replaces `roi_px` (clipped to the frame) by a heavy blur: area downscale to ~1/8, upscale,
// box-smooth. Faces become unrecognisable; pixels outside the region are untouched.
void blur_region(const MutableImage& image, const cv::Rect& roi_px);
void blur_regions(const MutableImage& image, const std::vector<cv::Rect>& rois_px);

}  // namespace retail::overlay
