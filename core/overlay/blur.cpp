#include "overlay/blur.h"

#include <algorithm>
#include <opencv2/imgproc.hpp>

namespace retail::overlay {

namespace {

void blur_mat(cv::Mat region) {
  if (region.empty()) return;
  // Downscale by ~8 with area averaging (destroys detail), upscale, smooth the block edges.
  const cv::Size small(std::max(1, region.cols / 8), std::max(1, region.rows / 8));
  cv::Mat tmp;
  cv::resize(region, tmp, small, 0, 0, cv::INTER_AREA);
  cv::Mat up;
  cv::resize(tmp, up, region.size(), 0, 0, cv::INTER_LINEAR);
  const int k = std::max(3, (std::min(region.cols, region.rows) / 8) | 1);
  cv::blur(up, region, cv::Size(k, k), cv::Point(-1, -1), cv::BORDER_REPLICATE);
}

cv::Mat plane(const MutableImage& img, int i, int w, int h, int type) {
  return cv::Mat(h, w, type, img.planes[i], static_cast<size_t>(img.strides[i]));
}

}  // namespace

void blur_region(const MutableImage& img, const cv::Rect& roi_px) {
  cv::Rect r = roi_px & cv::Rect(0, 0, img.width, img.height);
  if (r.width < 2 || r.height < 2) return;
  switch (img.format) {
    case PixelFormat::kI420: {
      // Even-align so the chroma rectangle covers exactly the luma rectangle.
      r = cv::Rect(r.x & ~1, r.y & ~1, (r.width + 1) & ~1, (r.height + 1) & ~1) &
          cv::Rect(0, 0, img.width & ~1, img.height & ~1);
      const cv::Rect c(r.x / 2, r.y / 2, r.width / 2, r.height / 2);
      const int cw = (img.width + 1) / 2;
      const int ch = (img.height + 1) / 2;
      blur_mat(plane(img, 0, img.width, img.height, CV_8UC1)(r));
      blur_mat(plane(img, 1, cw, ch, CV_8UC1)(c));
      blur_mat(plane(img, 2, cw, ch, CV_8UC1)(c));
      break;
    }
    case PixelFormat::kNV12: {
      r = cv::Rect(r.x & ~1, r.y & ~1, (r.width + 1) & ~1, (r.height + 1) & ~1) &
          cv::Rect(0, 0, img.width & ~1, img.height & ~1);
      const cv::Rect c(r.x / 2, r.y / 2, r.width / 2, r.height / 2);
      blur_mat(plane(img, 0, img.width, img.height, CV_8UC1)(r));
      blur_mat(plane(img, 1, (img.width + 1) / 2, (img.height + 1) / 2, CV_8UC2)(c));
      break;
    }
    case PixelFormat::kBGR:
    case PixelFormat::kRGB:
      blur_mat(plane(img, 0, img.width, img.height, CV_8UC3)(r));
      break;
    case PixelFormat::kBGRx:
    case PixelFormat::kRGBx:
    case PixelFormat::kBGRA:
    case PixelFormat::kRGBA:
      blur_mat(plane(img, 0, img.width, img.height, CV_8UC4)(r));
      break;
    case PixelFormat::kGray8:
      blur_mat(plane(img, 0, img.width, img.height, CV_8UC1)(r));
      break;
  }
}

void blur_regions(const MutableImage& image, const std::vector<cv::Rect>& rois_px) {
  for (const cv::Rect& r : rois_px) blur_region(image, r);
}

}  // namespace retail::overlay
