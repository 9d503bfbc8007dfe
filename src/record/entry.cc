#include "record/entry.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace deconflict::record {

namespace {

constexpr std::string_view kEntryDomain = "deconflict.record.v1";

void PutU32(std::string& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
}
void PutU64(std::string& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
}
void PutBytes(std::string& out, std::string_view s) {
  PutU32(out, static_cast<std::uint32_t>(s.size()));
  out.append(s);
}

bool HasControlChar(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

Status CheckName(std::string_view value, std::string_view field, std::size_t max) {
  if (value.empty()) return Status::Invalid("record entry: " + std::string(field) + " is empty");
  if (value.size() > max) {
    return Status::Invalid("record entry: " + std::string(field) + " is longer than " + std::to_string(max) +
                           " bytes");
  }
  if (HasControlChar(value)) {
    return Status::Invalid("record entry: " + std::string(field) + " contains a control character");
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> Canonicalize(std::string_view json_text) {
  try {
    return nlohmann::json::parse(json_text).dump();
  } catch (const nlohmann::json::exception& e) {
    return Status::Invalid(std::string("record entry payload is not valid JSON: ") + e.what());
  }
}

Status NormalizeInput(EntryInput& input) {
  if (Status s = CheckName(input.kind, "kind", 64); !s.ok()) return s;
  if (Status s = CheckName(input.actor, "actor", 128); !s.ok()) return s;
  for (const auto& party : input.audience) {
    if (Status s = CheckName(party, "audience party", 128); !s.ok()) return s;
  }
  std::sort(input.audience.begin(), input.audience.end());
  input.audience.erase(std::unique(input.audience.begin(), input.audience.end()), input.audience.end());
  if (input.payload.size() > kMaxPayloadBytes) {
    return Status(ErrorCode::kResourceExhausted, "record entry payload is larger than " +
                                                     std::to_string(kMaxPayloadBytes) + " bytes");
  }
  auto canonical = Canonicalize(input.payload);
  if (!canonical.ok()) return canonical.status();
  input.payload = std::move(*canonical);
  return Status::Ok();
}

std::string HashedBytes(const Entry& e) {
  std::string out;
  out.reserve(kEntryDomain.size() + 8 + 8 + 16 + e.kind.size() + e.actor.size() + e.payload.size() + 32 +
              e.audience.size() * 16);
  out.append(kEntryDomain);
  PutU64(out, e.seq);
  PutU64(out, static_cast<std::uint64_t>(e.time_us));
  PutBytes(out, e.kind);
  PutBytes(out, e.actor);
  PutU32(out, static_cast<std::uint32_t>(e.audience.size()));
  for (const auto& party : e.audience) PutBytes(out, party);
  PutBytes(out, e.payload);
  out.append(reinterpret_cast<const char*>(e.prev.data()), e.prev.size());
  return out;
}

Hash ComputeHash(const Entry& e) { return Blake2b256(HashedBytes(e)); }

void SealEntry(Entry& e, std::uint64_t prev_seq, const Hash& prev_hash, const Signer& signer) {
  e.seq = prev_seq + 1;
  e.prev = prev_hash;
  e.hash = ComputeHash(e);
  e.signature = signer.Sign(std::string_view(reinterpret_cast<const char*>(e.hash.data()), e.hash.size()));
}

namespace {
nlohmann::json EntryJson(const Entry& e) {
  return nlohmann::json{{"seq", e.seq},
                        {"time_us", e.time_us},
                        {"kind", e.kind},
                        {"actor", e.actor},
                        {"audience", e.audience},
                        {"payload", e.payload},
                        {"prev", ToHex(e.prev)},
                        {"hash", ToHex(e.hash)},
                        {"signature", ToHex(e.signature)}};
}
}  // namespace

std::string EntryToJson(const Entry& e) { return EntryJson(e).dump(); }

namespace detail {
// Shared with receipt.cc: reads an entry from a parsed JSON object.
Result<Entry> EntryFromJsonValue(const nlohmann::json& j) {
  if (!j.is_object()) return Status::Invalid("record entry: expected a JSON object");
  static const char* const kFields[] = {"seq", "time_us", "kind", "actor", "audience",
                                        "payload", "prev", "hash", "signature"};
  for (const char* f : kFields) {
    if (!j.contains(f)) return Status::Invalid(std::string("record entry: missing field \"") + f + "\"");
  }
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (std::find_if(std::begin(kFields), std::end(kFields), [&](const char* f) { return it.key() == f; }) ==
        std::end(kFields)) {
      return Status::Invalid("record entry: unknown field \"" + it.key() + "\"");
    }
  }
  Entry e;
  if (!j["seq"].is_number_unsigned()) return Status::Invalid("record entry: field \"seq\" must be an unsigned integer");
  if (!j["time_us"].is_number_integer()) return Status::Invalid("record entry: field \"time_us\" must be an integer");
  for (const char* f : {"kind", "actor", "payload", "prev", "hash", "signature"}) {
    if (!j[f].is_string()) return Status::Invalid(std::string("record entry: field \"") + f + "\" must be a string");
  }
  if (!j["audience"].is_array()) return Status::Invalid("record entry: field \"audience\" must be an array");
  e.seq = j["seq"].get<std::uint64_t>();
  e.time_us = j["time_us"].get<std::int64_t>();
  e.kind = j["kind"].get<std::string>();
  e.actor = j["actor"].get<std::string>();
  for (const auto& p : j["audience"]) {
    if (!p.is_string()) return Status::Invalid("record entry: field \"audience\" must hold strings");
    e.audience.push_back(p.get<std::string>());
  }
  e.payload = j["payload"].get<std::string>();
  auto prev = FromHex<32>(j["prev"].get<std::string>(), "record entry field \"prev\"");
  if (!prev.ok()) return prev.status();
  auto hash = FromHex<32>(j["hash"].get<std::string>(), "record entry field \"hash\"");
  if (!hash.ok()) return hash.status();
  auto sig = FromHex<64>(j["signature"].get<std::string>(), "record entry field \"signature\"");
  if (!sig.ok()) return sig.status();
  e.prev = *prev;
  e.hash = *hash;
  e.signature = *sig;
  return e;
}
}  // namespace detail

Result<Entry> EntryFromJson(std::string_view line) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(line);
  } catch (const nlohmann::json::exception& e) {
    return Status::Invalid(std::string("record entry: not valid JSON: ") + e.what());
  }
  return detail::EntryFromJsonValue(j);
}

}  // namespace deconflict::record
