// Import of the ASTM F3548-21 conformance-suite flight intents (InterUSS uss_qualifier
// FlightIntentCollection YAML, tests/data/interuss/*.yaml).
//
// An intent is `full` (a flight description) or a `delta` of another intent: `source` names it and
// `mutation` is merged over it the way the suite merges overrides: mappings recursively, lists element
// by element, scalars and nulls replace, and a key written `+key` replaces the whole value instead of
// merging. Times are relative to moments of the test (TimeOfEvaluation, StartOfScenario, ...), which are
// all taken as `now_s` here; durations like "-1s", "45m" (minutes), "32d" are offsets. The suite places
// the location-agnostic intents (defined around 0 N 0 E at ~0 m W84) with a translation, e.g.
// +32.7181 N, -96.7587 E, +93 m in its dev configuration f3548_self_contained.yaml.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/status.h"
#include "plan/model.h"

namespace deconflict::plan {

struct F3548Translation {
  double dlat_deg = 0, dlng_deg = 0, dalt_m = 0;
};
inline constexpr F3548Translation kUssQualifierTranslation{32.7181, -96.7587, 93.0};

struct F3548Intent {
  std::string name;
  // id = name, owner empty (the caller assigns a party), priority from astm_f3548_21.priority,
  // state from usage_state/uas_state (Planned -> accepted, InUse -> activated, InUse + OffNominal ->
  // nonconforming, InUse + Contingent -> contingent, Closed/Ended -> ended).
  Operation operation;
  std::string usage_state, uas_state;
};

Result<std::map<std::string, F3548Intent>> ParseF3548Intents(std::string_view text, std::string_view source,
                                                             double now_s, const F3548Translation& translation);
Result<std::map<std::string, F3548Intent>> LoadF3548Intents(const std::string& path, double now_s,
                                                            const F3548Translation& translation);

}  // namespace deconflict::plan
