// Every JSON body route against bad input, table-driven over the field types of its body: missing, wrong type, out
// of range, too long, invalid enum, extra field, deep nesting, huge numbers, invalid UTF-8, repeated fields. Each
// must answer 400 with a message that starts with the field's path and says why, and nothing may be stored: the
// snapshot of everything the parties and the administrator can list is the same after the request as before.
#include <gtest/gtest.h>

#include <ctime>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "test_client.h"

namespace deconflict::testing {
namespace {

// A change to a valid body: set the value at a JSON pointer, erase it (no value), or replace the whole text.
struct Case {
  std::string pointer;         // "/volumes/0/altitude_upper"; empty with raw
  std::optional<Json> value;   // nullopt: erase the member
  std::string needle;          // the message must start with it (or contain it when it starts with '~')
  std::string raw = {};        // when set: the whole body text
};

struct Route {
  std::string method, target;
  bool admin = false;
  Json valid;
  std::vector<Case> cases;
};

Case Raw(std::string text, std::string needle) { return Case{"", std::nullopt, std::move(needle), std::move(text)}; }

// Cases every JSON body route shares: the text itself is bad.
std::vector<Case> TextCases(const std::string& a_field) {
  std::string deep_objects;
  for (int i = 0; i < 150000; ++i) deep_objects += "{\"a\":";
  return {
      Raw(std::string(300000, '['), "body: nested deeper than 64 levels"),
      Raw("{\"" + a_field + "\": " + deep_objects, "body: nested deeper than 64 levels (at " + a_field + ".a.a"),
      Raw("{\"" + a_field + "\": 1e400}", a_field + ": a number overflows a double"),
      Raw("{\"" + a_field + "\": " + std::string(400, '9') + "}", a_field + ": a number overflows a double"),
      Raw("{\"" + a_field + "\": \"a\xff\"}", "body: invalid UTF-8 at byte"),
      Raw("{\"" + a_field + "\": \"a\", \"" + a_field + "\": \"b\"}", a_field + ": repeated field"),
      Raw("[1, 2]", "body: expected a JSON object, got an array"),
      Raw("{\"" + a_field + "\": ", "body: malformed JSON at byte"),
  };
}

Json Volume(double t0) {
  return Json{{"outline_circle", {{"center", {{"lat", 35}, {"lng", 38}}}, {"radius", 2000}}},
              {"altitude_lower", 0}, {"altitude_upper", 1000}, {"time_start", t0 + 60}, {"time_end", t0 + 3600}};
}

// Operation and zone field types (the plan codec), shared by POST and PUT.
std::vector<Case> VolumeCases() {
  return {
      {"/volumes", std::nullopt, "volumes: required field is missing"},
      {"/volumes", Json::object(), "volumes: expected an array, got an object"},
      {"/volumes/0/altitude_lower", std::nullopt, "volumes[0].altitude_lower: required field is missing"},
      {"/volumes/0/altitude_upper", 1e9, "volumes[0].altitude_upper: 1000000000 m is out of range [-1000, 30000] m"},
      {"/volumes/0/altitude_upper", Json{{"value", 1e9}, {"units", "M"}},
       "volumes[0].altitude_upper.value: 1000000000 m is out of range [-1000, 30000] m"},
      {"/volumes/0/altitude_upper", Json{{"value", 10}, {"units", "furlong"}},
       "volumes[0].altitude_upper.units: unknown unit \"furlong\"; allowed: M, FT"},
      {"/volumes/0/altitude_upper", "10 parsec", "volumes[0].altitude_upper: unknown length unit"},
      {"/volumes/0/altitude_upper", true, "volumes[0].altitude_upper: expected a length"},
      {"/volumes/0/outline_circle/center", "here", "volumes[0].outline_circle.center: expected [lat, lng] or {lat, lng}"},
      {"/volumes/0/outline_circle/center/lat", 91, "volumes[0].outline_circle.center.lat: 91 deg is out of range [-90, 90] deg"},
      {"/volumes/0/outline_circle/radius", -5, "volumes[0].outline_circle.radius: -5 m is out of range"},
      {"/volumes/0/time_start", -1, "volumes[0].time_start: -1 s is out of range [0, 253402300799] s"},
      {"/volumes/0/time_start", "yesterday", "volumes[0].time_start: not an ISO 8601 date-time"},
      {"/volumes/0/time_end", std::nullopt, "volumes[0].time_end: required field is missing (give time_end or duration)"},
      {"/volumes/0/colour", "red", "volumes[0].colour: unknown field \"colour\"; allowed: altitude_lower, altitude_upper, duration, "
                                   "outline_circle, outline_polygon, time_end, time_start, volume"},
      {"/volumes/0/altitude_lower", 2000, "~volumes[0].altitude_lower (2000 m) is above altitude_upper (1000 m)"},
      {"/id", 42, "id: expected a string, got number 42"},
      {"/id", std::string(200, 'x'), "id: 200 bytes exceed the limit of 128 bytes"},
      {"/id", "a b", "id: has a character outside [A-Za-z0-9_.:@-] at byte 1"},
      {"/owner", "red", "owner: a party writes only its own objects"},
  };
}

std::vector<Route> Routes(double t0) {
  std::vector<Route> routes;
  Route op{"POST", "/v1/operations", false, Json{{"id", "op-new"}, {"priority", 1}, {"volumes", {Volume(t0)}}}, VolumeCases()};
  for (Case c : std::vector<Case>{
           {"/id", std::nullopt, "id: required field is missing"},
           {"/priority", "high", "priority: expected a number, got a string of 4 bytes"},
           {"/priority", 1e10, "priority: 10000000000 is out of range [-1000000000, 1000000000]"},
           {"/priority", 1.5, "priority: 1.5 is not an integer"},
           {"/state", "cruising", "state: unknown operation state \"cruising\" (expected accepted, activated"},
           {"/colour", "red", "colour: unknown field \"colour\"; allowed: id, owner, priority, state, volumes"}})
    op.cases.push_back(c);
  for (Case c : TextCases("id")) op.cases.push_back(c);
  routes.push_back(op);

  Route put{"PUT", "/v1/operations/op-keep", false,
            Json{{"id", "op-keep"}, {"version", 1}, {"priority", 1}, {"volumes", {Volume(t0)}}}, VolumeCases()};
  put.cases.erase(put.cases.end() - 4, put.cases.end() - 1);  // the id is the path's
  for (Case c : std::vector<Case>{{"/version", std::nullopt, "version: required integer"},
                                  {"/version", "1", "version: required integer"},
                                  {"/id", "other", "id: does not match the path"}})
    put.cases.push_back(c);
  routes.push_back(put);

  Route zone{"POST", "/v1/zones", false, Json{{"id", "z-new"}, {"kind", "restricted"}, {"volumes", {Volume(t0)}}}, VolumeCases()};
  for (Case c : std::vector<Case>{
           {"/kind", std::nullopt, "kind: required field is missing"},
           {"/kind", "moat", "kind: unknown zone kind \"moat\" (expected protected-site, restricted, truce or distress-exclusion)"},
           {"/kind", 3, "kind: expected a string, got number 3"},
           {"/binds", 5, "binds: expected \"all\" or a list of at most 1000 parties, got number 5"},
           {"/binds", Json::array({"no such"}), "binds[0]: has a character outside"},
           {"/binds", Json::array({"ghost"}), "binds[0]: no party \"ghost\""},
           {"/notification_lead", -5, "notification_lead: -5 s is out of range [0, 31622400] s"},
           {"/notified_at", "soon", "notified_at: not an ISO 8601 date-time"},
           {"/id", "distress.x", "id: \"distress.\" zones are made by distress calls"},
           {"/colour", "red", "colour: unknown field \"colour\"; allowed: binds, id, kind, notification_lead, notified_at, owner, volumes"}})
    zone.cases.push_back(c);
  for (Case c : TextCases("kind")) zone.cases.push_back(c);
  routes.push_back(zone);

  Route propose{"POST", "/v1/agreements/red/propose", false, Json{{"terms", {{"buffer_horizontal_m", 50}}}},
                {{"/terms", std::nullopt, "terms: required field is missing"},
                 {"/terms", "generous", "terms: expected a JSON object, got a string of 8 bytes"},
                 {"/terms/buffer_horizontal_m", -1, "terms.buffer_horizontal_m: -1 m is out of range [0, 1000000] m"},
                 {"/terms/track_lookahead_s", "5min", "terms.track_lookahead_s: expected a number, got a string of 4 bytes"},
                 {"/terms/equal_priority_conflicts_allowed", 1, "terms.equal_priority_conflicts_allowed: expected true or false"},
                 {"/terms/escalation", Json::array({Json{{"after_s", 1}}}), "terms.escalation[0].action: required field is missing"},
                 {"/terms/escalation", Json::array({Json{{"after_s", 1}, {"action", std::string(65, 'a')}}}),
                  "terms.escalation[0].action: 65 bytes exceed the limit of 64 bytes"},
                 {"/terms/colour", 1, "terms.colour: unknown field \"colour\"; allowed: ack_deadline_s"},
                 {"/latest_seen", -1, "latest_seen: -1 is out of range [0, 1073741824]"},
                 {"/latest_seen", 1.5, "latest_seen: expected an integer, got number 1.5"},
                 {"/colour", 1, "colour: unknown field \"colour\"; allowed: latest_seen, terms"}}};
  for (Case c : TextCases("terms")) propose.cases.push_back(c);
  routes.push_back(propose);

  routes.push_back(Route{"POST", "/v1/agreements/red/accept", false, Json{{"version", 1}},
                         {{"/version", std::nullopt, "version: required field is missing"},
                          {"/version", "1", "version: expected an integer, got a string of 1 byte"},
                          {"/version", 1e20, "version: expected an integer, got number 1e+20"},
                          {"/version", 18446744073709551615ull, "version: 18446744073709551615 is out of range"},
                          {"/colour", 1, "colour: unknown field \"colour\"; allowed: version"}}});

  Json track = TrackJson("B9", 35, 38, 6000, 200, 90);
  Route tracks{"POST", "/v1/tracks", false, Json{{"tracks", {track}}},
               {{"/tracks", std::nullopt, "tracks: required field is missing"},
                {"/tracks/0/alt_m", 1e9, "tracks[0].alt_m: 1000000000 m is out of range [-1000, 30000] m"},
                {"/tracks/0/lat_deg", std::nullopt, "tracks[0].lat_deg: required field is missing"},
                {"/tracks/0/gs_mps", -1, "tracks[0].gs_mps: -1 m/s is out of range [0, 1500] m/s"},
                {"/tracks/0/id", 7, "tracks[0].id: expected a string, got number 7"},
                {"/tracks/0/id", std::string(65, 'a'), "tracks[0].id: 65 bytes exceed the limit of 64 bytes"},
                {"/tracks/0/callsign", std::string(17, 'C'), "tracks[0].callsign: 17 bytes exceed the limit of 16 bytes"},
                {"/tracks/0/on_ground", "yes", "tracks[0].on_ground: expected true or false"},
                {"/tracks/0/operation_id", 5, "tracks[0].operation_id: expected an operation id"},
                {"/tracks/0/time_s", 1e12, "tracks[0].time_s: 1000000000000 s is out of range"},
                {"/tracks/0/colour", "blue", "tracks[0].colour: unknown field \"colour\"; allowed: alt_m, callsign"},
                {"/source", Json::array(), "source: expected a string, got an array"}}};
  for (Case c : TextCases("source")) tracks.cases.push_back(c);
  routes.push_back(tracks);

  Route notice{"POST", "/v1/notices", false, Json{{"kind", "free_text"}, {"to", {"red"}}, {"text", "hello"}},
               {{"/kind", "gossip", "kind: unknown notice kind \"gossip\"; allowed: free_text, advisory, operation_notice"},
                {"/kind", "distress", "kind: \"distress\" notices are made by the server"},
                {"/to", "red", "to: expected an array, got a string of 3 bytes"},
                {"/to/0", 5, "to[0]: expected a string, got number 5"},
                {"/to/0", "ghost", "to[0]: no party \"ghost\""},
                {"/text", std::nullopt, "text: required field is missing"},
                {"/text", std::string(4001, 't'), "text: 4001 bytes exceed the limit of 4000 bytes"},
                {"/priority", "urgent", "priority: unknown priority \"urgent\"; allowed: routine, priority, immediate"},
                {"/valid_until_s", 1e12, "valid_until_s: 1000000000000 s is out of range"},
                {"/colour", 1, "colour: unknown field \"colour\"; allowed: kind, operation_id, priority, text, to"}}};
  for (Case c : TextCases("text")) notice.cases.push_back(c);
  routes.push_back(notice);

  routes.push_back(Route{"POST", "/v1/notices/NOTICE/ack", false, Json{{"comment", "seen"}},
                         {{"/comment", 5, "comment: expected a string, got number 5"},
                          {"/comment", std::string(1001, 'c'), "comment: 1001 bytes exceed the limit of 1000 bytes"},
                          {"/colour", 1, "colour: unknown field \"colour\"; allowed: comment"}}});

  Route distress{"POST", "/v1/distress", false, Json{{"aircraft_id", "B1"}, {"text", "mayday"}},
                 {{"/aircraft_id", std::nullopt, "aircraft_id: required field is missing"},
                  {"/aircraft_id", 7, "aircraft_id: expected a string, got number 7"},
                  {"/text", std::string(4001, 't'), "text: 4001 bytes exceed the limit of 4000 bytes"},
                  {"/colour", 1, "colour: unknown field \"colour\"; allowed: aircraft_id, text"}}};
  for (Case c : TextCases("aircraft_id")) distress.cases.push_back(c);
  routes.push_back(distress);

  routes.push_back(Route{"POST", "/v1/parties", true, Json{{"id", "newp"}, {"name", "New"}},
                         {{"/id", 3, "id: expected a string, got number 3"},
                          {"/id", "admin", "id: \"admin\" is reserved"},
                          {"/name", std::string(257, 'n'), "name: 257 bytes exceed the limit of 256 bytes"},
                          {"/colour", 1, "colour: unknown field \"colour\"; allowed: escalation_contact, id, name"},
                          Raw("{\"id\": \"a\xc3\"}", "body: invalid UTF-8 at byte")}});
  for (const char* target : {"/v1/parties/blue/tokens", "/v1/parties/blue/tokens/rotate"})
    routes.push_back(Route{"POST", target, true, Json{{"label", "ops"}},
                           {{"/label", Json::array(), "label: expected a string, got an array"},
                            {"/label", std::string(129, 'l'), "label: 129 bytes exceed the limit of 128 bytes"},
                            {"/colour", 1, "colour: unknown field \"colour\"; allowed: label"},
                            // (administrator bodies are limited to 64 KiB)
                            Raw(std::string(60000, '['), "body: nested deeper than 64 levels")}});
  return routes;
}

// Everything the parties and the administrator can list (volatile fields left out).
std::string Snapshot(const ServerProcess& s, const std::string& blue, const std::string& red) {
  std::string out;
  for (const auto& [target, token] : std::vector<std::pair<std::string, std::string>>{
           {"/v1/operations", blue}, {"/v1/zones", blue}, {"/v1/zones", red}, {"/v1/notices", blue},
           {"/v1/notices", red}, {"/v1/distress", blue}, {"/v1/agreements", blue}, {"/v1/parties", s.admin()},
           {"/v1/parties/blue/tokens", s.admin()}}) {
    Json j = s.Get(target, token).json();
    out += target + " " + j.dump() + "\n";
  }
  Json tracks = s.Get("/v1/tracks", blue).json();
  for (const auto& t : tracks["tracks"]) out += "track " + t["id"].get<std::string>() + "\n";
  return out;
}

TEST(BadInput, EveryBodyRouteAndFieldTypeAnswers400NamingTheFieldAndStoresNothing) {
  ServerProcess s(FreshDir("bad-input"));
  const std::string blue = s.CreateParty("blue"), red = s.CreateParty("red");
  const double t0 = static_cast<double>(std::time(nullptr));
  // Something of each kind exists, so that a bad write could change it.
  ASSERT_EQ(s.Post("/v1/operations", blue, Json{{"id", "op-keep"}, {"volumes", {Volume(t0)}}}).status, 201);
  ASSERT_EQ(s.Post("/v1/tracks", blue, Json{{"tracks", {TrackJson("B1", 35, 38, 6000, 200, 90)}}}).status, 200);
  auto notice = s.Post("/v1/notices", red, Json{{"kind", "free_text"}, {"to", {"blue"}}, {"text", "hi"}});
  ASSERT_EQ(notice.status, 201) << notice.body;
  const std::string notice_id = notice.json()["notice_id"].get<std::string>();
  const std::string before = Snapshot(s, blue, red);
  int checked = 0;
  for (Route route : Routes(t0)) {
    if (auto p = route.target.find("NOTICE"); p != std::string::npos) route.target.replace(p, 6, notice_id);
    for (const Case& c : route.cases) {
      std::string text = c.raw;
      if (text.empty()) {
        Json body = route.valid;
        const Json::json_pointer ptr(c.pointer);
        if (c.value) body[ptr] = *c.value;
        else body[ptr.parent_pointer()].erase(ptr.back());
        text = body.dump(-1, ' ', false, Json::error_handler_t::replace);
      }
      ASSERT_LT(text.size(), size_t{1} << 20) << "under the body limit";
      const auto r = Http(s.port(), route.method, route.target, route.admin ? s.admin() : blue, text);
      const std::string what = route.method + " " + route.target + " " + (c.raw.empty() ? c.pointer : c.needle);
      EXPECT_EQ(r.status, 400) << what << ": " << r.body;
      const Json j = r.json();
      ASSERT_TRUE(j.is_object()) << what << ": " << r.body;
      const std::string msg = j["error"]["message"].get<std::string>();
      if (c.needle[0] == '~') EXPECT_NE(msg.find(c.needle.substr(1)), std::string::npos) << what << ": " << msg;
      else EXPECT_EQ(msg.rfind(c.needle, 0), 0u) << what << ":\n  got:  " << msg << "\n  want: " << c.needle;
      ++checked;
    }
    EXPECT_EQ(Snapshot(s, blue, red), before) << "nothing stored by " << route.method << " " << route.target;
  }
  EXPECT_GT(checked, 120);
  // The server is still up and the valid bodies still work.
  EXPECT_EQ(s.Get("/healthz", "").status, 200);
  EXPECT_EQ(s.Post("/v1/operations", blue, Json{{"id", "op-new"}, {"volumes", {Volume(t0)}}}).status, 201);
}

}  // namespace
}  // namespace deconflict::testing
