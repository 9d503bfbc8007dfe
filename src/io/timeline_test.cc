#include "io/timeline.h"

#include <gtest/gtest.h>

#include "geo/local_frame.h"

namespace deconflict::io {
namespace {

TrackState State(std::string id, double t, double lat, double lon, double gs = 200, double trk = 0,
                 double vs = 0) {
  TrackState s;
  s.id = std::move(id);
  s.time_s = t;
  s.lat_deg = lat;
  s.lon_deg = lon;
  s.alt_m = 10000;
  s.gs_mps = gs;
  s.trk_deg = trk;
  s.vs_mps = vs;
  return s;
}

TEST(DeadReckon, MovesAlongTheTrackByGroundSpeedTimesTime) {
  // 30 s at 250 m/s = 7500 m, in several directions and latitudes; GeographicLib geodesic as reference.
  for (double lat : {0.0, 47.0, -60.0, 80.0}) {
    for (double trk : {0.0, 45.0, 90.0, 200.0, 315.0}) {
      TrackState s = State("A", 100, lat, 8.0, 250, trk, -5);
      TrackState m = DeadReckon(s, 130);
      EXPECT_DOUBLE_EQ(m.time_s, 130);
      EXPECT_NEAR(geo::GeodesicDistanceM(lat, 8.0, m.lat_deg, m.lon_deg), 7500.0, 0.5) << lat << " " << trk;
      EXPECT_DOUBLE_EQ(m.alt_m, 10000 - 150);
    }
  }
}

TEST(DeadReckon, CrossesTheAntimeridian) {
  TrackState m = DeadReckon(State("A", 0, 0.0, 179.99, 250, 90), 20);
  EXPECT_LT(m.lon_deg, -179.9);
  EXPECT_GE(m.lon_deg, -180.0);
}

TEST(Timeline, SnapshotUsesLatestReportMovedToTheTime) {
  Timeline tl({State("A", 10, 47.0, 8.0), State("A", 0, 46.9, 8.0), State("B", 5, 47.5, 8.0)});
  EXPECT_DOUBLE_EQ(tl.first_time_s(), 0);
  EXPECT_DOUBLE_EQ(tl.last_time_s(), 10);
  EXPECT_DOUBLE_EQ(tl.all_reported_time_s(), 5);
  EXPECT_EQ(tl.aircraft(), 2u);
  std::vector<TrackState> snap;
  tl.SnapshotAt(4, &snap);
  ASSERT_EQ(snap.size(), 1u);  // B has not reported yet
  EXPECT_EQ(snap[0].id, "A");
  EXPECT_GT(snap[0].lat_deg, 46.9);  // moved north for 4 s
  tl.SnapshotAt(12, &snap);
  ASSERT_EQ(snap.size(), 2u);
  EXPECT_NEAR(geo::GeodesicDistanceM(47.0, 8.0, snap[0].lat_deg, snap[0].lon_deg), 400.0, 0.5);
}

TEST(Timeline, DropsStaleAndOnGroundAircraft) {
  TrackState g = State("G", 0, 47.0, 8.0, 5);
  g.on_ground = true;
  TimelineOptions o;
  o.stale_s = 30;
  Timeline tl({State("A", 0, 47.0, 8.0), g, State("B", 20, 47.0, 8.1)}, o);
  std::vector<TrackState> snap;
  tl.SnapshotAt(25, &snap);
  EXPECT_EQ(snap.size(), 2u);  // A and B; G on the ground
  tl.SnapshotAt(31, &snap);
  ASSERT_EQ(snap.size(), 1u);  // A not heard for 31 s
  EXPECT_EQ(snap[0].id, "B");
}

TEST(Timeline, HoldsTheReportedAltitudeUnlessAskedToExtrapolate) {
  std::vector<TrackState> one = {State("A", 0, 47.0, 8.0, 200, 0, 3.0)};  // climbing 3 m/s
  std::vector<TrackState> snap;
  Timeline held(one);
  held.SnapshotAt(10, &snap);
  ASSERT_EQ(snap.size(), 1u);
  EXPECT_DOUBLE_EQ(snap[0].alt_m, 10000);
  EXPECT_DOUBLE_EQ(snap[0].vs_mps, 3.0);  // still there for the detector's prediction
  TimelineOptions o;
  o.extrapolate_altitude = true;
  Timeline moved(one, o);
  moved.SnapshotAt(10, &snap);
  EXPECT_DOUBLE_EQ(snap[0].alt_m, 10030);
}

TEST(Timeline, AirborneReportAfterGroundBringsTheAircraftBack) {
  TrackState g = State("A", 0, 47.0, 8.0, 5);
  g.on_ground = true;
  Timeline tl({g, State("A", 10, 47.0, 8.0)});
  std::vector<TrackState> snap;
  tl.SnapshotAt(5, &snap);
  EXPECT_TRUE(snap.empty());
  tl.SnapshotAt(10, &snap);
  EXPECT_EQ(snap.size(), 1u);
}

}  // namespace
}  // namespace deconflict::io
