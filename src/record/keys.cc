#include "record/keys.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "record/sodium_init.h"

namespace deconflict::record {

void EnsureSodium() {
  static const int rc = sodium_init();  // 0 first time, 1 if already initialised, -1 on failure
  if (rc < 0) std::abort();             // no usable randomness: signing keys cannot be made safely
}

Signer Signer::FromSeed(const std::array<std::uint8_t, 32>& seed) {
  EnsureSodium();
  Signer s;
  crypto_sign_seed_keypair(s.pk_.data(), s.sk_.data(), seed.data());
  return s;
}

Signer Signer::Generate() {
  EnsureSodium();
  std::array<std::uint8_t, 32> seed{};
  randombytes_buf(seed.data(), seed.size());
  Signer s = FromSeed(seed);
  sodium_memzero(seed.data(), seed.size());
  return s;
}

Signer::Signer(Signer&& o) noexcept : pk_(o.pk_), sk_(o.sk_) { sodium_memzero(o.sk_.data(), o.sk_.size()); }
Signer& Signer::operator=(Signer&& o) noexcept {
  if (this != &o) {
    pk_ = o.pk_;
    sk_ = o.sk_;
    sodium_memzero(o.sk_.data(), o.sk_.size());
  }
  return *this;
}
Signer::~Signer() { sodium_memzero(sk_.data(), sk_.size()); }

Signature Signer::Sign(std::string_view message) const {
  Signature sig{};
  crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                       sk_.data());
  return sig;
}

bool VerifySignature(const PublicKey& pk, std::string_view message, const Signature& sig) {
  EnsureSodium();
  return crypto_sign_verify_detached(sig.data(), reinterpret_cast<const unsigned char*>(message.data()),
                                     message.size(), pk.data()) == 0;
}

namespace {

std::string Trim(std::string s) {
  const auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

Result<std::string> ReadSmallFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Io("cannot read " + path + ": " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (ss.str().size() > 4096) return Status::Corruption(path + ": too large for a key file");
  return ss.str();
}

Status SyncDirectory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return Status::Io("cannot open directory " + dir + ": " + std::strerror(errno));
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Status::Io("fsync " + dir + ": " + std::strerror(errno));
  return Status::Ok();
}

// Writes `text` to a new file `path` (must not exist) with `mode`, and fsyncs it.
Status WriteNewFile(const std::string& path, const std::string& text, mode_t mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return Status::Io("cannot create " + path + ": " + std::strerror(errno));
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const std::string err = std::strerror(errno);
      ::close(fd);
      return Status::Io("write " + path + ": " + err);
    }
    done += static_cast<std::size_t>(n);
  }
  ::fchmod(fd, mode);  // independent of the umask
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Status::Io("fsync " + path + ": " + std::strerror(errno));
  return Status::Ok();
}

std::string OctalMode(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

}  // namespace

Result<PublicKey> ParsePublicKey(std::string_view hex) { return FromHex<32>(hex, "public key"); }

Result<PublicKey> ReadPublicKeyFile(const std::string& path) {
  auto text = ReadSmallFile(path);
  if (!text.ok()) return text.status();
  auto pk = FromHex<32>(Trim(*text), path);
  if (!pk.ok()) return Status::Corruption(pk.status().message());
  return pk;
}

Result<Signer> Signer::LoadOrCreate(const std::string& data_dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(data_dir, ec)) {
    fs::create_directories(data_dir, ec);
    if (ec) return Status::Io("cannot create data directory " + data_dir + ": " + ec.message());
    ::chmod(data_dir.c_str(), 0700);
  }
  if (!fs::is_directory(data_dir, ec)) return Status::Io("data directory " + data_dir + " is not a directory");
  const std::string key_path = (fs::path(data_dir) / kSecretKeyFile).string();
  const std::string pub_path = (fs::path(data_dir) / kPublicKeyFile).string();

  struct stat st {};
  if (::stat(key_path.c_str(), &st) == 0) {
    if ((st.st_mode & 077) != 0) {
      return Status(ErrorCode::kPermissionDenied,
                    key_path + " is accessible by group or others (mode " + OctalMode(st.st_mode) +
                        "); run: chmod 600 " + key_path);
    }
    auto text = ReadSmallFile(key_path);
    if (!text.ok()) return text.status();
    std::string trimmed = Trim(*text);
    auto seed = FromHex<32>(trimmed, key_path);
    sodium_memzero(trimmed.data(), trimmed.size());
    sodium_memzero(text->data(), text->size());
    if (!seed.ok()) return Status::Corruption(seed.status().message());
    Signer signer = FromSeed(*seed);
    sodium_memzero(seed->data(), seed->size());
    if (fs::exists(pub_path, ec)) {
      auto pk = ReadPublicKeyFile(pub_path);
      if (!pk.ok()) return pk.status();
      if (*pk != signer.public_key()) {
        return Status::Corruption(pub_path + " does not match the secret key in " + key_path);
      }
    } else {
      Status s = WriteNewFile(pub_path, ToHex(signer.public_key()) + "\n", 0644);
      if (!s.ok()) return s;
      s = SyncDirectory(data_dir);
      if (!s.ok()) return s;
    }
    return signer;
  }
  if (errno != ENOENT) return Status::Io("cannot stat " + key_path + ": " + std::strerror(errno));
  if (fs::exists(pub_path, ec)) {
    return Status::Corruption(pub_path + " exists but " + key_path +
                              " does not: refusing to make a new key that would not match the record");
  }

  EnsureSodium();
  std::array<std::uint8_t, 32> seed{};
  randombytes_buf(seed.data(), seed.size());
  std::string seed_hex = ToHex(seed) + "\n";
  Signer signer = FromSeed(seed);
  sodium_memzero(seed.data(), seed.size());
  Status s = WriteNewFile(key_path, seed_hex, 0600);
  sodium_memzero(seed_hex.data(), seed_hex.size());
  if (!s.ok()) return s;
  s = WriteNewFile(pub_path, ToHex(signer.public_key()) + "\n", 0644);
  if (!s.ok()) return s;
  s = SyncDirectory(data_dir);
  if (!s.ok()) return s;
  return signer;
}

}  // namespace deconflict::record
