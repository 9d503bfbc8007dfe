// The one JSON codec of plan objects: operations, zones and agreement terms, JSON value <-> model.
// Used by the HTTP API (bodies), the service's store and restart (stored documents) and the plan-file loader
// (YAML and JSON files are converted to a JSON value first, load.cc), so every field has one rule.
//
// Decoding is strict: unknown fields are refused with the allowed list, a JSON type is never coerced into
// another (a number where an id is expected is an error), numbers must be finite and within the physical
// bounds of limits.h, strings within their byte limits. Every error names the field by its path from the
// value given (prefixed by `path`): "volumes[0].altitude_upper.value: 1e+09 m is out of range [-1000, 30000] m".
// Decoding checks fields one by one; validate.h checks the whole object (lower <= upper, outlines, horizons).
//
// Accepted forms (docs/planning.md): a length is a number (metres), a string with a unit ("50m", "5nm",
// "1000ft", "FL350") or an F3548 {value, units: M|FT, reference: W84}; a duration a number (seconds) or a string
// with a unit ("5min"); a time UNIX seconds, an ISO 8601 UTC string, or an F3548 {value, format}; a point
// [lat, lng] or {lat, lng}; an outline_polygon a list of points or {vertices: [...]}; a volume may nest its shape
// in an F3548 {volume: {...}, time_start, time_end}.
//
// Encoding writes the canonical form (numbers in SI units, polygon as [[lat, lng], ...]); for every decoded
// model m, Decode(Encode(m)) == m (the round trip the fuzzer src/plan/codec_fuzz.cc checks).
#pragma once

#include <string>
#include <string_view>

#include "core/json.h"
#include "core/status.h"
#include "plan/load.h"
#include "plan/model.h"

namespace deconflict::plan {

using Json = json::Json;

// One volume. path: e.g. "volumes[2]".
Result<Volume4D> DecodeVolume(const Json& v, const std::string& path);

// An operation {id, owner?, priority?, state?, volumes}. The owner is optional (over HTTP it is the caller's party,
// in the store the document's owner); the version is never read (the store's token).
Result<Operation> DecodeOperation(const Json& v, const std::string& path = "");
// A zone {id, owner?, kind, binds?: "all" | [party, ...], notification_lead?, notified_at?, volumes}.
Result<Zone> DecodeZone(const Json& v, const std::string& path = "");
// Agreement terms in the API form {track_horizontal_m, ..., escalation: [{after_s, action}]}; absent fields keep
// `base`. Also checks the terms as a whole (ValidateTerms).
Result<AgreementTerms> DecodeAgreementTerms(const Json& v, const AgreementTerms& base, const std::string& path = "terms");
// An agreement of a plan file {parties: [a, b], buffer_horizontal: 50m, ..., escalation: [{after, action}]}.
Result<AgreementSpec> DecodeAgreementSpec(const Json& v, const AgreementTerms& base, const std::string& path);

// Field forms shared with the F3548 and GeoJSON readers. lo/hi bound the value in SI units.
Result<double> DecodeLength(const Json& v, const std::string& path, double lo, double hi);
Result<double> DecodeDuration(const Json& v, const std::string& path, double lo, double hi);
Result<double> DecodeTime(const Json& v, const std::string& path);
Result<LatLng> DecodePoint(const Json& v, const std::string& path);

// Canonical encodings. Operations and zones carry neither owner nor version (the store's); a zone's
// notified_at is written when set (non-zero).
Json EncodeVolume(const Volume4D& v);
Json EncodeOperation(const Operation& op);
Json EncodeZone(const Zone& z);
Json EncodeAgreementTerms(const AgreementTerms& t);

}  // namespace deconflict::plan
