// Exit codes (cli/command.h): 0 verified, 3 does not verify (the message says what failed), 2 a file is malformed
// (the message names file and line), 1 a file cannot be read, 64 bad command line (a key that does not parse).
#include "cli/audit_proofs.h"

#include <fmt/core.h>

#include <fstream>
#include <memory>
#include <sstream>

#include "cli/command.h"
#include "record/checkpoint.h"
#include "record/merkle_verify.h"
#include "record/proof_files.h"

namespace deconflict::cli {
namespace {

// What decides whether a checkpoint is trusted: the log key, witness keys and how many must have cosigned.
struct TrustOptions {
  std::string log_key;
  std::vector<std::string> witnesses;
  int min_cosignatures = -1;  // -1: all the witnesses given
};

void AddTrustOptions(CLI::App* cmd, TrustOptions* t) {
  cmd->add_option("--log-key", t->log_key, "the log's verifier key (name+id+key, type 0x01)")->required();
  cmd->add_option("--witness", t->witnesses, "a witness verifier key (type 0x04); repeat for several");
  cmd->add_option("--min-cosignatures", t->min_cosignatures,
                  "cosignatures required from the given witnesses (default: all of them)");
}

// An outcome: an exit code and, when not 0, the message for stderr.
struct Failure {
  int code = kExitOk;
  std::string message;
};

Failure ReadText(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {kExitFailure, "audit: cannot read " + path};
  std::stringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return {};
}

struct TrustedCheckpoint {
  record::Checkpoint checkpoint;
  std::vector<record::VerifiedCosignature> cosignatures;
};

// Parses and verifies a signed checkpoint (log signature, then cosignatures and the quorum). `what` names it.
Failure CheckCheckpoint(std::string_view text, const TrustOptions& t, const std::string& what, TrustedCheckpoint* out) {
  auto log_key = record::ParseVerifierKey(t.log_key);
  if (!log_key.ok()) return {kExitUsage, "audit: --log-key: " + log_key.status().message()};
  std::vector<record::NoteVerifierKey> witnesses;
  for (const std::string& w : t.witnesses) {
    auto k = record::ParseVerifierKey(w);
    if (!k.ok()) return {kExitUsage, "audit: --witness: " + k.status().message()};
    if (k->type != record::kNoteTypeCosignatureV1)
      return {kExitUsage, "audit: --witness " + k->name + ": not a cosignature key (type 0x04)"};
    witnesses.push_back(*k);
  }
  auto note = record::ParseNote(text);
  if (!note.ok()) return {kExitBadInput, what + ": " + note.status().message()};
  auto parsed = record::ParseCheckpointText(note->text);
  if (!parsed.ok()) return {kExitBadInput, what + ": " + parsed.status().message()};
  auto verified = record::VerifyCheckpoint(text, *log_key);
  if (!verified.ok()) return {kExitVerifyFailed, what + " does not verify: " + verified.status().message()};
  auto cosigs = record::VerifyCosignatures(verified->note, witnesses);
  if (!cosigs.ok()) return {kExitVerifyFailed, what + " does not verify: " + cosigs.status().message()};
  const std::size_t need = t.min_cosignatures < 0 ? witnesses.size() : static_cast<std::size_t>(t.min_cosignatures);
  if (cosigs->size() < need) {
    return {kExitVerifyFailed, fmt::format("{} does not verify: {} cosignature(s) by the given witnesses, {} required",
                                           what, cosigs->size(), need)};
  }
  *out = {verified->checkpoint, *cosigs};
  return {};
}

void PrintCheckpoint(const std::string& label, const TrustedCheckpoint& c) {
  fmt::print("{}: origin {} size {} root {}\n", label, c.checkpoint.origin, c.checkpoint.size,
             record::ToHex(c.checkpoint.root));
  for (const auto& w : c.cosignatures) fmt::print("  cosigned by {} at time {}\n", w.witness, w.timestamp);
}

int Finish(const Failure& f) {
  if (f.code != kExitOk) fmt::print(stderr, "{}\n", f.message);
  return f.code;
}

int AuditCheckpoint(const std::string& path, const TrustOptions& t) {
  std::string text;
  if (Failure f = ReadText(path, &text); f.code != kExitOk) return Finish(f);
  TrustedCheckpoint c;
  if (Failure f = CheckCheckpoint(text, t, "checkpoint " + path, &c); f.code != kExitOk) return Finish(f);
  PrintCheckpoint("checkpoint verifies", c);
  return kExitOk;
}

int AuditInclusion(const std::string& path, const TrustOptions& t, const std::string& expect_entry_hex) {
  std::string text;
  if (Failure f = ReadText(path, &text); f.code != kExitOk) return Finish(f);
  auto proof = record::ParseTlogProof(text);
  if (!proof.ok()) return Finish({kExitBadInput, path + ": " + proof.status().message()});
  if (!proof->extra)
    return Finish({kExitBadInput, path + ": no extra line (deconflict proofs carry salt and entry hash)"});
  auto parts = record::ParseEntryLeafExtra(*proof->extra);
  if (!parts.ok()) return Finish({kExitBadInput, path + ": " + parts.status().message()});
  if (!expect_entry_hex.empty()) {
    auto want = record::FromHex<32>(expect_entry_hex, "--entry-hash");
    if (!want.ok()) return Finish({kExitUsage, "audit: " + want.status().message()});
    if (*want != parts->entry_hash) {
      return Finish({kExitVerifyFailed, "inclusion proof does not verify: it is for entry hash " +
                                            record::ToHex(parts->entry_hash) + ", not the expected " +
                                            expect_entry_hex});
    }
  }
  TrustedCheckpoint c;
  if (Failure f = CheckCheckpoint(proof->checkpoint, t, "the checkpoint in " + path, &c); f.code != kExitOk)
    return Finish(f);
  const record::Hash leaf = record::EntryLeafHash(parts->salt, parts->entry_hash);
  if (Status s = record::VerifyInclusion(proof->index, c.checkpoint.size, leaf, proof->proof, c.checkpoint.root);
      !s.ok()) {
    return Finish({kExitVerifyFailed, "inclusion proof does not verify: " + s.message()});
  }
  fmt::print("inclusion verifies: entry seq {} hash {} is leaf {} of the tree of size {}\n", proof->index + 1,
             record::ToHex(parts->entry_hash), proof->index, c.checkpoint.size);
  PrintCheckpoint("checkpoint", c);
  return kExitOk;
}

int AuditConsistency(const std::string& path, const std::string& old_path, const std::string& new_path,
                     const TrustOptions& t) {
  std::string text, old_text, new_text;
  for (auto [p, out] : {std::pair{&path, &text}, std::pair{&old_path, &old_text}, std::pair{&new_path, &new_text}}) {
    if (Failure f = ReadText(*p, out); f.code != kExitOk) return Finish(f);
  }
  auto proof = record::ParseConsistencyProof(text);
  if (!proof.ok()) return Finish({kExitBadInput, path + ": " + proof.status().message()});
  TrustedCheckpoint old_cp, new_cp;
  if (Failure f = CheckCheckpoint(old_text, t, "checkpoint " + old_path, &old_cp); f.code != kExitOk) return Finish(f);
  if (Failure f = CheckCheckpoint(new_text, t, "checkpoint " + new_path, &new_cp); f.code != kExitOk) return Finish(f);
  if (proof->size1 != old_cp.checkpoint.size || proof->size2 != new_cp.checkpoint.size) {
    return Finish({kExitVerifyFailed,
                   fmt::format("consistency proof does not verify: it is from size {} to {}, the checkpoints are of "
                               "sizes {} and {}",
                               proof->size1, proof->size2, old_cp.checkpoint.size, new_cp.checkpoint.size)});
  }
  if (Status s = record::VerifyConsistency(proof->size1, proof->size2, proof->proof, old_cp.checkpoint.root,
                                           new_cp.checkpoint.root);
      !s.ok()) {
    return Finish({kExitVerifyFailed, "consistency proof does not verify: " + s.message()});
  }
  fmt::print("consistency verifies: the tree of size {} is a prefix of the tree of size {}\n", proof->size1,
             proof->size2);
  PrintCheckpoint("old checkpoint", old_cp);
  PrintCheckpoint("new checkpoint", new_cp);
  return kExitOk;
}

int MakeVkey(const std::string& name, const std::string& hex, bool cosignature) {
  auto pk = record::ParsePublicKey(hex);
  if (!pk.ok()) return Finish({kExitUsage, "audit vkey: --public-key: " + pk.status().message()});
  auto key =
      record::MakeNoteVerifierKey(name, cosignature ? record::kNoteTypeCosignatureV1 : record::kNoteTypeEd25519, *pk);
  if (!key.ok()) return Finish({kExitUsage, "audit vkey: --name: " + key.status().message()});
  fmt::print("{}\n", record::FormatVerifierKey(*key));
  return kExitOk;
}

}  // namespace

void AddProofAuditCommands(CLI::App* audit, int* exit_code) {
  struct Args {
    std::string file, old_cp, new_cp, entry_hash, name, public_key;
    bool cosignature = false;
    TrustOptions trust;
  };
  auto a = std::make_shared<Args>();
  auto* cp = audit->add_subcommand("checkpoint", "verify a signed checkpoint and its witness cosignatures offline");
  cp->add_option("file", a->file, "the signed checkpoint (C2SP signed note)")->required();
  AddTrustOptions(cp, &a->trust);
  cp->callback([a, exit_code] { *exit_code = AuditCheckpoint(a->file, a->trust); });

  auto* inc = audit->add_subcommand("inclusion", "verify an inclusion proof (.tlog-proof) and its checkpoint offline");
  inc->add_option("file", a->file, "the proof (c2sp.org/tlog-proof@v1 with deconflict's extra)")->required();
  inc->add_option("--entry-hash", a->entry_hash, "the entry hash you hold (e.g. from a receipt), 64 hex");
  AddTrustOptions(inc, &a->trust);
  inc->callback([a, exit_code] { *exit_code = AuditInclusion(a->file, a->trust, a->entry_hash); });

  auto* con = audit->add_subcommand("consistency", "verify that one signed checkpoint's tree extends another's");
  con->add_option("file", a->file, "the proof (deconflict/consistency-proof@v1)")->required();
  con->add_option("--old", a->old_cp, "the earlier signed checkpoint")->required();
  con->add_option("--new", a->new_cp, "the later signed checkpoint")->required();
  AddTrustOptions(con, &a->trust);
  con->callback([a, exit_code] { *exit_code = AuditConsistency(a->file, a->old_cp, a->new_cp, a->trust); });

  auto* vk = audit->add_subcommand("vkey", "print the verifier key (name+id+key) of a name and an Ed25519 public key");
  vk->add_option("--name", a->name, "key name (the log's origin, or the witness's name)")->required();
  vk->add_option("--public-key", a->public_key, "Ed25519 public key, 64 hex")->required();
  vk->add_flag("--cosignature", a->cosignature, "a witness cosignature key (type 0x04) instead of a log key (0x01)");
  vk->callback([a, exit_code] { *exit_code = MakeVkey(a->name, a->public_key, a->cosignature); });
}

}  // namespace deconflict::cli
