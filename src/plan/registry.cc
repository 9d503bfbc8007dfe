#include "plan/registry.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <unordered_map>

#include "plan/index.h"
#include "plan/tracks.h"
#include "plan/validate.h"

namespace deconflict::plan {
namespace {

Status PermissionDenied(std::string m) { return Status(ErrorCode::kPermissionDenied, std::move(m)); }

uint64_t Handle(uint32_t serial, size_t volume) { return (static_cast<uint64_t>(serial) << 16) | volume; }
uint32_t SerialOf(uint64_t handle) { return static_cast<uint32_t>(handle >> 16); }
int VolumeOf(uint64_t handle) { return static_cast<int>(handle & 0xffff); }

bool Active(OperationState s) { return s != OperationState::kEnded; }

// Ownership and optimistic concurrency of a write naming `expected` (0: create) by party `by`.
// `stored_owner` is null when the object does not exist.
Status Guard(const char* what, const std::string& id, const PartyId* stored_owner, Version stored_version,
             const PartyId& by, Version expected) {
  if (stored_owner && *stored_owner != by)
    return PermissionDenied(fmt::format("{} {} belongs to {}, not {}", what, id, *stored_owner, by));
  const Version current = stored_owner ? stored_version : 0;
  if (expected != current)
    return Status::Conflict(
        fmt::format("{} {}: version {} is stale; the current version is {}", what, id, expected, current));
  return Status::Ok();
}

// Overlap of two volumes under the given buffers; false when they do not conflict.
bool Meet(const CompiledVolume& a, const CompiledVolume& b, const AgreementTerms& terms, Conflict* c) {
  if (b.t1_s < a.t0_s || b.t0_s > a.t1_s) return false;
  const double gap = std::max(b.alt_lo_m - a.alt_hi_m, a.alt_lo_m - b.alt_hi_m);
  if (gap > terms.buffer_vertical_m) return false;
  if (!WithinDistance(a.footprint, b.footprint, terms.buffer_horizontal_m)) return false;
  c->time = {std::max(a.t0_s, b.t0_s), std::min(a.t1_s, b.t1_s)};
  c->altitude = {std::max(a.alt_lo_m, b.alt_lo_m), std::min(a.alt_hi_m, b.alt_hi_m)};
  c->horizontal_overlap = terms.buffer_horizontal_m <= 0 || Overlaps(a.footprint, b.footprint);
  return true;
}

std::string Describe(const Conflict& c) {
  if (c.kind == ConflictKind::kZone)
    return fmt::format("volume {} enters {} zone {} of {} (zone volume {})", c.volume, ZoneKindName(c.zone_kind),
                       c.other_id, c.other_party, c.other_volume);
  return fmt::format("volume {} conflicts with operation {} of {} (priority {}, volume {})", c.volume, c.other_id,
                     c.other_party, c.other_priority, c.other_volume);
}

}  // namespace

struct Registry::Impl {
  struct StoredOp {
    Operation op;
    std::vector<CompiledVolume> vols;
    uint32_t serial = 0;
  };
  struct StoredZone {
    Zone zone;
    std::vector<CompiledVolume> vols;
    uint32_t serial = 0;
  };

  RegistryOptions options;
  std::unordered_map<std::string, StoredOp> ops;
  std::unordered_map<uint32_t, StoredOp*> op_by_serial;
  std::unordered_map<std::string, StoredZone> zones;
  std::unordered_map<uint32_t, StoredZone*> zone_by_serial;
  VolumeIndex op_index, zone_index;
  uint32_t next_serial = 1;

  VolumeIndex::Query QueryOf(const CompiledVolume& v, std::pair<double, double> pads) const {
    VolumeIndex::Query q;
    q.cap = v.footprint.bound();
    q.pad_horizontal_m = pads.first;
    q.pad_vertical_m = pads.second;
    q.t0_s = v.t0_s;
    q.t1_s = v.t1_s;
    q.alt_lo_m = v.alt_lo_m;
    q.alt_hi_m = v.alt_hi_m;
    return q;
  }

  // Every conflict of (owner, volumes) with other parties' active operations and binding zones.
  std::vector<Conflict> Conflicts(const std::string& id, const PartyId& owner, const std::vector<CompiledVolume>& vols,
                                  const AgreementBook& book) const {
    std::vector<Conflict> out;
    const auto pads = book.MaxBuffersFor(owner);
    std::vector<uint64_t> candidates;
    for (size_t i = 0; i < vols.size(); ++i) {
      const VolumeIndex::Query q = QueryOf(vols[i], pads);
      candidates.clear();
      op_index.Find(q, &candidates);
      for (uint64_t h : candidates) {
        auto it = op_by_serial.find(SerialOf(h));
        if (it == op_by_serial.end()) continue;
        const StoredOp& other = *it->second;
        if (other.op.owner == owner || other.op.id == id || !Active(other.op.state)) continue;
        Conflict c;
        if (!Meet(vols[i], other.vols[VolumeOf(h)], book.TermsBetween(owner, other.op.owner), &c)) continue;
        c.kind = ConflictKind::kOperation;
        c.volume = static_cast<int>(i);
        c.other_id = other.op.id;
        c.other_party = other.op.owner;
        c.other_volume = VolumeOf(h);
        c.other_priority = other.op.priority;
        c.other_state = other.op.state;
        out.push_back(std::move(c));
      }
      candidates.clear();
      zone_index.Find(q, &candidates);
      for (uint64_t h : candidates) {
        auto it = zone_by_serial.find(SerialOf(h));
        if (it == zone_by_serial.end()) continue;
        const StoredZone& z = *it->second;
        if (!z.zone.Binds(owner)) continue;
        Conflict c;
        if (!Meet(vols[i], z.vols[VolumeOf(h)], book.TermsBetween(owner, z.zone.owner), &c)) continue;
        c.kind = ConflictKind::kZone;
        c.volume = static_cast<int>(i);
        c.other_id = z.zone.id;
        c.other_party = z.zone.owner;
        c.other_volume = VolumeOf(h);
        c.zone_kind = z.zone.kind;
        out.push_back(std::move(c));
      }
    }
    std::sort(out.begin(), out.end(), [](const Conflict& a, const Conflict& b) {
      return std::tie(a.volume, a.kind, a.other_id, a.other_volume) <
             std::tie(b.volume, b.kind, b.other_id, b.other_volume);
    });
    return out;
  }

  void Decide(const Operation& op, const StoredOp* old, const AgreementBook& book, Decision* d) const {
    const bool off_nominal = op.state == OperationState::kNonconforming ||
                             op.state == OperationState::kContingent || op.state == OperationState::kEnded;
    std::set<std::pair<ConflictKind, std::string>> preexisting;
    if (!off_nominal && old && old->op.state == OperationState::kActivated &&
        op.state == OperationState::kActivated) {
      for (const Conflict& c : Conflicts(old->op.id, old->op.owner, old->vols, book))
        preexisting.insert({c.kind, c.other_id});
    }
    for (Conflict& c : d->conflicts) {
      if (c.kind == ConflictKind::kZone) {
        const StoredZone& z = zones.at(c.other_id);
        const double binding_from = z.zone.notified_at_s + z.zone.notification_lead_s.value_or(0);
        if (c.time.hi < binding_from) {
          c.rule = "advisory: the zone was notified less than its lead time before";
        } else {
          c.rule = "zone";
          c.blocking = true;
        }
      } else if (c.other_priority > op.priority) {
        c.rule = "higher-priority";
        c.blocking = true;
      } else if (c.other_priority == op.priority) {
        if (book.TermsBetween(op.owner, c.other_party).equal_priority_conflicts_allowed) {
          c.rule = "equal-priority (permitted by the agreement)";
        } else {
          c.rule = "equal-priority (not permitted)";
          c.blocking = true;
        }
      } else {
        c.rule = "lower-priority (the other operation must yield)";
      }
      if (c.blocking && off_nominal) {
        c.blocking = false;
        c.rule += "; reported only: the operation is " + std::string(OperationStateName(op.state));
      }
      if (c.blocking && preexisting.count({c.kind, c.other_id})) {
        c.blocking = false;
        c.rule += "; pre-existing conflict of the activated operation";
      }
    }
    d->accepted = true;
    for (const Conflict& c : d->conflicts) {
      if (!c.blocking) continue;
      d->accepted = false;
      d->reason = "refused: " + Describe(c) + " [" + c.rule + "]";
      break;
    }
  }

  // Replaces `old` (or creates) with `stored`, keeping the serial, and re-files it in the index.
  template <typename Stored>
  Stored* Store(std::unordered_map<std::string, Stored>& map, std::unordered_map<uint32_t, Stored*>& by_serial,
                const std::string& id, Stored* old, Stored stored) {
    if (old) {
      Unindex(*old);
      stored.serial = old->serial;
      *old = std::move(stored);
    } else {
      stored.serial = next_serial++;
      old = &map.emplace(id, std::move(stored)).first->second;
    }
    by_serial[old->serial] = old;
    Index(*old);
    return old;
  }
  template <typename Map>
  typename Map::iterator Erase(Map& map, std::unordered_map<uint32_t, typename Map::mapped_type*>& by_serial,
                               typename Map::iterator it) {
    Unindex(it->second);
    by_serial.erase(it->second.serial);
    return map.erase(it);
  }

  void Unindex(const StoredOp& s) {
    for (size_t i = 0; i < s.vols.size(); ++i) op_index.Remove(Handle(s.serial, i));
  }
  void Index(const StoredOp& s) {
    if (!Active(s.op.state)) return;
    for (size_t i = 0; i < s.vols.size(); ++i) {
      const auto& v = s.vols[i];
      op_index.Insert(Handle(s.serial, i), v.footprint.bound(), v.t0_s, v.t1_s, v.alt_lo_m, v.alt_hi_m);
    }
  }
  void Unindex(const StoredZone& s) {
    for (size_t i = 0; i < s.vols.size(); ++i) zone_index.Remove(Handle(s.serial, i));
  }
  void Index(const StoredZone& s) {
    for (size_t i = 0; i < s.vols.size(); ++i) {
      const auto& v = s.vols[i];
      zone_index.Insert(Handle(s.serial, i), v.footprint.bound(), v.t0_s, v.t1_s, v.alt_lo_m, v.alt_hi_m);
    }
  }
};

Registry::Registry(RegistryOptions options)
    : impl_(std::make_unique<Impl>()), agreements_(options.default_terms) {
  impl_->options = std::move(options);
  // Index handles keep the volume number in 16 bits.
  impl_->options.limits.max_volumes = std::min<size_t>(impl_->options.limits.max_volumes, 0xffff);
}

Registry::~Registry() = default;

const PlanLimits& Registry::limits() const { return impl_->options.limits; }

Result<Decision> Registry::CheckOperation(const Operation& op, double now_s) const {
  auto vols = CompileOperation(op, impl_->options.limits, now_s);
  if (!vols.ok()) return vols.status();
  const Impl::StoredOp* old = nullptr;
  auto it = impl_->ops.find(op.id);
  if (it != impl_->ops.end() && it->second.op.owner == op.owner) old = &it->second;
  Decision d;
  d.conflicts = impl_->Conflicts(op.id, op.owner, *vols, agreements_);
  impl_->Decide(op, old, agreements_, &d);
  d.version = old ? old->op.version + 1 : 1;
  return d;
}

Result<Decision> Registry::PutOperation(const Operation& op, Version expected, double now_s) {
  auto vols = CompileOperation(op, impl_->options.limits, now_s);
  if (!vols.ok()) return vols.status();
  auto it = impl_->ops.find(op.id);
  Impl::StoredOp* old = it == impl_->ops.end() ? nullptr : &it->second;
  const Version current = old ? old->op.version : 0;
  Status guard = Guard("operation", op.id, old ? &old->op.owner : nullptr, current, op.owner, expected);
  if (!guard.ok()) return guard;
  Decision d;
  d.conflicts = impl_->Conflicts(op.id, op.owner, *vols, agreements_);
  impl_->Decide(op, old, agreements_, &d);
  if (!d.accepted) return d;
  Impl::StoredOp stored;
  stored.op = op;
  stored.op.version = current + 1;
  stored.vols = std::move(vols).value();
  old = impl_->Store(impl_->ops, impl_->op_by_serial, op.id, old, std::move(stored));
  d.version = old->op.version;
  return d;
}

Status Registry::RestoreOperation(const Operation& op) {
  auto vols = RecompileOperation(op, impl_->options.limits);
  if (!vols.ok()) return vols.status();
  auto it = impl_->ops.find(op.id);
  Impl::StoredOp stored;
  stored.op = op;
  stored.vols = std::move(vols).value();
  impl_->Store(impl_->ops, impl_->op_by_serial, op.id, it == impl_->ops.end() ? nullptr : &it->second,
               std::move(stored));
  return Status::Ok();
}

Status Registry::RestoreZone(const Zone& zone) {
  auto vols = RecompileZone(zone, impl_->options.limits);
  if (!vols.ok()) return vols.status();
  auto it = impl_->zones.find(zone.id);
  Impl::StoredZone stored;
  stored.zone = zone;
  stored.vols = std::move(vols).value();
  impl_->Store(impl_->zones, impl_->zone_by_serial, zone.id, it == impl_->zones.end() ? nullptr : &it->second,
               std::move(stored));
  return Status::Ok();
}

Status Registry::RemoveOperation(const std::string& id, const PartyId& by, Version expected) {
  auto it = impl_->ops.find(id);
  if (it == impl_->ops.end()) return Status::NotFound("operation " + id + " does not exist");
  Status guard = Guard("operation", id, &it->second.op.owner, it->second.op.version, by, expected);
  if (!guard.ok()) return guard;
  impl_->Erase(impl_->ops, impl_->op_by_serial, it);
  return Status::Ok();
}

std::optional<Operation> Registry::GetOperation(const std::string& id) const {
  auto it = impl_->ops.find(id);
  if (it == impl_->ops.end()) return std::nullopt;
  return it->second.op;
}

Result<ZoneDecision> Registry::PutZone(const Zone& zone, Version expected, double now_s) {
  auto vols = CompileZone(zone, impl_->options.limits, now_s);
  if (!vols.ok()) return vols.status();
  auto it = impl_->zones.find(zone.id);
  Impl::StoredZone* old = it == impl_->zones.end() ? nullptr : &it->second;
  const Version current = old ? old->zone.version : 0;
  Status guard = Guard("zone", zone.id, old ? &old->zone.owner : nullptr, current, zone.owner, expected);
  if (!guard.ok()) return guard;
  Impl::StoredZone stored;
  stored.zone = zone;
  stored.zone.version = current + 1;
  if (stored.zone.notified_at_s <= 0) stored.zone.notified_at_s = now_s;
  stored.vols = std::move(vols).value();
  old = impl_->Store(impl_->zones, impl_->zone_by_serial, zone.id, old, std::move(stored));
  ZoneDecision d;
  d.version = old->zone.version;
  // The operations this zone now meets, as their owners see it.
  std::set<std::string> seen;
  std::vector<uint64_t> candidates;
  // Buffers depend on the pair; the prefilter is widened by the largest one the zone owner has.
  const auto pads = agreements_.MaxBuffersFor(zone.owner);
  for (size_t i = 0; i < old->vols.size(); ++i) {
    candidates.clear();
    impl_->op_index.Find(impl_->QueryOf(old->vols[i], pads), &candidates);
    for (uint64_t h : candidates) {
      auto s = impl_->op_by_serial.find(SerialOf(h));
      if (s == impl_->op_by_serial.end() || seen.count(s->second->op.id)) continue;
      if (!old->zone.Binds(s->second->op.owner)) continue;
      seen.insert(s->second->op.id);
    }
  }
  for (const std::string& op_id : seen) {
    const Impl::StoredOp& s = impl_->ops.at(op_id);
    Decision od;
    od.conflicts = impl_->Conflicts(s.op.id, s.op.owner, s.vols, agreements_);
    impl_->Decide(s.op, nullptr, agreements_, &od);
    for (const Conflict& c : od.conflicts)
      if (c.kind == ConflictKind::kZone && c.other_id == zone.id) d.affected.push_back({op_id, c});
  }
  return d;
}

Status Registry::RemoveZone(const std::string& id, const PartyId& by, Version expected) {
  auto it = impl_->zones.find(id);
  if (it == impl_->zones.end()) return Status::NotFound("zone " + id + " does not exist");
  Status guard = Guard("zone", id, &it->second.zone.owner, it->second.zone.version, by, expected);
  if (!guard.ok()) return guard;
  impl_->Erase(impl_->zones, impl_->zone_by_serial, it);
  return Status::Ok();
}

std::optional<Zone> Registry::GetZone(const std::string& id) const {
  auto it = impl_->zones.find(id);
  if (it == impl_->zones.end()) return std::nullopt;
  return it->second.zone;
}

std::vector<std::vector<LatLng>> Registry::OverlapOutline(const Operation& op, const Conflict& c) const {
  if (c.volume < 0 || static_cast<size_t>(c.volume) >= op.volumes.size()) return {};
  auto mine = CompileVolume(op.volumes[c.volume], impl_->options.limits, "volume");
  if (!mine.ok()) return {};
  const std::vector<CompiledVolume>* theirs = nullptr;
  if (c.kind == ConflictKind::kOperation) {
    auto it = impl_->ops.find(c.other_id);
    if (it != impl_->ops.end()) theirs = &it->second.vols;
  } else {
    auto it = impl_->zones.find(c.other_id);
    if (it != impl_->zones.end()) theirs = &it->second.vols;
  }
  if (!theirs || c.other_volume < 0 || static_cast<size_t>(c.other_volume) >= theirs->size()) return {};
  return plan::OverlapOutline(mine->footprint, (*theirs)[c.other_volume].footprint);
}

Result<Conformance> Registry::CheckConformance(const TrackState& track, const std::string& operation_id) const {
  auto it = impl_->ops.find(operation_id);
  if (it == impl_->ops.end()) return Status::NotFound("operation " + operation_id + " does not exist");
  return plan::CheckConformance(track, it->second.vols, impl_->options.conformance);
}

std::vector<ZoneEntry> Registry::PredictZoneEntries(const TrackState& track) const {
  std::vector<ZoneEntry> out;
  const double max_lookahead = agreements_.MaxLookaheadFor(track.party);
  // Candidates within reach (the index scans instead of covering the cap when that is cheaper, as it
  // is for the usual few hundred zones); TimeToEntry then skips the path pieces whose caps miss the
  // zone's bound.
  const ProjectedPath path(track, max_lookahead);
  const double reach_m = std::max(0.0, track.gs_mps) * path.horizon_s();
  VolumeIndex::Query q;
  q.cap = S2Cap(path.a(0), ConservativeAngle(reach_m));
  q.t0_s = track.time_s;
  q.t1_s = track.time_s + path.horizon_s();
  const double climb = std::abs(track.vs_mps) * path.horizon_s();
  q.alt_lo_m = track.alt_m - climb;
  q.alt_hi_m = track.alt_m + climb;
  std::vector<uint64_t> candidates;
  impl_->zone_index.Find(q, &candidates);
  for (uint64_t h : candidates) {
    auto it = impl_->zone_by_serial.find(SerialOf(h));
    if (it == impl_->zone_by_serial.end()) continue;
    const Impl::StoredZone& z = *it->second;
    if (!z.zone.Binds(track.party)) continue;
    const double lookahead = agreements_.TermsBetween(track.party, z.zone.owner).track_lookahead_s;
    auto t = TimeToEntry(path, z.vols[VolumeOf(h)], lookahead);
    if (!t) continue;
    out.push_back({z.zone.id, z.zone.owner, z.zone.kind, VolumeOf(h), *t});
  }
  std::sort(out.begin(), out.end(), [](const ZoneEntry& a, const ZoneEntry& b) {
    return std::tie(a.time_to_entry_s, a.zone_id, a.volume) < std::tie(b.time_to_entry_s, b.zone_id, b.volume);
  });
  return out;
}

size_t Registry::Expire(double now_s) {
  size_t n = 0;
  auto ended = [now_s](const std::vector<CompiledVolume>& vols) {
    return std::all_of(vols.begin(), vols.end(), [now_s](const CompiledVolume& v) { return v.t1_s < now_s; });
  };
  auto sweep = [&](auto& map, auto& by_serial) {
    for (auto it = map.begin(); it != map.end();) {
      if (ended(it->second.vols)) {
        it = impl_->Erase(map, by_serial, it);
        ++n;
      } else {
        ++it;
      }
    }
  };
  sweep(impl_->ops, impl_->op_by_serial);
  sweep(impl_->zones, impl_->zone_by_serial);
  return n;
}

Registry::Stats Registry::GetStats() const {
  Stats st;
  st.operations = impl_->ops.size();
  st.zones = impl_->zones.size();
  auto add = [&st](const std::vector<CompiledVolume>& vols) {
    st.volumes += vols.size();
    for (const auto& v : vols) st.geometry_bytes += v.footprint.MemoryBytes() + sizeof(v) - sizeof(v.footprint);
  };
  for (const auto& [id, s] : impl_->ops) add(s.vols);
  for (const auto& [id, s] : impl_->zones) add(s.vols);
  st.index_bytes = impl_->op_index.GetStats().bytes + impl_->zone_index.GetStats().bytes;
  return st;
}

}  // namespace deconflict::plan
