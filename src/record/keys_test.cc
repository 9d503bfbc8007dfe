#include "record/keys.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace deconflict::record {
namespace {

class KeyFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/dc_keys_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Path(const char* name) const { return dir_ + "/" + name; }
  std::string dir_;
};

TEST_F(KeyFilesTest, CreatesOwnerOnlySecretKeyAndReloadsTheSameKey) {
  auto first = Signer::LoadOrCreate(dir_ + "/data");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  struct stat st {};
  ASSERT_EQ(::stat((dir_ + "/data/" + kSecretKeyFile).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat((dir_ + "/data").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  auto again = Signer::LoadOrCreate(dir_ + "/data");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(first->public_key(), again->public_key());
  auto pub = ReadPublicKeyFile(dir_ + "/data/" + kPublicKeyFile);
  ASSERT_TRUE(pub.ok());
  EXPECT_EQ(*pub, first->public_key());
}

TEST_F(KeyFilesTest, RefusesASecretKeyReadableByOthers) {
  ASSERT_TRUE(Signer::LoadOrCreate(dir_).ok());
  ASSERT_EQ(::chmod(Path(kSecretKeyFile).c_str(), 0644), 0);
  auto s = Signer::LoadOrCreate(dir_);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), ErrorCode::kPermissionDenied);
  EXPECT_NE(s.status().message().find("chmod 600"), std::string::npos);
}

TEST_F(KeyFilesTest, RefusesAPublicKeyThatDoesNotMatch) {
  ASSERT_TRUE(Signer::LoadOrCreate(dir_).ok());
  std::ofstream(Path(kPublicKeyFile)) << ToHex(Signer::Generate().public_key()) << "\n";
  auto s = Signer::LoadOrCreate(dir_);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), ErrorCode::kCorruption);
}

TEST_F(KeyFilesTest, RefusesToReplaceALostSecretKey) {
  ASSERT_TRUE(Signer::LoadOrCreate(dir_).ok());
  std::filesystem::remove(Path(kSecretKeyFile));
  auto s = Signer::LoadOrCreate(dir_);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), ErrorCode::kCorruption);
}

TEST_F(KeyFilesTest, NamesTheFileWithABadKey) {
  {
    std::ofstream out(Path(kSecretKeyFile));
    out << "zz";
  }
  ::chmod(Path(kSecretKeyFile).c_str(), 0600);
  auto s = Signer::LoadOrCreate(dir_);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), ErrorCode::kCorruption);
  EXPECT_NE(s.status().message().find(kSecretKeyFile), std::string::npos);
}

TEST(Signatures, VerifyOnlyTheSignedMessageUnderTheRightKey) {
  const Signer a = Signer::Generate();
  const Signer b = Signer::Generate();
  const Signature sig = a.Sign("hello");
  EXPECT_TRUE(VerifySignature(a.public_key(), "hello", sig));
  EXPECT_FALSE(VerifySignature(a.public_key(), "hellp", sig));
  EXPECT_FALSE(VerifySignature(b.public_key(), "hello", sig));
}

}  // namespace
}  // namespace deconflict::record
