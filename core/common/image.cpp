#include "common/image.h"

#include <algorithm>
#include <opencv2/imgproc.hpp>

#include "common/error.h"

namespace retail {

const char* to_string(PixelFormat f) {
  switch (f) {
    case PixelFormat::kI420:
      return "I420";
    case PixelFormat::kNV12:
      return "NV12";
    case PixelFormat::kBGR:
      return "BGR";
    case PixelFormat::kRGB:
      return "RGB";
    case PixelFormat::kBGRx:
      return "BGRx";
    case PixelFormat::kRGBx:
      return "RGBx";
    case PixelFormat::kBGRA:
      return "BGRA";
    case PixelFormat::kRGBA:
      return "RGBA";
    case PixelFormat::kGray8:
      return "GRAY8";
  }
  return "unknown";
}

ImageView ImageView::from_mat(const cv::Mat& m, PixelFormat format) {
  ImageView v;
  v.format = format;
  v.width = m.cols;
  v.height = m.rows;
  v.planes[0] = m.data;
  v.strides[0] = static_cast<int>(m.step[0]);
  return v;
}

ImageView ImageView::from_i420(const cv::Mat& packed) {
  ImageView v;
  v.format = PixelFormat::kI420;
  v.width = packed.cols;
  v.height = packed.rows * 2 / 3;
  v.planes[0] = packed.data;
  v.planes[1] = packed.data + static_cast<size_t>(v.width) * v.height;
  v.planes[2] = v.planes[1] + static_cast<size_t>(v.width / 2) * (v.height / 2);
  v.strides[0] = v.width;
  v.strides[1] = v.width / 2;
  v.strides[2] = v.width / 2;
  return v;
}

cv::Rect ImageView::to_pixels(const Box& b) const {
  const Box c = clamp01(b);
  const int x0 = static_cast<int>(std::floor(c.x * static_cast<float>(width)));
  const int y0 = static_cast<int>(std::floor(c.y * static_cast<float>(height)));
  const int x1 = static_cast<int>(std::ceil(c.right() * static_cast<float>(width)));
  const int y1 = static_cast<int>(std::ceil(c.bottom() * static_cast<float>(height)));
  return cv::Rect(x0, y0, std::max(0, x1 - x0), std::max(0, y1 - y0)) &
         cv::Rect(0, 0, width, height);
}

namespace {

cv::Mat plane(const ImageView& img, int index, int w, int h, int type) {
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-const-cast): read-only use
  return cv::Mat(h, w, type, const_cast<uint8_t*>(img.planes[index]),
                 static_cast<size_t>(img.strides[index]));
}

int packed_channels(PixelFormat f) {
  switch (f) {
    case PixelFormat::kBGR:
    case PixelFormat::kRGB:
      return 3;
    case PixelFormat::kGray8:
      return 1;
    default:
      return 4;
  }
}

bool is_bgr_order(PixelFormat f) {
  return f == PixelFormat::kBGR || f == PixelFormat::kBGRx || f == PixelFormat::kBGRA;
}

cv::Rect checked_roi(const ImageView& img, const cv::Rect& roi) {
  if (img.planes[0] == nullptr || img.width <= 0 || img.height <= 0)
    throw Error(ErrorKind::kFrame, "empty frame");
  const cv::Rect r = roi & cv::Rect(0, 0, img.width, img.height);
  if (r.empty()) throw Error(ErrorKind::kFrame, "region of interest lies outside the frame");
  return r;
}

// YUV 4:2:0 region -> BGR/RGB at `out`: each plane is cropped and resized on its own, then the
// small result is converted.
cv::Mat yuv420_to_color(const ImageView& img, const cv::Rect& r, cv::Size out, ColorOrder order,
                        int interp) {
  const int ew = out.width + (out.width & 1);
  const int eh = out.height + (out.height & 1);
  const int cx0 = r.x / 2;
  const int cy0 = r.y / 2;
  const int cx1 = std::max(cx0 + 1, (r.x + r.width + 1) / 2);
  const int cy1 = std::max(cy0 + 1, (r.y + r.height + 1) / 2);
  const cv::Rect cr(cx0, cy0, cx1 - cx0, cy1 - cy0);
  const int cw = (img.width + 1) / 2;
  const int ch = (img.height + 1) / 2;

  cv::Mat packed(eh * 3 / 2, ew, CV_8UC1);
  cv::Mat y_dst = packed(cv::Rect(0, 0, ew, eh));
  cv::resize(plane(img, 0, img.width, img.height, CV_8UC1)(r), y_dst, y_dst.size(), 0, 0, interp);
  int code = 0;
  if (img.format == PixelFormat::kI420) {
    const size_t quarter = static_cast<size_t>(ew / 2) * static_cast<size_t>(eh / 2);
    cv::Mat u_dst(eh / 2, ew / 2, CV_8UC1, packed.data + static_cast<size_t>(ew) * eh);
    cv::Mat v_dst(eh / 2, ew / 2, CV_8UC1, packed.data + static_cast<size_t>(ew) * eh + quarter);
    cv::resize(plane(img, 1, cw, ch, CV_8UC1)(cr), u_dst, u_dst.size(), 0, 0, interp);
    cv::resize(plane(img, 2, cw, ch, CV_8UC1)(cr), v_dst, v_dst.size(), 0, 0, interp);
    code = order == ColorOrder::kBGR ? cv::COLOR_YUV2BGR_I420 : cv::COLOR_YUV2RGB_I420;
  } else {
    cv::Mat uv_dst(eh / 2, ew / 2, CV_8UC2, packed.data + static_cast<size_t>(ew) * eh);
    cv::resize(plane(img, 1, cw, ch, CV_8UC2)(cr), uv_dst, uv_dst.size(), 0, 0, interp);
    code = order == ColorOrder::kBGR ? cv::COLOR_YUV2BGR_NV12 : cv::COLOR_YUV2RGB_NV12;
  }
  cv::Mat color;
  cv::cvtColor(packed, color, code);
  if (color.size() != out) cv::resize(color, color, out, 0, 0, interp);
  return color;
}

}  // namespace

cv::Mat crop_resize_color(const ImageView& img, const cv::Rect& roi, cv::Size out, ColorOrder order,
                          int interpolation) {
  const cv::Rect r = checked_roi(img, roi);
  if (out.width <= 0 || out.height <= 0) throw Error(ErrorKind::kFrame, "empty output size");
  if (img.format == PixelFormat::kI420 || img.format == PixelFormat::kNV12)
    return yuv420_to_color(img, r, out, order, interpolation);

  const int ch = packed_channels(img.format);
  cv::Mat src = plane(img, 0, img.width, img.height, CV_8UC(ch))(r);
  cv::Mat small;
  cv::resize(src, small, out, 0, 0, interpolation);
  const bool want_bgr = order == ColorOrder::kBGR;
  cv::Mat color;
  if (ch == 1) {
    cv::cvtColor(small, color, want_bgr ? cv::COLOR_GRAY2BGR : cv::COLOR_GRAY2RGB);
  } else if (ch == 3) {
    if (is_bgr_order(img.format) == want_bgr)
      color = small;
    else
      cv::cvtColor(small, color, cv::COLOR_BGR2RGB);
  } else {
    cv::cvtColor(small, color,
                 is_bgr_order(img.format) == want_bgr ? cv::COLOR_BGRA2BGR : cv::COLOR_BGRA2RGB);
  }
  return color;
}

cv::Mat crop_resize_gray(const ImageView& img, const cv::Rect& roi, cv::Size out,
                         int interpolation) {
  const cv::Rect r = checked_roi(img, roi);
  cv::Mat gray;
  if (img.format == PixelFormat::kI420 || img.format == PixelFormat::kNV12 ||
      img.format == PixelFormat::kGray8) {
    cv::resize(plane(img, 0, img.width, img.height, CV_8UC1)(r), gray, out, 0, 0, interpolation);
    return gray;
  }
  const int ch = packed_channels(img.format);
  cv::Mat small;
  cv::resize(plane(img, 0, img.width, img.height, CV_8UC(ch))(r), small, out, 0, 0, interpolation);
  const bool bgr = is_bgr_order(img.format);
  if (ch == 3)
    cv::cvtColor(small, gray, bgr ? cv::COLOR_BGR2GRAY : cv::COLOR_RGB2GRAY);
  else
    cv::cvtColor(small, gray, bgr ? cv::COLOR_BGRA2GRAY : cv::COLOR_RGBA2GRAY);
  return gray;
}

Letterbox letterbox(const ImageView& img, const cv::Rect& roi, cv::Size canvas, ColorOrder order,
                    bool centered, int interpolation, cv::Scalar pad) {
  const cv::Rect r = checked_roi(img, roi);
  Letterbox lb;
  lb.scale = std::min(static_cast<float>(canvas.width) / static_cast<float>(r.width),
                      static_cast<float>(canvas.height) / static_cast<float>(r.height));
  const cv::Size scaled(
      std::clamp(static_cast<int>(std::lround(r.width * lb.scale)), 1, canvas.width),
      std::clamp(static_cast<int>(std::lround(r.height * lb.scale)), 1, canvas.height));
  lb.offset =
      centered ? cv::Point((canvas.width - scaled.width) / 2, (canvas.height - scaled.height) / 2)
               : cv::Point(0, 0);
  lb.image = cv::Mat(canvas, CV_8UC3, pad);
  crop_resize_color(img, r, scaled, order, interpolation)
      .copyTo(lb.image(cv::Rect(lb.offset, scaled)));
  return lb;
}

}  // namespace retail
