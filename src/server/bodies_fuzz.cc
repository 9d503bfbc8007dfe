// libFuzzer target over every request-body parser of the API: bytes -> json::Parse (bounded depth, UTF-8) ->
// the body's decoder -> model. The first byte picks the body (operation, zone, agreement propose/accept, tracks
// batch, notice, distress, party, token label, acknowledgement); the rest is the body text.
//
// Contracts checked on every input (a violation aborts, which libFuzzer reports as a crash):
//   - nothing crashes, throws, overflows the stack or leaks (ASan, UBSan, LeakSanitizer);
//   - every error is a kInvalidArgument whose message is valid UTF-8 (it is sent as JSON);
//   - round trip: a decoded model encodes to JSON that decodes to the same model (Decode(Encode(m)) == m),
//     and that JSON survives dump -> Parse unchanged.
//
// Built and run by scripts/fuzz-bodies.sh (clang-14, -fsanitize=fuzzer,address,undefined); `make test` runs it
// for 20 s (tests/server/CMakeLists.txt, test server_fuzz_bodies).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/json.h"
#include "plan/codec.h"
#include "server/bodies.h"

namespace {

using deconflict::Result;
using deconflict::Status;
using deconflict::json::Json;
namespace plan = deconflict::plan;
namespace server = deconflict::server;

constexpr double kNow = 1767261600;  // 2026-01-01T10:00:00Z

[[noreturn]] void Violation(const char* what, const std::string& detail) {
  std::fprintf(stderr, "contract violated: %s: %s\n", what, detail.c_str());
  std::abort();
}

void CheckError(const Status& s) {
  if (s.ok() || s.code() != deconflict::ErrorCode::kInvalidArgument) Violation("error code", s.ToString());
  try {
    (void)Json(s.message()).dump();  // throws on invalid UTF-8
  } catch (const std::exception& e) {
    Violation("error message is not UTF-8", e.what());
  }
}

// Encoded JSON -> text -> Parse gives the same JSON (the text the store keeps reads back the same).
Json Reparse(const Json& encoded) {
  auto again = deconflict::json::Parse(encoded.dump());
  if (!again.ok()) Violation("encoded JSON does not parse", again.status().message());
  if (*again != encoded) Violation("encoded JSON changed through text", encoded.dump());
  return *again;
}

// Decode, and when it succeeds, encode -> decode -> equal.
template <typename T, typename Decode, typename Encode, typename Same>
void RoundTrip(const Json& body, Decode&& decode, Encode&& encode, Same&& same) {
  Result<T> first = decode(body);
  if (!first.ok()) return CheckError(first.status());
  const Json encoded = Reparse(encode(*first));
  Result<T> second = decode(encoded);
  if (!second.ok()) Violation("re-encoded model does not decode", second.status().message() + " in " + encoded.dump());
  if (!same(*first, *second)) Violation("round trip changed the model", encoded.dump());
}

bool SameTracks(const server::TrackBatch& a, const server::TrackBatch& b) {
  if (a.tracks.size() != b.tracks.size() || a.bindings != b.bindings || a.source != b.source) return false;
  for (size_t i = 0; i < a.tracks.size(); ++i) {
    const auto &x = a.tracks[i], &y = b.tracks[i];
    if (x.id != y.id || x.party != y.party || x.callsign != y.callsign || x.time_s != y.time_s ||
        x.lat_deg != y.lat_deg || x.lon_deg != y.lon_deg || x.alt_m != y.alt_m || x.gs_mps != y.gs_mps ||
        x.trk_deg != y.trk_deg || x.vs_mps != y.vs_mps || x.on_ground != y.on_ground)
      return false;
  }
  return true;
}

void Fuzz(uint8_t which, const Json& body) {
  const plan::AgreementTerms base;
  auto eq = [](const auto& a, const auto& b) { return a == b; };
  switch (which % 10) {
    case 0:
      return RoundTrip<plan::Operation>(body, [](const Json& j) { return plan::DecodeOperation(j); },
                                        [](const plan::Operation& o) {
                                          Json j = plan::EncodeOperation(o);
                                          if (!o.owner.empty()) j["owner"] = o.owner;
                                          return j;
                                        },
                                        eq);
    case 1:
      return RoundTrip<plan::Zone>(body, [](const Json& j) { return plan::DecodeZone(j); },
                                   [](const plan::Zone& z) {
                                     Json j = plan::EncodeZone(z);
                                     if (!z.owner.empty()) j["owner"] = z.owner;
                                     return j;
                                   },
                                   eq);
    case 2:
    case 3: {
      const bool accept = which % 10 == 3;
      return RoundTrip<server::AgreementActionBody>(
          body, [&](const Json& j) { return server::DecodeAgreementActionBody(j, accept, base); },
          [&](const server::AgreementActionBody& a) { return server::EncodeAgreementActionBody(a, accept); },
          [](const auto& a, const auto& b) {
            return a.version == b.version && a.latest_seen == b.latest_seen && a.terms == b.terms;
          });
    }
    case 4:
      return RoundTrip<server::TrackBatch>(
          body, [](const Json& j) { return server::DecodeTrackBatch(j, "blue", kNow, 10000); },
          [](const server::TrackBatch& b) { return server::EncodeTrackBatch(b); }, SameTracks);
    case 5:
      return RoundTrip<server::NoticeBody>(body, [](const Json& j) { return server::DecodeNoticeBody(j); },
                                           [](const server::NoticeBody& n) { return server::EncodeNoticeBody(n); },
                                           [](const auto& a, const auto& b) {
                                             return a.kind == b.kind && a.to == b.to && a.text == b.text &&
                                                    a.priority == b.priority && a.operation_id == b.operation_id &&
                                                    a.zone_id == b.zone_id && a.valid_until_s == b.valid_until_s;
                                           });
    case 6:
      return RoundTrip<server::DistressBody>(body, [](const Json& j) { return server::DecodeDistressBody(j); },
                                             [](const server::DistressBody& d) { return server::EncodeDistressBody(d); },
                                             [](const auto& a, const auto& b) {
                                               return a.aircraft_id == b.aircraft_id && a.text == b.text;
                                             });
    case 7:
      return RoundTrip<server::PartyBody>(body, [](const Json& j) { return server::DecodePartyBody(j); },
                                          [](const server::PartyBody& p) { return server::EncodePartyBody(p); },
                                          [](const auto& a, const auto& b) {
                                            return a.id == b.id && a.name == b.name &&
                                                   a.escalation_contact == b.escalation_contact;
                                          });
    case 8:
      return RoundTrip<std::string>(body, [](const Json& j) { return server::DecodeLabelBody(j); },
                                    [](const std::string& l) { return Json{{"label", l}}; }, eq);
    default:
      return RoundTrip<std::string>(body, [](const Json& j) { return server::DecodeAckBody(j); },
                                    [](const std::string& c) { return Json{{"comment", c}}; }, eq);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto body = deconflict::json::Parse(text);
  if (!body.ok()) {
    CheckError(body.status());
    return 0;
  }
  if (deconflict::json::Depth(*body) > deconflict::json::kMaxDepth) Violation("depth bound", "parsed deeper than allowed");
  Fuzz(data[0], *body);
  return 0;
}
