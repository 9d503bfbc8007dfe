// The real `deconflict audit` binary verifying checkpoints, cosignatures, inclusion and consistency proofs that
// the record library produced, with public keys only; and refusing tampered, forked and malformed ones.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "record/checkpoint.h"
#include "record/merkle.h"
#include "record/merkle_tree.h"
#include "record/proof_files.h"

namespace deconflict::record {
namespace {

namespace fs = std::filesystem;

struct CliRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

CliRun Cli(const std::string& args) {
  CliRun r;
  FILE* p = ::popen((std::string(DECONFLICT_CLI) + " " + args + " 2>&1").c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) r.output.append(buf, n);
  const int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

Signer Key(std::uint8_t fill) {
  std::array<std::uint8_t, 32> seed{};
  seed.fill(fill);
  return Signer::FromSeed(seed);
}

constexpr const char* kOrigin = "deconflict.test/log";

// A log of 1000 entries with salts, its signed checkpoints at 400 and 1000, cosigned by witness "blue".
class AuditProofsCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("dc_audit_proofs_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    for (std::uint64_t i = 0; i < 1000; ++i) {
      entries_.push_back(Blake2b256("entry " + std::to_string(i)));
      salts_.push_back(RandomLeafSalt());
      ASSERT_TRUE(tree_.Append(EntryLeafHash(salts_.back(), entries_.back())).ok());
    }
    log_vkey_ = FormatVerifierKey(*MakeNoteVerifierKey(kOrigin, kNoteTypeEd25519, log_.public_key()));
    witness_vkey_ =
        FormatVerifierKey(*MakeNoteVerifierKey("blue.test/w", kNoteTypeCosignatureV1, witness_.public_key()));
    Write("old.cp", Signed(tree_, 400, true));
    Write("new.cp", Signed(tree_, 1000, true));
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Signed(const MerkleTree& tree, std::uint64_t size, bool cosign) const {
    const Checkpoint c{kOrigin, size, *tree.Root(size), {}};
    std::string note = *SignCheckpoint(c, log_);
    if (cosign) note += FormatSignatureLine(Cosign(CheckpointText(c), "blue.test/w", 1700000000, witness_)) + "\n";
    return note;
  }
  std::string Write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_ / name, std::ios::binary) << text;
    return Path(name);
  }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  std::string Trust() const { return "--log-key '" + log_vkey_ + "' --witness '" + witness_vkey_ + "'"; }
  std::string InclusionFile(std::uint64_t index) const {
    TlogProof p{EntryLeafExtra(salts_[index], entries_[index]), index, *tree_.InclusionProof(index, 1000),
                Signed(tree_, 1000, true)};
    return FormatTlogProof(p);
  }

  fs::path dir_;
  Signer log_ = Key(1), witness_ = Key(2);
  MemoryTreeHashes hashes_;
  MerkleTree tree_{hashes_, 0};
  std::vector<Hash> entries_;
  std::vector<LeafSalt> salts_;
  std::string log_vkey_, witness_vkey_;
};

TEST_F(AuditProofsCli, CheckpointWithItsCosignatureVerifies) {
  CliRun r = Cli("audit checkpoint " + Path("new.cp") + " " + Trust());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("checkpoint verifies: origin deconflict.test/log size 1000 root " + ToHex(*tree_.Root(1000))),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("cosigned by blue.test/w at time 1700000000"), std::string::npos) << r.output;
}

TEST_F(AuditProofsCli, CheckpointsThatAreNotTrustedFailWithExit3) {
  Write("bare.cp", Signed(tree_, 1000, false));
  CliRun r = Cli("audit checkpoint " + Path("bare.cp") + " " + Trust());
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("0 cosignature(s) by the given witnesses, 1 required"), std::string::npos) << r.output;
  EXPECT_EQ(Cli("audit checkpoint " + Path("bare.cp") + " --log-key '" + log_vkey_ + "'").exit_code, 0);

  std::string text = Signed(tree_, 1000, true);
  text.replace(text.find("\n1000\n"), 6, "\n1001\n");
  Write("changed.cp", text);
  r = Cli("audit checkpoint " + Path("changed.cp") + " " + Trust());
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("does not verify"), std::string::npos) << r.output;

  const std::string other = FormatVerifierKey(*MakeNoteVerifierKey(kOrigin, kNoteTypeEd25519, Key(9).public_key()));
  r = Cli("audit checkpoint " + Path("new.cp") + " --log-key '" + other + "'");
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("no signature by a trusted key"), std::string::npos) << r.output;
}

TEST_F(AuditProofsCli, MalformedInputsAndBadKeysHaveTheirExitCodes) {
  Write("nonote.cp", "deconflict.test/log\n3\n");
  CliRun r = Cli("audit checkpoint " + Path("nonote.cp") + " " + Trust());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("note: no blank line"), std::string::npos) << r.output;
  r = Cli("audit checkpoint " + Path("missing.cp") + " " + Trust());
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("cannot read"), std::string::npos) << r.output;
  r = Cli("audit checkpoint " + Path("new.cp") + " --log-key 'nonsense'");
  EXPECT_EQ(r.exit_code, 64) << r.output;
  EXPECT_NE(r.output.find("--log-key: verifier key"), std::string::npos) << r.output;
  r = Cli("audit checkpoint " + Path("new.cp") + " --log-key '" + log_vkey_ + "' --witness '" + log_vkey_ + "'");
  EXPECT_EQ(r.exit_code, 64) << r.output;
}

TEST_F(AuditProofsCli, InclusionProofOfAnEntryVerifiesAndBindsItsHash) {
  const std::string file = Write("e42.tlog-proof", InclusionFile(41));
  CliRun r = Cli("audit inclusion " + file + " " + Trust() + " --entry-hash " + ToHex(entries_[41]));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("inclusion verifies: entry seq 42 hash " + ToHex(entries_[41]) +
                          " is leaf 41 of the tree "
                          "of size 1000"),
            std::string::npos)
      << r.output;
  r = Cli("audit inclusion " + file + " " + Trust() + " --entry-hash " + ToHex(entries_[42]));
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("not the expected"), std::string::npos) << r.output;
}

TEST_F(AuditProofsCli, TamperedInclusionProofsFail) {
  auto p = ParseTlogProof(InclusionFile(41));
  ASSERT_TRUE(p.ok());
  TlogProof flipped = *p;
  flipped.proof[3][7] ^= 0x10;
  CliRun r = Cli("audit inclusion " + Write("a.tlog-proof", FormatTlogProof(flipped)) + " " + Trust());
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("inclusion proof does not verify"), std::string::npos) << r.output;
  TlogProof moved = *p;
  moved.index = 40;
  EXPECT_EQ(Cli("audit inclusion " + Write("b.tlog-proof", FormatTlogProof(moved)) + " " + Trust()).exit_code, 3);
  TlogProof other_salt = *p;
  other_salt.extra = EntryLeafExtra(RandomLeafSalt(), entries_[41]);
  EXPECT_EQ(Cli("audit inclusion " + Write("c.tlog-proof", FormatTlogProof(other_salt)) + " " + Trust()).exit_code, 3);
  TlogProof no_extra = *p;
  no_extra.extra.reset();
  r = Cli("audit inclusion " + Write("d.tlog-proof", FormatTlogProof(no_extra)) + " " + Trust());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("no extra line"), std::string::npos) << r.output;
}

TEST_F(AuditProofsCli, ConsistencyBetweenTwoCheckpointsVerifies) {
  const std::string proof = Write("c.proof", FormatConsistencyProof({400, 1000, *tree_.ConsistencyProof(400, 1000)}));
  CliRun r = Cli("audit consistency " + proof + " --old " + Path("old.cp") + " --new " + Path("new.cp") + " " + Trust());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("consistency verifies: the tree of size 400 is a prefix of the tree of size 1000"),
            std::string::npos)
      << r.output;
  r = Cli("audit consistency " + proof + " --old " + Path("new.cp") + " --new " + Path("old.cp") + " " + Trust());
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("the checkpoints are of sizes 1000 and 400"), std::string::npos) << r.output;
}

// The log's key holder rewrites entry 100 and signs a new history: its checkpoint verifies on its own, but no
// consistency proof links it to the checkpoint a party kept from before.
TEST_F(AuditProofsCli, AForkedHistoryIsNotConsistentWithTheOldCheckpoint) {
  MemoryTreeHashes forked_hashes;
  MerkleTree forked(forked_hashes, 0);
  for (std::uint64_t i = 0; i < 1000; ++i) {
    const Hash entry = i == 100 ? Blake2b256("rewritten") : entries_[i];
    ASSERT_TRUE(forked.Append(EntryLeafHash(salts_[i], entry)).ok());
  }
  Write("forked.cp", Signed(forked, 1000, true));
  EXPECT_EQ(Cli("audit checkpoint " + Path("forked.cp") + " " + Trust()).exit_code, 0);
  const std::string proof = Write("f.proof", FormatConsistencyProof({400, 1000, *forked.ConsistencyProof(400, 1000)}));
  CliRun r =
      Cli("audit consistency " + proof + " --old " + Path("old.cp") + " --new " + Path("forked.cp") + " " + Trust());
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("consistency proof does not verify: consistency proof from tree size 400 to 1000: root"),
            std::string::npos)
      << r.output;
}

TEST_F(AuditProofsCli, VkeyPrintsTheVerifierKeyOfANameAndPublicKey) {
  CliRun r = Cli(std::string("audit vkey --name ") + kOrigin + " --public-key " + ToHex(log_.public_key()));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, log_vkey_ + "\n");
  r = Cli("audit vkey --cosignature --name blue.test/w --public-key " + ToHex(witness_.public_key()));
  EXPECT_EQ(r.output, witness_vkey_ + "\n");
  r = Cli("audit vkey --name 'a b' --public-key " + ToHex(witness_.public_key()));
  EXPECT_EQ(r.exit_code, 64) << r.output;
  EXPECT_NE(r.output.find("key name contains a space"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace deconflict::record
