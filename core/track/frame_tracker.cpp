#include "track/frame_tracker.h"

#include <algorithm>
#include <string>

#include "common/json.h"

namespace retail::track {

namespace {

Config face_config(Config c) {
  c.max_aspect_ratio = 0.F;  // the w/h > 1.6 filter is ByteTrack's pedestrian prior
  return c;
}

int cls_index(ObjectClass c) { return c == ObjectClass::kFace ? 1 : 0; }

Box to_pixels(const Box& b, int w, int h) {
  return {b.x * static_cast<float>(w), b.y * static_cast<float>(h), b.w * static_cast<float>(w),
          b.h * static_cast<float>(h)};
}

Box to_normalized(const Box& b, int w, int h) {
  return clamp01({b.x / static_cast<float>(w), b.y / static_cast<float>(h),
                  b.w / static_cast<float>(w), b.h / static_cast<float>(h)});
}

}  // namespace

std::string track_started_payload(uint64_t track_id, ObjectClass cls, const Box& b) {
  json::Writer w;
  w.field("track_id", track_id).field("class", to_string(cls));
  w.key("box")
      .begin_object()
      .field("x", static_cast<double>(b.x))
      .field("y", static_cast<double>(b.y))
      .field("w", static_cast<double>(b.w))
      .field("h", static_cast<double>(b.h))
      .end_object();
  return w.str();
}

std::string track_ended_payload(uint64_t track_id, ObjectClass cls, int64_t duration_ms,
                                int frames) {
  json::Writer w;
  w.field("track_id", track_id)
      .field("class", to_string(cls))
      .field("duration_ms", duration_ms)
      .field("frames", frames);
  return w.str();
}

FrameTracker::FrameTracker(const Config& config)
    : config_(config),
      trackers_{ByteTracker(config, [this] { return ++next_id_; }),
                ByteTracker(face_config(config), [this] { return ++next_id_; })} {}

Event FrameTracker::ended_event(const EndedTrack& e, ObjectClass cls) const {
  const int64_t ms = std::max<int64_t>(0, (e.last_seen_ns - e.first_seen_ns) / 1000000);
  return {"track_ended", track_ended_payload(e.track_id, cls, ms, e.frames)};
}

FrameAnalytics FrameTracker::process(const FrameAnalytics& in, int width, int height,
                                     int64_t pts_ns) {
  FrameAnalytics out = in;
  if (pts_ns < 0) {
    pts_ns = static_cast<int64_t>(static_cast<double>(frames_) * 1e9 / config_.frame_rate);
  }
  ++frames_;
  out.tracks.clear();
  const ObjectClass classes[2] = {ObjectClass::kPerson, ObjectClass::kFace};
  std::unordered_map<uint64_t, uint64_t> object_of_track;  // track id -> object id on this frame

  if (!in.detector_ran) {
    out.objects.erase(std::remove_if(out.objects.begin(), out.objects.end(),
                                     [](const Object& o) {
                                       return o.cls == ObjectClass::kPerson ||
                                              o.cls == ObjectClass::kFace;
                                     }),
                      out.objects.end());
  }
  for (ObjectClass cls : classes) {
    ByteTracker& tracker = trackers_[cls_index(cls)];
    FrameResult r;
    if (in.detector_ran) {
      std::vector<Detection> dets;
      std::vector<size_t> obj_index;
      for (size_t i = 0; i < out.objects.size(); ++i) {
        const Object& o = out.objects[i];
        if (o.cls != cls) continue;
        dets.push_back({to_pixels(o.box, width, height), o.confidence});
        obj_index.push_back(i);
      }
      r = tracker.update(dets, pts_ns);
      for (const TrackOutput& t : r.tracks) {
        if (t.detection < 0) continue;
        Object& o = out.objects[obj_index[t.detection]];
        o.track_id = t.track_id;
        object_of_track[t.track_id] = o.id;
      }
    } else {
      r = tracker.predict(pts_ns);
      uint64_t next = out.next_object_id();
      for (const TrackOutput& t : r.tracks) {
        Object o;
        o.id = next++;
        o.cls = cls;
        o.confidence = t.score;
        o.box = to_normalized(t.box, width, height);
        o.track_id = t.track_id;
        o.predicted = true;
        object_of_track[t.track_id] = o.id;
        out.objects.push_back(o);
      }
    }
    for (const TrackOutput& t : r.tracks) {
      TrackInfo& ti = info_[t.track_id];
      ti.cls = cls;
      Track tr;
      tr.track_id = t.track_id;
      tr.object_id = object_of_track[t.track_id];
      tr.cls = cls;
      tr.state = t.started ? TrackState::kNew : TrackState::kTracked;
      tr.first_seen_ns = t.first_seen_ns;
      tr.last_seen_ns = t.last_seen_ns;
      out.tracks.push_back(tr);
      if (t.started) {
        ++started_;
        out.events.push_back(
            {"track_started",
             track_started_payload(t.track_id, cls, to_normalized(t.box, width, height))});
      }
    }
    for (const LostTrack& l : r.lost) {
      Track tr;
      tr.track_id = l.track_id;
      tr.cls = cls;
      tr.state = TrackState::kLost;
      tr.first_seen_ns = l.first_seen_ns;
      tr.last_seen_ns = l.last_seen_ns;
      out.tracks.push_back(tr);
    }
    for (const EndedTrack& e : r.ended) {
      ++ended_;
      out.events.push_back(ended_event(e, cls));
      info_.erase(e.track_id);
    }
  }

  // Faces: link to the owning person's track.
  for (Object& o : out.objects) {
    if (o.cls != ObjectClass::kFace || o.track_id == 0) continue;
    auto it = info_.find(o.track_id);
    if (it == info_.end()) continue;
    if (!o.predicted && o.parent_id != 0) {
      const Object* person = out.find_object(o.parent_id);
      if (person != nullptr && person->track_id != 0) it->second.person_track = person->track_id;
    }
    const uint64_t person_track = it->second.person_track;
    if (person_track == 0) continue;
    if (o.predicted) {
      auto p = object_of_track.find(person_track);
      if (p != object_of_track.end()) o.parent_id = p->second;
    }
    Attribute a;
    a.object_id = o.id;
    a.name = kPersonTrackAttribute;
    a.label = std::to_string(person_track);
    a.confidence = 1.F;
    a.value = static_cast<double>(person_track);
    out.set_attribute(std::move(a));
  }
  return out;
}

std::vector<Event> FrameTracker::finish() {
  std::vector<Event> events;
  const ObjectClass classes[2] = {ObjectClass::kPerson, ObjectClass::kFace};
  for (ObjectClass cls : classes) {
    for (const EndedTrack& e : trackers_[cls_index(cls)].finish()) {
      ++ended_;
      events.push_back(ended_event(e, cls));
    }
  }
  info_.clear();
  return events;
}

}  // namespace retail::track
