#include "export/spool.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "store/durable_file.hpp"

namespace edgestat::exporter {
namespace {

constexpr uint8_t kFormatVersion = 1;
// "0000000000000001.batch": 16 hex digits and the suffix.
constexpr size_t kNameLen = 16 + 6;
constexpr const char* kSuffix = ".batch";

void put32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
uint32_t get32(const uint8_t* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}

void file_name(uint64_t seq, char out[kNameLen + 1]) { std::snprintf(out, kNameLen + 1, "%016llx%s", (unsigned long long)seq, kSuffix); }
void temp_name(uint64_t seq, char out[kNameLen + 6]) { std::snprintf(out, kNameLen + 6, ".%016llx.tmp", (unsigned long long)seq); }

bool parse_name(const char* n, uint64_t* seq) {
  if (std::strlen(n) != kNameLen || std::strcmp(n + 16, kSuffix) != 0) return false;
  uint64_t v = 0;
  for (int i = 0; i < 16; ++i) {
    char c = n[i];
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (d < 0) return false;
    v = v << 4 | static_cast<uint64_t>(d);
  }
  *seq = v;
  return true;
}

bool mkdir_p(char* path) {
  for (char* p = path + 1; *p; ++p) {
    if (*p != '/') continue;
    *p = '\0';
    int rc = ::mkdir(path, 0750);
    *p = '/';
    if (rc != 0 && errno != EEXIST) return false;
  }
  return ::mkdir(path, 0750) == 0 || errno == EEXIST;
}

}  // namespace

uint32_t crc32(const uint8_t* p, size_t n) {
  // Bitwise CRC-32 (IEEE): no table to keep in the binary; the writer
  // thread runs it over at most one batch at a time.
  uint32_t c = 0xffffffffu;
  for (size_t i = 0; i < n; ++i) {
    c ^= p[i];
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
  }
  return ~c;
}

void encode_spool_header(const SpoolHeader& h, uint8_t out[kSpoolHeaderBytes]) {
  std::memset(out, 0, kSpoolHeaderBytes);
  put32(out, kSpoolMagic);
  out[4] = kFormatVersion;
  put32(out + 8, h.samples);
  put32(out + 12, h.body_len);
  put32(out + 16, h.crc);
  put32(out + 20, static_cast<uint32_t>(static_cast<uint64_t>(h.created_ms)));
  put32(out + 24, static_cast<uint32_t>(static_cast<uint64_t>(h.created_ms) >> 32));
}

bool decode_spool_header(const uint8_t in[kSpoolHeaderBytes], SpoolHeader* h) {
  if (get32(in) != kSpoolMagic || in[4] != kFormatVersion) return false;
  h->samples = get32(in + 8);
  h->body_len = get32(in + 12);
  h->crc = get32(in + 16);
  h->created_ms = static_cast<int64_t>(uint64_t{get32(in + 20)} | uint64_t{get32(in + 24)} << 32);
  return true;
}

bool SpoolDir::set_path(const char* data_dir, const char* kind, const char* name) {
  char buf[4096];
  int n = std::snprintf(buf, sizeof buf, "%s/spool/%s-%s", data_dir, kind, name);
  return n > 0 && static_cast<size_t>(n) < sizeof buf && path_.assign(buf);
}

SpoolScan SpoolDir::scan() {
  SpoolScan s;
  char path[4096];
  std::snprintf(path, sizeof path, "%s", path_.c_str());
  if (!mkdir_p(path)) {
    s.err = errno;
    return s;
  }
  DIR* d = ::opendir(path_.c_str());
  if (!d) {
    s.err = errno;
    return s;
  }
  int dfd = ::dirfd(d);
  bool any = false;
  while (dirent* e = ::readdir(d)) {
    uint64_t seq = 0;
    if (e->d_name[0] == '.' && std::strstr(e->d_name, ".tmp")) {
      if (::unlinkat(dfd, e->d_name, 0) == 0) ++s.removed_temps;
      continue;
    }
    if (!parse_name(e->d_name, &seq)) continue;
    struct stat st;
    if (::fstatat(dfd, e->d_name, &st, 0) != 0) continue;
    if (!any || seq < s.first) s.first = seq;
    if (!any || seq + 1 > s.next) s.next = seq + 1;
    any = true;
    ++s.files;
    s.bytes += static_cast<uint64_t>(st.st_size);
    uint8_t hb[kSpoolHeaderBytes];
    SpoolHeader h;
    int fd = ::openat(dfd, e->d_name, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      if (::read(fd, hb, sizeof hb) == static_cast<ssize_t>(sizeof hb) && decode_spool_header(hb, &h))
        s.samples += h.samples;
      ::close(fd);
    }
  }
  ::closedir(d);
  return s;
}

SpoolStatus SpoolDir::write(uint64_t seq, const SpoolHeader& h, const uint8_t* body, int* err) {
  int dfd = store::open_dir(path_.c_str());
  if (dfd < 0) {
    *err = errno;
    return SpoolStatus::Error;
  }
  // Header and body in one buffer would need a copy of the body; instead
  // the header goes first through a small write, then the body: the same
  // durable discipline, with writev's effect.
  char name[kNameLen + 1], temp[kNameLen + 6];
  file_name(seq, name);
  temp_name(seq, temp);
  uint8_t hb[kSpoolHeaderBytes];
  encode_spool_header(h, hb);
  store::WriteOutcome w = store::write_file_durable_parts(dfd, name, temp, hb, sizeof hb, body, h.body_len);
  ::close(dfd);
  if (!w.renamed) {
    *err = w.err;
    return SpoolStatus::Error;
  }
  return SpoolStatus::Ok;
}

SpoolStatus SpoolDir::read(uint64_t seq, uint8_t* buf, size_t cap, SpoolHeader* h, int* err) {
  char name[kNameLen + 1];
  file_name(seq, name);
  char path[4096 + kNameLen + 2];
  std::snprintf(path, sizeof path, "%s/%s", path_.c_str(), name);
  int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *err = errno;
    return errno == ENOENT ? SpoolStatus::Missing : SpoolStatus::Error;
  }
  uint8_t hb[kSpoolHeaderBytes];
  SpoolStatus st = SpoolStatus::Corrupt;
  if (::read(fd, hb, sizeof hb) == static_cast<ssize_t>(sizeof hb) && decode_spool_header(hb, h) &&
      h->body_len <= cap) {
    size_t got = 0;
    while (got < h->body_len) {
      ssize_t n = ::read(fd, buf + got, h->body_len - got);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += static_cast<size_t>(n);
    }
    if (got == h->body_len && crc32(buf, got) == h->crc) st = SpoolStatus::Ok;
  }
  ::close(fd);
  return st;
}

SpoolStatus SpoolDir::remove(uint64_t seq, SpoolHeader* h, uint64_t* bytes, int* err) {
  char name[kNameLen + 1];
  file_name(seq, name);
  char path[4096 + kNameLen + 2];
  std::snprintf(path, sizeof path, "%s/%s", path_.c_str(), name);
  *bytes = 0;
  *h = SpoolHeader{};
  int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    struct stat st;
    if (::fstat(fd, &st) == 0) *bytes = static_cast<uint64_t>(st.st_size);
    uint8_t hb[kSpoolHeaderBytes];
    if (::read(fd, hb, sizeof hb) != static_cast<ssize_t>(sizeof hb) || !decode_spool_header(hb, h)) *h = SpoolHeader{};
    ::close(fd);
  }
  if (::unlink(path) != 0) {
    *err = errno;
    return errno == ENOENT ? SpoolStatus::Missing : SpoolStatus::Error;
  }
  return SpoolStatus::Ok;
}

}  // namespace edgestat::exporter
