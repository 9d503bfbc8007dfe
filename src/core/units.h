// SI units inside deconflict; these named constants convert at the edges only.
// Sources: ICAO Annex 5 (units), 1 ft = 0.3048 m exactly, 1 NM = 1852 m exactly.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace deconflict::units {

inline constexpr double kFootM = 0.3048;               // international foot
inline constexpr double kNauticalMileM = 1852.0;       // international nautical mile
inline constexpr double kStatuteMileM = 1609.344;
inline constexpr double kKnotMps = kNauticalMileM / 3600.0;
inline constexpr double kFeetPerMinuteMps = kFootM / 60.0;
inline constexpr double kKmhMps = 1000.0 / 3600.0;
inline constexpr double kFlightLevelM = 100.0 * kFootM;  // FL1 = 100 ft (pressure altitude)
inline constexpr double kPi = 3.14159265358979323846;
inline constexpr double kDegToRad = kPi / 180.0;
inline constexpr double kRadToDeg = 180.0 / kPi;
// Standard acceleration of gravity (CGPM 1901, ISO 80000-3): DAIDALUS writes vertical accelerations in [G].
inline constexpr double kStandardGravityMps2 = 9.80665;

constexpr double FeetToMeters(double ft) { return ft * kFootM; }
constexpr double MetersToFeet(double m) { return m / kFootM; }
constexpr double NauticalMilesToMeters(double nm) { return nm * kNauticalMileM; }
constexpr double MetersToNauticalMiles(double m) { return m / kNauticalMileM; }
constexpr double KnotsToMps(double kt) { return kt * kKnotMps; }
constexpr double MpsToKnots(double mps) { return mps / kKnotMps; }
constexpr double FpmToMps(double fpm) { return fpm * kFeetPerMinuteMps; }
constexpr double MpsToFpm(double mps) { return mps / kFeetPerMinuteMps; }

enum class Dimension { kLength, kTime, kSpeed, kVerticalSpeed, kAngle };

const char* DimensionName(Dimension d);

// Parses a quantity with an optional unit suffix into SI (m, s, m/s, rad->deg stays deg).
//   length:         m (default), km, ft, nm|NM, mi, FL<n> (flight level: FL350 = 35000 ft)
//   time:           s (default), ms, min, h
//   speed:          mps|m/s (default), kt|kts, kmh|km/h
//   vertical speed: mps|m/s (default), fpm|ft/min
//   angle:          deg (default)
// Whitespace between number and unit is allowed; unit matching is case-insensitive.
// Errors name the text and the unknown unit, e.g. `unknown length unit "parsec" in "5parsec"`.
Result<double> ParseQuantity(std::string_view text, Dimension dim);

// Parses a plain finite decimal number (no unit). Rejects NaN, inf, empty and trailing junk.
Result<double> ParseFiniteNumber(std::string_view text);

}  // namespace deconflict::units
