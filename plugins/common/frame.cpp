#include "common/frame.h"

#include "common/error.h"

namespace retail::glue {

std::optional<PixelFormat> pixel_format(GstVideoFormat f) {
  switch (f) {
    case GST_VIDEO_FORMAT_I420:
      return PixelFormat::kI420;
    case GST_VIDEO_FORMAT_NV12:
      return PixelFormat::kNV12;
    case GST_VIDEO_FORMAT_BGR:
      return PixelFormat::kBGR;
    case GST_VIDEO_FORMAT_RGB:
      return PixelFormat::kRGB;
    case GST_VIDEO_FORMAT_BGRx:
      return PixelFormat::kBGRx;
    case GST_VIDEO_FORMAT_RGBx:
      return PixelFormat::kRGBx;
    case GST_VIDEO_FORMAT_BGRA:
      return PixelFormat::kBGRA;
    case GST_VIDEO_FORMAT_RGBA:
      return PixelFormat::kRGBA;
    case GST_VIDEO_FORMAT_GRAY8:
      return PixelFormat::kGray8;
    default:
      return std::nullopt;
  }
}

MappedFrame::MappedFrame(GstBuffer* buffer, const GstVideoInfo* info) {
  const auto fmt = pixel_format(GST_VIDEO_INFO_FORMAT(info));
  if (!fmt) {
    throw Error(ErrorKind::kFrame, std::string("unsupported video format ") +
                                       gst_video_format_to_string(GST_VIDEO_INFO_FORMAT(info)) +
                                       ": insert videoconvert before this element");
  }
  // NO_REF: the map takes no extra buffer reference, so the caller may still write metadata on
  // the (writable) buffer while it is mapped; the caller keeps the buffer alive meanwhile.
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-const-cast): gst API takes a non-const info
  mapped_ =
      gst_video_frame_map(&frame_, const_cast<GstVideoInfo*>(info), buffer,
                          static_cast<GstMapFlags>(GST_MAP_READ | GST_VIDEO_FRAME_MAP_FLAG_NO_REF));
  if (!mapped_) throw Error(ErrorKind::kFrame, "cannot map the video frame for reading");
  view_.format = *fmt;
  view_.width = GST_VIDEO_FRAME_WIDTH(&frame_);
  view_.height = GST_VIDEO_FRAME_HEIGHT(&frame_);
  for (guint i = 0; i < GST_VIDEO_FRAME_N_PLANES(&frame_) && i < 3; ++i) {
    view_.planes[i] = static_cast<const uint8_t*>(GST_VIDEO_FRAME_PLANE_DATA(&frame_, i));
    view_.strides[i] = GST_VIDEO_FRAME_PLANE_STRIDE(&frame_, i);
  }
}

MappedFrame::~MappedFrame() {
  if (mapped_) gst_video_frame_unmap(&frame_);
}

}  // namespace retail::glue
