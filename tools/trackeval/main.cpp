// retail-mot: MOTChallenge tracking and evaluation with gst-retail's tracker.
//
//   retail-mot track --det det.txt (--seqinfo seqinfo.ini | --fps F) --out result.txt [options]
//   retail-mot eval  --gt gt.txt --res result.txt [--iou 0.5] [--json]
//   retail-mot video --video clip.avi [--chain "retaildetect ! retailtrack"] --det det.txt
//                    [--res result.txt]
//
// See plugins/retailtrack/README.md.
#include <gst/gst.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "common/analytics.h"
#include "common/error.h"
#include "meta/retail_meta.h"
#include "plugin.h"
#include "track/byte_tracker.h"
#include "track/mot_io.h"
#include "track/mot_metrics.h"

namespace {

using retail::track::MotRow;

const char* kUsage =
    "usage:\n"
    "  retail-mot track --det DET.txt (--seqinfo seqinfo.ini | --fps F) --out RESULT.txt\n"
    "                   [--min-score S] [--high-threshold 0.5] [--low-threshold 0.1]\n"
    "                   [--new-track-threshold 0.6] [--match-iou-distance 0.8]\n"
    "                   [--track-buffer-frames 30] [--no-fuse-score] [--min-box-area-px 10]\n"
    "                   [--max-aspect-ratio 1.6]\n"
    "      runs the core ByteTrack on a MOTChallenge detections file (frame,-1,x,y,w,h,score,..\n"
    "      pixel boxes) and writes a MOTChallenge result file (frame,id,x,y,w,h,score,-1,-1,-1)\n"
    "  retail-mot eval --gt gt.txt --res RESULT.txt [--iou 0.5] [--json]\n"
    "      CLEAR-MOT (MOTA, MOTP, FP, FN, IDSW, MT/PT/ML) and IDF1 with MOTChallenge matching\n"
    "  retail-mot video --video CLIP [--chain \"retaildetect ! retailtrack\"] --det DET.txt\n"
    "                   [--res RESULT.txt] [--class person|face]\n"
    "      runs filesrc ! decodebin ! videoconvert ! CHAIN on the clip and writes the detections\n"
    "      it produced (frame = video frame index + 1) and, when the chain tracks, its tracks\n";

struct Args {
  std::string mode;
  std::map<std::string, std::string> opts;
  bool has(const std::string& k) const { return opts.count(k) != 0; }
  std::string get(const std::string& k, const std::string& def = "") const {
    auto it = opts.find(k);
    return it == opts.end() ? def : it->second;
  }
  double num(const std::string& k, double def) const {
    if (!has(k)) return def;
    char* end = nullptr;
    const std::string v = get(k);
    const double d = std::strtod(v.c_str(), &end);
    if (end == v.c_str() || *end != '\0') {
      throw retail::Error(retail::ErrorKind::kConfig,
                          "--" + k + " expects a number, got '" + v + "'");
    }
    return d;
  }
  std::string need(const std::string& k) const {
    if (!has(k)) throw retail::Error(retail::ErrorKind::kConfig, "missing --" + k + "\n" + kUsage);
    return get(k);
  }
};

Args parse_args(int argc, char** argv) {
  Args a;
  if (argc < 2) throw retail::Error(retail::ErrorKind::kConfig, kUsage);
  a.mode = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string k = argv[i];
    if (k.rfind("--", 0) != 0) {
      throw retail::Error(retail::ErrorKind::kConfig, "unexpected argument '" + k + "'\n" + kUsage);
    }
    k = k.substr(2);
    if (k == "json" || k == "no-fuse-score") {
      a.opts[k] = "1";
    } else if (i + 1 < argc) {
      a.opts[k] = argv[++i];
    } else {
      throw retail::Error(retail::ErrorKind::kConfig, "--" + k + " needs a value");
    }
  }
  return a;
}

int run_track(const Args& a) {
  retail::track::Config c;
  double fps = a.num("fps", 0.0);
  if (a.has("seqinfo")) {
    const auto info = retail::track::read_seqinfo(a.get("seqinfo"));
    if (fps <= 0.0) fps = info.frame_rate;
  }
  if (fps <= 0.0) {
    throw retail::Error(retail::ErrorKind::kConfig,
                        "frame rate unknown: pass --seqinfo seqinfo.ini or --fps F");
  }
  c.frame_rate = fps;
  c.high_threshold = static_cast<float>(a.num("high-threshold", c.high_threshold));
  c.low_threshold = static_cast<float>(a.num("low-threshold", c.low_threshold));
  c.new_track_threshold = static_cast<float>(a.num("new-track-threshold", c.new_track_threshold));
  c.match_iou_distance = static_cast<float>(a.num("match-iou-distance", c.match_iou_distance));
  c.track_buffer_frames = static_cast<int>(a.num("track-buffer-frames", c.track_buffer_frames));
  c.min_box_area_px = static_cast<float>(a.num("min-box-area-px", c.min_box_area_px));
  c.max_aspect_ratio = static_cast<float>(a.num("max-aspect-ratio", c.max_aspect_ratio));
  if (a.has("no-fuse-score")) c.fuse_score = false;
  const float min_score = static_cast<float>(a.num("min-score", -1.0));

  const auto dets = retail::track::read_mot(a.need("det"));
  std::map<int, std::vector<retail::track::Detection>> by_frame;
  int last = 0;
  for (const MotRow& r : dets) {
    if (r.conf < min_score) continue;
    by_frame[r.frame].push_back({{r.x, r.y, r.w, r.h}, r.conf});
    last = std::max(last, r.frame);
  }
  if (a.has("seqinfo")) last = std::max(last, retail::track::read_seqinfo(a.get("seqinfo")).length);
  retail::track::ByteTracker tracker(c);
  std::vector<MotRow> out;
  for (int f = 1; f <= last; ++f) {
    const auto res = tracker.update(by_frame[f], static_cast<int64_t>((f - 1) * 1e9 / fps));
    for (const auto& t : res.tracks) {
      out.push_back(
          MotRow{f, static_cast<int64_t>(t.track_id), t.box.x, t.box.y, t.box.w, t.box.h, t.score});
    }
  }
  retail::track::write_mot(a.need("out"), out);
  std::fprintf(stderr, "retail-mot: %d frames, %zu result rows, %.3f fps (lost buffer %d frames)\n",
               last, out.size(), fps, c.max_time_lost());
  return 0;
}

int run_eval(const Args& a) {
  retail::track::EvalOptions opt;
  opt.iou_threshold = static_cast<float>(a.num("iou", opt.iou_threshold));
  const auto gt = retail::track::read_mot(a.need("gt"));
  const auto res = retail::track::read_mot(a.need("res"));
  const auto m = retail::track::evaluate_mot(gt, res, opt);
  std::printf("%s\n", a.has("json") ? retail::track::to_json(m).c_str()
                                    : retail::track::to_text(m).c_str());
  return 0;
}

struct VideoDump {
  retail::ObjectClass cls = retail::ObjectClass::kPerson;
  int frame = 0;
  int width = 0, height = 0;
  std::vector<MotRow> dets, tracks;
};

GstPadProbeReturn on_buffer(GstPad* pad, GstPadProbeInfo* info, gpointer data) {
  auto* d = static_cast<VideoDump*>(data);
  ++d->frame;
  if (d->width == 0) {
    GstCaps* caps = gst_pad_get_current_caps(pad);
    if (caps != nullptr) {
      GstStructure* s = gst_caps_get_structure(caps, 0);
      gst_structure_get_int(s, "width", &d->width);
      gst_structure_get_int(s, "height", &d->height);
      gst_caps_unref(caps);
    }
  }
  const retail::FrameAnalyticsPtr fa = retail::meta::read(GST_PAD_PROBE_INFO_BUFFER(info));
  if (!fa) return GST_PAD_PROBE_OK;
  const float w = static_cast<float>(d->width), h = static_cast<float>(d->height);
  for (const retail::Object& o : fa->objects) {
    if (o.cls != d->cls) continue;
    MotRow r{d->frame, -1, o.box.x * w, o.box.y * h, o.box.w * w, o.box.h * h, o.confidence};
    if (!o.predicted) d->dets.push_back(r);
    if (o.track_id != 0) {
      r.id = static_cast<int64_t>(o.track_id);
      d->tracks.push_back(r);
    }
  }
  return GST_PAD_PROBE_OK;
}

int run_video(const Args& a) {
  gst_init(nullptr, nullptr);
  retail_plugin_register_static();
  VideoDump dump;
  if (a.get("class", "person") == "face") dump.cls = retail::ObjectClass::kFace;
  gchar* uri_loc = g_strescape(a.need("video").c_str(), nullptr);
  const std::string desc =
      std::string("filesrc location=\"") + uri_loc + "\" ! decodebin ! videoconvert ! " +
      a.get("chain", "retaildetect ! retailtrack") + " ! fakesink name=retail_mot_sink sync=false";
  g_free(uri_loc);
  GError* err = nullptr;
  GstElement* pipeline = gst_parse_launch(desc.c_str(), &err);
  if (pipeline == nullptr || err != nullptr) {
    const std::string msg = err != nullptr ? err->message : "unknown error";
    g_clear_error(&err);
    if (pipeline != nullptr) gst_object_unref(pipeline);
    throw retail::Error(retail::ErrorKind::kConfig, "cannot build pipeline '" + desc + "': " + msg);
  }
  GstElement* sink = gst_bin_get_by_name(GST_BIN(pipeline), "retail_mot_sink");
  GstPad* pad = gst_element_get_static_pad(sink, "sink");
  gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, on_buffer, &dump, nullptr);
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  GstBus* bus = gst_element_get_bus(pipeline);
  GstMessage* msg = gst_bus_timed_pop_filtered(
      bus, GST_CLOCK_TIME_NONE, static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
  std::string error;
  if (msg != nullptr && GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR) {
    GError* e = nullptr;
    gst_message_parse_error(msg, &e, nullptr);
    error = e != nullptr ? e->message : "pipeline error";
    g_clear_error(&e);
  }
  if (msg != nullptr) gst_message_unref(msg);
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(bus);
  gst_object_unref(pad);
  gst_object_unref(sink);
  gst_object_unref(pipeline);
  if (!error.empty()) throw retail::Error(retail::ErrorKind::kFrame, "pipeline failed: " + error);
  retail::track::write_mot(a.need("det"), dump.dets);
  if (a.has("res")) retail::track::write_mot(a.get("res"), dump.tracks);
  std::fprintf(stderr, "retail-mot: %d frames, %zu detections, %zu tracked boxes\n", dump.frame,
               dump.dets.size(), dump.tracks.size());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Args a = parse_args(argc, argv);
    if (a.mode == "track") return run_track(a);
    if (a.mode == "eval") return run_eval(a);
    if (a.mode == "video") return run_video(a);
    if (a.mode == "--help" || a.mode == "-h" || a.mode == "help") {
      std::printf("%s", kUsage);
      return 0;
    }
    throw retail::Error(retail::ErrorKind::kConfig, "unknown mode '" + a.mode + "'\n" + kUsage);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "retail-mot: %s\n", e.what());
    return 2;
  }
}
