#include "core/units.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <string>

namespace deconflict::units {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

struct UnitFactor {
  const char* name;
  double factor;
};

constexpr UnitFactor kLengthUnits[] = {{"", 1.0},   {"m", 1.0},         {"km", 1000.0},
                                       {"ft", kFootM}, {"nm", kNauticalMileM}, {"mi", kStatuteMileM}};
constexpr UnitFactor kTimeUnits[] = {{"", 1.0}, {"s", 1.0}, {"ms", 1e-3}, {"min", 60.0}, {"h", 3600.0}};
constexpr UnitFactor kSpeedUnits[] = {{"", 1.0},        {"mps", 1.0},         {"m/s", 1.0},    {"kt", kKnotMps},
                                      {"kts", kKnotMps}, {"kmh", kKmhMps}, {"km/h", kKmhMps}};
constexpr UnitFactor kVerticalSpeedUnits[] = {
    {"", 1.0}, {"mps", 1.0}, {"m/s", 1.0}, {"fpm", kFeetPerMinuteMps}, {"ft/min", kFeetPerMinuteMps}};
constexpr UnitFactor kAngleUnits[] = {{"", 1.0}, {"deg", 1.0}};

template <size_t N>
const UnitFactor* Find(const UnitFactor (&table)[N], const std::string& unit) {
  for (const auto& u : table)
    if (unit == u.name) return &u;
  return nullptr;
}

}  // namespace

const char* DimensionName(Dimension d) {
  switch (d) {
    case Dimension::kLength: return "length";
    case Dimension::kTime: return "time";
    case Dimension::kSpeed: return "speed";
    case Dimension::kVerticalSpeed: return "vertical speed";
    case Dimension::kAngle: return "angle";
  }
  return "quantity";
}

Result<double> ParseFiniteNumber(std::string_view text) {
  std::string_view t = Trim(text);
  if (t.empty()) return Status::Invalid("empty number");
  if (t.front() == '+') t.remove_prefix(1);
  double v = 0;
  auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || ptr != t.data() + t.size())
    return Status::Invalid("not a number: \"" + std::string(text) + "\"");
  if (!std::isfinite(v)) return Status::Invalid("not a finite number: \"" + std::string(text) + "\"");
  return v;
}

Result<double> ParseQuantity(std::string_view text, Dimension dim) {
  std::string_view t = Trim(text);
  if (t.empty()) return Status::Invalid(std::string("empty ") + DimensionName(dim));
  std::string lower = Lower(t);
  if (dim == Dimension::kLength && lower.size() > 2 && lower.rfind("fl", 0) == 0) {
    auto n = ParseFiniteNumber(std::string_view(lower).substr(2));
    if (!n.ok()) return Status::Invalid("bad flight level \"" + std::string(text) + "\"");
    return *n * kFlightLevelM;
  }
  // Split at the first character that cannot belong to a number.
  size_t i = 0;
  while (i < lower.size() &&
         (std::isdigit(static_cast<unsigned char>(lower[i])) || lower[i] == '.' || lower[i] == '-' || lower[i] == '+' ||
          ((lower[i] == 'e') && i + 1 < lower.size() &&
           (std::isdigit(static_cast<unsigned char>(lower[i + 1])) || lower[i + 1] == '-' || lower[i + 1] == '+'))))
    ++i;
  std::string_view number = std::string_view(lower).substr(0, i);
  std::string unit(Trim(std::string_view(lower).substr(i)));
  auto n = ParseFiniteNumber(number);
  if (!n.ok()) return Status::Invalid(std::string("bad ") + DimensionName(dim) + " \"" + std::string(text) + "\"");
  const UnitFactor* u = nullptr;
  switch (dim) {
    case Dimension::kLength: u = Find(kLengthUnits, unit); break;
    case Dimension::kTime: u = Find(kTimeUnits, unit); break;
    case Dimension::kSpeed: u = Find(kSpeedUnits, unit); break;
    case Dimension::kVerticalSpeed: u = Find(kVerticalSpeedUnits, unit); break;
    case Dimension::kAngle: u = Find(kAngleUnits, unit); break;
  }
  if (!u)
    return Status::Invalid(std::string("unknown ") + DimensionName(dim) + " unit \"" + unit + "\" in \"" +
                           std::string(text) + "\"");
  return *n * u->factor;
}

}  // namespace deconflict::units
