#include "detect/config.h"

#include <cmath>
#include <sstream>

#include "common/error.h"

namespace retail::detect {

Box parse_roi(const std::string& text) {
  const std::string fix =
      "Fix: give the roi property four normalized numbers \"x,y,w,h\" with w,h > 0 and the "
      "region inside [0,1], e.g. roi=\"0,0,1,1\" for the whole frame";
  std::stringstream ss(text);
  std::string item;
  float v[4];
  int n = 0;
  while (std::getline(ss, item, ',')) {
    if (n == 4)
      throw Error(ErrorKind::kConfig, "roi \"" + text + "\" has more than 4 values. " + fix);
    try {
      size_t used = 0;
      v[n] = std::stof(item, &used);
      if (item.find_first_not_of(" \t", used) != std::string::npos)
        throw std::invalid_argument(item);
    } catch (const std::exception&) {
      throw Error(ErrorKind::kConfig,
                  "roi \"" + text + "\": '" + item + "' is not a number. " + fix);
    }
    ++n;
  }
  if (n != 4) throw Error(ErrorKind::kConfig, "roi \"" + text + "\" needs 4 values. " + fix);
  const Box b{v[0], v[1], v[2], v[3]};
  constexpr float kEps = 1e-4F;
  if (!(b.x >= 0.F && b.y >= 0.F && b.w > 0.F && b.h > 0.F && b.right() <= 1.F + kEps &&
        b.bottom() <= 1.F + kEps))
    throw Error(ErrorKind::kConfig, "roi \"" + text + "\" is not inside the frame. " + fix);
  return clamp01(b);
}

void validate(const Config& c) {
  auto in01 = [](float v) { return std::isfinite(v) && v >= 0.F && v <= 1.F; };
  if (!in01(c.face.threshold))
    throw Error(ErrorKind::kConfig, "face-threshold must be in [0,1] (try 0.7)");
  if (!in01(c.person.threshold))
    throw Error(ErrorKind::kConfig, "person-threshold must be in [0,1] (try 0.5)");
  if (!in01(c.nms_iou) || c.nms_iou <= 0.F)
    throw Error(ErrorKind::kConfig, "nms-iou must be in (0,1] (try 0.45)");
  if (c.interval < 1) throw Error(ErrorKind::kConfig, "interval must be >= 1 (1 = every frame)");
  if (c.face.min_size_px < 0) throw Error(ErrorKind::kConfig, "min-face-size-px must be >= 0");
  if (c.person.min_height_px < 0)
    throw Error(ErrorKind::kConfig, "min-person-height-px must be >= 0");
  if (c.threads < 0) throw Error(ErrorKind::kConfig, "threads must be >= 0 (0 = OpenCV default)");
  if (!in01(c.link_containment))
    throw Error(ErrorKind::kConfig, "face-to-person containment must be in [0,1]");
  if (c.face.backend != Backend::kAuto && c.face.backend != Backend::kNone &&
      class_of(c.face.backend) != ObjectClass::kFace)
    throw Error(ErrorKind::kConfig, std::string("face-backend=") + to_string(c.face.backend) +
                                        " detects people, not faces: use yunet, ultraface, haar, "
                                        "lbp, auto or none");
  if (c.person.backend != Backend::kAuto && c.person.backend != Backend::kNone &&
      class_of(c.person.backend) != ObjectClass::kPerson)
    throw Error(ErrorKind::kConfig, std::string("person-backend=") + to_string(c.person.backend) +
                                        " detects faces, not people: use yolo-fastest, nanodet, "
                                        "yolox, picodet, hog, auto or none");
  (void)parse_roi(c.roi);
}

}  // namespace retail::detect
