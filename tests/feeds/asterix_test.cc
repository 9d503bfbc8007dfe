// ASTERIX against an independent decoder: the real Swiss hour (tests/data/traffic) encoded as CAT021 and
// CAT062 by our encoder, written as pcap, and decoded by Debian's tshark (Wireshark's ASTERIX dissector, the
// edition set as its preference): every field we write must come back within half its LSB of the value we
// started from. The same files read back by our reader must agree too; and `deconflict replay` of the .ast and
// .pcap must give exactly the alerts of the SBS file they came from.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include "asterix/encode.h"
#include "asterix/pcap.h"
#include "core/units.h"
#include "feeds/asterix_file.h"
#include "feeds/sbs_file.h"
#include "harness.h"

namespace deconflict::testing {
namespace {

using asterix::Edition;
using asterix::TrackReport;

const std::string kHour = DECONFLICT_TEST_DATA "/traffic/switzerland_20180801_1200-1300Z.sbs.gz";
constexpr double kDay = 86400;
constexpr uint8_t kSac = 25, kSic = 100;

std::string TempDir() {
  char tmpl[] = "/tmp/dc-asterix-XXXXXX";
  const char* d = mkdtemp(tmpl);
  return d ? d : "/tmp";
}

// The hour's track updates as reports; aircraft 3 squawks 7700 with priority status 1 (general emergency).
std::vector<TrackReport> HourReports(size_t max, std::vector<TrackState>* states = nullptr) {
  auto read = feeds::ReadSbsFile(kHour);
  EXPECT_TRUE(read.ok());
  std::vector<TrackReport> out;
  std::map<std::string, uint16_t> numbers;
  for (const TrackState& s : read->updates) {
    if (out.size() >= max) break;
    TrackReport r = asterix::ReportOf(s, kSac, kSic);
    const uint16_t n = numbers.emplace(s.id, static_cast<uint16_t>(numbers.size() + 1)).first->second;
    r.track_number = n;
    r.has_squawk = true;
    r.squawk = n == 3 ? 7700 : static_cast<uint16_t>(1000 + (n % 8) * 100 + (n / 8) % 8);
    r.priority_status = n == 3 ? 1 : 0;
    out.push_back(r);
    if (states) states->push_back(s);
  }
  return out;
}

// Datagrams of two blocks of up to 10 records each (several records per block, several blocks per datagram).
std::vector<asterix::UdpPacket> Datagrams(const std::vector<TrackReport>& reports, Edition edition, double date_s) {
  const uint8_t category = asterix::UapOf(edition).category;
  std::vector<asterix::UdpPacket> out;
  for (size_t i = 0; i < reports.size();) {
    asterix::UdpPacket p;
    p.time_s = date_s + reports[i].tod_s;
    for (int b = 0; b < 2 && i < reports.size(); ++b) {
      asterix::BlockWriter block(category);
      for (int r = 0; r < 10 && i < reports.size(); ++r, ++i)
        block.Add(category == 21 ? asterix::EncodeCat021(reports[i], edition) : asterix::EncodeCat062(reports[i], edition));
      const auto bytes = block.Finish();
      p.payload.insert(p.payload.end(), bytes.begin(), bytes.end());
    }
    out.push_back(std::move(p));
  }
  return out;
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary);
  f << bytes;
}

// tshark's decode: one map (field name -> shown value) per ASTERIX record, from its PDML output. With an
// edition preference, tshark names the fields of that edition "asterix.021_V2_4_131_LAT": every field must
// carry `version` ("V2_4"), which is then dropped ("asterix.021_131_LAT").
std::vector<std::map<std::string, std::string>> Tshark(const std::string& pcap, uint16_t port, const std::string& pref,
                                                       const std::string& version) {
  std::string pdml;
  const std::string cmd = "tshark -n -r " + pcap + " -d udp.port==" + std::to_string(port) + ",asterix -o '" + pref +
                          "' -T pdml 2>/dev/null";
  EXPECT_EQ(RunCommand(cmd, &pdml), 0) << cmd << " (tshark is installed by scripts/install-deps.sh)";
  std::vector<std::map<std::string, std::string>> out;
  static const std::regex field(R"re(<field name="(asterix\.[^"]+)"[^>]*? show="([^"]*)")re");
  size_t start = 0;
  while (start < pdml.size()) {
    size_t end = pdml.find('\n', start);
    if (end == std::string::npos) end = pdml.size();
    const std::string line = pdml.substr(start, end - start);
    start = end + 1;
    if (line.find("name=\"asterix.message\"") != std::string::npos) {
      out.emplace_back();
      continue;
    }
    std::smatch m;
    if (out.empty() || !std::regex_search(line, m, field)) continue;
    std::string name = m[1];
    static const std::regex versioned(R"re(^asterix\.(\d{3})_(V\d+_\d+)_(.*)$)re");
    std::smatch v;
    if (std::regex_match(name, v, versioned)) {
      EXPECT_EQ(v[2].str(), version) << "tshark decoded " << name << " in another edition";
      name = "asterix." + v[1].str() + "_" + v[3].str();
    }
    out.back()[name] = m[2];
  }
  return out;
}

double Num(const std::map<std::string, std::string>& f, const std::string& name) {
  auto it = f.find(name);
  if (it == f.end()) {
    ADD_FAILURE() << "tshark shows no " << name;
    return NAN;
  }
  return std::stod(it->second);
}
long Int(const std::map<std::string, std::string>& f, const std::string& name) {
  auto it = f.find(name);
  if (it == f.end()) {
    ADD_FAILURE() << "tshark shows no " << name;
    return -1;
  }
  return std::stol(it->second, nullptr, 0);
}
std::string Str(const std::map<std::string, std::string>& f, const std::string& name) {
  auto it = f.find(name);
  if (it == f.end()) {
    ADD_FAILURE() << "tshark shows no " << name;
    return "";
  }
  std::string s = it->second;
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

constexpr double kHalf = 0.5 + 1e-6;  // half an LSB, and the rounding of tshark's printed decimals

void ExpectCat021(const std::map<std::string, std::string>& f, const TrackReport& r) {
  EXPECT_EQ(Int(f, "asterix.021_010_SAC"), r.sac);
  EXPECT_EQ(Int(f, "asterix.021_010_SIC"), r.sic);
  EXPECT_EQ(Int(f, "asterix.021_161_TRNUM"), r.track_number);
  EXPECT_NEAR(Num(f, "asterix.021_071_VALUE"), r.tod_s, kHalf / 128);
  EXPECT_NEAR(Num(f, "asterix.021_131_LAT"), r.lat_deg, kHalf * 180 / (1 << 30) + 1e-9);
  EXPECT_NEAR(Num(f, "asterix.021_131_LON"), r.lon_deg, kHalf * 180 / (1 << 30) + 1e-9);
  EXPECT_EQ(Int(f, "asterix.021_080_VALUE"), static_cast<long>(r.address));
  EXPECT_EQ(Int(f, "asterix.021_070_MODE3A"), asterix::Mode3AOf(r.squawk));
  EXPECT_NEAR(Num(f, "asterix.021_145_VALUE"), units::MetersToFeet(r.alt_m) / 100, kHalf * 0.25);
  EXPECT_EQ(Int(f, "asterix.021_200_PS"), r.priority_status);
  EXPECT_NEAR(Num(f, "asterix.021_155_BVR"), units::MpsToFpm(r.vs_mps), kHalf * 6.25);
  EXPECT_NEAR(Num(f, "asterix.021_160_GS"), units::MetersToNauticalMiles(r.gs_mps), kHalf / (1 << 14));
  EXPECT_NEAR(Num(f, "asterix.021_160_TA"), r.trk_deg, kHalf * 360 / 65536);
  EXPECT_EQ(Str(f, "asterix.021_170_VALUE"), r.callsign);
  EXPECT_EQ(Int(f, "asterix.021_040_GBS"), r.on_ground ? 1 : 0);
}

void ExpectCat062(const std::map<std::string, std::string>& f, const TrackReport& r, bool v1_18) {
  EXPECT_EQ(Int(f, "asterix.062_010_SAC"), r.sac);
  EXPECT_EQ(Int(f, "asterix.062_010_SIC"), r.sic);
  EXPECT_NEAR(Num(f, "asterix.062_070_VALUE"), r.tod_s, kHalf / 128);
  EXPECT_NEAR(Num(f, "asterix.062_105_LAT"), r.lat_deg, kHalf * 180 / (1 << 25) + 1e-9);
  EXPECT_NEAR(Num(f, "asterix.062_105_LON"), r.lon_deg, kHalf * 180 / (1 << 25) + 1e-9);
  const double t = r.trk_deg * units::kDegToRad;
  EXPECT_NEAR(Num(f, "asterix.062_185_VX"), r.gs_mps * std::sin(t), kHalf * 0.25);
  EXPECT_NEAR(Num(f, "asterix.062_185_VY"), r.gs_mps * std::cos(t), kHalf * 0.25);
  EXPECT_EQ(Int(f, "asterix.062_060_MODE3A"), asterix::Mode3AOf(r.squawk));
  EXPECT_EQ(Str(f, "asterix.062_245_CHR"), r.callsign);
  EXPECT_EQ(Int(f, "asterix.062_380_ADR_VALUE"), static_cast<long>(r.address));
  EXPECT_EQ(Int(f, "asterix.062_040_VALUE"), r.track_number);
  EXPECT_EQ(Int(f, "asterix.062_080_TSE"), r.track_end ? 1 : 0);
  EXPECT_EQ(Int(f, "asterix.062_080_EMS"), r.priority_status);
  if (v1_18) {
    EXPECT_EQ(Int(f, "asterix.062_080_SFC"), r.on_ground ? 1 : 0);
  }
  EXPECT_NEAR(Num(f, "asterix.062_136_VALUE"), units::MetersToFeet(r.alt_m) / 100, kHalf * 0.25);
  EXPECT_NEAR(Num(f, "asterix.062_135_CTB"), units::MetersToFeet(r.alt_m) / 100, kHalf * 0.25);
  EXPECT_NEAR(Num(f, "asterix.062_220_VALUE"), units::MpsToFpm(r.vs_mps), kHalf * 6.25);
}

struct Case {
  Edition edition;
  const char* pref;
  const char* version;
};

TEST(AsterixOracle, TsharkDecodesEveryFieldWeEncodeWithinHalfAnLsb) {
  const std::string dir = TempDir();
  const std::vector<TrackReport> reports = HourReports(400);
  ASSERT_EQ(reports.size(), 400u);
  const uint16_t port = 8600;
  for (const Case& c : {Case{Edition::kCat021v2_4, "asterix.i021_version:Version 2.4", "V2_4"},
                        Case{Edition::kCat021v2_6, "asterix.i021_version:Version 2.6", "V2_6"},
                        Case{Edition::kCat062v1_17, "asterix.i062_version:Version 1.17", "V1_17"},
                        Case{Edition::kCat062v1_18, "asterix.i062_version:Version 1.18", "V1_18"}}) {
    SCOPED_TRACE(c.pref);
    const std::string path = dir + "/oracle.pcap";
    WriteFile(path, asterix::WritePcap(Datagrams(reports, c.edition, 1533081600), 40000, port));
    const auto decoded = Tshark(path, port, c.pref, c.version);
    ASSERT_EQ(decoded.size(), reports.size());
    for (size_t i = 0; i < reports.size(); ++i) {
      SCOPED_TRACE("record " + std::to_string(i));
      if (asterix::UapOf(c.edition).category == 21) ExpectCat021(decoded[i], reports[i]);
      else ExpectCat062(decoded[i], reports[i], c.edition == Edition::kCat062v1_18);
      if (::testing::Test::HasFailure()) return;  // one record's differences are enough to read
    }
  }
  std::remove((dir + "/oracle.pcap").c_str());
  rmdir(dir.c_str());
}

// Our own reader on the same datagrams: every value within half an LSB, distress from the 7700 squawk.
TEST(AsterixOracle, OurReaderGivesBackWhatWasEncoded) {
  const std::string dir = TempDir();
  std::vector<TrackState> states;
  const std::vector<TrackReport> reports = HourReports(400, &states);
  const double date_s = 1533081600;  // 2018-08-01
  for (Edition e : {Edition::kCat021v2_4, Edition::kCat062v1_18, Edition::kCat062v0_17}) {
    const std::string path = dir + "/ours.pcap";
    WriteFile(path, asterix::WritePcap(Datagrams(reports, e, date_s), 40000, 8600));
    feeds::AsterixFileOptions options;
    options.coalesce = false;
    if (e == Edition::kCat021v2_4) {
      ASSERT_TRUE(options.decode.editions.Add("25/100:21=2.4").ok());
    }
    if (e == Edition::kCat062v0_17) {
      ASSERT_TRUE(options.decode.editions.Add("62=0.17").ok());
    }
    auto read = feeds::ReadAsterixFile(path, options);
    ASSERT_TRUE(read.ok()) << read.status().message();
    EXPECT_EQ(read->counters.records, reports.size());
    EXPECT_EQ(read->counters.bad, 0u) << read->counters.Summary();
    ASSERT_EQ(read->updates.size(), states.size());
    const double pos_lsb = e == Edition::kCat062v0_17 ? 180.0 / (1 << 23) : e == Edition::kCat062v1_18 ? 180.0 / (1 << 25)
                                                                                                       : 180.0 / (1 << 30);
    for (size_t i = 0; i < states.size(); ++i) {
      const TrackState& got = read->updates[i];
      const TrackState& want = states[i];
      ASSERT_EQ(got.id, want.id);
      EXPECT_NEAR(got.time_s, want.time_s, kHalf / 128);
      EXPECT_NEAR(got.lat_deg, want.lat_deg, kHalf * pos_lsb);
      EXPECT_NEAR(got.lon_deg, want.lon_deg, kHalf * pos_lsb);
      EXPECT_NEAR(got.alt_m, want.alt_m, units::FeetToMeters(kHalf * 25));
      EXPECT_NEAR(got.gs_mps, want.gs_mps, 0.25);  // CAT062 1.x: Vx, Vy of 0.25 m/s
      if (want.gs_mps > 50) {
        EXPECT_NEAR(std::remainder(got.trk_deg - want.trk_deg, 360), 0, 0.1);
      }
      EXPECT_NEAR(got.vs_mps, want.vs_mps, units::FpmToMps(kHalf * 6.25));
      EXPECT_EQ(got.callsign, want.callsign);
      if (::testing::Test::HasFailure()) return;
    }
    ASSERT_FALSE(read->distress.empty());
    EXPECT_EQ(read->distress.front().kind, feeds::DistressKind::kEmergency);
    EXPECT_EQ(read->distress.front().squawk, 7700);
  }
  std::remove((dir + "/ours.pcap").c_str());
  rmdir(dir.c_str());
}

// The same alert events, in the same order: every discrete field equal (event, aircraft, levels, loss of
// separation, begin and event times), distances and times equal to a millimetre and a millisecond (the SBS
// text converts ft, kt and ft/min back to SI: the last bit may differ).
void ExpectSameAlerts(const std::string& got, const std::string& want, const std::string& what) {
  SCOPED_TRACE(what);
  std::vector<nlohmann::json> g, w;
  for (auto* p : {&got, &want}) {
    size_t start = 0;
    while (start < p->size()) {
      const size_t end = p->find('\n', start);
      (p == &got ? g : w).push_back(nlohmann::json::parse(p->substr(start, end - start)));
      if (end == std::string::npos) break;
      start = end + 1;
    }
  }
  ASSERT_EQ(g.size(), w.size());
  for (size_t i = 0; i < g.size(); ++i) {
    SCOPED_TRACE("event " + std::to_string(i) + ": " + w[i].dump());
    for (const char* key : {"event", "id1", "id2", "level", "previous_level", "max_level", "los", "los_seen",
                            "time_s", "begin_time_s", "duration_s", "party1", "party2"})
      EXPECT_EQ(g[i][key], w[i][key]) << key;
    for (const char* key : {"d_cpa_m", "min_h_dist_m", "min_v_dist_m"})
      EXPECT_NEAR(g[i][key].get<double>(), w[i][key].get<double>(), 1e-3) << key;
    for (const char* key : {"t_in_s", "t_cpa_s"}) EXPECT_NEAR(g[i][key].get<double>(), w[i][key].get<double>(), 1e-3) << key;
    if (::testing::Test::HasFailure()) return;
  }
}

// SBS lines (MSG,1, MSG,3 and MSG,4 of each update) carrying `states` at full double precision.
std::string SbsOf(const std::vector<TrackState>& states) {
  std::string out;
  char line[512];
  for (const TrackState& s : states) {
    const std::time_t t = static_cast<std::time_t>(s.time_s);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char when[64];
    std::snprintf(when, sizeof when, "%04d/%02d/%02d,%02d:%02d:%02d.%03d", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<int>(std::lround((s.time_s - static_cast<double>(t)) * 1000)));
    const std::string hex = s.id;
    std::snprintf(line, sizeof line, "MSG,1,1,1,%s,1,%s,%s,%s,,,,,,,,,,,0\n", hex.c_str(), when, when, s.callsign.c_str());
    out += line;
    std::snprintf(line, sizeof line, "MSG,3,1,1,%s,1,%s,%s,,%.17g,,,%.17g,%.17g,,,,,,0\n", hex.c_str(), when, when,
                  units::MetersToFeet(s.alt_m), s.lat_deg, s.lon_deg);
    out += line;
    std::snprintf(line, sizeof line, "MSG,4,1,1,%s,1,%s,%s,,,%.17g,%.17g,,,%.17g,,,,,0\n", hex.c_str(), when, when,
                  units::MpsToKnots(s.gs_mps), s.trk_deg, units::MpsToFpm(s.vs_mps));
    out += line;
  }
  return out;
}

// The whole hour as CAT021 (.ast, the date given on the command line) and as CAT062 (.pcap, dated by the
// capture): `deconflict replay` of each writes the alerts that the same traffic gives when read from SBS. "The
// same traffic" is what the ASTERIX items can carry: the SBS file is written from the values our reader
// decodes (themselves checked against tshark above). Against the original SBS hour the alerts differ at a few
// thresholds (9 of 198 events at 20 NM over 10 min), because I021/155 and I062/220 carry vertical rates in steps of
// 6.25 ft/min and the hour's are multiples of 64 ft/min: a vertical entry time moves by up to 2 %.
TEST(AsterixReplay, AstAndPcapGiveTheAlertsOfTheSameTrafficReadFromSbs) {
  const std::string dir = TempDir();
  const double date_s = 1533081600;  // 2018-08-01
  const std::vector<TrackReport> reports = HourReports(1000000);
  std::string ast;
  for (const auto& p : Datagrams(reports, Edition::kCat021v2_6, date_s)) ast.append(p.payload.begin(), p.payload.end());
  WriteFile(dir + "/hour.ast", ast);
  WriteFile(dir + "/hour.pcap", asterix::WritePcap(Datagrams(reports, Edition::kCat062v1_18, date_s), 40000, 8600));
  const std::string replay = std::string(DECONFLICT_BINARY_DIR) + "/deconflict replay --duration 600s --horizontal 20nm "
                                                                  "--format jsonl ";
  struct Source {
    const char* file;
    const char* flags;
    feeds::AsterixFileOptions options;
  };
  feeds::AsterixFileOptions ast_options;
  ast_options.date_s = date_s;
  for (const Source& src : {Source{"/hour.ast", " --asterix-date 2018-08-01", ast_options},
                            Source{"/hour.pcap", "", feeds::AsterixFileOptions{}}}) {
    auto decoded = feeds::ReadAsterixFile(dir + src.file, src.options);
    ASSERT_TRUE(decoded.ok()) << decoded.status().message();
    WriteFile(dir + "/same.sbs", SbsOf(decoded->updates));
    std::string from_sbs, from_asterix;
    ASSERT_EQ(RunCommand(replay + dir + "/same.sbs", &from_sbs), 0);
    ASSERT_EQ(RunCommand(replay + dir + src.file + src.flags, &from_asterix), 0);
    EXPECT_GT(std::count(from_sbs.begin(), from_sbs.end(), '\n'), 100) << "the 20 NM setting gives alerts to compare";
    ExpectSameAlerts(from_asterix, from_sbs, src.file);
  }
  std::string err;
  EXPECT_EQ(RunCommand(replay + dir + "/hour.ast --asterix-date 2018-13-01 2>&1", &err), 64);
  EXPECT_NE(err.find("--asterix-date"), std::string::npos) << err;
  EXPECT_EQ(RunCommand(replay + dir + "/hour.ast --asterix-edition 62=9.9 2>&1", &err), 64);
  EXPECT_NE(err.find("edition \"9.9\""), std::string::npos) << err;
  for (const char* f : {"/hour.ast", "/hour.pcap", "/same.sbs"}) std::remove((dir + f).c_str());
  rmdir(dir.c_str());
}


// `deconflict replay --cat004 party=ADDRESS:PORT`: every alert event of the party's aircraft, and only those,
// arrives as a CAT004 datagram that tshark decodes to the event's values (STCA for begin and level changes,
// resumptions, End Of Conflict for the end, the episode's alert identifier throughout).
TEST(AsterixCat004, ReplaySendsEachPartyItsOwnAlertsAsSafetyNetMessages) {
  namespace asio = boost::asio;
  using asio::ip::udp;
  asio::io_context io;
  struct Listener {
    udp::socket socket;
    std::string party;
  };
  std::vector<Listener> listeners;
  for (const char* party : {"02a18f", "3c0ca4"}) {
    udp::socket s(io, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    s.set_option(asio::socket_base::receive_buffer_size(1 << 20));
    listeners.push_back({std::move(s), party});
  }
  std::string cmd = std::string(DECONFLICT_BINARY_DIR) + "/deconflict replay " + kHour +
                    " --duration 600s --horizontal 20nm --format jsonl";
  for (const Listener& l : listeners)
    cmd += " --cat004 " + l.party + "=127.0.0.1:" + std::to_string(l.socket.local_endpoint().port());
  std::string jsonl;
  ASSERT_EQ(RunCommand(cmd, &jsonl), 0);
  std::vector<nlohmann::json> events;
  for (size_t start = 0; start < jsonl.size();) {
    const size_t end = jsonl.find('\n', start);
    events.push_back(nlohmann::json::parse(jsonl.substr(start, end - start)));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  const auto read = feeds::ReadSbsFile(kHour);
  ASSERT_TRUE(read.ok());
  std::map<std::string, std::string> callsign;
  for (const TrackState& t : read->updates) callsign[t.id] = t.callsign;

  const std::string dir = TempDir();
  for (Listener& l : listeners) {
    SCOPED_TRACE(l.party);
    std::vector<asterix::UdpPacket> packets;
    l.socket.non_blocking(true);
    std::vector<uint8_t> buffer(65536);
    while (true) {
      boost::system::error_code ec;
      const size_t n = l.socket.receive(asio::buffer(buffer), 0, ec);
      if (ec) break;
      asterix::UdpPacket p;
      p.payload.assign(buffer.begin(), buffer.begin() + static_cast<long>(n));
      packets.push_back(std::move(p));
    }
    std::vector<nlohmann::json> mine;
    for (const auto& e : events)
      if (e["id1"] == l.party || e["id2"] == l.party) mine.push_back(e);
    ASSERT_GE(mine.size(), 2u) << "the party's aircraft has alerts to send";
    ASSERT_EQ(packets.size(), mine.size()) << "one datagram per event of the party, none of others";
    const std::string path = dir + "/cat004-" + l.party + ".pcap";
    WriteFile(path, asterix::WritePcap(packets, 40000, 8600));
    const auto decoded = Tshark(path, 8600, "asterix.i004_version:Version 1.12", "V1_12");
    ASSERT_EQ(decoded.size(), mine.size());
    for (size_t i = 0; i < mine.size(); ++i) {
      SCOPED_TRACE("event " + mine[i].dump());
      const auto& f = decoded[i];
      const auto& e = mine[i];
      const bool end = e["event"] == "end";
      EXPECT_EQ(Int(f, "asterix.004_000_VALUE"), end ? 17 : 7);
      EXPECT_NEAR(Num(f, "asterix.004_020_VALUE"), std::fmod(e["time_s"].get<double>(), kDay), kHalf / 128);
      const long status = end ? 0 : e["level"] == "warning" ? 2 : 1;
      EXPECT_EQ(Int(f, "asterix.004_045_STAT"), status);
      const auto pair = std::make_pair(e["id1"].get<std::string>(), e["id2"].get<std::string>());
      EXPECT_EQ(Int(f, "asterix.004_040_VALUE"), (e["alert_id"].get<long>() - 1) % 65535 + 1)
          << "the episode's alert identifier, from begin to End Of Conflict";
      if (!callsign[pair.first].empty()) {
        EXPECT_EQ(Str(f, "asterix.004_170_AI1_VALUE"), callsign[pair.first].substr(0, 7));
      }
      if (!callsign[pair.second].empty()) {
        EXPECT_EQ(Str(f, "asterix.004_171_AI2_VALUE"), callsign[pair.second].substr(0, 7));
      }
      EXPECT_NE(Int(f, "asterix.004_030_VALUE"), Int(f, "asterix.004_035_VALUE"));
      if (!end) {
        EXPECT_NEAR(Num(f, "asterix.004_070_TC_VALUE"), e["t_in_s"].get<double>(), kHalf / 128);
        EXPECT_NEAR(Num(f, "asterix.004_070_TCA_VALUE"), e["t_cpa_s"].get<double>(), kHalf / 128);
        EXPECT_NEAR(Num(f, "asterix.004_070_MHS_VALUE"), std::min(e["d_cpa_m"].get<double>(), 32767.5), kHalf * 0.5);
        EXPECT_EQ(Int(f, "asterix.004_120_CN_MAS"), e["los"].get<bool>() ? 1 : 0);
      }
      if (::testing::Test::HasFailure()) return;
    }
    std::remove(path.c_str());
  }
  rmdir(dir.c_str());
}

}  // namespace
}  // namespace deconflict::testing
