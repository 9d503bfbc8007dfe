// DAIDALUS encounter files (.daa), NASA DAIDALUS v2 (https://github.com/nasa/daidalus, DaidalusFileWalker):
//   NAME, lat,   lon,   alt,  trk,   gs,     vs,    time
//   [none], [deg], [deg], [ft], [deg], [knot], [fpm], [s]
//   ownship, 33.81, -117.0, 17000, 0, 200, 0, 0
// Separators are commas and/or blanks. The first row of each time is the ownship; the others are traffic.
// Velocity is trk/gs/vs or vx/vy/vz (east, north, up). Every used column's unit is honoured; an unknown unit is
// an error. Parties: the ownship is party "ownship" and all traffic party "traffic", so that, as in DAIDALUS,
// only ownship-traffic pairs are checked unless same-party pairs are asked for.
#include <array>
#include <cmath>

#include "core/units.h"
#include "io/text_fields.h"

namespace deconflict::io::internal {

namespace {

enum Column { kName, kLat, kLon, kAlt, kTrk, kGs, kVs, kVx, kVy, kVz, kTime, kColumnCount };
constexpr std::array<const char*, kColumnCount> kNames = {"name", "lat", "lon", "alt", "trk", "gs",
                                                          "vs",   "vx",  "vy",  "vz",  "time"};

units::Dimension DimensionOf(Column c) {
  switch (c) {
    case kLat: case kLon: case kTrk: return units::Dimension::kAngle;
    case kAlt: return units::Dimension::kLength;
    case kGs: case kVx: case kVy: return units::Dimension::kSpeed;
    case kVs: case kVz: return units::Dimension::kVerticalSpeed;
    case kTime: return units::Dimension::kTime;
    default: return units::Dimension::kLength;
  }
}

// Factor from the file's unit to SI (degrees for angles). DAIDALUS spells units like [deg], [ft], [nmi],
// [knot], [kn], [fpm], [m/s], [s], [ms]; "unitless", "[none]" and "[-]" only for the name column.
std::optional<FieldError> UnitFactor(Column c, std::string_view unit_text, double* factor) {
  std::string u = Lower(Trim(unit_text));
  if (u.size() >= 2 && u.front() == '[' && u.back() == ']') u = u.substr(1, u.size() - 2);
  if (c == kName) {
    if (u == "unitless" || u == "none" || u == "-" || u.empty()) return std::nullopt;
    return FieldError{kNames[c], "unknown unit \"" + std::string(unit_text) + "\" (expected [none] or unitless)"};
  }
  units::Dimension dim = DimensionOf(c);
  if (dim == units::Dimension::kAngle && u == "rad") {
    *factor = units::kRadToDeg;
    return std::nullopt;
  }
  if (u == "knot" || u == "knots" || u == "kn" || u == "kts") u = "kt";
  if (u == "nmi") u = "nm";
  if (u == "unitless" || u == "none" || u.empty())
    return FieldError{kNames[c], "column needs a unit, found \"" + std::string(unit_text) + "\""};
  auto f = units::ParseQuantity("1 " + u, dim);
  if (!f.ok())
    return FieldError{kNames[c], "unknown " + std::string(units::DimensionName(dim)) + " unit \"" +
                                     std::string(unit_text) + "\""};
  *factor = *f;
  return std::nullopt;
}

bool Skippable(std::string_view line) {
  line = Trim(line);
  return line.empty() || line.front() == '#';
}

}  // namespace

Status ParseDaidalus(std::string_view text, LineErrors& errors, ReadResult* result) {
  std::vector<std::string_view> lines = SplitLines(text);
  std::size_t li = 0;
  // Parameter lines ("key = value") may precede the header.
  while (li < lines.size() && (Skippable(lines[li]) || lines[li].find('=') != std::string_view::npos)) ++li;
  if (li == lines.size()) return errors.Fatal(1, {"header", "no header line (empty file)"});
  const std::size_t header_no = li + 1;
  std::vector<std::string_view> header = SplitCommaOrBlank(lines[li]);
  std::array<int, kColumnCount> index;
  index.fill(-1);
  for (std::size_t i = 0; i < header.size(); ++i) {
    std::string name = Lower(header[i]);
    if (name == "id") name = "name";
    for (int c = 0; c < kColumnCount; ++c)
      if (name == kNames[c]) {
        if (index[c] >= 0) return errors.Fatal(header_no, {name, "column appears twice in the header"});
        index[c] = static_cast<int>(i);
      }
  }
  if (index[kName] < 0 || index[kLat] < 0 || index[kLon] < 0 || index[kAlt] < 0 || index[kTime] < 0) {
    for (Column c : {kName, kLat, kLon, kAlt, kTime})
      if (index[c] < 0)
        return errors.Fatal(header_no, {kNames[c], "missing column (a .daa header needs NAME, lat, lon, alt, "
                                                   "trk, gs, vs or vx, vy, vz, and time; sx/sy/sz are not supported)"});
  }
  const bool polar = index[kTrk] >= 0 && index[kGs] >= 0 && index[kVs] >= 0;
  const bool cartesian = index[kVx] >= 0 && index[kVy] >= 0 && index[kVz] >= 0;
  if (!polar && !cartesian)
    return errors.Fatal(header_no, {"velocity", "missing columns: trk, gs, vs (or vx, vy, vz)"});

  ++li;
  while (li < lines.size() && Skippable(lines[li])) ++li;
  if (li == lines.size()) return errors.Fatal(header_no + 1, {"units", "missing units line after the header"});
  const std::size_t units_no = li + 1;
  std::vector<std::string_view> unit_fields = SplitCommaOrBlank(lines[li]);
  if (unit_fields.size() != header.size())
    return errors.Fatal(units_no, {"units", std::to_string(unit_fields.size()) + " units for " +
                                                std::to_string(header.size()) + " columns"});
  std::array<double, kColumnCount> factor;
  factor.fill(1.0);
  for (int c = 0; c < kColumnCount; ++c) {
    if (index[c] < 0) continue;
    if (polar && (c == kVx || c == kVy || c == kVz)) continue;
    if (!polar && (c == kTrk || c == kGs || c == kVs)) continue;
    if (auto e = UnitFactor(static_cast<Column>(c), unit_fields[index[c]], &factor[c]))
      return errors.Fatal(units_no, *e);
  }

  bool have_time = false;
  double block_time = 0;
  for (++li; li < lines.size(); ++li) {
    if (Skippable(lines[li])) continue;
    const std::size_t line_no = li + 1;
    ++result->records;
    std::vector<std::string_view> f = SplitCommaOrBlank(lines[li]);
    std::optional<FieldError> err;
    TrackState st;
    if (f.size() != header.size()) {
      err = FieldError{"line", std::to_string(f.size()) + " fields where the header has " +
                                   std::to_string(header.size())};
    } else {
      auto num = [&](Column c, double* out) -> std::optional<FieldError> {
        double v = 0;
        if (auto e = ParseNumber(f[index[c]], kNames[c], &v)) return e;
        *out = v * factor[c];
        return std::nullopt;
      };
      st.id = std::string(f[index[kName]]);
      if (!err) err = num(kTime, &st.time_s);
      if (!err) err = num(kLat, &st.lat_deg);
      if (!err) err = num(kLon, &st.lon_deg);
      if (!err) err = num(kAlt, &st.alt_m);
      if (polar) {
        if (!err) err = num(kTrk, &st.trk_deg);
        if (!err) err = num(kGs, &st.gs_mps);
        if (!err) err = num(kVs, &st.vs_mps);
      } else {
        double vx = 0, vy = 0;
        if (!err) err = num(kVx, &vx);
        if (!err) err = num(kVy, &vy);
        if (!err) err = num(kVz, &st.vs_mps);
        st.gs_mps = std::hypot(vx, vy);
        st.trk_deg = std::atan2(vx, vy) * units::kRadToDeg;
      }
      if (!err) err = CheckState(&st);
      if (err) {
        static const std::pair<const char*, const char*> kFileNames[] = {
            {"id", "NAME"}, {"lat_deg", "lat"}, {"lon_deg", "lon"}, {"alt_m", "alt"},
            {"gs_mps", "gs"}, {"trk_deg", "trk"}, {"vs_mps", "vs"}, {"time_s", "time"}};
        for (const auto& [ours, theirs] : kFileNames)
          if (err->field == ours) err->field = theirs;
      }
    }
    if (!err && have_time && st.time_s < block_time)
      err = FieldError{"time", "time goes backwards (DAIDALUS files are in time order)"};
    if (err) {
      Status s = errors.Bad(line_no, *err);
      if (!s.ok()) return s;
      continue;
    }
    // The first aircraft of each time is the ownship.
    st.party = (!have_time || st.time_s != block_time) ? "ownship" : "traffic";
    have_time = true;
    block_time = st.time_s;
    result->states.push_back(std::move(st));
  }
  return Status::Ok();
}

}  // namespace deconflict::io::internal
