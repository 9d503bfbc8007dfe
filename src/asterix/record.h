// ASTERIX data blocks and records (EUROCONTROL-SPEC-0149 Part 1 §4): a block is CAT (1 octet), LEN (2
// octets, big-endian, counting CAT and LEN) and one or more records of that category; a record is an FSPEC
// (octets whose 7 high bits say which FRNs are present, the LSB (FX) that another FSPEC octet follows) and
// the present items in FRN order, each as long as its rule in the UAP says (uap.h).
//
// Parsing is pure and bounded: nothing is read past the span given, any byte sequence is accepted as input,
// and what is wrong is returned as a reason with the item it concerns.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "asterix/uap.h"

namespace deconflict::asterix {

using Bytes = std::span<const uint8_t>;

// Why a block or record was refused. Stable snake_case names from BadReasonName.
enum class BadReason : uint8_t {
  kTruncatedBlock = 0,  // fewer octets than the block's LEN (or than the 3 of CAT and LEN)
  kBadBlockLength,      // LEN below 3, or a block whose records do not fill it exactly
  kUnknownCategory,     // a category deconflict does not read
  kFspecOverrun,        // the FSPEC runs past the end of the block
  kItemOverrun,         // an item runs past the end of the block
  kUndefinedItem,       // the FSPEC (or a compound's primary subfield) selects an item the edition does not
                        // define: the record is of another edition, or corrupt
  kMissingItem,         // a mandatory item is absent (I0xx/010, the time, an identity)
  kBadValue,            // an item's value is impossible (latitude 91, a callsign character outside IA-5)
  kCount
};
inline constexpr size_t kBadReasonCount = static_cast<size_t>(BadReason::kCount);
const char* BadReasonName(BadReason reason);

// One block: its category and its records' octets (after CAT and LEN).
struct Block {
  uint8_t category = 0;
  Bytes records;   // LEN - 3 octets
  size_t size = 0; // LEN
};

// Reads the block at the start of `data`. REQUIRES nothing; a block shorter than 3 octets, a LEN below 3 or
// a LEN beyond `data` is refused (kTruncatedBlock / kBadBlockLength).
bool ReadBlock(Bytes data, Block* out, BadReason* reason);

// Largest FRN of any table (CAT021: 49), and the largest FSPEC that can address it.
inline constexpr int kMaxFrn = 56;  // 8 FSPEC octets

// The items of one record: where each present FRN's octets are inside the record.
struct Record {
  const uint8_t* data = nullptr;
  size_t size = 0;                           // octets of the whole record (FSPEC included)
  size_t fspec_size = 0;
  std::array<uint16_t, kMaxFrn + 1> offset{};  // by FRN (1-based), from `data`
  std::array<uint16_t, kMaxFrn + 1> length{};  // 0 = absent

  bool has(int frn) const { return frn >= 1 && frn <= kMaxFrn && length[frn] != 0; }
  Bytes item(int frn) const { return has(frn) ? Bytes(data + offset[frn], length[frn]) : Bytes(); }
};

// The FSPEC at the start of `data`: its size, and whether FRN 1 (I0xx/010 SAC/SIC in every category we read)
// is present. Returns 0 when the FSPEC runs past `data` or exceeds kMaxFrn.
size_t FspecSize(Bytes data);

// SAC/SIC of the record at the start of `data`, when its FSPEC says FRN 1 is present and the two octets are
// there: (SAC << 8) | SIC. -1 otherwise. Used to choose the edition before parsing the rest.
int SourceOf(Bytes data);

struct RecordError {
  BadReason reason = BadReason::kItemOverrun;
  const char* item = "";  // the item concerned, as the specification names it; "" = the FSPEC or block
  int frn = 0;
};

// Parses the record at the start of `data` (the rest of a block) with `uap`. On success fills `out` (its
// size says where the next record starts). REQUIRES: data.size() < 65536 (a block's LEN is 16 bits).
bool ReadRecord(const Uap& uap, Bytes data, Record* out, RecordError* error);

// The length of one item or subfield of rule `spec` at the start of `data`, or 0 when it runs past `data`;
// kAbsent gives 0 and sets *undefined. For a compound, also checks every selected subfield is defined.
size_t ItemLength(const ItemSpec& spec, Bytes data, const char** fault, bool* undefined);

// The octets of subfield `index` (0-based, in the order of the primary subfield's bits, FX excluded) of the
// compound `item` of rule `spec`; empty when absent. REQUIRES: `item` was measured by ItemLength.
Bytes CompoundSubfield(const ItemSpec& spec, Bytes item, int index);

// Big-endian unsigned and two's complement reads of `n` octets (n <= 8) at `p`.
uint64_t ReadUnsigned(const uint8_t* p, int n);
int64_t ReadSigned(const uint8_t* p, int n);
// Sign-extends the low `bits` bits of `v`.
int64_t SignExtend(uint64_t v, int bits);

// "I062/105: item runs past the end of the block" style description.
std::string DescribeError(const RecordError& e);

}  // namespace deconflict::asterix
