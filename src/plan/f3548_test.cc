// The public ASTM F3548-21 conformance-suite intents (tests/data/interuss) give the outcomes the
// suite expects: conflicting pairs conflict, non-conflicting ones do not, invalid intents are refused
// for the right reason, and the priority scenarios play out as uss_qualifier's
// conflict_higher_priority and conflict_equal_priority_not_permitted scenarios require.
#include "plan/f3548.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "plan/registry.h"

namespace deconflict::plan {
namespace {

constexpr double kNow = 1767225600;  // 2026-01-01T00:00:00Z

std::map<std::string, F3548Intent> Load(const std::string& file, double now = kNow,
                                        F3548Translation tr = kUssQualifierTranslation) {
  auto intents = LoadF3548Intents(std::string(DECONFLICT_TEST_DATA) + "/interuss/" + file, now, tr);
  EXPECT_TRUE(intents.ok()) << intents.status().ToString();
  return intents.ok() ? *intents : std::map<std::string, F3548Intent>{};
}

Operation As(const std::map<std::string, F3548Intent>& intents, const std::string& name, const std::string& owner,
             const std::string& id) {
  Operation op = intents.at(name).operation;
  op.owner = owner;
  op.id = id;
  return op;
}

// Whether two intents conflict (geometry, altitude, time), owned by two different parties.
bool Conflict4D(const std::map<std::string, F3548Intent>& intents, const std::string& a, const std::string& b,
                double now) {
  Registry r;
  Operation other = As(intents, b, "uss2", "b");
  other.state = OperationState::kAccepted;
  auto put = r.PutOperation(other, 0, now);
  EXPECT_TRUE(put.ok() && put->accepted) << b;
  auto d = r.CheckOperation(As(intents, a, "uss1", "a"), now);
  EXPECT_TRUE(d.ok()) << d.status().ToString();
  return d.ok() && !d->conflicts.empty();
}

TEST(F3548Import, ResolvesDeltaMutationsAndTranslation) {
  auto intents = Load("conflicting_flights.yaml");
  ASSERT_EQ(intents.count("flight1c_activated"), 1u);
  const Operation& c = intents.at("flight1c_activated").operation;
  EXPECT_EQ(c.state, OperationState::kActivated);
  ASSERT_EQ(c.volumes.size(), 1u);
  const Volume4D& v = c.volumes[0];
  // +vertices replaced the list; the second vertex comes from flight1c_activated's own mutation.
  ASSERT_EQ(v.outline_polygon.size(), 4u);
  EXPECT_NEAR(v.outline_polygon[1].lat_deg, 32.7181 + 0.0005, 1e-12);
  EXPECT_NEAR(v.outline_polygon[1].lng_deg, -96.7587 + 0.0003, 1e-12);
  // altitude_lower from the last mutation (0.06), upper inherited from flight1c_planned (35).
  EXPECT_NEAR(v.altitude_lower_m, 93 + 0.06, 1e-9);
  EXPECT_NEAR(v.altitude_upper_m, 93 + 35, 1e-9);
  EXPECT_DOUBLE_EQ(v.time_start_s, kNow - 1);
  EXPECT_DOUBLE_EQ(v.time_end_s, kNow + 45 * 60);
  const Operation& eq = intents.at("equal_prio_flight2_nonconforming").operation;
  EXPECT_EQ(eq.state, OperationState::kNonconforming);
  EXPECT_EQ(eq.priority, 0);
  EXPECT_EQ(intents.at("flight2_planned").operation.priority, 100);
}

TEST(F3548Import, DurationAndNullOverride) {
  auto intents = Load("invalid_flight_intents.yaml");
  const Volume4D& valid = intents.at("valid_flight").operation.volumes[0];
  EXPECT_DOUBLE_EQ(valid.time_end_s - valid.time_start_s, 45 * 60);
  // `duration:` (null) removes the inherited duration; end_time applies.
  const Volume4D& ended = intents.at("invalid_recently_ended").operation.volumes[0];
  EXPECT_DOUBLE_EQ(ended.time_start_s, kNow - 60);
  EXPECT_DOUBLE_EQ(ended.time_end_s, kNow - 5);
  EXPECT_DOUBLE_EQ(intents.at("invalid_too_far_away").operation.volumes[0].time_start_s, kNow + 32 * 86400);
}

// Expectations of uss_qualifier's conflict scenarios (ExpectedFlightIntent must_conflict_with /
// must_not_conflict_with), checked at the time of evaluation and 30 minutes later, as the suite does.
TEST(F3548Outcomes, ConflictingFlightsConflictAsExpected) {
  for (double now : {kNow, kNow + 1800}) {
    auto in = Load("conflicting_flights.yaml", now);
    const std::vector<std::pair<std::string, std::string>> must_conflict = {
        {"flight1_planned", "flight2_planned"},    {"flight1_planned", "flight2_activated"},
        {"flight1_activated", "flight2_planned"},  {"flight1_activated", "flight2_activated"},
        {"flight1m_planned", "flight2_planned"},   {"flight1m_activated", "flight2_activated"},
        {"flight1c_activated", "flight2m_activated"},
        {"equal_prio_flight2_planned", "flight1_planned"},
        {"equal_prio_flight2_planned", "flight1m_activated"},
        {"equal_prio_flight2_activated", "flight1_activated"},
        {"equal_prio_flight2_nonconforming", "flight1_activated"},
        {"equal_prio_flight2_nonconforming", "flight1m_activated"},
    };
    const std::vector<std::pair<std::string, std::string>> must_not_conflict = {
        {"flight1_planned", "flight2m_activated"},
        {"flight1_activated", "flight2m_activated"},
        {"flight1c_planned", "flight2_planned"},
        {"flight1c_planned", "equal_prio_flight2_planned"},
        {"flight1c_activated", "equal_prio_flight2_activated"},
        {"flight1c_activated", "equal_prio_flight2_nonconforming"},
        {"equal_prio_flight2m_planned", "flight1_planned"},
        {"equal_prio_flight2m_planned", "flight1_activated"},
    };
    for (const auto& [a, b] : must_conflict) {
      EXPECT_TRUE(Conflict4D(in, a, b, now)) << a << " must conflict with " << b;
      EXPECT_TRUE(Conflict4D(in, b, a, now)) << b << " must conflict with " << a;
    }
    for (const auto& [a, b] : must_not_conflict) {
      EXPECT_FALSE(Conflict4D(in, a, b, now)) << a << " must not conflict with " << b;
      EXPECT_FALSE(Conflict4D(in, b, a, now)) << b << " must not conflict with " << a;
    }
  }
}

TEST(F3548Outcomes, NonConflictingFlightsDoNotConflict) {
  for (double now : {kNow, kNow + 1800}) {
    auto in = Load("non_conflicting.yaml", now);
    for (const char* a : {"flight_1_planned", "flight_1_activated"}) {
      for (const char* b : {"flight_2_planned", "flight_2_planned_modified"}) {
        EXPECT_FALSE(Conflict4D(in, a, b, now)) << a << " vs " << b;
        EXPECT_FALSE(Conflict4D(in, b, a, now)) << b << " vs " << a;
      }
    }
  }
}

TEST(F3548Outcomes, InvalidIntentsAreRefusedWithTheirReason) {
  auto in = Load("invalid_flight_intents.yaml");
  Registry r;
  auto valid = r.PutOperation(As(in, "valid_flight", "uss1", "v"), 0, kNow);
  ASSERT_TRUE(valid.ok()) << valid.status().ToString();
  EXPECT_TRUE(valid->accepted);

  auto far = r.PutOperation(As(in, "invalid_too_far_away", "uss1", "far"), 0, kNow);
  ASSERT_FALSE(far.ok());
  EXPECT_EQ(far.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(far.status().message().find("planning horizon"), std::string::npos) << far.status().message();
  EXPECT_NE(far.status().message().find("time_start"), std::string::npos);

  auto ended = r.PutOperation(As(in, "invalid_recently_ended", "uss1", "ended"), 0, kNow);
  ASSERT_FALSE(ended.ok());
  EXPECT_NE(ended.status().message().find("already ended"), std::string::npos) << ended.status().message();
  EXPECT_NE(ended.status().message().find("time_end"), std::string::npos);
  EXPECT_FALSE(r.GetOperation("far").has_value());
  EXPECT_FALSE(r.GetOperation("ended").has_value());
}

TEST(F3548Outcomes, OneCentimetreOverlapCounts) {
  for (F3548Translation tr : {F3548Translation{}, kUssQualifierTranslation}) {
    auto in = Load("invalid_flight_intents.yaml", kNow, tr);
    EXPECT_TRUE(Conflict4D(in, "valid_conflict_tiny_overlap", "valid_flight", kNow));
    EXPECT_TRUE(Conflict4D(in, "valid_flight", "valid_conflict_tiny_overlap", kNow));
  }
}

// uss_qualifier conflict_higher_priority, step by step. uss1 is the tested USS, uss2 the control USS.
TEST(F3548Scenario, ConflictHigherPriority) {
  auto in = Load("conflicting_flights.yaml");
  Registry r;
  auto f2 = r.PutOperation(As(in, "flight2_planned", "uss2", "f2"), 0, kNow);
  ASSERT_TRUE(f2.ok() && f2->accepted);
  // Attempt to plan Flight 1 into conflict with the higher-priority Flight 2: refused, not stored.
  auto f1 = r.PutOperation(As(in, "flight1_planned", "uss1", "f1"), 0, kNow);
  ASSERT_TRUE(f1.ok());
  EXPECT_FALSE(f1->accepted);
  EXPECT_NE(f1->reason.find("higher-priority"), std::string::npos) << f1->reason;
  EXPECT_FALSE(r.GetOperation("f1").has_value());
  ASSERT_TRUE(r.RemoveOperation("f2", "uss2", 1).ok());

  // Plan Flight 1, then the higher-priority Flight 2 may be planned over it (Flight 1 must yield).
  ASSERT_TRUE(r.PutOperation(As(in, "flight1_planned", "uss1", "f1"), 0, kNow)->accepted);
  auto f2b = r.PutOperation(As(in, "flight2_planned", "uss2", "f2"), 0, kNow);
  ASSERT_TRUE(f2b.ok() && f2b->accepted);
  ASSERT_FALSE(f2b->conflicts.empty());
  EXPECT_FALSE(f2b->conflicts[0].blocking);
  // Attempt to modify planned Flight 1 in conflict: refused, version unchanged.
  auto m = r.PutOperation(As(in, "flight1m_planned", "uss1", "f1"), 1, kNow);
  ASSERT_TRUE(m.ok());
  EXPECT_FALSE(m->accepted);
  EXPECT_EQ(r.GetOperation("f1")->version, 1u);
  // Attempt to activate conflicting Flight 1: refused.
  auto act = r.PutOperation(As(in, "flight1_activated", "uss1", "f1"), 1, kNow);
  ASSERT_TRUE(act.ok());
  EXPECT_FALSE(act->accepted);

  // Modify activated flight with pre-existing conflict.
  ASSERT_TRUE(r.RemoveOperation("f2", "uss2", 1).ok());
  ASSERT_TRUE(r.PutOperation(As(in, "flight1_activated", "uss1", "f1"), 1, kNow)->accepted);
  ASSERT_TRUE(r.PutOperation(As(in, "flight2_planned", "uss2", "f2"), 0, kNow)->accepted);
  ASSERT_TRUE(r.PutOperation(As(in, "flight2_activated", "uss2", "f2"), 1, kNow)->accepted);
  auto pre = r.PutOperation(As(in, "flight1m_activated", "uss1", "f1"), 2, kNow);
  ASSERT_TRUE(pre.ok());
  EXPECT_TRUE(pre->accepted) << pre->reason;
  ASSERT_FALSE(pre->conflicts.empty());
  EXPECT_NE(pre->conflicts[0].rule.find("pre-existing"), std::string::npos);

  // Flight 2 moves away (2m); then Flight 1 may not be modified into a new conflict with it (1c).
  ASSERT_TRUE(r.PutOperation(As(in, "flight2m_activated", "uss2", "f2"), 2, kNow)->accepted);
  auto c = r.PutOperation(As(in, "flight1c_activated", "uss1", "f1"), 3, kNow);
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->accepted);
  EXPECT_NE(c->reason.find("higher-priority"), std::string::npos) << c->reason;
}

// uss_qualifier conflict_equal_priority_not_permitted, then the same with an agreement permitting it.
TEST(F3548Scenario, ConflictEqualPriorityNotPermitted) {
  auto in = Load("conflicting_flights.yaml");
  Registry r;
  ASSERT_TRUE(r.PutOperation(As(in, "equal_prio_flight2_planned", "uss2", "f2"), 0, kNow)->accepted);
  ASSERT_TRUE(r.PutOperation(As(in, "equal_prio_flight2_activated", "uss2", "f2"), 1, kNow)->accepted);
  auto plan = r.PutOperation(As(in, "flight1_planned", "uss1", "f1"), 0, kNow);
  EXPECT_FALSE(plan->accepted);
  EXPECT_NE(plan->reason.find("equal-priority (not permitted)"), std::string::npos) << plan->reason;
  EXPECT_FALSE(r.PutOperation(As(in, "flight1_activated", "uss1", "f1"), 0, kNow)->accepted);

  ASSERT_TRUE(r.PutOperation(As(in, "flight1c_planned", "uss1", "f1"), 0, kNow)->accepted);
  EXPECT_FALSE(r.PutOperation(As(in, "flight1_planned", "uss1", "f1"), 1, kNow)->accepted);
  ASSERT_TRUE(r.PutOperation(As(in, "flight1c_activated", "uss1", "f1"), 1, kNow)->accepted);
  EXPECT_FALSE(r.PutOperation(As(in, "flight1_activated", "uss1", "f1"), 2, kNow)->accepted);

  ASSERT_TRUE(r.RemoveOperation("f2", "uss2", 2).ok());
  ASSERT_TRUE(r.PutOperation(As(in, "flight1_activated", "uss1", "f1"), 2, kNow)->accepted);
  ASSERT_TRUE(r.PutOperation(As(in, "equal_prio_flight2m_planned", "uss2", "f2"), 0, kNow)->accepted);
  // Declaring Flight 2 nonconforming always succeeds; the conflict it now has is reported.
  auto nc = r.PutOperation(As(in, "equal_prio_flight2_nonconforming", "uss2", "f2"), 1, kNow);
  ASSERT_TRUE(nc.ok());
  EXPECT_TRUE(nc->accepted);
  ASSERT_FALSE(nc->conflicts.empty());
  EXPECT_EQ(nc->conflicts[0].other_id, "f1");

  // Where the agreement permits equal-priority conflicts, the same plan is accepted and reported.
  Registry permissive;
  AgreementTerms terms;
  terms.equal_priority_conflicts_allowed = true;
  auto v = permissive.agreements().Propose("uss1", "uss2", terms, 0);
  ASSERT_TRUE(v.ok());
  ASSERT_TRUE(permissive.agreements().Accept("uss2", "uss1", *v).ok());
  ASSERT_TRUE(permissive.PutOperation(As(in, "equal_prio_flight2_activated", "uss2", "f2"), 0, kNow)->accepted);
  auto ok = permissive.PutOperation(As(in, "flight1_planned", "uss1", "f1"), 0, kNow);
  ASSERT_TRUE(ok.ok());
  EXPECT_TRUE(ok->accepted);
  ASSERT_FALSE(ok->conflicts.empty());
  EXPECT_NE(ok->conflicts[0].rule.find("permitted by the agreement"), std::string::npos);
}

TEST(F3548Import, BadFilesGiveClearErrors) {
  auto bad = ParseF3548Intents("intents:\n  a:\n    delta:\n      source: nowhere\n", "t.yaml", kNow, {});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("nowhere"), std::string::npos);
  auto cycle = ParseF3548Intents("intents:\n  a: {delta: {source: b}}\n  b: {delta: {source: a}}\n", "t.yaml", kNow, {});
  ASSERT_FALSE(cycle.ok());
  EXPECT_NE(cycle.status().message().find("cycle"), std::string::npos);
}

}  // namespace
}  // namespace deconflict::plan
