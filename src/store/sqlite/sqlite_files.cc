// File modes of the data directory (docs/storage.md, "The data directory"): the directory 0700, the database
// and SQLite's WAL and shared-memory files 0600, whatever the umask, and looser modes left by an older version
// or by hand tightened at open (and reported).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "store/sqlite/sqlite_internal.h"

namespace deconflict::store::sqlite {
namespace {

std::string Octal(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

// Removes group and other access from an existing path; a note when it had any.
Status Tighten(const std::string& path, mode_t wanted, std::vector<std::string>* notes) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return Status::Ok();
    return Status::Io("cannot stat " + path + ": " + std::strerror(errno));
  }
  if ((st.st_mode & 077) == 0) return Status::Ok();
  if (::chmod(path.c_str(), wanted) != 0) {
    return Status::Io(path + " is accessible by group or others (mode " + Octal(st.st_mode) +
                      ") and cannot be changed to " + Octal(wanted) + ": " + std::strerror(errno));
  }
  notes->push_back(path + " was accessible by group or others (mode " + Octal(st.st_mode) + "); changed to " +
                   Octal(wanted));
  return Status::Ok();
}

}  // namespace

Status SecureDataFiles(const std::string& dir, std::vector<std::string>* notes) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    // The parents as the umask says (they are not ours); the data directory itself 0700.
    const fs::path parent = fs::path(dir).parent_path();
    if (!parent.empty()) fs::create_directories(parent, ec);
    if (ec) return Status::Io("cannot create the parent of data directory " + dir + ": " + ec.message());
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
      return Status::Io("cannot create data directory " + dir + ": " + std::strerror(errno));
    if (::chmod(dir.c_str(), 0700) != 0) return Status::Io("chmod 0700 " + dir + ": " + std::strerror(errno));
  }
  if (!fs::is_directory(dir, ec)) return Status::Io("data directory " + dir + " is not a directory");
  if (Status s = Tighten(dir, 0700, notes); !s.ok()) return s;
  const std::string db = (fs::path(dir) / kDatabaseFile).string();
  // SQLite creates the database 0644 less the umask, and its -wal and -shm files with the database's mode:
  // creating the database 0600 first makes all three 0600.
  const int fd = ::open(db.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Status::Io("cannot open database " + db + ": " + std::strerror(errno));
  ::close(fd);
  for (const char* suffix : {"", "-wal", "-shm"}) {
    if (Status s = Tighten(db + suffix, 0600, notes); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace deconflict::store::sqlite
