#include "overlay/creatives.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "common/error.h"

namespace retail::overlay {

cv::Mat to_premultiplied_bgra(const cv::Mat& image) {
  cv::Mat bgra;
  switch (image.channels()) {
    case 1:
      cv::cvtColor(image, bgra, cv::COLOR_GRAY2BGRA);
      break;
    case 3:
      cv::cvtColor(image, bgra, cv::COLOR_BGR2BGRA);
      break;
    default:
      bgra = image.clone();
      break;
  }
  if (image.channels() == 4) {
    cv::Mat alpha;
    cv::extractChannel(bgra, alpha, 3);
    cv::Mat alpha4;
    cv::merge(std::vector<cv::Mat>{alpha, alpha, alpha, cv::Mat(alpha.size(), CV_8UC1, 255)},
              alpha4);
    cv::multiply(bgra, alpha4, bgra, 1.0 / 255.0);
  }
  return bgra;
}

std::vector<cv::Mat> load_creatives(const campaign::Campaigns& campaigns) {
  std::vector<cv::Mat> out;
  for (const auto& cr : campaigns.creatives) {
    cv::Mat img = cv::imread(cr.file, cv::IMREAD_UNCHANGED);
    if (img.empty() || img.depth() != CV_8U) {
      throw Error(ErrorKind::kConfig, campaigns.file + ": " + cr.json_path + ".file: '" + cr.file +
                                          "' is not a readable 8-bit PNG or JPEG image: "
                                          "re-export it or point to another file");
    }
    out.push_back(to_premultiplied_bgra(img));
  }
  return out;
}

}  // namespace retail::overlay
