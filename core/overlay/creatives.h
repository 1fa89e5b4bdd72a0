// Creative images for the ad panel, decoded once at start (PNG/JPEG via OpenCV) into
// premultiplied BGRA (the byte order of cairo's ARGB32 on little-endian machines).
#pragma once

#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "campaign/campaigns.h"

namespace retail::overlay {

// Throws retail::Error naming the campaigns file, the JSON path and the image when one cannot
// be decoded.
std::vector<cv::Mat> load_creatives(const campaign::Campaigns& campaigns);

// Converts a BGR/BGRA/gray image to premultiplied BGRA.
cv::Mat to_premultiplied_bgra(const cv::Mat& image);

}  // namespace retail::overlay
