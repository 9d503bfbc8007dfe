// The tables, FRN by FRN, as the specifications list them (see uap.h for the editions and sources).
#include "asterix/uap.h"

#include <iterator>

namespace deconflict::asterix {
namespace {

constexpr ItemSpec F(const char* name, uint8_t octets) { return {name, Rule::kFixed, octets, nullptr, 0}; }
constexpr ItemSpec X(const char* name, uint8_t part) { return {name, Rule::kExtended, part, nullptr, 0}; }
constexpr ItemSpec R(const char* name, uint8_t each) { return {name, Rule::kRepetitive, each, nullptr, 0}; }
constexpr ItemSpec E(const char* name) { return {name, Rule::kExplicit, 0, nullptr, 0}; }
constexpr ItemSpec A(const char* name = "") { return {name, Rule::kAbsent, 0, nullptr, 0}; }
template <size_t N>
constexpr ItemSpec C(const char* name, const ItemSpec (&subs)[N]) {
  return {name, Rule::kCompound, 0, subs, static_cast<uint8_t>(N)};
}

// ---------------------------------------------------------------- CAT021 editions 2.4 and 2.6
constexpr ItemSpec k021_220[] = {F("I021/220 WS", 2), F("I021/220 WD", 2), F("I021/220 TMP", 2),
                                 F("I021/220 TRB", 1)};
constexpr ItemSpec k021_110[] = {X("I021/110 TIS", 1), R("I021/110 TID", 15)};
constexpr ItemSpec k021_295[] = {
    F("I021/295 AOS", 1), F("I021/295 TRD", 1), F("I021/295 M3A", 1), F("I021/295 QI", 1),
    F("I021/295 TI", 1),  F("I021/295 MAM", 1), F("I021/295 GH", 1),  F("I021/295 FL", 1),
    F("I021/295 ISA", 1), F("I021/295 FSA", 1), F("I021/295 AS", 1),  F("I021/295 TAS", 1),
    F("I021/295 MH", 1),  F("I021/295 BVR", 1), F("I021/295 GVR", 1), F("I021/295 GV", 1),
    F("I021/295 TAR", 1), F("I021/295 TID", 1), F("I021/295 TS", 1),  F("I021/295 MET", 1),
    F("I021/295 ROA", 1), F("I021/295 ARA", 1), F("I021/295 SCC", 1)};
constexpr ItemSpec k021[] = {
    F("I021/010", 2), X("I021/040", 1), F("I021/161", 2), F("I021/015", 1), F("I021/071", 3),   // 1-5
    F("I021/130", 6), F("I021/131", 8), F("I021/072", 3), F("I021/150", 2), F("I021/151", 2),   // 6-10
    F("I021/080", 3), F("I021/073", 3), F("I021/074", 4), F("I021/075", 3), F("I021/076", 4),   // 11-15
    F("I021/140", 2), X("I021/090", 1), F("I021/210", 1), F("I021/070", 2), F("I021/230", 2),   // 16-20
    F("I021/145", 2), F("I021/152", 2), F("I021/200", 1), F("I021/155", 2), F("I021/157", 2),   // 21-25
    F("I021/160", 4), F("I021/165", 2), F("I021/077", 3), F("I021/170", 6), F("I021/020", 1),   // 26-30
    C("I021/220", k021_220), F("I021/146", 2), F("I021/148", 2), C("I021/110", k021_110),       // 31-34
    F("I021/016", 1), F("I021/008", 1), X("I021/271", 1), F("I021/132", 1), R("I021/250", 8),   // 35-39
    F("I021/260", 7), F("I021/400", 1), C("I021/295", k021_295), A(), A(), A(), A(), A(),       // 40-47
    E("I021/RE"), E("I021/SP")};                                                                 // 48-49

// ---------------------------------------------------------------- CAT062 editions 1.17 and 1.18
constexpr ItemSpec k062_380[] = {
    F("I062/380 ADR", 3), F("I062/380 ID", 6),  F("I062/380 MHG", 2), F("I062/380 IAS", 2),
    F("I062/380 TAS", 2), F("I062/380 SAL", 2), F("I062/380 FSS", 2), X("I062/380 TIS", 1),
    R("I062/380 TID", 15), F("I062/380 COM", 2), F("I062/380 SAB", 2), F("I062/380 ACS", 7),
    F("I062/380 BVR", 2), F("I062/380 GVR", 2), F("I062/380 RAN", 2), F("I062/380 TAR", 2),
    F("I062/380 TAN", 2), F("I062/380 GSP", 2), F("I062/380 VUN", 1), F("I062/380 MET", 8),
    F("I062/380 EMC", 1), F("I062/380 POS", 6), F("I062/380 GAL", 2), F("I062/380 PUN", 1),
    R("I062/380 MB", 8),  F("I062/380 IAR", 2), F("I062/380 MAC", 2), F("I062/380 BPS", 2)};
constexpr ItemSpec k062_290[] = {F("I062/290 TRK", 1), F("I062/290 PSR", 1), F("I062/290 SSR", 1),
                                 F("I062/290 MDS", 1), F("I062/290 ADS", 2), F("I062/290 ES", 1),
                                 F("I062/290 VDL", 1), F("I062/290 UAT", 1), F("I062/290 LOP", 1),
                                 F("I062/290 MLT", 1)};
constexpr ItemSpec k062_295[] = {
    F("I062/295 MFL", 1), F("I062/295 MD1", 1), F("I062/295 MD2", 1), F("I062/295 MDA", 1),
    F("I062/295 MD4", 1), F("I062/295 MD5", 1), F("I062/295 MHG", 1), F("I062/295 IAS", 1),
    F("I062/295 TAS", 1), F("I062/295 SAL", 1), F("I062/295 FSS", 1), F("I062/295 TID", 1),
    F("I062/295 COM", 1), F("I062/295 SAB", 1), F("I062/295 ACS", 1), F("I062/295 BVR", 1),
    F("I062/295 GVR", 1), F("I062/295 RAN", 1), F("I062/295 TAR", 1), F("I062/295 TAN", 1),
    F("I062/295 GSP", 1), F("I062/295 VUN", 1), F("I062/295 MET", 1), F("I062/295 EMC", 1),
    F("I062/295 POS", 1), F("I062/295 GAL", 1), F("I062/295 PUN", 1), F("I062/295 MB", 1),
    F("I062/295 IAR", 1), F("I062/295 MAC", 1), F("I062/295 BPS", 1)};
constexpr ItemSpec k062_390[] = {
    F("I062/390 TAG", 2), F("I062/390 CSN", 7), F("I062/390 IFI", 4), F("I062/390 FCT", 1),
    F("I062/390 TAC", 4), F("I062/390 WTC", 1), F("I062/390 DEP", 4), F("I062/390 DST", 4),
    F("I062/390 RDS", 3), F("I062/390 CFL", 2), F("I062/390 CTL", 2), R("I062/390 TOD", 4),
    F("I062/390 AST", 6), F("I062/390 STS", 1), F("I062/390 STD", 7), F("I062/390 STA", 7),
    F("I062/390 PEM", 2), F("I062/390 PEC", 7)};
constexpr ItemSpec k062_110[] = {F("I062/110 SUM", 1), F("I062/110 PMN", 4), F("I062/110 POS", 6),
                                 F("I062/110 GA", 2),  F("I062/110 EM1", 2), F("I062/110 TOS", 1),
                                 F("I062/110 XP", 1)};
constexpr ItemSpec k062_500[] = {F("I062/500 APC", 4), F("I062/500 COV", 2), F("I062/500 APW", 4),
                                 F("I062/500 AGA", 1), F("I062/500 ABA", 1), F("I062/500 ATV", 2),
                                 F("I062/500 AA", 2),  F("I062/500 ARC", 1)};
constexpr ItemSpec k062_340[] = {F("I062/340 SID", 2), F("I062/340 POS", 4), F("I062/340 HEI", 2),
                                 F("I062/340 MDC", 2), F("I062/340 MDA", 2), F("I062/340 TYP", 1)};
constexpr ItemSpec k062v1[] = {
    F("I062/010", 2), A("spare FRN 2"), F("I062/015", 1), F("I062/070", 3), F("I062/105", 8),    // 1-5
    F("I062/100", 6), F("I062/185", 4), F("I062/210", 2), F("I062/060", 2), F("I062/245", 7),    // 6-10
    C("I062/380", k062_380), F("I062/040", 2), X("I062/080", 1), C("I062/290", k062_290),        // 11-14
    F("I062/200", 1), C("I062/295", k062_295), F("I062/136", 2), F("I062/130", 2),               // 15-18
    F("I062/135", 2), F("I062/220", 2), C("I062/390", k062_390), X("I062/270", 1),               // 19-22
    F("I062/300", 1), C("I062/110", k062_110), F("I062/120", 2), X("I062/510", 3),               // 23-26
    C("I062/500", k062_500), C("I062/340", k062_340), A(), A(), A(), A(), A(),                   // 27-33
    E("I062/RE"), E("I062/SP")};                                                                  // 34-35

// ---------------------------------------------------------------- CAT062 edition 0.17
constexpr ItemSpec k062v0_290[] = {F("I062/290 PSR", 1), F("I062/290 SSR", 1), F("I062/290 MDA", 1),
                                   F("I062/290 MFL", 1), F("I062/290 MDS", 1), F("I062/290 ADS", 2),
                                   F("I062/290 ADB", 1), F("I062/290 MD1", 1), F("I062/290 MD2", 1)};
constexpr ItemSpec k062v0_380[] = {F("I062/380 MB", 9), F("I062/380 ADR", 3), F("I062/380 ID", 6),
                                   F("I062/380 COM", 2), F("I062/380 ACS", 7)};
constexpr ItemSpec k062v0_390[] = {
    F("I062/390 TAG", 2), F("I062/390 CSN", 7), F("I062/390 IFI", 4), F("I062/390 FCT", 1),
    F("I062/390 TAC", 4), F("I062/390 WTC", 1), F("I062/390 DEP", 4), F("I062/390 DST", 4),
    F("I062/390 RDS", 3), F("I062/390 CFL", 2), F("I062/390 CTL", 2), R("I062/390 TOD", 4),
    F("I062/390 AST", 6), F("I062/390 STS", 1)};
constexpr ItemSpec k062v0[] = {
    F("I062/010", 2), F("I062/015", 1), F("I062/070", 3), F("I062/040", 2), F("I062/105", 6),    // 1-5
    F("I062/100", 4), F("I062/060", 2), F("I062/130", 2), F("I062/135", 2), F("I062/136", 2),    // 6-10
    F("I062/180", 4), F("I062/200", 1), F("I062/220", 2), F("I062/240", 1), F("I062/210", 2),    // 11-15
    X("I062/080", 1), C("I062/290", k062v0_290), C("I062/340", k062_340),                        // 16-18
    C("I062/380", k062v0_380), A("I062/050"), C("I062/390", k062v0_390), F("I062/110", 1),       // 19-22
    F("I062/120", 2), X("I062/510", 3), A(), A(), E("I062/RE"), E("I062/SP")};                    // 23-28

// ---------------------------------------------------------------- CAT004 edition 1.12
constexpr ItemSpec k004_170[] = {F("I004/170 AI1", 7), F("I004/170 M31", 2), F("I004/170 CPW", 10),
                                 F("I004/170 CPC", 8), F("I004/170 TT1", 3), F("I004/170 DT1", 2),
                                 X("I004/170 AC1", 1), F("I004/170 MS1", 6), F("I004/170 FP1", 4),
                                 F("I004/170 CF1", 2)};
constexpr ItemSpec k004_171[] = {F("I004/171 AI2", 7), F("I004/171 M32", 2), F("I004/171 CPW", 10),
                                 F("I004/171 CPL", 8), F("I004/171 TT2", 3), F("I004/171 DT2", 2),
                                 X("I004/171 AC2", 1), F("I004/171 MS2", 6), F("I004/171 FP2", 4),
                                 F("I004/171 CF2", 2)};
constexpr ItemSpec k004_120[] = {X("I004/120 CN", 1), F("I004/120 CC", 1), F("I004/120 CP", 1),
                                 F("I004/120 CD", 3)};
constexpr ItemSpec k004_070[] = {F("I004/070 TC", 3), F("I004/070 TCA", 3), F("I004/070 CHS", 3),
                                 F("I004/070 MHS", 2), F("I004/070 CVS", 2), F("I004/070 MVS", 2)};
constexpr ItemSpec k004_100[] = {F("I004/100 AN", 6), F("I004/100 CAN", 7), F("I004/100 RT1", 7),
                                 F("I004/100 RT2", 7), F("I004/100 SB", 7), F("I004/100 G", 7)};
constexpr ItemSpec k004[] = {
    F("I004/010", 2), F("I004/000", 1), R("I004/015", 2), F("I004/020", 3), F("I004/040", 2),     // 1-5
    F("I004/045", 1), X("I004/060", 1), F("I004/030", 2), C("I004/170", k004_170),               // 6-9
    C("I004/120", k004_120), C("I004/070", k004_070), F("I004/076", 2), F("I004/074", 2),        // 10-13
    F("I004/075", 3), C("I004/100", k004_100), F("I004/035", 2), C("I004/171", k004_171),        // 14-17
    R("I004/110", 2), A(), E("I004/RE"), E("I004/SP")};                                           // 18-21

template <size_t N>
constexpr Uap MakeUap(uint8_t category, Edition edition, const char* name, const ItemSpec (&items)[N]) {
  return {category, edition, name, items, static_cast<uint8_t>(N)};
}

constexpr Uap kUaps[] = {
    MakeUap(21, Edition::kCat021v2_4, "2.4", k021),   MakeUap(21, Edition::kCat021v2_6, "2.6", k021),
    MakeUap(62, Edition::kCat062v1_17, "1.17", k062v1), MakeUap(62, Edition::kCat062v1_18, "1.18", k062v1),
    MakeUap(62, Edition::kCat062v0_17, "0.17", k062v0), MakeUap(4, Edition::kCat004v1_12, "1.12", k004),
};

constexpr ItemSpec kAbsent = A();

}  // namespace

const Uap& UapOf(Edition edition) {
  for (const Uap& u : kUaps)
    if (u.edition == edition) return u;
  return kUaps[0];  // unreachable: every Edition has a table
}

std::optional<Edition> EditionOf(int category, std::string_view edition_name) {
  for (const Uap& u : kUaps)
    if (u.category == category && edition_name == u.edition_name) return u.edition;
  return std::nullopt;
}

const ItemSpec& ItemAt(const Uap& uap, int frn) {
  if (frn < 1 || frn > uap.frn_count) return kAbsent;
  return uap.items[frn - 1];
}

}  // namespace deconflict::asterix
