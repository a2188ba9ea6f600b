#include "sys/fs.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/scan.hpp"

namespace edgestat {

bool join_path(PathBuf& out, std::initializer_list<std::string_view> parts) {
  out.clear();
  for (std::string_view p : parts) out.append(p);
  return !out.overflowed();
}

Status read_file(const char* path, char* buf, size_t cap, size_t* len) {
  int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    return Status::error("open %s: %s", path, std::strerror(e)).with_errno(e);
  }
  size_t n = 0;
  for (;;) {
    if (n == cap) {
      // Probe one more byte: a file exactly cap long is fine.
      char extra;
      ssize_t r = ::read(fd, &extra, 1);
      ::close(fd);
      if (r > 0) return Status::error("%s is larger than the %zu-byte read buffer (raise collect.read_buffer_bytes)", path, cap);
      break;
    }
    ssize_t r = ::read(fd, buf + n, cap - n);
    if (r < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      return Status::error("read %s: %s", path, std::strerror(e));
    }
    if (r == 0) {
      ::close(fd);
      break;
    }
    n += static_cast<size_t>(r);
  }
  *len = n;
  return Status::ok();
}

bool read_attr(const char* path, char* buf, size_t cap, std::string_view* out) {
  size_t n = 0;
  if (!read_file(path, buf, cap, &n)) return false;
  std::string_view v(buf, n);
  while (!v.empty() && is_space(v.back())) v.remove_suffix(1);
  *out = v;
  return true;
}

bool read_attr_u64(const char* path, uint64_t* v) {
  char buf[32];
  std::string_view s;
  if (!read_attr(path, buf, sizeof buf, &s)) return false;
  auto r = parse_u64(s);
  if (!r) return false;
  *v = *r;
  return true;
}

bool read_attr_i64(const char* path, int64_t* v) {
  char buf[32];
  std::string_view s;
  if (!read_attr(path, buf, sizeof buf, &s)) return false;
  auto r = parse_i64(s);
  if (!r) return false;
  *v = *r;
  return true;
}

DirReader::DirReader(const char* path) {
  fd_ = ::open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd_ < 0) err_ = errno;
}

DirReader::~DirReader() {
  if (fd_ >= 0) ::close(fd_);
}

// The kernel's record layout for getdents64; libc's struct dirent matches it
// on Linux but glibc and musl expose getdents64 differently, so use the
// syscall and this definition everywhere.
struct LinuxDirent64 {
  uint64_t d_ino;
  int64_t d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[1];
};

bool DirReader::next(std::string_view* name, unsigned char* d_type) {
  if (fd_ < 0) return false;
  for (;;) {
    if (pos_ >= len_) {
      long r = ::syscall(SYS_getdents64, fd_, buf_, sizeof buf_);
      if (r <= 0) {
        if (r < 0) err_ = errno;
        return false;
      }
      len_ = static_cast<size_t>(r);
      pos_ = 0;
    }
    auto* d = reinterpret_cast<LinuxDirent64*>(buf_ + pos_);
    pos_ += d->d_reclen;
    std::string_view n(d->d_name);
    if (n == "." || n == "..") continue;
    *name = n;
    if (d_type) *d_type = d->d_type;
    return true;
  }
}

}  // namespace edgestat
