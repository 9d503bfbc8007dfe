// ASTERIX item tables (User Application Profiles) of the categories and editions deconflict reads and
// writes. A record carries no length: the FSPEC says which items follow, and each item's length comes
// from its rule in the table (EUROCONTROL-SPEC-0149 Part 1 §4.3: fixed, extended, repetitive, compound,
// explicit). So every item of a UAP is listed, used or not, so that unused ones can be skipped.
//
// The tables are written by hand from the EUROCONTROL specifications:
//   CAT021 ADS-B Target Reports, EUROCONTROL-SPEC-0149-12, editions 2.4 (2015) and 2.6 (2021);
//   CAT062 SDPS Track Messages, EUROCONTROL-SPEC-0149-9, editions 1.17 (2014) and 1.18 (2019), and the
//          earlier edition 0.17 still in service;
//   CAT004 Safety Net Messages, EUROCONTROL-SPEC-0149-17, edition 1.12 (2020);
// cross-checked against Zoran Bošnjak's machine-readable asterix-specs (BSD-3-Clause,
// github.com/zoranbosnjak/asterix-specs). No file of another project is copied or generated from.
//
// CAT021 2.4 and 2.6 have the same UAP and the same item lengths (they differ in the meaning of some
// extension bits, e.g. I021/040); so do CAT062 1.17 and 1.18. They share one table each; the Edition value
// still tells them apart for the decoder and the encoder.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace deconflict::asterix {

// How the length of an item (or of a compound subfield) is found.
enum class Rule : uint8_t {
  kAbsent,      // no item at this FRN / subfield in this edition: a record that sets it is refused
  kFixed,       // `length` octets
  kExtended,    // parts of `length` octets, each ending with an FX bit (LSB) saying whether another follows
  kRepetitive,  // one octet REP, then REP repetitions of `length` octets
  kCompound,    // a primary subfield (octets with FX), then the subfields its bits select, in order
  kExplicit,    // one octet LEN counting itself, then LEN - 1 octets (RE and SP fields)
};

struct ItemSpec {
  const char* name = "";           // as the specification: "I062/105", subfields "I062/380 ADR"
  Rule rule = Rule::kAbsent;
  uint8_t length = 0;              // octets (fixed), per part (extended) or per repetition (repetitive)
  const ItemSpec* subfields = nullptr;  // compound: one per data bit of the primary subfield (FX excluded)
  uint8_t subfield_count = 0;
};

enum class Edition : uint8_t {
  kCat021v2_4,
  kCat021v2_6,
  kCat062v1_17,
  kCat062v1_18,
  kCat062v0_17,
  kCat004v1_12,
};

struct Uap {
  uint8_t category = 0;
  Edition edition{};
  const char* edition_name = "";   // "2.4", "1.18", ...
  const ItemSpec* items = nullptr; // items[frn - 1]; FX bits are not FRNs
  uint8_t frn_count = 0;
};

const Uap& UapOf(Edition edition);

// "21:2.4" style parsing: the category (21, 62, 4; "021" too) and the edition name. nullopt when unknown.
std::optional<Edition> EditionOf(int category, std::string_view edition_name);

// The item of `uap` at `frn` (1-based), or an absent spec when outside the table.
const ItemSpec& ItemAt(const Uap& uap, int frn);

}  // namespace deconflict::asterix
