#include "store/durable_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "store/batch_format.hpp"
#include "sys/fs.hpp"

namespace edgestat::store {

std::string_view write_stage_name(WriteStage s) {
  switch (s) {
    case WriteStage::None: return "none";
    case WriteStage::OpenDir: return "open_dir";
    case WriteStage::Create: return "create";
    case WriteStage::Write: return "write";
    case WriteStage::Fsync: return "fsync";
    case WriteStage::Close: return "close";
    case WriteStage::Rename: return "rename";
    case WriteStage::FsyncDir: return "fsync_dir";
  }
  return "unknown";
}

int open_dir(const char* path) { return ::open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC); }

bool name_exists(int dir_fd, const char* name) {
  struct stat st;
  return ::fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 || errno != ENOENT;
}

WriteOutcome write_file_durable(int dir_fd, const char* final_name, const char* temp_name, const void* data,
                                size_t len) {
  return write_file_durable_parts(dir_fd, final_name, temp_name, data, len, nullptr, 0);
}

WriteOutcome write_file_durable_parts(int dir_fd, const char* final_name, const char* temp_name, const void* a,
                                      size_t a_len, const void* b, size_t b_len) {
  WriteOutcome r;
  auto fail = [&](WriteStage stage, int err) {
    r.err = err;
    r.stage = stage;
    return r;
  };

  // O_TRUNC without O_EXCL: a temp of the same name can only be a leftover
  // of ours, and replacing it is what start-up cleanup would do anyway.
  int fd = ::openat(dir_fd, temp_name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return fail(WriteStage::Create, errno);

  WriteStage stage = WriteStage::None;
  int err = 0;
  for (int part = 0; part < 2 && !err; ++part) {
    const char* p = static_cast<const char*>(part == 0 ? a : b);
    size_t left = part == 0 ? a_len : b_len;
    while (left > 0) {
      ssize_t n = ::write(fd, p, left);
      if (n < 0) {
        if (errno == EINTR) continue;
        stage = WriteStage::Write, err = errno;
        break;
      }
      if (n == 0) {  // Not expected from a regular file; never spin on it.
        stage = WriteStage::Write, err = EIO;
        break;
      }
      p += n;
      left -= static_cast<size_t>(n);
    }
  }
  if (!err && ::fsync(fd) != 0) stage = WriteStage::Fsync, err = errno;
  // close() can report a deferred write error (NFS, some FUSE): it counts.
  if (::close(fd) != 0 && !err && errno != EINTR) stage = WriteStage::Close, err = errno;
  if (!err && ::renameat(dir_fd, temp_name, dir_fd, final_name) != 0) stage = WriteStage::Rename, err = errno;
  if (err) {
    ::unlinkat(dir_fd, temp_name, 0);
    return fail(stage, err);
  }
  r.renamed = true;
  // Some file systems refuse fsync on a directory with EINVAL (or EBADF on
  // an O_RDONLY fd); that is not a failure, the rename is as durable as the
  // file system makes it.
  if (::fsync(dir_fd) != 0 && errno != EINVAL && errno != EBADF) {
    r.err = errno;
    r.stage = WriteStage::FsyncDir;
  }
  return r;
}

int remove_stale_temps(const char* path) {
  int dir_fd = open_dir(path);
  if (dir_fd < 0) return -1;
  DirReader dir(path);
  if (!dir.ok()) {
    ::close(dir_fd);
    return -1;
  }
  int removed = 0;
  std::string_view name;
  char buf[kTempNameLen + 1];
  while (dir.next(&name)) {
    if (!is_temp_name(name)) continue;
    name.copy(buf, name.size());
    buf[name.size()] = '\0';
    if (::unlinkat(dir_fd, buf, 0) == 0) ++removed;
  }
  ::close(dir_fd);
  return removed;
}

}  // namespace edgestat::store
