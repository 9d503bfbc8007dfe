#include "record/verify.h"

namespace deconflict::record {

namespace {
std::string_view HashBytes(const Hash& h) { return {reinterpret_cast<const char*>(h.data()), h.size()}; }
}  // namespace

std::string Describe(const VerifyFailure& f) {
  return "record entry at position " + std::to_string(f.position) + " (seq " + std::to_string(f.seq) +
         "): " + f.reason;
}

Status VerifyEntry(const Entry& e, const PublicKey& pk) {
  if (ComputeHash(e) != e.hash) return Status::Corruption("hash does not match content");
  if (!VerifySignature(pk, HashBytes(e.hash), e.signature)) {
    return Status::Corruption("signature is not valid for the server public key");
  }
  return Status::Ok();
}

bool ChainVerifier::Add(const Entry& e) {
  if (failure_) return false;
  const std::uint64_t position = count_ + 1;
  auto fail = [&](std::string reason) {
    failure_ = VerifyFailure{position, e.seq, std::move(reason)};
    return false;
  };
  if (e.seq != position) {
    return fail("seq " + std::to_string(position) + " expected, found " + std::to_string(e.seq) +
                (e.seq > position ? " (an entry is missing or out of order)" : " (out of order or repeated)"));
  }
  if (count_ > 0 && e.time_us < last_time_us_) {
    return fail("time " + std::to_string(e.time_us) + " us is before the previous entry's " +
                std::to_string(last_time_us_) + " us");
  }
  if (e.prev != last_hash_) {
    return fail(count_ == 0 ? "prev of the first entry is not all zero"
                            : "prev does not equal the hash of entry " + std::to_string(last_seq_));
  }
  if (Status s = VerifyEntry(e, pk_); !s.ok()) return fail(s.message());
  ++count_;
  last_seq_ = e.seq;
  last_time_us_ = e.time_us;
  last_hash_ = e.hash;
  return true;
}

}  // namespace deconflict::record
