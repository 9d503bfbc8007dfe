// `deconflict audit`: verify, export and check the record, for investigators and for any party.
//
//   audit verify --data-dir DIR [--public-key HEX | --public-key-file F] [--expect-head SEQ:HASH]
//   audit verify FILE.jsonl     [--public-key HEX | --public-key-file F] [--expect-head SEQ:HASH]
//   audit export --data-dir DIR [--from SEQ] [--out FILE]
//   audit receipt FILE          [--public-key HEX | --public-key-file F]
//   audit public-key --data-dir DIR
//   audit checkpoint|inclusion|consistency|vkey ...   (Merkle proofs and checkpoints: cli/audit_proofs.h)
// Wherever --data-dir DIR is taken, --store URL names the store instead (store/open.h; --data-dir DIR is short for
// --store sqlite:DIR).
// Exit codes (cli/command.h): 0 the record (and, for --data-dir, the stored state) verifies, 3 it does not (the
// message names the first bad entry or object), 1 the record could not be read, 64 bad command line.
#include <fmt/core.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "cli/audit_proofs.h"
#include "cli/command.h"
#include "record/receipt.h"
#include "record/verify.h"
#include "store/open.h"

namespace deconflict::cli {
namespace {

constexpr const char* kExportFormat = "deconflict.record.v1";

struct KeyOptions {
  std::string hex;
  std::string file;
};

void AddKeyOptions(CLI::App* cmd, KeyOptions* k) {
  auto* hex = cmd->add_option("--public-key", k->hex, "server public key (64 hex) you trust; default: the data's own");
  cmd->add_option("--public-key-file", k->file, "file holding the server public key (64 hex)")->excludes(hex);
}

// The key given on the command line, if any.
Result<std::optional<record::PublicKey>> GivenKey(const KeyOptions& k) {
  if (!k.hex.empty()) {
    auto pk = record::ParsePublicKey(k.hex);
    if (!pk.ok()) return Status::Invalid("--public-key: " + pk.status().message());
    return std::optional<record::PublicKey>(*pk);
  }
  if (!k.file.empty()) {
    auto pk = record::ReadPublicKeyFile(k.file);
    if (!pk.ok()) return pk.status();
    return std::optional<record::PublicKey>(*pk);
  }
  return std::optional<record::PublicKey>();
}

// Verifies entries one by one, then the expected head (a seq and hash a party holds, e.g. from a receipt).
class Audit {
 public:
  Audit(const record::PublicKey& pk, std::optional<std::pair<std::uint64_t, record::Hash>> expect)
      : verifier_(pk), expect_(expect) {}
  bool Add(const record::Entry& e) {
    if (!verifier_.Add(e)) return false;
    if (expect_ && e.seq == expect_->first && e.hash != expect_->second) {
      bad_ = fmt::format("record entry seq {} has hash {}, not the expected {}: the record was rewritten", e.seq,
                         record::ToHex(e.hash), record::ToHex(expect_->second));
      return false;
    }
    return true;
  }
  // Empty when everything verified; otherwise the reason.
  std::string Finish() {
    if (verifier_.failure()) return record::Describe(*verifier_.failure());
    if (!bad_.empty()) return bad_;
    if (expect_ && verifier_.head_seq() < expect_->first) {
      return fmt::format("record ends at seq {} but the expected head is seq {}: entries were removed from its end",
                         verifier_.head_seq(), expect_->first);
    }
    return {};
  }
  const record::ChainVerifier& verifier() const { return verifier_; }

 private:
  record::ChainVerifier verifier_;
  std::optional<std::pair<std::uint64_t, record::Hash>> expect_;
  std::string bad_;
};

Result<std::optional<std::pair<std::uint64_t, record::Hash>>> ParseExpectHead(const std::string& text) {
  using Out = std::optional<std::pair<std::uint64_t, record::Hash>>;
  if (text.empty()) return Out();
  const auto colon = text.find(':');
  if (colon == std::string::npos) return Status::Invalid("--expect-head must be SEQ:HASH, got \"" + text + "\"");
  std::uint64_t seq = 0;
  try {
    seq = std::stoull(text.substr(0, colon));
  } catch (const std::exception&) {
    return Status::Invalid("--expect-head: \"" + text.substr(0, colon) + "\" is not a sequence number");
  }
  auto hash = record::FromHex<32>(text.substr(colon + 1), "--expect-head hash");
  if (!hash.ok()) return hash.status();
  return Out(std::make_pair(seq, *hash));
}

int Report(Audit& audit, const record::PublicKey& pk, const std::string& key_source) {
  const std::string bad = audit.Finish();
  if (!bad.empty()) {
    fmt::print(stderr, "record does not verify: {}\n", bad);
    return kExitVerifyFailed;
  }
  fmt::print("record verifies: {} entries, head seq {} hash {}\npublic key {} ({})\n", audit.verifier().count(),
             audit.verifier().head_seq(), record::ToHex(audit.verifier().head_hash()), record::ToHex(pk),
             key_source);
  return kExitOk;
}

int Fail(int code, const std::string& message) {
  fmt::print(stderr, "audit: {}\n", message);
  return code;
}

// The store to audit: --store URL, or --data-dir DIR (short for sqlite:DIR).
struct StoreChoice {
  std::string data_dir, url;
  bool given() const { return !data_dir.empty() || !url.empty(); }
  Result<store::StoreUrl> Parse() const {
    if (url.empty()) return store::StoreUrl{"sqlite", data_dir};
    return store::ParseStoreUrl(url);
  }
};

void AddStoreOptions(CLI::App* cmd, StoreChoice* c, CLI::Option** data_dir = nullptr) {
  auto* dd = cmd->add_option("--data-dir", c->data_dir,
                             "data directory of a deconflict server (short for --store sqlite:DIR)");
  cmd->add_option("--store", c->url, "store of a deconflict server: sqlite:DIR (docs/storage.md)")->excludes(dd);
  if (data_dir) *data_dir = dd;
}

// The store opened read-only (it may be in use by a running server), and where its own public key comes from.
struct OpenedStore {
  std::unique_ptr<store::Store> store;
  std::string key_source;
};

// A store URL that does not parse is a bad command line; anything else failed to open.
int ExitCodeOf(const Status& open_failure) {
  return open_failure.code() == ErrorCode::kInvalidArgument ? kExitUsage : kExitFailure;
}

Result<OpenedStore> OpenReadOnly(const StoreChoice& choice) {
  auto url = choice.Parse();
  if (!url.ok()) return url.status();
  store::OpenOptions o;
  o.read_only = true;
  auto st = store::Open(*url, o);
  if (!st.ok()) return st.status();
  std::string source = url->scheme == "sqlite" ? "from " + url->location + "/" + record::kPublicKeyFile
                                               : "from the store " + choice.url;
  return OpenedStore{std::move(*st), std::move(source)};
}

int VerifyStore(const StoreChoice& choice, const KeyOptions& keys, const std::string& expect_text) {
  auto given = GivenKey(keys);
  if (!given.ok()) return Fail(kExitFailure, given.status().message());
  auto expect = ParseExpectHead(expect_text);
  if (!expect.ok()) return Fail(kExitUsage, expect.status().message());
  auto opened = OpenReadOnly(choice);
  if (!opened.ok()) return Fail(ExitCodeOf(opened.status()), opened.status().ToString());
  store::Store* st = opened->store.get();
  const record::PublicKey pk = given->value_or(st->public_key());
  const std::string source = given->has_value() ? "given" : opened->key_source;
  Audit audit(pk, *expect);
  Status s = st->Read([&](store::ReadTx& tx) {
    return tx.ScanEntries(1, [&](const record::Entry& e) {
      return audit.Add(e) ? Status::Ok() : Status::Corruption("stop");
    });
  });
  if (!s.ok() && s.code() == ErrorCode::kCorruption && s.message() != "stop") {
    // A stored row that cannot even be read as an entry (e.g. a hash column that is not hex).
    fmt::print(stderr, "record does not verify: record entry at position {}: {}\n", audit.verifier().count() + 1,
               s.message());
    return kExitVerifyFailed;
  }
  if (!s.ok() && s.message() != "stop") return Fail(kExitFailure, s.ToString());
  if (const int code = Report(audit, pk, source); code != kExitOk) return code;
  // The stored state (parties, credentials, operations, zones, agreements, tracks, notices, deliveries) must be
  // what the record says: each row sealed by the entry that wrote it, nothing committed missing or rolled back.
  auto state = st->VerifyIntegrity(/*full=*/true);
  if (!state.ok()) {
    if (state.status().code() != ErrorCode::kCorruption) return Fail(kExitFailure, state.status().ToString());
    fmt::print(stderr, "stored state does not verify: {}\n", state.status().message());
    return kExitVerifyFailed;
  }
  fmt::print("stored state verifies: {} rows sealed by the record entries that wrote them, {} row commits balanced\n",
             state->rows_verified, state->commits_checked);
  return kExitOk;
}

int VerifyFile(const std::string& path, const KeyOptions& keys, const std::string& expect_text) {
  auto given = GivenKey(keys);
  if (!given.ok()) return Fail(kExitFailure, given.status().message());
  auto expect = ParseExpectHead(expect_text);
  if (!expect.ok()) return Fail(kExitUsage, expect.status().message());
  std::ifstream in(path);
  if (!in) return Fail(kExitFailure, "cannot read " + path);
  std::string line;
  std::size_t line_no = 0;
  std::optional<record::PublicKey> pk = *given;
  std::string source = given->has_value() ? "given" : "";
  std::optional<Audit> audit;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    if (line_no == 1) {
      nlohmann::json header = nlohmann::json::parse(line, nullptr, false);
      if (header.is_object() && header.contains("format")) {
        if (header["format"] != kExportFormat) {
          return Fail(kExitBadInput, fmt::format("{}:1: format is not \"{}\"", path, kExportFormat));
        }
        if (!pk && header.contains("public_key") && header["public_key"].is_string()) {
          auto k = record::ParsePublicKey(header["public_key"].get<std::string>());
          if (!k.ok()) return Fail(kExitBadInput, fmt::format("{}:1: {}", path, k.status().message()));
          pk = *k;
          source = "from the file's header; pass --public-key with a key you obtained independently";
        }
        continue;
      }
    }
    if (!pk) return Fail(kExitUsage, path + " has no header with the public key: pass --public-key");
    if (!audit) audit.emplace(*pk, *expect);
    auto e = record::EntryFromJson(line);
    if (!e.ok()) {
      fmt::print(stderr, "record does not verify: {}:{}: record entry at position {}: {}\n", path, line_no,
                 audit->verifier().count() + 1, e.status().message());
      return kExitVerifyFailed;
    }
    if (!audit->Add(*e)) {
      fmt::print(stderr, "record does not verify: {}:{}: {}\n", path, line_no, audit->Finish());
      return kExitVerifyFailed;
    }
  }
  if (!pk) return Fail(kExitUsage, path + " has no header with the public key: pass --public-key");
  if (!audit) audit.emplace(*pk, *expect);
  return Report(*audit, *pk, source);
}

int Export(const StoreChoice& choice, std::uint64_t from, const std::string& out_path) {
  auto opened = OpenReadOnly(choice);
  if (!opened.ok()) return Fail(ExitCodeOf(opened.status()), opened.status().ToString());
  store::Store* st = opened->store.get();
  std::ofstream file;
  if (!out_path.empty()) {
    file.open(out_path, std::ios::trunc);
    if (!file) return Fail(kExitFailure, "cannot write " + out_path);
  }
  std::ostream& out = out_path.empty() ? std::cout : file;
  out << nlohmann::json{{"format", kExportFormat}, {"public_key", record::ToHex(st->public_key())}}.dump()
      << "\n";
  std::uint64_t n = 0;
  Status s = st->Read([&](store::ReadTx& tx) {
    return tx.ScanEntries(from, [&](const record::Entry& e) {
      out << record::EntryToJson(e) << "\n";
      ++n;
      return out ? Status::Ok() : Status::Io("write failed");
    });
  });
  out.flush();
  if (!s.ok()) return Fail(kExitFailure, s.ToString());
  if (!out) return Fail(kExitFailure, "write failed");
  if (!out_path.empty()) fmt::print(stderr, "exported {} entries to {}\n", n, out_path);
  return kExitOk;
}

int CheckReceipt(const std::string& path, const KeyOptions& keys) {
  auto given = GivenKey(keys);
  if (!given.ok()) return Fail(kExitFailure, given.status().message());
  std::ifstream in(path);
  if (!in) return Fail(kExitFailure, "cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  auto r = record::ReceiptFromJson(ss.str());
  if (!r.ok()) return Fail(kExitBadInput, path + ": " + r.status().message());
  const record::PublicKey pk = given->value_or(r->server_key);
  if (Status s = record::VerifyReceipt(*r, pk); !s.ok()) {
    fmt::print(stderr, "receipt does not verify: {}\n", s.message());
    return kExitVerifyFailed;
  }
  fmt::print("receipt verifies: party {} entry seq {} kind {} hash {}\npublic key {} ({})\n", r->party, r->entry.seq,
             r->entry.kind, record::ToHex(r->entry.hash), record::ToHex(pk),
             given->has_value() ? "given" : "from the receipt; pass --public-key with a key you trust");
  return kExitOk;
}

// A data directory's key file is read as it is (no database needed); another store is opened read-only.
int PrintPublicKey(const StoreChoice& choice) {
  if (!choice.given()) return Fail(kExitUsage, "public-key: give --data-dir DIR or --store URL");
  auto url = choice.Parse();
  if (!url.ok()) return Fail(kExitUsage, url.status().message());
  Result<record::PublicKey> pk = Status::Internal("no key read");
  if (url->scheme == "sqlite") {
    pk = record::ReadPublicKeyFile(url->location + "/" + record::kPublicKeyFile);
  } else if (auto opened = OpenReadOnly(choice); opened.ok()) {
    pk = opened->store->public_key();
  } else {
    pk = opened.status();
  }
  if (!pk.ok()) return Fail(kExitFailure, pk.status().ToString());
  fmt::print("{}\n", record::ToHex(*pk));
  return kExitOk;
}

const RegisterCommand kRegister([](CLI::App& app, int* exit_code) {
  auto* audit = app.add_subcommand("audit", "verify, export and check the signed record");
  audit->require_subcommand(1);

  struct VerifyArgs {
    StoreChoice store;
    std::string file, expect;
    KeyOptions keys;
  };
  auto va = std::make_shared<VerifyArgs>();
  auto* verify = audit->add_subcommand(
      "verify", "check the record from the first entry to the last; exit 3 names the first bad entry");
  CLI::Option* dd = nullptr;
  AddStoreOptions(verify, &va->store, &dd);
  auto* file = verify->add_option("file", va->file, "a record exported by `audit export` (JSON lines)")->excludes(dd);
  verify->get_option("--store")->excludes(file);
  AddKeyOptions(verify, &va->keys);
  verify->add_option("--expect-head", va->expect, "SEQ:HASH a party holds (e.g. from a receipt): detects a "
                                                  "rewritten or truncated record");
  verify->callback([va, exit_code] {
    if (!va->store.given() && va->file.empty()) {
      std::fputs("audit verify: give --data-dir DIR, --store URL or an exported FILE\n", stderr);
      *exit_code = kExitUsage;
      return;
    }
    *exit_code = va->store.given() ? VerifyStore(va->store, va->keys, va->expect)
                                   : VerifyFile(va->file, va->keys, va->expect);
  });

  struct ExportArgs {
    StoreChoice store;
    std::string out;
    std::uint64_t from = 1;
  };
  auto ea = std::make_shared<ExportArgs>();
  auto* exp = audit->add_subcommand("export", "write the record as JSON lines (first line: format and public key)");
  AddStoreOptions(exp, &ea->store);
  exp->add_option("--from", ea->from, "first sequence number (default 1)");
  exp->add_option("--out,-o", ea->out, "output file (default: standard output)");
  exp->callback([ea, exit_code] {
    *exit_code = ea->store.given() ? Export(ea->store, ea->from, ea->out)
                                   : Fail(kExitUsage, "export: give --data-dir DIR or --store URL");
  });

  struct ReceiptArgs {
    std::string file;
    KeyOptions keys;
  };
  auto ra = std::make_shared<ReceiptArgs>();
  auto* rc = audit->add_subcommand("receipt", "check a signed receipt offline");
  rc->add_option("file", ra->file, "receipt JSON file")->required();
  AddKeyOptions(rc, &ra->keys);
  rc->callback([ra, exit_code] { *exit_code = CheckReceipt(ra->file, ra->keys); });

  AddProofAuditCommands(audit, exit_code);

  auto pd = std::make_shared<StoreChoice>();
  auto* pub = audit->add_subcommand("public-key", "print the server public key of a data directory or store");
  AddStoreOptions(pub, pd.get());
  pub->callback([pd, exit_code] { *exit_code = PrintPublicKey(*pd); });
});

}  // namespace
}  // namespace deconflict::cli
