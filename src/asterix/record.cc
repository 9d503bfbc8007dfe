#include "asterix/record.h"

namespace deconflict::asterix {

const char* BadReasonName(BadReason reason) {
  switch (reason) {
    case BadReason::kTruncatedBlock: return "truncated_block";
    case BadReason::kBadBlockLength: return "bad_block_length";
    case BadReason::kUnknownCategory: return "unknown_category";
    case BadReason::kFspecOverrun: return "fspec_overrun";
    case BadReason::kItemOverrun: return "item_overrun";
    case BadReason::kUndefinedItem: return "undefined_item";
    case BadReason::kMissingItem: return "missing_item";
    case BadReason::kBadValue: return "bad_value";
    case BadReason::kCount: break;
  }
  return "unknown";
}

bool ReadBlock(Bytes data, Block* out, BadReason* reason) {
  if (data.size() < 3) {
    *reason = BadReason::kTruncatedBlock;
    return false;
  }
  const size_t len = (size_t{data[1]} << 8) | data[2];
  if (len < 3) {
    *reason = BadReason::kBadBlockLength;
    return false;
  }
  if (len > data.size()) {
    *reason = BadReason::kTruncatedBlock;
    return false;
  }
  out->category = data[0];
  out->size = len;
  out->records = data.subspan(3, len - 3);
  return true;
}

size_t FspecSize(Bytes data) {
  for (size_t i = 0; i < data.size(); ++i) {
    if (static_cast<int>(i + 1) * 7 > kMaxFrn) return 0;
    if ((data[i] & 1) == 0) return i + 1;
  }
  return 0;
}

int SourceOf(Bytes data) {
  const size_t fs = FspecSize(data);
  if (fs == 0 || (data[0] & 0x80) == 0 || data.size() < fs + 2) return -1;
  return (int{data[fs]} << 8) | data[fs + 1];
}

uint64_t ReadUnsigned(const uint8_t* p, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | p[i];
  return v;
}

int64_t SignExtend(uint64_t v, int bits) {
  const uint64_t sign = uint64_t{1} << (bits - 1);
  v &= (sign << 1) - 1;
  return static_cast<int64_t>(v ^ sign) - static_cast<int64_t>(sign);
}

int64_t ReadSigned(const uint8_t* p, int n) { return SignExtend(ReadUnsigned(p, n), 8 * n); }

namespace {

// Octets of an FX-chained field of `part`-octet parts at the start of `data`; 0 when it runs past.
size_t ExtendedLength(Bytes data, size_t part) {
  size_t n = 0;
  while (true) {
    if (n + part > data.size()) return 0;
    n += part;
    if ((data[n - 1] & 1) == 0) return n;
  }
}

}  // namespace

size_t ItemLength(const ItemSpec& spec, Bytes data, const char** fault, bool* undefined) {
  *fault = spec.name;
  switch (spec.rule) {
    case Rule::kAbsent:
      *undefined = true;
      return 0;
    case Rule::kFixed:
      return spec.length <= data.size() ? spec.length : 0;
    case Rule::kExtended:
      return ExtendedLength(data, spec.length);
    case Rule::kRepetitive: {
      if (data.empty()) return 0;
      const size_t n = 1 + size_t{data[0]} * spec.length;
      return n <= data.size() ? n : 0;
    }
    case Rule::kExplicit: {
      if (data.empty() || data[0] == 0) return 0;  // LEN counts itself: at least 1
      return data[0] <= data.size() ? data[0] : 0;
    }
    case Rule::kCompound: {
      const size_t primary = ExtendedLength(data, 1);
      if (primary == 0) return 0;
      size_t n = primary;
      for (size_t octet = 0; octet < primary; ++octet) {
        for (int bit = 7; bit >= 1; --bit) {
          if (((data[octet] >> bit) & 1) == 0) continue;
          const size_t index = octet * 7 + static_cast<size_t>(7 - bit);
          static const ItemSpec kNone{};
          const ItemSpec& sub = index < spec.subfield_count ? spec.subfields[index] : kNone;
          if (sub.rule == Rule::kAbsent || sub.rule == Rule::kCompound) {  // no compound in a compound
            *fault = index < spec.subfield_count ? sub.name : spec.name;
            *undefined = true;
            return 0;
          }
          const size_t len = ItemLength(sub, data.subspan(n), fault, undefined);
          if (len == 0) return 0;
          n += len;
        }
      }
      *fault = spec.name;
      return n;
    }
  }
  return 0;
}

Bytes CompoundSubfield(const ItemSpec& spec, Bytes item, int index) {
  const size_t primary = ExtendedLength(item, 1);
  if (primary == 0 || index < 0 || index >= spec.subfield_count) return {};
  size_t n = primary;
  for (size_t octet = 0; octet < primary; ++octet) {
    for (int bit = 7; bit >= 1; --bit) {
      const size_t i = octet * 7 + static_cast<size_t>(7 - bit);
      if (((item[octet] >> bit) & 1) == 0) {
        if (i == static_cast<size_t>(index)) return {};
        continue;
      }
      const char* fault = nullptr;
      bool undefined = false;
      const size_t len = i < spec.subfield_count ? ItemLength(spec.subfields[i], item.subspan(n), &fault, &undefined)
                                                 : 0;
      if (len == 0) return {};
      if (i == static_cast<size_t>(index)) return item.subspan(n, len);
      n += len;
    }
  }
  return {};
}

bool ReadRecord(const Uap& uap, Bytes data, Record* out, RecordError* error) {
  out->data = data.data();
  out->length.fill(0);
  const size_t fspec = FspecSize(data);
  if (fspec == 0) {
    // Either it runs past the block, or it is longer than any table (more than 8 octets with FX set).
    error->reason = data.size() >= static_cast<size_t>(kMaxFrn / 7) ? BadReason::kUndefinedItem
                                                                    : BadReason::kFspecOverrun;
    error->item = "FSPEC";
    error->frn = 0;
    return false;
  }
  out->fspec_size = fspec;
  size_t pos = fspec;
  for (size_t octet = 0; octet < fspec; ++octet) {
    for (int bit = 7; bit >= 1; --bit) {
      if (((data[octet] >> bit) & 1) == 0) continue;
      const int frn = static_cast<int>(octet * 7) + (8 - bit);
      const ItemSpec& spec = ItemAt(uap, frn);
      const char* fault = spec.name;
      bool undefined = false;
      const size_t len = ItemLength(spec, data.subspan(pos), &fault, &undefined);
      if (len == 0) {
        error->reason = undefined ? BadReason::kUndefinedItem : BadReason::kItemOverrun;
        error->item = fault;
        error->frn = frn;
        return false;
      }
      out->offset[frn] = static_cast<uint16_t>(pos);
      out->length[frn] = static_cast<uint16_t>(len);
      pos += len;
    }
  }
  if (pos == fspec) {  // an FSPEC selecting nothing: no record at all (padding is not allowed in a block)
    error->reason = BadReason::kMissingItem;
    error->item = "FSPEC";
    error->frn = 0;
    return false;
  }
  out->size = pos;
  return true;
}

std::string DescribeError(const RecordError& e) {
  std::string where = (e.item && *e.item) ? std::string(e.item) : std::string("record");
  if (e.frn > 0) where += " (FRN " + std::to_string(e.frn) + ")";
  switch (e.reason) {
    case BadReason::kFspecOverrun: return where + ": the FSPEC runs past the end of the block";
    case BadReason::kItemOverrun: return where + ": the item runs past the end of the block";
    case BadReason::kUndefinedItem: return where + ": not defined in this edition (another edition, or corrupt)";
    case BadReason::kMissingItem: return where + ": missing";
    case BadReason::kBadValue: return where + ": impossible value";
    default: return where + ": " + BadReasonName(e.reason);
  }
}

}  // namespace deconflict::asterix
