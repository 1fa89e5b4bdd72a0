// Frames as core sees them: a GstVideoFrame mapped READ-only, viewed as retail::ImageView.
#pragma once

#include <optional>

#include <gst/video/video.h>

#include "common/image.h"

// Raw formats every analyzer accepts (read in place, never converted as a whole).
#define RETAIL_VIDEO_FORMATS "{ I420, NV12, BGR, RGB, BGRx, RGBx, BGRA, RGBA, GRAY8 }"
#define RETAIL_VIDEO_CAPS GST_VIDEO_CAPS_MAKE(RETAIL_VIDEO_FORMATS)

namespace retail::glue {

std::optional<PixelFormat> pixel_format(GstVideoFormat f);

// RAII read-only mapping of a video buffer.
class MappedFrame {
 public:
  MappedFrame(GstBuffer* buffer, const GstVideoInfo* info);
  ~MappedFrame();
  MappedFrame(const MappedFrame&) = delete;
  MappedFrame& operator=(const MappedFrame&) = delete;
  bool ok() const { return mapped_; }
  const ImageView& view() const { return view_; }

 private:
  GstVideoFrame frame_{};
  bool mapped_ = false;
  ImageView view_;
};

}  // namespace retail::glue
