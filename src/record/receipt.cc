#include "record/receipt.h"

#include <nlohmann/json.hpp>

#include "record/verify.h"

namespace deconflict::record {

namespace detail {
Result<Entry> EntryFromJsonValue(const nlohmann::json& j);  // entry.cc
}  // namespace detail

namespace {
constexpr std::string_view kReceiptDomain = "deconflict.receipt.v1";
constexpr std::string_view kReceiptFormat = "deconflict.receipt.v1";
}  // namespace

std::string ReceiptSignedBytes(const Receipt& r) {
  std::string out(kReceiptDomain);
  const auto len = static_cast<std::uint32_t>(r.party.size());
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((len >> shift) & 0xff));
  out.append(r.party);
  const auto issued = static_cast<std::uint64_t>(r.issued_us);
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((issued >> shift) & 0xff));
  out.append(reinterpret_cast<const char*>(r.entry.hash.data()), r.entry.hash.size());
  return out;
}

Receipt MakeReceipt(const Entry& entry, std::string_view party, std::int64_t issued_us, const Signer& signer) {
  Receipt r;
  r.party = std::string(party);
  r.issued_us = issued_us;
  r.entry = entry;
  r.server_key = signer.public_key();
  r.signature = signer.Sign(ReceiptSignedBytes(r));
  return r;
}

Status VerifyReceipt(const Receipt& r, const PublicKey& trusted_key) {
  if (r.server_key != trusted_key) {
    return Status::Corruption("receipt is signed by key " + ToHex(r.server_key) + ", not the trusted key " +
                              ToHex(trusted_key));
  }
  if (Status s = VerifyEntry(r.entry, trusted_key); !s.ok()) {
    return Status::Corruption("receipt entry seq " + std::to_string(r.entry.seq) + ": " + s.message());
  }
  if (!VerifySignature(trusted_key, ReceiptSignedBytes(r), r.signature)) {
    return Status::Corruption("receipt signature is not valid");
  }
  return Status::Ok();
}

std::string ReceiptToJson(const Receipt& r) {
  nlohmann::json j{{"format", kReceiptFormat},
                   {"party", r.party},
                   {"issued_us", r.issued_us},
                   {"entry", nlohmann::json::parse(EntryToJson(r.entry))},
                   {"server_key", ToHex(r.server_key)},
                   {"signature", ToHex(r.signature)}};
  return j.dump();
}

Result<Receipt> ReceiptFromJson(std::string_view text) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    return Status::Invalid(std::string("receipt: not valid JSON: ") + e.what());
  }
  if (!j.is_object()) return Status::Invalid("receipt: expected a JSON object");
  if (!j.contains("format") || j["format"] != kReceiptFormat) {
    return Status::Invalid("receipt: field \"format\" must be \"" + std::string(kReceiptFormat) + "\"");
  }
  for (const char* f : {"party", "server_key", "signature"}) {
    if (!j.contains(f) || !j[f].is_string()) {
      return Status::Invalid(std::string("receipt: field \"") + f + "\" must be a string");
    }
  }
  if (!j.contains("issued_us") || !j["issued_us"].is_number_integer()) {
    return Status::Invalid("receipt: field \"issued_us\" must be an integer");
  }
  if (!j.contains("entry")) return Status::Invalid("receipt: missing field \"entry\"");
  Receipt r;
  r.party = j["party"].get<std::string>();
  r.issued_us = j["issued_us"].get<std::int64_t>();
  auto entry = detail::EntryFromJsonValue(j["entry"]);
  if (!entry.ok()) return Status::Invalid("receipt: " + entry.status().message());
  r.entry = std::move(*entry);
  auto key = FromHex<32>(j["server_key"].get<std::string>(), "receipt field \"server_key\"");
  if (!key.ok()) return key.status();
  auto sig = FromHex<64>(j["signature"].get<std::string>(), "receipt field \"signature\"");
  if (!sig.ok()) return sig.status();
  r.server_key = *key;
  r.signature = *sig;
  return r;
}

}  // namespace deconflict::record
