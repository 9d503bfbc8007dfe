#include "plan/registry.h"
#include "plan/validate.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fmt/format.h>

#include <functional>
#include <random>

namespace deconflict::plan {
namespace {

constexpr double kNow = 1767225600;  // 2026-01-01T00:00:00Z

Volume4D Box(double lat, double lng, double half_deg, double lo, double hi, double t0, double t1) {
  Volume4D v;
  v.outline_polygon = {{lat - half_deg, lng - half_deg},
                       {lat - half_deg, lng + half_deg},
                       {lat + half_deg, lng + half_deg},
                       {lat + half_deg, lng - half_deg}};
  v.altitude_lower_m = lo;
  v.altitude_upper_m = hi;
  v.time_start_s = t0;
  v.time_end_s = t1;
  return v;
}

Operation Op(const std::string& id, const std::string& owner, int priority, std::vector<Volume4D> vols,
             OperationState state = OperationState::kAccepted) {
  Operation op;
  op.id = id;
  op.owner = owner;
  op.priority = priority;
  op.state = state;
  op.volumes = std::move(vols);
  return op;
}

// A 220 m square over (0, 0), 0-100 m, for the next hour.
Volume4D Here() { return Box(0, 0, 0.001, 0, 100, kNow, kNow + 3600); }

TEST(Priority, HigherPriorityConflictRefusesLowerAcceptsWithReport) {
  Registry r;
  ASSERT_TRUE(r.PutOperation(Op("red-1", "red", 5, {Here()}), 0, kNow)->accepted);
  auto low = r.PutOperation(Op("blue-1", "blue", 1, {Here()}), 0, kNow);
  ASSERT_TRUE(low.ok());
  EXPECT_FALSE(low->accepted);
  ASSERT_EQ(low->conflicts.size(), 1u);
  EXPECT_TRUE(low->conflicts[0].blocking);
  EXPECT_EQ(low->conflicts[0].rule, "higher-priority");
  EXPECT_FALSE(r.GetOperation("blue-1"));
  auto high = r.PutOperation(Op("blue-2", "blue", 9, {Here()}), 0, kNow);
  ASSERT_TRUE(high.ok());
  EXPECT_TRUE(high->accepted);
  ASSERT_EQ(high->conflicts.size(), 1u);
  EXPECT_FALSE(high->conflicts[0].blocking);
  EXPECT_EQ(high->conflicts[0].other_id, "red-1");
}

TEST(Priority, OwnOperationsDoNotConflict) {
  Registry r;
  ASSERT_TRUE(r.PutOperation(Op("b1", "blue", 5, {Here()}), 0, kNow)->accepted);
  auto d = r.PutOperation(Op("b2", "blue", 0, {Here()}), 0, kNow);
  EXPECT_TRUE(d->accepted);
  EXPECT_TRUE(d->conflicts.empty());
}

TEST(Priority, OffNominalStatesAreNeverRefused) {
  Registry r;
  ASSERT_TRUE(r.PutOperation(Op("red-1", "red", 5, {Here()}), 0, kNow)->accepted);
  for (OperationState s : {OperationState::kNonconforming, OperationState::kContingent}) {
    auto d = r.PutOperation(Op(std::string("blue-") + OperationStateName(s), "blue", 0, {Here()}, s), 0, kNow);
    ASSERT_TRUE(d.ok());
    EXPECT_TRUE(d->accepted);
    ASSERT_EQ(d->conflicts.size(), 1u);
    EXPECT_FALSE(d->conflicts[0].blocking);
  }
}

TEST(Conflicts, NameTheVolumePairWithOverlappingTimeAndAltitudeOnly) {
  Registry r;
  // Red has two volumes; only its second meets blue's first.
  ASSERT_TRUE(r.PutOperation(Op("red-1", "red", 0,
                                {Box(1, 1, 0.001, 0, 50, kNow, kNow + 600),
                                 Box(0, 0, 0.001, 40, 150, kNow + 1200, kNow + 7200)}),
                             0, kNow)
                  ->accepted);
  auto d = r.CheckOperation(Op("blue-1", "blue", 9, {Here(), Box(2, 2, 0.001, 0, 10, kNow, kNow + 60)}), kNow);
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->conflicts.size(), 1u);
  const Conflict& c = d->conflicts[0];
  EXPECT_EQ(c.volume, 0);
  EXPECT_EQ(c.other_id, "red-1");
  EXPECT_EQ(c.other_party, "red");
  EXPECT_EQ(c.other_volume, 1);
  EXPECT_DOUBLE_EQ(c.time.lo, kNow + 1200);
  EXPECT_DOUBLE_EQ(c.time.hi, kNow + 3600);
  EXPECT_DOUBLE_EQ(c.altitude.lo, 40);
  EXPECT_DOUBLE_EQ(c.altitude.hi, 100);
  EXPECT_TRUE(c.horizontal_overlap);
  // Need-to-know: the disclosed outline is the intersection, a quarter of... here the whole 220 m
  // square of blue (red's square is the same), never red's other volume.
  auto overlap = r.OverlapOutline(Op("blue-1", "blue", 9, {Here()}), c);
  ASSERT_EQ(overlap.size(), 1u);
  for (const LatLng& p : overlap[0]) {
    EXPECT_LE(std::abs(p.lat_deg), 0.0010001);
    EXPECT_LE(std::abs(p.lng_deg), 0.0010001);
  }
}

TEST(Conflicts, SeparatedInTimeOrAltitudeDoNotConflict) {
  Registry r;
  ASSERT_TRUE(r.PutOperation(Op("red-1", "red", 9, {Box(0, 0, 0.001, 0, 100, kNow + 3601, kNow + 7200)}), 0, kNow)
                  ->accepted);
  ASSERT_TRUE(r.PutOperation(Op("red-2", "red", 9, {Box(0, 0, 0.001, 100.5, 200, kNow, kNow + 3600)}), 0, kNow)
                  ->accepted);
  auto d = r.PutOperation(Op("blue-1", "blue", 0, {Here()}), 0, kNow);
  EXPECT_TRUE(d->accepted);
  EXPECT_TRUE(d->conflicts.empty());
  // Touching bands count (closed intervals): 100 m upper against a 100 m lower.
  ASSERT_TRUE(r.PutOperation(Op("red-3", "red", 9, {Box(0, 0, 0.001, 100, 200, kNow, kNow + 3600)}), 0, kNow)
                  ->accepted);
  EXPECT_FALSE(r.CheckOperation(Op("blue-2", "blue", 0, {Here()}), kNow)->accepted);
}

TEST(Buffers, TheAgreementInForceWidensConflicts) {
  Registry r;
  // Red's square is 0.003 deg east: a gap of 0.001 deg = 111 m; and 20 m above.
  ASSERT_TRUE(
      r.PutOperation(Op("red-1", "red", 9, {Box(0, 0.003, 0.001, 120, 200, kNow, kNow + 3600)}), 0, kNow)->accepted);
  EXPECT_TRUE(r.CheckOperation(Op("blue-1", "blue", 0, {Here()}), kNow)->accepted);
  AgreementTerms terms;
  terms.buffer_horizontal_m = 150;
  terms.buffer_vertical_m = 30;
  auto v = r.agreements().Propose("blue", "red", terms, 0);
  ASSERT_TRUE(v.ok());
  // Proposed but not accepted: not in force, still the default (no buffer).
  EXPECT_TRUE(r.CheckOperation(Op("blue-1", "blue", 0, {Here()}), kNow)->accepted);
  ASSERT_TRUE(r.agreements().Accept("red", "blue", *v).ok());
  auto d = r.CheckOperation(Op("blue-1", "blue", 0, {Here()}), kNow);
  EXPECT_FALSE(d->accepted);
  ASSERT_EQ(d->conflicts.size(), 1u);
  EXPECT_FALSE(d->conflicts[0].horizontal_overlap);
  EXPECT_GT(d->conflicts[0].altitude.lo, d->conflicts[0].altitude.hi);  // only within the vertical buffer
  // Buffers are per pair: green has no agreement with blue.
  ASSERT_TRUE(r.PutOperation(Op("green-1", "green", 9, {Box(0, -0.003, 0.001, 120, 200, kNow, kNow + 3600)}), 0,
                             kNow)
                  ->accepted);
  auto d2 = r.CheckOperation(Op("blue-1", "blue", 0, {Here()}), kNow);
  ASSERT_EQ(d2->conflicts.size(), 1u);
  EXPECT_EQ(d2->conflicts[0].other_party, "red");
}

Zone MakeZone(const std::string& id, const std::string& owner, ZoneKind kind, std::vector<PartyId> binds = {}) {
  Zone z;
  z.id = id;
  z.owner = owner;
  z.kind = kind;
  z.binds_all_others = binds.empty();
  z.binds = std::move(binds);
  z.volumes = {Box(0, 0, 0.002, 0, 1000, kNow, kNow + 86400)};
  return z;
}

TEST(Zones, BindingZoneRefusesNonBindingZoneDoesNot) {
  Registry r;
  ASSERT_TRUE(r.PutZone(MakeZone("site-1", "un", ZoneKind::kProtectedSite, {"red"}), 0, kNow).ok());
  auto red = r.CheckOperation(Op("red-1", "red", 100, {Here()}), kNow);
  EXPECT_FALSE(red->accepted);
  ASSERT_EQ(red->conflicts.size(), 1u);
  EXPECT_EQ(red->conflicts[0].kind, ConflictKind::kZone);
  EXPECT_EQ(red->conflicts[0].zone_kind, ZoneKind::kProtectedSite);
  EXPECT_NE(red->reason.find("protected-site zone site-1"), std::string::npos) << red->reason;
  auto blue = r.CheckOperation(Op("blue-1", "blue", 0, {Here()}), kNow);
  EXPECT_TRUE(blue->accepted);
  EXPECT_TRUE(blue->conflicts.empty());
  // The owner is never bound by its own zone.
  EXPECT_TRUE(r.CheckOperation(Op("un-1", "un", 0, {Here()}), kNow)->conflicts.empty());
}

TEST(Zones, NewZoneReportsAffectedOperationsOfBoundParties) {
  Registry r;
  ASSERT_TRUE(r.PutOperation(Op("red-1", "red", 0, {Here()}), 0, kNow)->accepted);
  ASSERT_TRUE(r.PutOperation(Op("blue-1", "blue", 1, {Box(0, 0.0005, 0.001, 0, 50, kNow, kNow + 60)}), 0, kNow)
                  ->accepted);
  auto zd = r.PutZone(MakeZone("truce-1", "un", ZoneKind::kTruce, {"red"}), 0, kNow);
  ASSERT_TRUE(zd.ok());
  ASSERT_EQ(zd->affected.size(), 1u);
  EXPECT_EQ(zd->affected[0].first, "red-1");
  EXPECT_EQ(zd->affected[0].second.other_id, "truce-1");
}

TEST(Zones, LeadTimeMakesEarlyConflictsAdvisory) {
  Registry r;
  Zone z = MakeZone("aid-1", "ocha", ZoneKind::kProtectedSite);
  z.notification_lead_s = 24 * 3600;
  z.volumes = {Box(0, 0, 0.002, 0, 1000, kNow, kNow + 3 * 86400)};
  ASSERT_TRUE(r.PutZone(z, 0, kNow).ok());
  // Tomorrow morning (within the 24 h lead): advisory only.
  auto early = r.CheckOperation(Op("red-1", "red", 0, {Box(0, 0, 0.001, 0, 100, kNow + 3600, kNow + 7200)}), kNow);
  EXPECT_TRUE(early->accepted);
  ASSERT_EQ(early->conflicts.size(), 1u);
  EXPECT_NE(early->conflicts[0].rule.find("advisory"), std::string::npos);
  // After the lead time: binding.
  auto late = r.CheckOperation(
      Op("red-2", "red", 0, {Box(0, 0, 0.001, 0, 100, kNow + 25 * 3600, kNow + 26 * 3600)}), kNow);
  EXPECT_FALSE(late->accepted);
}

// Loading a store restores what was acknowledged without judging it again: an operation that a later
// higher-priority operation and a later binding zone now conflict with comes back with its version and state,
// ended volumes included, and the index protects it exactly as before.
TEST(Restore, KeepsWhatALaterWriteWouldRefuseAndProtectsItAsBefore) {
  Registry before;
  ASSERT_TRUE(before.PutOperation(Op("blue-1", "blue", 1, {Here()}), 0, kNow)->accepted);
  ASSERT_TRUE(before.PutOperation(Op("red-1", "red", 5, {Here()}), 0, kNow)->accepted);
  ASSERT_TRUE(before.PutZone(MakeZone("site-1", "un", ZoneKind::kProtectedSite, {"blue"}), 0, kNow).ok());
  Operation blue = *before.GetOperation("blue-1");
  Operation red = *before.GetOperation("red-1");
  Zone site = *before.GetZone("site-1");
  blue.version = 7;  // the store's version token, kept as given
  // A Put of the same would now be refused (higher priority, and the zone binds blue).
  Registry judged;
  ASSERT_TRUE(judged.PutOperation(red, 0, kNow)->accepted);
  ASSERT_TRUE(judged.PutZone(site, 0, kNow).ok());
  EXPECT_FALSE(judged.PutOperation(blue, 0, kNow)->accepted);

  // Restored in any order (Restore has no notion of the present time: nothing is checked against it).
  Registry after;
  ASSERT_TRUE(after.RestoreZone(site).ok());
  ASSERT_TRUE(after.RestoreOperation(red).ok());
  ASSERT_TRUE(after.RestoreOperation(blue).ok());
  ASSERT_TRUE(after.GetOperation("blue-1"));
  EXPECT_EQ(after.GetOperation("blue-1")->version, 7u);
  EXPECT_EQ(after.GetOperation("blue-1")->state, OperationState::kAccepted);
  EXPECT_EQ(after.GetZone("site-1")->notified_at_s, site.notified_at_s);
  // The index answers as it did before: a new operation of green over the same place meets blue-1 and red-1.
  auto probe_before = before.CheckOperation(Op("green-1", "green", 3, {Here()}), kNow);
  auto probe_after = after.CheckOperation(Op("green-1", "green", 3, {Here()}), kNow);
  ASSERT_TRUE(probe_before.ok() && probe_after.ok());
  ASSERT_EQ(probe_after->conflicts.size(), 2u);
  EXPECT_EQ(probe_after->accepted, probe_before->accepted);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(probe_after->conflicts[i].other_id, probe_before->conflicts[i].other_id);
    EXPECT_EQ(probe_after->conflicts[i].rule, probe_before->conflicts[i].rule);
  }
  // A broken stored object is an error naming it, not a silent drop.
  Operation broken = blue;
  broken.volumes[0].time_end_s = broken.volumes[0].time_start_s - 1;
  Status s = after.RestoreOperation(broken);
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(s.message().find("blue-1"), std::string::npos) << s.message();
}

TEST(Versions, StaleTokensAreRefusedAndNothingChanges) {
  Registry r;
  auto v1 = r.PutOperation(Op("b1", "blue", 0, {Here()}), 0, kNow);
  ASSERT_TRUE(v1.ok());
  EXPECT_EQ(v1->version, 1u);
  auto again = r.PutOperation(Op("b1", "blue", 0, {Here()}), 0, kNow);  // create over an existing one
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), ErrorCode::kConflict);
  auto v2 = r.PutOperation(Op("b1", "blue", 3, {Here()}), 1, kNow);
  ASSERT_TRUE(v2.ok());
  EXPECT_EQ(v2->version, 2u);
  auto stale = r.PutOperation(Op("b1", "blue", 7, {Here()}), 1, kNow);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.status().code(), ErrorCode::kConflict);
  EXPECT_NE(stale.status().message().find("version 1 is stale; the current version is 2"), std::string::npos);
  EXPECT_EQ(r.GetOperation("b1")->priority, 3);
  EXPECT_EQ(r.RemoveOperation("b1", "blue", 1).code(), ErrorCode::kConflict);
  EXPECT_EQ(r.RemoveOperation("b1", "red", 2).code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(r.PutOperation(Op("b1", "red", 0, {Here()}), 2, kNow).status().code(), ErrorCode::kPermissionDenied);
  EXPECT_TRUE(r.RemoveOperation("b1", "blue", 2).ok());
  EXPECT_EQ(r.RemoveOperation("b1", "blue", 2).code(), ErrorCode::kNotFound);
  // Zones too.
  ASSERT_TRUE(r.PutZone(MakeZone("z", "un", ZoneKind::kRestricted), 0, kNow).ok());
  EXPECT_EQ(r.PutZone(MakeZone("z", "un", ZoneKind::kRestricted), 0, kNow).status().code(), ErrorCode::kConflict);
  EXPECT_EQ(r.PutZone(MakeZone("z", "un", ZoneKind::kTruce), 1, kNow)->version, 2u);
  EXPECT_EQ(r.RemoveZone("z", "un", 1).code(), ErrorCode::kConflict);
  EXPECT_TRUE(r.RemoveZone("z", "un", 2).ok());
}

TEST(BadInput, EveryCaseNamesTheFieldAndStoresNothing) {
  struct Case {
    const char* what;
    std::function<void(Operation&)> mutate;
    const char* expect;
  };
  const std::vector<Case> cases = {
      {"end before start", [](Operation& o) { o.volumes[0].time_end_s = o.volumes[0].time_start_s; },
       "volumes[0].time_end must be after time_start"},
      {"lower above upper", [](Operation& o) { o.volumes[0].altitude_lower_m = 500; },
       "volumes[0].altitude_lower (500 m) is above altitude_upper"},
      {"latitude", [](Operation& o) { o.volumes[0].outline_polygon[2].lat_deg = -95; },
       "volumes[0].outline_polygon.vertices[2].lat = -95 is out of range"},
      {"nan altitude", [](Operation& o) { o.volumes[0].altitude_upper_m = NAN; },
       "volumes[0].altitude_upper is not a finite number"},
      {"nan time", [](Operation& o) { o.volumes[0].time_start_s = INFINITY; },
       "volumes[0].time_start is not a finite number"},
      {"self-intersecting", [](Operation& o) { std::swap(o.volumes[0].outline_polygon[1], o.volumes[0].outline_polygon[2]); },
       "volumes[0].outline_polygon: the outline is self-intersecting"},
      {"too many vertices",
       [](Operation& o) {
         o.volumes[0].outline_polygon.clear();
         for (int i = 0; i < 1001; ++i)
           o.volumes[0].outline_polygon.push_back({0.01 * std::sin(i * 2 * M_PI / 1001), 0.01 * std::cos(i * 2 * M_PI / 1001)});
       },
       "1001 vertices exceed the limit of 1000"},
      {"area", [](Operation& o) { o.volumes[0] = Box(0, 0, 0.5, 0, 100, kNow, kNow + 60); }, "exceeds the limit of 2500.0 km^2"},
      {"no outline", [](Operation& o) { o.volumes[0].outline_polygon.clear(); }, "exactly one of outline_polygon or outline_circle"},
      {"two outlines", [](Operation& o) { o.volumes[0].outline_circle = Circle{{0, 0}, 10}; }, "exactly one of"},
      {"no volumes", [](Operation& o) { o.volumes.clear(); }, "at least one volume"},
      {"no owner", [](Operation& o) { o.owner.clear(); }, "owner is empty"},
      {"ended", [](Operation& o) { o.volumes[0].time_end_s = kNow - 1; o.volumes[0].time_start_s = kNow - 100; },
       "already ended"},
      {"too far ahead", [](Operation& o) { o.volumes[0].time_start_s = kNow + 31 * 86400.0; o.volumes[0].time_end_s = kNow + 32 * 86400.0; },
       "beyond the planning horizon of 30 days"},
  };
  for (const Case& c : cases) {
    Registry r;
    Operation op = Op("b1", "blue", 0, {Here()});
    c.mutate(op);
    auto d = r.PutOperation(op, 0, kNow);
    ASSERT_FALSE(d.ok()) << c.what;
    EXPECT_EQ(d.status().code(), ErrorCode::kInvalidArgument) << c.what;
    EXPECT_NE(d.status().message().find(c.expect), std::string::npos) << c.what << ": " << d.status().message();
    EXPECT_FALSE(r.GetOperation("b1").has_value()) << c.what;
    EXPECT_EQ(r.GetStats().volumes, 0u) << c.what;
  }
  // A bad change to a stored operation leaves the stored version intact.
  Registry r;
  ASSERT_TRUE(r.PutOperation(Op("b1", "blue", 0, {Here()}), 0, kNow)->accepted);
  Operation bad = Op("b1", "blue", 0, {Here()});
  bad.volumes[0].altitude_lower_m = 1e4;
  EXPECT_FALSE(r.PutOperation(bad, 1, kNow).ok());
  EXPECT_EQ(r.GetOperation("b1")->version, 1u);
  EXPECT_EQ(r.GetOperation("b1")->volumes[0].altitude_lower_m, 0);
  Zone z = MakeZone("z", "un", ZoneKind::kTruce, {});
  z.binds_all_others = false;
  auto zs = r.PutZone(z, 0, kNow);
  ASSERT_FALSE(zs.ok());
  EXPECT_NE(zs.status().message().find("binds"), std::string::npos);
  EXPECT_FALSE(r.GetZone("z"));
}

TEST(Registry, ExpireDropsEndedOperationsFromTheActiveSet) {
  Registry r;
  ASSERT_TRUE(r.PutOperation(Op("red-1", "red", 9, {Box(0, 0, 0.001, 0, 100, kNow, kNow + 60)}), 0, kNow)->accepted);
  EXPECT_EQ(r.Expire(kNow + 30), 0u);
  EXPECT_EQ(r.Expire(kNow + 61), 1u);
  EXPECT_FALSE(r.GetOperation("red-1"));
  EXPECT_EQ(r.GetStats().volumes, 0u);
}

// The index prefilter never loses a conflict: random operations, registry answers vs brute force.
TEST(Index, RegistryFindsExactlyTheBruteForceConflicts) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> pos(-0.02, 0.02), size(0.0002, 0.004), alt(0, 300), t(0, 6 * 3600),
      dur(60, 4 * 3600);
  Registry r;
  std::vector<Operation> stored;
  for (int i = 0; i < 400; ++i) {
    double t0 = kNow + t(rng);
    Volume4D v = Box(pos(rng), pos(rng), size(rng), 0, 0, t0, t0 + dur(rng));
    v.altitude_lower_m = alt(rng);
    v.altitude_upper_m = v.altitude_lower_m + 50;
    if (i % 5 == 0) {  // some circles, and a few long ones (other time rung)
      v.outline_polygon.clear();
      v.outline_circle = Circle{{pos(rng), pos(rng)}, 50 + 400 * size(rng) / 0.004};
    }
    if (i % 17 == 0) v.time_end_s = t0 + 3 * 86400;
    Operation op = Op(fmt::format("o{}", i), fmt::format("p{}", i % 3), 0, {v});
    ASSERT_TRUE(r.PutOperation(op, 0, kNow).ok());
    if (r.GetOperation(op.id)) stored.push_back(op);
  }
  PlanLimits limits;
  for (int q = 0; q < 100; ++q) {
    double t0 = kNow + t(rng);
    Volume4D v = Box(pos(rng), pos(rng), size(rng), 0, 0, t0, t0 + dur(rng));
    v.altitude_lower_m = alt(rng);
    v.altitude_upper_m = v.altitude_lower_m + 80;
    Operation mine = Op("q", "p9", 1000, {v});
    auto d = r.CheckOperation(mine, kNow);
    ASSERT_TRUE(d.ok());
    auto a = CompileVolume(v, limits, "v");
    size_t expected = 0;
    for (const Operation& o : stored) {
      auto b = CompileVolume(o.volumes[0], limits, "v");
      bool meet = b->t1_s >= a->t0_s && b->t0_s <= a->t1_s && b->alt_lo_m <= a->alt_hi_m &&
                  b->alt_hi_m >= a->alt_lo_m && Overlaps(a->footprint, b->footprint);
      expected += meet;
    }
    EXPECT_EQ(d->conflicts.size(), expected) << "query " << q;
  }
}

}  // namespace
}  // namespace deconflict::plan
