#include "feeds/track_assembler.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace deconflict::feeds {
namespace {

// A parsed MSG line: type, address, seconds after 12:00:00 UTC, and fields 10..21 as one string.
SbsMessage Msg(int type, const std::string& hex, int second, const std::string& tail) {
  char time[32];
  std::snprintf(time, sizeof time, "12:%02d:%02d.000", second / 60, second % 60);
  const std::string line = "MSG," + std::to_string(type) + ",1,1," + hex + ",1,2018/08/01," + time +
                           ",2018/08/01," + time + "," + tail;
  SbsParser parser;
  const SbsParseResult r = parser.Parse(line);
  EXPECT_EQ(r.kind, SbsLineKind::kMessage) << line << ": " << DescribeBadLine(r);
  return r.message;
}
//                              callsign,alt,gs,trk,lat,lon,vr,squawk,alert,emerg,spi,gnd
SbsMessage Position(const std::string& hex, int t, const std::string& alt = "35000") {
  return Msg(3, hex, t, "," + alt + ",,,47.4,8.5,,,,,,0");
}
SbsMessage Velocity(const std::string& hex, int t) { return Msg(4, hex, t, ",,450,90,,,-640,,,,,0"); }
SbsMessage Squawk(const std::string& hex, int t, const std::string& code, const std::string& emergency = "0") {
  return Msg(6, hex, t, ",,,,,,," + code + ",0," + emergency + ",0,");
}

struct Recorder {
  std::vector<TrackState> tracks;
  std::vector<DistressEvent> distress;
  std::vector<TrackState> expired;
  AssemblerCallbacks Callbacks() {
    return {[this](const TrackState& t) { tracks.push_back(t); },
            [this](const DistressEvent& e) { distress.push_back(e); },
            [this](const TrackState& t) { expired.push_back(t); }};
  }
};

TEST(TrackAssemblerTest, TrackIsUsableOnlyWithPositionAndVelocity) {
  Recorder rec;
  TrackAssembler assembler({}, rec.Callbacks());
  EXPECT_FALSE(assembler.Apply(Position("4B1806", 0)));
  EXPECT_TRUE(rec.tracks.empty());
  EXPECT_EQ(assembler.usable_count(), 0u);
  EXPECT_TRUE(assembler.Apply(Velocity("4B1806", 1)));
  ASSERT_EQ(rec.tracks.size(), 1u);
  const TrackState& t = rec.tracks[0];
  EXPECT_EQ(t.id, "4b1806");
  EXPECT_DOUBLE_EQ(t.lat_deg, 47.4);
  EXPECT_DOUBLE_EQ(t.alt_m, 35000 * 0.3048);
  EXPECT_DOUBLE_EQ(t.gs_mps, 450 * 1852.0 / 3600.0);
  EXPECT_DOUBLE_EQ(t.trk_deg, 90);
  EXPECT_DOUBLE_EQ(t.vs_mps, -640 * 0.3048 / 60);
  EXPECT_DOUBLE_EQ(t.time_s, 1533124800.0);  // the position's time, not the velocity's
  EXPECT_FALSE(t.on_ground);
  EXPECT_EQ(assembler.usable_count(), 1u);
}

TEST(TrackAssemblerTest, CallsignComesFromAnyMessageThatCarriesIt) {
  Recorder rec;
  TrackAssembler assembler({}, rec.Callbacks());
  assembler.Apply(Msg(5, "3981E4", 0, "TJT62CB ,25000,,,,,,,0,,0,"));  // dump1090-mutability style
  assembler.Apply(Position("3981E4", 1, "25000"));
  assembler.Apply(Velocity("3981E4", 2));
  ASSERT_EQ(rec.tracks.size(), 1u);
  EXPECT_EQ(rec.tracks[0].callsign, "TJT62CB");
  assembler.Apply(Msg(1, "3981E4", 3, "TJT62CD,,,,,,,,,,,0"));
  assembler.Apply(Position("3981E4", 4));
  EXPECT_EQ(rec.tracks.back().callsign, "TJT62CD");
}

TEST(TrackAssemblerTest, SurfacePositionMarksTrackOnGround) {
  Recorder rec;
  TrackAssembler assembler({}, rec.Callbacks());
  assembler.Apply(Msg(2, "4B1806", 0, ",,12,270,47.45,8.56,,,,,,-1"));
  ASSERT_EQ(rec.tracks.size(), 1u);  // no altitude needed on the ground
  EXPECT_TRUE(rec.tracks[0].on_ground);
  EXPECT_DOUBLE_EQ(rec.tracks[0].gs_mps, 12 * 1852.0 / 3600.0);
  assembler.Apply(Msg(8, "4B1806", 1, ",,,,,,,,,,,0"));  // took off
  assembler.Apply(Position("4B1806", 2, "1500"));
  EXPECT_FALSE(rec.tracks.back().on_ground);
}

TEST(TrackAssemblerTest, EmergencySquawkRaisesDistressOnceWithTheParty) {
  Recorder rec;
  AssemblerOptions options;
  options.party = "blue";
  TrackAssembler assembler(options, rec.Callbacks());
  assembler.Apply(Position("48520A", 0));
  assembler.Apply(Velocity("48520A", 0));
  assembler.Apply(Squawk("48520A", 1, "5516"));
  EXPECT_TRUE(rec.distress.empty());
  assembler.Apply(Squawk("48520A", 2, "7700", "-1"));
  assembler.Apply(Squawk("48520A", 3, "7700", "-1"));  // no repeat while unchanged
  ASSERT_EQ(rec.distress.size(), 1u);
  const DistressEvent& e = rec.distress[0];
  EXPECT_EQ(e.id, "48520a");
  EXPECT_EQ(e.party, "blue");
  EXPECT_EQ(e.kind, DistressKind::kEmergency);
  EXPECT_TRUE(e.active);
  EXPECT_EQ(e.squawk, 7700);
  EXPECT_TRUE(e.has_track);
  EXPECT_DOUBLE_EQ(e.track.lat_deg, 47.4);
  EXPECT_DOUBLE_EQ(e.time_s, 1533124802.0);

  assembler.Apply(Squawk("48520A", 4, "7600", "-1"));
  ASSERT_EQ(rec.distress.size(), 2u);
  EXPECT_EQ(rec.distress[1].kind, DistressKind::kRadioFailure);
  EXPECT_EQ(rec.distress[1].previous, DistressKind::kEmergency);

  assembler.Apply(Squawk("48520A", 5, "2000", "0"));
  ASSERT_EQ(rec.distress.size(), 3u);
  EXPECT_FALSE(rec.distress[2].active);
  EXPECT_EQ(rec.distress[2].kind, DistressKind::kNone);
  EXPECT_EQ(assembler.distress_events(), 3u);
}

TEST(TrackAssemblerTest, EmergencyFlagAloneRaisesDistressEvenWithoutPosition) {
  Recorder rec;
  TrackAssembler assembler({}, rec.Callbacks());
  assembler.Apply(Squawk("440062", 0, "1000", "-1"));
  ASSERT_EQ(rec.distress.size(), 1u);
  EXPECT_EQ(rec.distress[0].kind, DistressKind::kEmergencyFlag);
  EXPECT_FALSE(rec.distress[0].has_track);
  EXPECT_EQ(DistressKindOfSquawk(7500), DistressKind::kUnlawfulInterference);
  EXPECT_EQ(DistressKindOfSquawk(7000), DistressKind::kNone);
}

TEST(TrackAssemblerTest, PartyTableWinsOverTheFeedParty) {
  Recorder rec;
  AssemblerOptions options;
  options.party = "civil";
  options.table = std::make_shared<const PartyTable>(PartyTable{{0x48520A, "red"}});
  TrackAssembler assembler(options, rec.Callbacks());
  for (const char* hex : {"48520A", "3981E4"}) {
    assembler.Apply(Position(hex, 0));
    assembler.Apply(Velocity(hex, 0));
  }
  ASSERT_EQ(rec.tracks.size(), 2u);
  EXPECT_EQ(rec.tracks[0].party, "red");
  EXPECT_EQ(rec.tracks[1].party, "civil");
}

TEST(TrackAssemblerTest, StaleTracksExpireAndSilentAircraftAreForgotten) {
  Recorder rec;
  AssemblerOptions options;
  options.stale_after_s = 30;
  TrackAssembler assembler(options, rec.Callbacks());
  assembler.Apply(Position("48520A", 0));
  assembler.Apply(Velocity("48520A", 0));
  assembler.Apply(Msg(5, "48520A", 25, ",38000,,,,,,,0,,0,"));  // alive, but no new position
  const double t0 = 1533124800.0;
  EXPECT_EQ(assembler.ExpireStale(t0 + 29), 0u);
  EXPECT_EQ(assembler.ExpireStale(t0 + 31), 1u);
  ASSERT_EQ(rec.expired.size(), 1u);
  EXPECT_EQ(rec.expired[0].id, "48520a");
  EXPECT_EQ(assembler.usable_count(), 0u);
  EXPECT_EQ(assembler.aircraft_count(), 1u);  // still heard at t0+25
  EXPECT_EQ(assembler.ExpireStale(t0 + 56), 0u);
  EXPECT_EQ(assembler.aircraft_count(), 0u);
  // A new position makes it usable again only with a velocity (the record was forgotten).
  EXPECT_FALSE(assembler.Apply(Position("48520A", 60)));
}

TEST(TrackAssemblerTest, SnapshotListsAircraftThatAreNotUsableYet) {
  TrackAssembler assembler;
  assembler.Apply(Msg(5, "3981E4", 0, "TJT62CB ,25000,,,,,,,0,,0,"));
  assembler.Apply(Squawk("3981E4", 1, "1000"));
  const auto snapshot = assembler.Snapshot();
  ASSERT_EQ(snapshot.size(), 1u);
  EXPECT_EQ(snapshot[0].id, "3981e4");
  EXPECT_EQ(snapshot[0].callsign, "TJT62CB");
  EXPECT_TRUE(snapshot[0].has_altitude);
  EXPECT_DOUBLE_EQ(snapshot[0].state.alt_m, 25000 * 0.3048);
  EXPECT_EQ(snapshot[0].squawk, 1000);
  EXPECT_FALSE(snapshot[0].usable);
  EXPECT_EQ(snapshot[0].messages, 2u);
}

}  // namespace
}  // namespace deconflict::feeds
