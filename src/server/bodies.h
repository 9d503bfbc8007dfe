// The request bodies of the API as models: one decoder per body (JSON value -> model), strict as
// core/json_fields.h (unknown fields refused with the allowed list, no coercion between JSON types, finite numbers
// within physical bounds, strings within byte limits); errors name the field from the body's root
// ("tracks[3].alt_m: 1e+09 m is out of range [-1000, 30000] m"). Operations, zones and agreement terms are
// plan objects (plan/codec.h). Each model has an encoder for the round trip the fuzzer checks
// (src/server/bodies_fuzz.cc): Decode(Encode(m)) == m.
//
// The handlers (service_api.cc, service_plan.cc, service_tokens.cc) parse the text with json::Parse (bounded
// depth, UTF-8, no repeated member) and then call one of these; nothing here sees HTTP, locks or the store.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "channel/notice.h"
#include "core/json.h"
#include "core/status.h"
#include "core/track.h"
#include "plan/model.h"

namespace deconflict::server {

using Json = json::Json;

// Physical bounds of a reported track (altitude: plan/limits.h, the same rule as plan volumes).
inline constexpr double kMaxGroundSpeedMps = 1500;  // above Mach 4 at altitude: beyond every aircraft (SR-71: ~980 m/s)
inline constexpr double kMaxVerticalSpeedMps = 300;  // ~59,000 ft/min: beyond every aircraft's climb or dive rate
inline constexpr size_t kMaxTrackIdBytes = 64;
inline constexpr size_t kMaxCallsignBytes = 16;      // ICAO Doc 8585 flight identification is 7; room for others
inline constexpr double kMaxTrackFutureS = 60;       // a track time at most this far ahead of the server clock
inline constexpr size_t kMaxNoticeTextBytes = 4000;
inline constexpr size_t kMaxNoticeRecipients = 64;
inline constexpr size_t kMaxLabelBytes = 128;        // token labels, track sources
inline constexpr size_t kMaxNameBytes = 256;         // party names and escalation contacts
inline constexpr size_t kMaxCommentBytes = 1000;

// POST /v1/tracks {tracks: [...], source?}. bindings[i]: the operation binding track i asks for (unset: keep the
// track's; "": unbind, from JSON null).
struct TrackBatch {
  std::vector<TrackState> tracks;  // party set to the caller's
  std::vector<std::optional<std::string>> bindings;
  std::string source = "api";
};
Result<TrackBatch> DecodeTrackBatch(const Json& body, const std::string& party, double now_s, size_t max_tracks);
Json EncodeTrackBatch(const TrackBatch& b);

// POST /v1/notices.
struct NoticeBody {
  channel::NoticeKind kind = channel::NoticeKind::kFreeText;
  std::vector<std::string> to;  // party ids, or ["*"]: every other party
  std::string text;
  channel::Priority priority = channel::Priority::kRoutine;
  std::string operation_id, zone_id;
  std::optional<double> valid_until_s;
};
Result<NoticeBody> DecodeNoticeBody(const Json& body);
Json EncodeNoticeBody(const NoticeBody& n);

// POST /v1/distress.
struct DistressBody {
  std::string aircraft_id;
  std::string text;
};
Result<DistressBody> DecodeDistressBody(const Json& body);
Json EncodeDistressBody(const DistressBody& d);

// POST /v1/parties (administrator).
struct PartyBody {
  std::string id, name, escalation_contact;
};
Result<PartyBody> DecodePartyBody(const Json& body);
Json EncodePartyBody(const PartyBody& p);

// POST /v1/parties/{id}/tokens and .../rotate (administrator): {label?}. POST /v1/notices/{id}/ack: {comment?}.
Result<std::string> DecodeLabelBody(const Json& body);
Result<std::string> DecodeAckBody(const Json& body);

// POST /v1/agreements/{party}/accept {version}; .../propose and .../counter {latest_seen?, terms}.
struct AgreementActionBody {
  plan::Version version = 0;      // accept
  plan::Version latest_seen = 0;  // propose, counter
  plan::AgreementTerms terms;     // propose, counter: `base` overlaid with the body's terms
};
Result<AgreementActionBody> DecodeAgreementActionBody(const Json& body, bool accept, const plan::AgreementTerms& base);
Json EncodeAgreementActionBody(const AgreementActionBody& a, bool accept);

}  // namespace deconflict::server
