#include "feeds/track_assembler.h"

#include <algorithm>

namespace deconflict::feeds {

struct TrackAssembler::Aircraft {
  TrackState state;  // id and party fixed at creation
  bool has_position = false;
  bool has_velocity = false;
  bool has_altitude = false;
  bool has_squawk = false;
  bool emergency_flag = false;
  bool usable_emitted = false;  // on_track was called since the last expiry
  uint16_t squawk = 0;
  DistressKind distress = DistressKind::kNone;
  uint64_t messages = 0;
  double last_message_s = 0;
  double last_position_s = 0;

  bool usable() const { return has_position && has_velocity && (has_altitude || state.on_ground); }
};

const char* DistressKindName(DistressKind kind) {
  switch (kind) {
    case DistressKind::kNone: return "none";
    case DistressKind::kUnlawfulInterference: return "unlawful_interference";
    case DistressKind::kRadioFailure: return "radio_failure";
    case DistressKind::kEmergency: return "emergency";
    case DistressKind::kEmergencyFlag: return "emergency_flag";
  }
  return "none";
}

DistressKind DistressKindOfSquawk(uint16_t squawk) {
  switch (squawk) {
    case 7500: return DistressKind::kUnlawfulInterference;
    case 7600: return DistressKind::kRadioFailure;
    case 7700: return DistressKind::kEmergency;
    default: return DistressKind::kNone;
  }
}

TrackAssembler::TrackAssembler(AssemblerOptions options, AssemblerCallbacks callbacks)
    : options_(std::move(options)), callbacks_(std::move(callbacks)) {}
TrackAssembler::~TrackAssembler() = default;
TrackAssembler::TrackAssembler(TrackAssembler&&) noexcept = default;
TrackAssembler& TrackAssembler::operator=(TrackAssembler&&) noexcept = default;

TrackAssembler::Aircraft& TrackAssembler::Find(uint32_t address) {
  auto it = aircraft_.find(address);
  if (it != aircraft_.end()) return *it->second;
  auto a = std::make_unique<Aircraft>();
  a->state.id = FormatAddress(address);
  a->state.party = options_.party;
  if (options_.table && !(address & kNonIcaoAddressBit)) {  // tables list ICAO addresses only
    auto p = options_.table->find(address);
    if (p != options_.table->end()) a->state.party = p->second;
  }
  return *aircraft_.emplace(address, std::move(a)).first->second;
}

bool TrackAssembler::Apply(const SbsMessage& m) {
  Aircraft& a = Find(m.address);
  TrackState& s = a.state;
  ++a.messages;
  a.last_message_s = std::max(a.last_message_s, m.time_s);

  if (m.has(kHasCallsign)) {
    const std::string_view cs = m.callsign_view();
    if (s.callsign != cs) s.callsign.assign(cs.data(), cs.size());
  }
  if (m.has(kHasOnGround)) s.on_ground = m.on_ground;
  if (m.type == 2) s.on_ground = true;  // surface position message
  if (m.has(kHasAltitude)) {
    s.alt_m = m.alt_m;
    a.has_altitude = true;
  }

  bool moved = false;
  if (m.has(kHasPosition)) {
    s.lat_deg = m.lat_deg;
    s.lon_deg = m.lon_deg;
    s.time_s = m.time_s;
    a.last_position_s = m.time_s;
    a.has_position = true;
    moved = true;
  }
  bool velocity_changed = false;
  if (m.has(kHasGroundSpeed) && m.has(kHasTrack)) {
    s.gs_mps = m.gs_mps;
    s.trk_deg = m.trk_deg;
    a.has_velocity = true;
    velocity_changed = true;
  } else if (m.has(kHasGroundSpeed) && m.gs_mps == 0) {
    s.gs_mps = 0;  // stationary: the track angle is undefined and dump1090 leaves it empty
    a.has_velocity = true;
    velocity_changed = true;
  }
  if (m.has(kHasVerticalRate)) {
    s.vs_mps = m.vs_mps;
    velocity_changed = true;
  }

  // Distress: squawk codes and the emergency flag.
  if (m.has(kHasSquawk)) {
    a.squawk = m.squawk;
    a.has_squawk = true;
  }
  if (m.has(kHasEmergency)) a.emergency_flag = m.emergency;
  if (m.has(kHasSquawk) || m.has(kHasEmergency)) {
    DistressKind kind = a.has_squawk ? DistressKindOfSquawk(a.squawk) : DistressKind::kNone;
    if (kind == DistressKind::kNone && a.emergency_flag) kind = DistressKind::kEmergencyFlag;
    if (kind != a.distress) {
      DistressEvent e;
      e.id = s.id;
      e.party = s.party;
      e.callsign = s.callsign;
      e.previous = a.distress;
      e.kind = kind;
      e.active = kind != DistressKind::kNone;
      e.squawk = a.has_squawk ? a.squawk : 0;
      e.time_s = m.time_s;
      e.has_track = a.usable();
      if (e.has_track) e.track = s;
      a.distress = kind;
      ++distress_events_;
      if (callbacks_.on_distress) callbacks_.on_distress(e);
    }
  }

  if (!a.usable()) return false;
  if (!(moved || (velocity_changed && options_.emit_on_velocity))) return false;
  a.usable_emitted = true;
  ++updates_emitted_;
  if (callbacks_.on_track) callbacks_.on_track(s);
  return true;
}

bool TrackAssembler::End(uint32_t address) {
  auto it = aircraft_.find(address);
  if (it == aircraft_.end()) return false;
  if (it->second->usable_emitted && callbacks_.on_expired) callbacks_.on_expired(it->second->state);
  aircraft_.erase(it);
  return true;
}

size_t TrackAssembler::ExpireStale(double now_s) {
  size_t expired = 0;
  for (auto it = aircraft_.begin(); it != aircraft_.end();) {
    Aircraft& a = *it->second;
    if (a.has_position && now_s - a.last_position_s > options_.stale_after_s) {
      if (a.usable_emitted) {
        ++expired;
        if (callbacks_.on_expired) callbacks_.on_expired(a.state);
      }
      a.has_position = false;
      a.usable_emitted = false;
    }
    if (now_s - a.last_message_s > options_.stale_after_s) {
      it = aircraft_.erase(it);
    } else {
      ++it;
    }
  }
  return expired;
}

size_t TrackAssembler::aircraft_count() const { return aircraft_.size(); }

size_t TrackAssembler::usable_count() const {
  return static_cast<size_t>(
      std::count_if(aircraft_.begin(), aircraft_.end(), [](const auto& kv) { return kv.second->usable(); }));
}

std::vector<AircraftInfo> TrackAssembler::Snapshot() const {
  std::vector<AircraftInfo> out;
  out.reserve(aircraft_.size());
  for (const auto& [address, ap] : aircraft_) {
    const Aircraft& a = *ap;
    AircraftInfo info;
    info.id = a.state.id;
    info.party = a.state.party;
    info.callsign = a.state.callsign;
    info.has_position = a.has_position;
    info.has_velocity = a.has_velocity;
    info.has_altitude = a.has_altitude;
    info.usable = a.usable();
    info.squawk = a.squawk;
    info.has_squawk = a.has_squawk;
    info.distress = a.distress;
    info.messages = a.messages;
    info.last_message_s = a.last_message_s;
    info.state = a.state;
    out.push_back(std::move(info));
  }
  std::sort(out.begin(), out.end(), [](const AircraftInfo& x, const AircraftInfo& y) { return x.id < y.id; });
  return out;
}

}  // namespace deconflict::feeds
