// retail-attr-eval: how right the face attributes are, and how often they say "unknown".
//
//   retail-attr-eval images (--dir DIR | --csv LABELS.csv) [--whole-image] [--verbose]
//                    [--json] [--set key=value ...]
//   retail-attr-eval video --video CLIP [--readings OUT.csv] [--set key=value ...]
//
// See plugins/retailattr/README.md.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "attributes/attributes.h"
#include "common/error.h"
#include "detect/frame_detector.h"
#include "track/frame_tracker.h"

namespace {

namespace fs = std::filesystem;
using retail::Error;
using retail::ErrorKind;
namespace attr = retail::attributes;

const char* kUsage =
    "usage:\n"
    "  retail-attr-eval images (--dir DIR | --csv LABELS.csv) [--whole-image] [--verbose]\n"
    "                   [--json] [--set KEY=VALUE]...\n"
    "      runs the face detector (largest face; --whole-image: the image is the face) and the\n"
    "      attribute analyzer on every labelled image (one reading per image, as an untracked\n"
    "      face) and prints gender accuracy, age MAE, age-band accuracy, expression accuracy and\n"
    "      the unknown rates. Labels: a CSV with a header naming `file` and any of `age`,\n"
    "      `gender` (male/female or m/f), `expression` (neutral, happy, sad, angry, fearful,\n"
    "      disgusted, surprised); empty = not labelled. Or --dir: labels from file names,\n"
    "      UTKFace style AGE_GENDER_... (gender 0 = male, 1 = female) or tokens like\n"
    "      `34_female_happy.jpg` in any order.\n"
    "  retail-attr-eval video --video CLIP [--readings OUT.csv] [--set KEY=VALUE]...\n"
    "      runs detect -> track -> attributes on a clip and prints every face track's published\n"
    "      labels over its life (label changes, frames unknown); --readings writes every reading\n"
    "      (track, frame, quality factors, age, p_male, expression) for calibration.\n"
    "  --set sets an attribute Config field by its property name, e.g. --set gender-decide=4\n";

struct Label {
  std::string file;
  double age = -1.0;       // < 0: not labelled
  std::string gender;      // "" / male / female
  std::string expression;  // "" / name
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string norm_gender(const std::string& g) {
  const std::string l = lower(g);
  if (l == "m" || l == "male" || l == "man") return "male";
  if (l == "f" || l == "female" || l == "woman") return "female";
  if (l.empty()) return "";
  throw Error(ErrorKind::kConfig, "gender label '" + g + "' is not male/female (or m/f)");
}

int expression_index(const std::string& name) {
  for (int i = 0; i < attr::kExpressionCount; ++i)
    if (name == attr::expression_name(i)) return i;
  return -1;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(s);
  while (std::getline(in, cur, sep)) {
    while (!cur.empty() && (cur.back() == '\r' || cur.back() == ' ')) cur.pop_back();
    while (!cur.empty() && cur.front() == ' ') cur.erase(cur.begin());
    out.push_back(cur);
  }
  if (!s.empty() && s.back() == sep) out.emplace_back();
  return out;
}

std::vector<Label> read_csv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(ErrorKind::kNotFound, "labels file '" + path + "' cannot be read");
  std::string line;
  std::vector<std::string> header;
  std::vector<Label> out;
  const fs::path base = fs::path(path).parent_path();
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto cells = split(line, ',');
    if (header.empty()) {
      for (const auto& c : cells) header.push_back(lower(c));
      if (std::find(header.begin(), header.end(), "file") == header.end())
        throw Error(ErrorKind::kConfig, "labels file '" + path +
                                            "': the header must name a `file` column (and "
                                            "any of age, gender, expression)");
      continue;
    }
    Label l;
    for (size_t i = 0; i < header.size() && i < cells.size(); ++i) {
      const std::string& v = cells[i];
      if (header[i] == "file") {
        l.file = fs::path(v).is_absolute() ? v : (base / v).string();
      } else if (header[i] == "age" && !v.empty()) {
        l.age = std::atof(v.c_str());
      } else if (header[i] == "gender") {
        l.gender = norm_gender(v);
      } else if (header[i] == "expression" && !v.empty()) {
        l.expression = lower(v);
        if (expression_index(l.expression) < 0)
          throw Error(ErrorKind::kConfig, "labels file '" + path + "': expression '" + v +
                                              "' is not one of neutral, happy, sad, angry, "
                                              "fearful, disgusted, surprised");
      }
    }
    if (!l.file.empty()) out.push_back(l);
  }
  return out;
}

std::vector<Label> read_dir(const std::string& dir) {
  if (!fs::is_directory(dir)) throw Error(ErrorKind::kNotFound, "--dir '" + dir + "' is no folder");
  std::vector<Label> out;
  const std::regex utk(R"(^(\d{1,3})_([01])_.*)");
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string ext = lower(e.path().extension().string());
    if (ext != ".jpg" && ext != ".jpeg" && ext != ".png") continue;
    Label l;
    l.file = e.path().string();
    const std::string stem = e.path().stem().string();
    std::smatch m;
    if (std::regex_match(stem, m, utk)) {
      l.age = std::atof(m[1].str().c_str());
      l.gender = m[2].str() == "0" ? "male" : "female";
    } else {
      for (const auto& t : split(lower(stem), '_')) {
        if (!t.empty() && std::all_of(t.begin(), t.end(), ::isdigit))
          l.age = std::atof(t.c_str());
        else if (t == "male" || t == "female")
          l.gender = t;
        else if (expression_index(t) >= 0)
          l.expression = t;
      }
    }
    if (l.age >= 0 || !l.gender.empty() || !l.expression.empty()) out.push_back(l);
  }
  std::sort(out.begin(), out.end(), [](const Label& a, const Label& b) { return a.file < b.file; });
  return out;
}

void set_field(attr::Config& c, const std::string& kv) {
  const auto eq = kv.find('=');
  if (eq == std::string::npos) throw Error(ErrorKind::kConfig, "--set expects KEY=VALUE: " + kv);
  const std::string k = kv.substr(0, eq), v = kv.substr(eq + 1);
  const double d = std::atof(v.c_str());
  if (k == "min-face-size-px")
    c.min_face_size_px = static_cast<int>(d);
  else if (k == "recheck-interval-frames")
    c.recheck_interval_frames = static_cast<int>(d);
  else if (k == "window")
    c.window = static_cast<int>(d);
  else if (k == "min-quality")
    c.min_quality = d;
  else if (k == "sharpness-ref")
    c.sharpness_ref = d;
  else if (k == "gender-decide")
    c.gender_decide = d;
  else if (k == "gender-reading-cap")
    c.gender_reading_cap = d;
  else if (k == "age-min-readings")
    c.age_min_readings = static_cast<int>(d);
  else if (k == "age-max-spread-years")
    c.age_max_spread_years = d;
  else if (k == "age-band-hysteresis-years")
    c.age_band_hysteresis_years = d;
  else if (k == "expression-publish")
    c.expression_publish = d;
  else if (k == "expression-min-weight")
    c.expression_min_weight = d;
  else if (k == "scene-cut-threshold")
    c.scene_cut_threshold = d;
  else if (k == "age-gender-model-path")
    c.age_gender_model_path = v;
  else if (k == "emotion-model-path")
    c.emotion_model_path = v;
  else
    throw Error(ErrorKind::kConfig, "--set: unknown key '" + k + "'");
}

retail::detect::FrameDetector& face_detector() {
  static retail::detect::FrameDetector d([] {
    retail::detect::Config c;
    c.person.backend = retail::detect::Backend::kNone;  // faces only
    return c;
  }());
  return d;
}

struct Tally {
  int n = 0, labelled = 0, known = 0, right = 0;  // confident labels and right ones
  int raw_right = 0, raw_n = 0;                   // the arg-max / raw estimate, ignoring unknown
  double rate(int a, int b) const { return b > 0 ? static_cast<double>(a) / b : 0.0; }
};

int run_images(const std::vector<Label>& labels, const attr::Config& config, bool whole,
               bool verbose, bool json) {
  if (labels.empty()) throw Error(ErrorKind::kConfig, "no labelled image found");
  attr::Analyzer analyzer(config);
  attr::Reading last;
  bool got = false;
  analyzer.set_observer([&](const attr::Reading& r) {
    last = r;
    got = true;
  });
  Tally g, band, ex;
  double abs_err = 0.0;
  int age_n = 0, no_face = 0, age_pub = 0;
  for (const Label& l : labels) {
    const cv::Mat bgr = cv::imread(l.file);
    if (bgr.empty()) throw Error(ErrorKind::kNotFound, "image '" + l.file + "' cannot be read");
    const auto view = retail::ImageView::from_mat(bgr, retail::PixelFormat::kBGR);
    retail::FrameAnalytics fa;
    if (whole) {
      retail::Object o;
      o.id = 1;
      o.cls = retail::ObjectClass::kFace;
      o.box = {0.F, 0.F, 1.F, 1.F};
      o.confidence = 1.F;
      fa.objects.push_back(o);
    } else {
      face_detector().process(view, fa);
      // The labelled person is the largest face; the others are not scored.
      auto it =
          std::max_element(fa.objects.begin(), fa.objects.end(), [](const auto& a, const auto& b) {
            return (a.cls == retail::ObjectClass::kFace ? a.box.area() : 0.F) <
                   (b.cls == retail::ObjectClass::kFace ? b.box.area() : 0.F);
          });
      std::vector<retail::Object> keep;
      if (it != fa.objects.end() && it->cls == retail::ObjectClass::kFace) keep.push_back(*it);
      fa.objects = keep;
    }
    got = false;
    analyzer.process(view, fa);
    const retail::Object* face = fa.objects.empty() ? nullptr : &fa.objects.front();
    const auto* ga = face ? fa.attribute(face->id, "gender") : nullptr;
    const auto* ba = face ? fa.attribute(face->id, "age_band") : nullptr;
    const auto* ea = face ? fa.attribute(face->id, "emotion") : nullptr;
    if (ga == nullptr) ++no_face;
    if (verbose)
      std::printf(
          "%s: %s q=%.2f (size %.2f frontal %.2f sharp %.2f det %.2f) p_male %.2f "
          "age %.1f -> %s / %s / %s | truth %s %s %s\n",
          fs::path(l.file).filename().c_str(),
          ga ? "read" : "NO READING (no face >= min-face-size-px)", got ? last.quality.total : 0.0,
          got ? last.quality.size : 0.0, got ? last.quality.frontal : 0.0,
          got ? last.quality.sharpness : 0.0, got ? last.quality.detector : 0.0,
          got ? last.age_gender.p_male : 0.0, got ? last.age_gender.age : 0.0,
          ga ? ga->label.c_str() : "-", ba ? ba->label.c_str() : "-", ea ? ea->label.c_str() : "-",
          l.gender.c_str(), l.age >= 0 ? std::to_string(static_cast<int>(l.age)).c_str() : "",
          l.expression.c_str());
    if (!l.gender.empty()) {
      ++g.labelled;
      if (ga != nullptr && ga->label != attr::kUnknown) {
        ++g.known;
        g.right += ga->label == l.gender ? 1 : 0;
      }
      if (got) {
        ++g.raw_n;
        g.raw_right += ((last.age_gender.p_male >= 0.5F) == (l.gender == "male")) ? 1 : 0;
      }
    }
    if (l.age >= 0) {
      ++band.labelled;
      const std::string truth = attr::age_band(static_cast<float>(l.age));
      if (got) {
        abs_err += std::fabs(last.age_gender.age - l.age);
        ++age_n;
        ++band.raw_n;
        band.raw_right += truth == attr::age_band(last.age_gender.age) ? 1 : 0;
      }
      if (ba != nullptr && ba->label != attr::kUnknown) {
        ++band.known;
        ++age_pub;
        band.right += ba->label == truth ? 1 : 0;
      }
    }
    if (!l.expression.empty()) {
      ++ex.labelled;
      if (ea != nullptr && ea->label != attr::kUnknown) {
        ++ex.known;
        ex.right += ea->label == l.expression ? 1 : 0;
      }
      if (got && last.has_expression) {
        ++ex.raw_n;
        const auto& e = last.expression;
        const int am = static_cast<int>(std::max_element(e.begin(), e.end()) - e.begin());
        ex.raw_right += am == expression_index(l.expression) ? 1 : 0;
      }
    }
  }
  const auto line = [&](const char* what, const Tally& t) {
    std::printf(
        "%-10s labelled %3d  published %3d  right %3d  wrong %3d  accuracy %.3f  "
        "unknown rate %.3f  raw accuracy %.3f (%d)\n",
        what, t.labelled, t.known, t.right, t.known - t.right, t.rate(t.right, t.known),
        t.rate(t.labelled - t.known, t.labelled), t.rate(t.raw_right, t.raw_n), t.raw_n);
  };
  const double mae = age_n > 0 ? abs_err / age_n : 0.0;
  if (json) {
    std::printf(
        "{\"images\":%zu,\"no_face\":%d,\"gender\":{\"labelled\":%d,\"published\":%d,\"right\":%d,"
        "\"accuracy\":%.4f,\"unknown_rate\":%.4f,\"raw_accuracy\":%.4f},\"age\":{\"labelled\":%d,"
        "\"mae\":%.3f,\"band_published\":%d,\"band_right\":%d,\"band_accuracy\":%.4f,"
        "\"band_unknown_rate\":%.4f,\"raw_band_accuracy\":%.4f},\"expression\":{\"labelled\":%d,"
        "\"published\":%d,\"right\":%d,\"accuracy\":%.4f,\"unknown_rate\":%.4f,"
        "\"raw_accuracy\":%.4f}}\n",
        labels.size(), no_face, g.labelled, g.known, g.right, g.rate(g.right, g.known),
        g.rate(g.labelled - g.known, g.labelled), g.rate(g.raw_right, g.raw_n), band.labelled, mae,
        band.known, band.right, band.rate(band.right, band.known),
        band.rate(band.labelled - band.known, band.labelled), band.rate(band.raw_right, band.raw_n),
        ex.labelled, ex.known, ex.right, ex.rate(ex.right, ex.known),
        ex.rate(ex.labelled - ex.known, ex.labelled), ex.rate(ex.raw_right, ex.raw_n));
    return 0;
  }
  std::printf("images %zu, no reading %d (no face >= min-face-size-px; counted as unknown)\n",
              labels.size(), no_face);
  line("gender", g);
  std::printf("age        labelled %3d  MAE %.2f years (%d readings)\n", band.labelled, mae, age_n);
  line("age band", band);
  line("expression", ex);
  (void)age_pub;
  return 0;
}

int run_video(const std::string& path, const std::string& readings_out,
              const attr::Config& config) {
  cv::VideoCapture cap(path);
  if (!cap.isOpened()) throw Error(ErrorKind::kNotFound, "video '" + path + "' cannot be opened");
  const double fps = cap.get(cv::CAP_PROP_FPS) > 0 ? cap.get(cv::CAP_PROP_FPS) : 30.0;
  retail::detect::Config dc;
  retail::detect::FrameDetector det(dc);
  retail::track::Config tc;
  tc.frame_rate = fps;
  retail::track::FrameTracker tracker(tc);
  attr::Analyzer analyzer(config);
  std::ofstream out;
  if (!readings_out.empty()) {
    out.open(readings_out);
    out << "frame,track,x,y,w,h,q,size,frontal,sharp,lapvar,det,age,p_male,neutral,happy,sad,"
           "angry,fearful,disgusted,surprised\n";
  }
  int64_t frame = 0;
  analyzer.set_observer([&](const attr::Reading& r) {
    if (!out) return;
    out << frame << ',' << r.track_id << ',' << r.face_px.x << ',' << r.face_px.y << ','
        << r.face_px.width << ',' << r.face_px.height << ',' << r.quality.total << ','
        << r.quality.size << ',' << r.quality.frontal << ',' << r.quality.sharpness << ','
        << r.quality.laplacian_var << ',' << r.quality.detector << ',' << r.age_gender.age << ','
        << r.age_gender.p_male;
    for (float p : r.expression) out << ',' << p;
    out << '\n';
  });
  struct Life {
    std::vector<std::string> bands, genders, emotions;  // distinct published labels, in order
    int frames = 0, unknown_band = 0, unknown_gender = 0;
    int64_t first = 0, last = 0;
    double cx = 0, cy = 0;
  };
  std::map<uint64_t, Life> lives;
  cv::Mat bgr;
  while (cap.read(bgr)) {
    const auto view = retail::ImageView::from_mat(bgr, retail::PixelFormat::kBGR);
    retail::FrameAnalytics fa;
    det.process(view, fa, static_cast<int64_t>(frame * 1e9 / fps));
    fa = tracker.process(fa, bgr.cols, bgr.rows, static_cast<int64_t>(frame * 1e9 / fps));
    const uint64_t cuts = analyzer.stats().scene_cuts;
    analyzer.process(view, fa);
    if (analyzer.stats().scene_cuts != cuts)
      std::printf("frame %lld: camera cut (thumbnail change %.1f), evidence dropped\n",
                  static_cast<long long>(frame), analyzer.last_thumb_change());
    for (const auto& o : fa.objects) {
      if (o.cls != retail::ObjectClass::kFace || o.track_id == 0) continue;
      Life& l = lives[o.track_id];
      if (l.frames++ == 0) l.first = frame;
      l.last = frame;
      l.cx = o.box.x + o.box.w / 2;
      l.cy = o.box.y + o.box.h / 2;
      const auto push = [](std::vector<std::string>& v, const retail::Attribute* a, int& unk) {
        if (a == nullptr || a->label == attr::kUnknown) {
          ++unk;
          return;
        }
        if (v.empty() || v.back() != a->label) v.push_back(a->label);
      };
      int dummy = 0;
      push(l.bands, fa.attribute(o.id, "age_band"), l.unknown_band);
      push(l.genders, fa.attribute(o.id, "gender"), l.unknown_gender);
      push(l.emotions, fa.attribute(o.id, "emotion"), dummy);
    }
    ++frame;
  }
  const auto join = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ">") + x;
    return s.empty() ? std::string("unknown") : s;
  };
  int flips = 0;
  for (const auto& [id, l] : lives) {
    flips += l.bands.size() > 1 ? static_cast<int>(l.bands.size()) - 1 : 0;
    std::printf(
        "track %3llu frames %3lld-%3lld (%3d) last centre %.2f,%.2f  band %s (unknown %d)  "
        "gender %s (unknown %d)  emotion %s\n",
        static_cast<unsigned long long>(id), static_cast<long long>(l.first),
        static_cast<long long>(l.last), l.frames, l.cx, l.cy, join(l.bands).c_str(), l.unknown_band,
        join(l.genders).c_str(), l.unknown_gender, join(l.emotions).c_str());
  }
  std::printf("%zu face tracks, %lld frames, %d band changes\n", lives.size(),
              static_cast<long long>(frame), flips);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    if (argc < 2) {
      std::fputs(kUsage, stderr);
      return 2;
    }
    const std::string mode = argv[1];
    std::map<std::string, std::string> opts;
    attr::Config config;
    bool whole = false, verbose = false, json = false;
    for (int i = 2; i < argc; ++i) {
      const std::string a = argv[i];
      if (a == "--whole-image")
        whole = true;
      else if (a == "--verbose")
        verbose = true;
      else if (a == "--json")
        json = true;
      else if (a == "--set" && i + 1 < argc)
        set_field(config, argv[++i]);
      else if (a.rfind("--", 0) == 0 && i + 1 < argc)
        opts[a.substr(2)] = argv[++i];
      else
        throw Error(ErrorKind::kConfig, "unexpected argument '" + a + "'");
    }
    if (mode == "images") {
      std::vector<Label> labels;
      if (opts.count("csv") != 0)
        labels = read_csv(opts["csv"]);
      else if (opts.count("dir") != 0)
        labels = read_dir(opts["dir"]);
      else
        throw Error(ErrorKind::kConfig, "images needs --csv LABELS.csv or --dir DIR");
      return run_images(labels, config, whole, verbose, json);
    }
    if (mode == "video") {
      if (opts.count("video") == 0) throw Error(ErrorKind::kConfig, "video needs --video CLIP");
      return run_video(opts["video"], opts["readings"], config);
    }
    std::fputs(kUsage, stderr);
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "retail-attr-eval: %s\n", e.what());
    return 1;
  }
}
