#include "common/analytics.h"

#include <algorithm>

namespace retail {

const char* to_string(ObjectClass c) {
  switch (c) {
    case ObjectClass::kPerson: return "person";
    case ObjectClass::kFace: return "face";
  }
  return "unknown";
}

const char* to_string(TrackState s) {
  switch (s) {
    case TrackState::kNew: return "new";
    case TrackState::kTracked: return "tracked";
    case TrackState::kLost: return "lost";
  }
  return "unknown";
}

const Object* FrameAnalytics::find_object(uint64_t id) const {
  for (const auto& o : objects)
    if (o.id == id) return &o;
  return nullptr;
}

Object* FrameAnalytics::find_object(uint64_t id) {
  for (auto& o : objects)
    if (o.id == id) return &o;
  return nullptr;
}

uint64_t FrameAnalytics::next_object_id() const {
  uint64_t max_id = 0;
  for (const auto& o : objects) max_id = std::max(max_id, o.id);
  return max_id + 1;
}

std::vector<const Attribute*> FrameAnalytics::attributes_of(uint64_t object_id) const {
  std::vector<const Attribute*> out;
  for (const auto& a : attributes)
    if (a.object_id == object_id) out.push_back(&a);
  return out;
}

const Attribute* FrameAnalytics::attribute(uint64_t object_id, const std::string& name) const {
  for (const auto& a : attributes)
    if (a.object_id == object_id && a.name == name) return &a;
  return nullptr;
}

void FrameAnalytics::set_attribute(Attribute a) {
  for (auto& existing : attributes) {
    if (existing.object_id == a.object_id && existing.name == a.name) {
      existing = std::move(a);
      return;
    }
  }
  attributes.push_back(std::move(a));
}

size_t FrameAnalytics::count(ObjectClass c) const {
  return static_cast<size_t>(
      std::count_if(objects.begin(), objects.end(), [c](const Object& o) { return o.cls == c; }));
}

}  // namespace retail
