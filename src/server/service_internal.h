// Internals shared by the service's translation units (not part of the public API).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "channel/channel.h"
#include "server/service.h"

namespace deconflict::server {

// Collects what one store transaction did: its record entries and the stream events they make.
struct Service::Outbox {
  explicit Outbox(store::WriteTx& t) : tx(t) {}
  store::WriteTx& tx;
  std::vector<uint64_t> seqs;
  std::vector<std::pair<std::string, StreamEvent>> events;

  // Appends a record entry. With event_type, the entry is also a stream event for the parties in event_to
  // (default: the audience); they are added to the audience, so that each can fetch a receipt for what it
  // was shown. The payload gets "event" and "event_to" fields so that a restart rebuilds the streams.
  Result<uint64_t> Record(const std::string& kind, const std::string& actor, std::vector<std::string> audience,
                          Json payload, const std::string& event_type = {}, std::vector<std::string> event_to = {});
};

// One alert: a predicted loss of separation between aircraft of two parties (or a zone intrusion).
struct Service::AlertState {
  std::string id;
  std::string kind = "separation";  // "separation" | "distress_zone"
  std::string party_a, party_b;     // parties concerned (party_b may be "" for zone alerts of party_a)
  TrackState a, b;                  // latest states of the two aircraft (b: the zone centre for zone alerts)
  std::string level = "caution";    // "caution" | "warning"
  bool open = true;
  double began_s = 0, updated_s = 0;
  double t_in_s = 0, t_cpa_s = 0, d_cpa_m = 0;
  bool los = false;
  std::map<std::string, std::string> notice_of;  // party -> the alert notice sent to it
};

// A declared distress and its exclusion zone.
struct Service::DistressState {
  std::string party, aircraft_id, notice_id, zone_id;
  double lat_deg = 0, lon_deg = 0, alt_m = 0, radius_m = 0;
  double declared_s = 0;
};

Json TrackToJson(const TrackState& t);
// The channel notice stored in a store::Notice body (without recipients).
Result<channel::Notice> NoticeFromStore(const store::Notice& n);
// The transitions that bring a freshly posted recipient to the stored delivery state.
std::vector<channel::Transition> TransitionsFromDelivery(const store::Delivery& d);
int64_t ToMicros(double s);

}  // namespace deconflict::server
