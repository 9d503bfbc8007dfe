// ISO 8601 times and durations (declared in load.h), apart from the YAML loader so that the plan codec and its
// fuzzer need no YAML.
#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <ctime>

#include "core/units.h"
#include "plan/load.h"

namespace deconflict::plan {

Result<double> ParseIsoTime(std::string_view text) {
  const std::string s(text);
  int y, mo, d, h, mi;
  double sec;
  int n = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%lf%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 &&
      std::sscanf(s.c_str(), "%4d-%2d-%2d %2d:%2d:%lf%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6)
    return Status::Invalid("not an ISO 8601 date-time: \"" + s + "\" (expected e.g. 2026-01-01T10:00:00Z)");
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || !(sec >= 0 && sec < 61))
    return Status::Invalid("date-time out of range: \"" + s + "\"");
  std::string_view zone = std::string_view(s).substr(n);
  double offset = 0;
  if (zone == "Z" || zone == "z") {
    offset = 0;
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    int zh = 0, zm = 0;
    if (std::sscanf(std::string(zone.substr(1)).c_str(), "%2d:%2d", &zh, &zm) != 2)
      return Status::Invalid("bad UTC offset in \"" + s + "\"");
    offset = (zh * 3600 + zm * 60) * (zone[0] == '-' ? -1 : 1);
  } else {
    return Status::Invalid("date-time \"" + s + "\" needs a time zone (Z or +hh:mm)");
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = 0;
  return static_cast<double>(timegm(&tm)) + sec - offset;
}

std::string FormatIsoTime(double unix_s) {
  if (!std::isfinite(unix_s)) return "invalid";
  const double whole = std::floor(unix_s);
  std::time_t t = static_cast<std::time_t>(whole);
  std::tm tm{};
  gmtime_r(&t, &tm);
  const int ms = static_cast<int>(std::lround((unix_s - whole) * 1000));
  if (ms == 0 || ms == 1000)
    return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                       tm.tm_hour, tm.tm_min, tm.tm_sec + (ms == 1000 ? 1 : 0));
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:03d}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
}

Result<double> ParseDuration(std::string_view text) {
  std::string s;
  for (char c : text)
    if (!std::isspace(static_cast<unsigned char>(c))) s.push_back(static_cast<char>(std::tolower(c)));
  if (s.empty()) return Status::Invalid("empty duration");
  double sign = 1;
  size_t i = 0;
  if (s[0] == '-' || s[0] == '+') {
    sign = s[0] == '-' ? -1 : 1;
    i = 1;
  }
  double total = 0;
  bool any = false;
  while (i < s.size()) {
    size_t j = i;
    while (j < s.size() && (std::isdigit(static_cast<unsigned char>(s[j])) || s[j] == '.')) ++j;
    if (j == i) return Status::Invalid("bad duration \"" + std::string(text) + "\"");
    auto num = units::ParseFiniteNumber(std::string_view(s).substr(i, j - i));
    if (!num.ok()) return Status::Invalid("bad duration \"" + std::string(text) + "\"");
    size_t k = j;
    while (k < s.size() && std::isalpha(static_cast<unsigned char>(s[k]))) ++k;
    const std::string unit = s.substr(j, k - j);
    double factor;
    if (unit == "d" || unit == "day" || unit == "days") factor = 86400;
    else if (unit == "h" || unit == "hr" || unit == "hours") factor = 3600;
    else if (unit == "m" || unit == "min" || unit == "minutes") factor = 60;
    else if (unit == "s" || unit == "sec" || unit == "seconds" || (unit.empty() && k == s.size())) factor = 1;
    else if (unit == "ms") factor = 1e-3;
    else return Status::Invalid("unknown duration unit \"" + unit + "\" in \"" + std::string(text) + "\"");
    total += *num * factor;
    any = true;
    i = k;
  }
  if (!any) return Status::Invalid("bad duration \"" + std::string(text) + "\"");
  return sign * total;
}

}  // namespace deconflict::plan
