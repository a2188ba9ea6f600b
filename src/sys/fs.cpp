#include "sys/fs.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/statfs.h>
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

namespace {

// Every collection opens a hundred or more /proc and /sys files: open(2)
// with O_CLOEXEC in musl (the static builds) adds an fcntl(F_SETFD) after
// each open, a leftover for kernels older than 2.6.23; openat(2) does not.
// dirfd as openat's: path relative to it, AT_FDCWD for a plain path.
int open_ro(const char* path, int flags, int dirfd = AT_FDCWD) {
  return ::openat(dirfd, path, O_RDONLY | O_CLOEXEC | flags);
}

// Reads fd to its end into buf: read(2) from the current offset, or, when
// positional, pread(2) from offset 0 (a kept procfs file). Does not close.
Status read_all(int fd, bool positional, const char* path, char* buf, size_t cap, size_t* len, int* read_err = nullptr) {
  size_t n = 0;
  for (;;) {
    if (n == cap) {
      // Probe one more byte: a file exactly cap long is fine.
      char extra;
      ssize_t r = positional ? ::pread(fd, &extra, 1, static_cast<off_t>(n)) : ::read(fd, &extra, 1);
      if (r > 0) return Status::error("%s is larger than the %zu-byte read buffer (raise collect.read_buffer_bytes)", path, cap);
      break;
    }
    ssize_t r = positional ? ::pread(fd, buf + n, cap - n, static_cast<off_t>(n)) : ::read(fd, buf + n, cap - n);
    if (r < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      if (read_err) *read_err = e;
      return Status::error("read %s: %s", path, std::strerror(e));
    }
    if (r == 0) break;
    n += static_cast<size_t>(r);
  }
  *len = n;
  return Status::ok();
}

// Kept procfs descriptors. The collectors' global /proc files number about
// 16 with every collector on (stat, meminfo, net/dev, net/snmp...); the
// table has room for a procfs root change on reload too. Paths longer than
// kKeptPathBytes are read without keeping (a procfs root that deep is odd).
constexpr size_t kMaxKeptFiles = 48;
constexpr size_t kKeptPathBytes = 112;
// statfs(2) f_type of procfs (linux/magic.h PROC_SUPER_MAGIC).
constexpr unsigned long kProcSuperMagic = 0x9fa0;

struct KeptFile {
  int fd;
  char path[kKeptPathBytes];
};
KeptFile g_kept[kMaxKeptFiles];  // loop thread only
size_t g_nkept = 0;

KeptFile* find_kept(const char* path) {
  for (size_t i = 0; i < g_nkept; ++i)
    if (std::strcmp(g_kept[i].path, path) == 0) return &g_kept[i];
  return nullptr;
}

void drop_kept(KeptFile* k) {
  ::close(k->fd);
  *k = g_kept[--g_nkept];
}

// Reads the file name in dirfd (AT_FDCWD: name is a path) whole; errors
// name `shown`, the whole path.
Status read_file_at(int dirfd, const char* name, const char* shown, char* buf, size_t cap, size_t* len) {
  int fd = open_ro(name, 0, dirfd);
  if (fd < 0) {
    int e = errno;
    return Status::error("open %s: %s", shown, std::strerror(e)).with_errno(e);
  }
  Status st = read_all(fd, false, shown, buf, cap, len);
  ::close(fd);
  return st;
}

}  // namespace

Status read_file(const char* path, char* buf, size_t cap, size_t* len) {
  return read_file_at(AT_FDCWD, path, path, buf, cap, len);
}

Status read_file_kept(const char* path, char* buf, size_t cap, size_t* len) {
  if (KeptFile* k = find_kept(path)) {
    int err = 0;
    Status st = read_all(k->fd, true, path, buf, cap, len, &err);
    if (st || err == 0) return st;  // read, or a file larger than the buffer
    drop_kept(k);                   // a read error: try a fresh descriptor
  }
  int fd = open_ro(path, 0);
  if (fd < 0) {
    int e = errno;
    return Status::error("open %s: %s", path, std::strerror(e)).with_errno(e);
  }
  struct statfs sf;
  size_t plen = std::strlen(path);
  bool keep = g_nkept < kMaxKeptFiles && plen < kKeptPathBytes && ::fstatfs(fd, &sf) == 0 &&
              static_cast<unsigned long>(sf.f_type) == kProcSuperMagic;
  Status st = read_all(fd, keep, path, buf, cap, len);
  if (!keep || !st) {
    ::close(fd);
    return st;
  }
  KeptFile& k = g_kept[g_nkept++];
  k.fd = fd;
  std::memcpy(k.path, path, plen + 1);
  return st;
}

size_t kept_files_open() { return g_nkept; }

void close_kept_files() {
  while (g_nkept) drop_kept(&g_kept[g_nkept - 1]);
}

namespace {

// read_attr for the file name in dirfd (AT_FDCWD: name is a path).
bool read_attr_at(int dirfd, const char* name, char* buf, size_t cap, std::string_view* out) {
  size_t n = 0;
  if (!read_file_at(dirfd, name, name, buf, cap, &n)) return false;
  std::string_view v(buf, n);
  while (!v.empty() && is_space(v.back())) v.remove_suffix(1);
  *out = v;
  return true;
}

}  // namespace

bool read_attr(const char* path, char* buf, size_t cap, std::string_view* out) {
  return read_attr_at(AT_FDCWD, path, buf, cap, out);
}

DirHandle::DirHandle(const char* path) : fd_(open_ro(path, O_PATH | O_DIRECTORY)) {
  if (fd_ < 0) err_ = errno;
  path_.assign(path);
}

DirHandle::~DirHandle() {
  if (fd_ >= 0) ::close(fd_);
}

Status DirHandle::read_file(const char* name, char* buf, size_t cap, size_t* len) const {
  PathBuf full;  // for messages only
  join_path(full, {path_.view(), "/", name});
  if (fd_ < 0) return Status::error("open %s: %s", full.c_str(), std::strerror(err_)).with_errno(err_);
  return read_file_at(fd_, name, full.c_str(), buf, cap, len);
}

bool DirHandle::read_attr(const char* name, char* buf, size_t cap, std::string_view* out) const {
  return fd_ >= 0 && read_attr_at(fd_, name, buf, cap, out);
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
  fd_ = open_ro(path, O_DIRECTORY);
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
