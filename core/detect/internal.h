// Shared pieces of the detector back ends (not part of the public API).
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>
#include <string>
#include <vector>

#include "detect/detector.h"

namespace retail::detect::internal {

// A loaded network shared by every detector using the same (back end, file, input size).
// `mutex` serializes forward(): cv::dnn::Net is not re-entrant.
struct SharedNet {
  cv::dnn::Net net;
  std::vector<std::string> outputs;
  std::vector<std::vector<int>> output_shapes;  // of `outputs`, from the dry run at load time
  std::mutex mutex;
};

// Process-wide cache: returns the object stored under `key`, building it with `load` (under the
// cache lock, so a model is never loaded twice) when absent.
std::shared_ptr<void> acquire(const std::string& key,
                              const std::function<std::shared_ptr<void>()>& load);
template <typename T>
std::shared_ptr<T> acquire_as(const std::string& key,
                              const std::function<std::shared_ptr<T>()>& load) {
  return std::static_pointer_cast<T>(acquire(key, [&] { return std::shared_ptr<void>(load()); }));
}
std::string cache_key(Backend b, const std::string& path, cv::Size input);
std::string canonical(const std::string& path);

// Loads an ONNX / Darknet network, runs one forward pass on a zero blob of `input` to prove it
// works, and fills `outputs` (unconnected output layer names unless given) and their shapes.
// `darknet_cfg`, when not empty, is the Darknet cfg TEXT to use instead of reading `path`.
std::shared_ptr<SharedNet> load_net(Backend b, const std::string& path, const std::string& weights,
                                    cv::Size input, std::vector<std::string> outputs = {},
                                    const std::string& darknet_cfg = {});

// Darknet cfg text with `thresh=<value>` set in every [yolo] and [region] section (OpenCV's
// importer defaults it to 0.2 and its region layer zeroes every class score at or below it).
std::string with_region_threshold(const std::string& cfg_text, float value);

// Network input size pinned in a file name ("..._320x416.onnx" = 320 rows x 416 columns);
// `fallback` when the name holds no HxW.
cv::Size input_size_from_name(const std::string& model, cv::Size fallback);

// A candidate in frame pixels before NMS.
struct Candidate {
  cv::Rect2f px;
  float score = 0.F;
  std::vector<cv::Point2f> landmarks;
};

// YOLOX raw head: `rows` x `cols` floats, rows [tx, ty, tw, th, obj, p0, p1, ...] for strides
// 8, 16, 32 (row-major grids of input/stride cells). Keeps rows with obj * p[class_index] >=
// threshold; boxes in network-input pixels (cx = (gx + tx)·s, w = exp(tw)·s). Throws
// retail::Error(kModel) when `rows` does not match `input` or `cols` < 6.
std::vector<Candidate> decode_yolox(const float* data, size_t rows, int cols, cv::Size input,
                                    float threshold, int class_index = 0);

// YOLOX input kind for a file: `requested` unless kAuto, else kImageNetRgb when the name holds
// "bytetrack", "mot17" or "mot20" or the head has one class (cols == 6), kRawBgr otherwise.
YoloxInput resolve_yolox_input(YoloxInput requested, const std::string& model, int cols);
// The network blob for a letterboxed YOLOX canvas (`canvas` in the order the kind wants: BGR for
// kRawBgr, RGB for kImageNetRgb): raw 0..255, or (x/255 - mean) / std.
cv::Mat yolox_blob(const cv::Mat& canvas, YoloxInput kind);

// One level of a GFL (generalised focal loss) head, as NanoDet and PP-PicoDet output it:
// `cls` = [cells, num_classes] sigmoid scores, `reg` = [cells, 4 * (reg_max + 1)] side
// distributions (left, top, right, bottom), cells row-major over ceil(H/s) x ceil(W/s).
struct GflLevel {
  int stride = 8;
  const float* cls = nullptr;
  const float* reg = nullptr;
  size_t cells = 0;  // rows in cls / reg (checked against the grid)
};
// Decodes GFL levels: softmax each side's bins, expectation x stride = distance from the cell
// centre ((j + 0.5)·s + centre_shift, (i + 0.5)·s + centre_shift); NanoDet uses centre_shift
// -0.5, PicoDet 0. Boxes in network-input pixels. Throws retail::Error(kModel) on a grid/size
// mismatch.
std::vector<Candidate> decode_gfl(const std::vector<GflLevel>& levels, cv::Size input,
                                  int num_classes, int class_index, float threshold,
                                  float centre_shift, int reg_max = 7);

// NMS, minimum size, normalization to the frame and clipping.
std::vector<Detection> finish(std::vector<Candidate>& candidates, const ImageView& img,
                              ObjectClass cls, float nms_iou, int min_size_px);

// Clipped region (empty input -> whole frame). Throws kFrame when the result is empty.
cv::Rect effective_roi(const ImageView& img, const cv::Rect& roi_px);

std::unique_ptr<Detector> make_yunet(const DetectorConfig& c);
std::unique_ptr<Detector> make_ultraface(const DetectorConfig& c);
std::unique_ptr<Detector> make_yolo_fastest(const DetectorConfig& c);
std::unique_ptr<Detector> make_nanodet(const DetectorConfig& c);
std::unique_ptr<Detector> make_yolox(const DetectorConfig& c);
std::unique_ptr<Detector> make_picodet(const DetectorConfig& c);
std::unique_ptr<Detector> make_hog(const DetectorConfig& c);
std::unique_ptr<Detector> make_cascade(const DetectorConfig& c);

}  // namespace retail::detect::internal
