#include "ingest/history_file.hpp"

#include <cstring>

#include "core/hash.hpp"

namespace edgestat::ingest {
namespace {

constexpr char kMagic[8] = {'E', 'D', 'G', 'E', 'H', 'I', 'S', 'T'};
constexpr size_t kHeaderBytes = 8 + 4 * 4;
// Longest column name: a spec (255) or family{label="value"}.
constexpr size_t kMaxNameBytes = 512;

class Writer {
 public:
  Writer(char* buf, size_t cap) : p_(buf), cap_(cap) {}
  void bytes(const void* d, size_t n) {
    if (n > cap_ - len_) {
      ok_ = false;
      return;
    }
    if (n) std::memcpy(p_ + len_, d, n);
    len_ += n;
  }
  void u(uint64_t v, int n) {
    unsigned char b[8];
    for (int i = 0; i < n; ++i) b[i] = static_cast<unsigned char>(v >> (8 * i));
    bytes(b, static_cast<size_t>(n));
  }
  bool ok() const { return ok_; }
  size_t len() const { return len_; }
  char* data() { return p_; }

 private:
  char* p_;
  size_t cap_, len_ = 0;
  bool ok_ = true;
};

class Reader {
 public:
  Reader(const char* d, size_t n) : p_(reinterpret_cast<const unsigned char*>(d)), n_(n) {}
  bool u(int n, uint64_t* v) {
    if (static_cast<size_t>(n) > n_ - at_) return false;
    *v = 0;
    for (int i = 0; i < n; ++i) *v |= static_cast<uint64_t>(p_[at_ + static_cast<size_t>(i)]) << (8 * i);
    at_ += static_cast<size_t>(n);
    return true;
  }
  bool view(size_t n, std::string_view* s) {
    if (n > n_ - at_) return false;
    *s = {reinterpret_cast<const char*>(p_ + at_), n};
    at_ += n;
    return true;
  }
  size_t at() const { return at_; }
  void seek(size_t at) { at_ = at; }

 private:
  const unsigned char* p_;
  size_t n_, at_ = 0;
};

double as_double(uint64_t bits) {
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

uint64_t as_bits(double d) {
  uint64_t b;
  std::memcpy(&b, &d, sizeof b);
  return b;
}

}  // namespace

size_t history_file_capacity(const History& h) {
  return kHeaderBytes + h.column_count() * (2 + kMaxNameBytes) +
         static_cast<size_t>(h.depth()) * (8 + 8 * h.column_count()) + 8;
}

size_t encode_history(const History& h, char* buf, size_t cap) {
  // Named columns only: a split column not assigned yet holds nothing.
  size_t cols[kMaxHistoryColumns];
  size_t ncols = 0, name_bytes = 0;
  for (size_t c = 0; c < h.column_count(); ++c) {
    char nb[kMaxNameBytes];
    OutBuffer name(nb, sizeof nb);
    h.column_name(c, name);
    if (name.size() == 0 || name.overflowed()) continue;
    cols[ncols++] = c;
    name_bytes += 2 + name.size();
  }
  Writer w(buf, cap);
  w.bytes(kMagic, sizeof kMagic);
  w.u(kHistoryFileVersion, 4);
  w.u(ncols, 4);
  w.u(h.size(), 4);
  w.u(name_bytes, 4);
  for (size_t k = 0; k < ncols; ++k) {
    char nb[kMaxNameBytes];
    OutBuffer name(nb, sizeof nb);
    h.column_name(cols[k], name);
    w.u(name.size(), 2);
    w.bytes(name.view().data(), name.size());
  }
  for (uint32_t i = 0; i < h.size(); ++i) w.u(static_cast<uint64_t>(h.time_us(i)), 8);
  for (uint32_t i = 0; i < h.size(); ++i)
    for (size_t k = 0; k < ncols; ++k) w.u(as_bits(h.value(i, cols[k])), 8);
  if (!w.ok()) return 0;
  w.u(fnv1a64_bytes(w.data(), w.len()), 8);
  return w.ok() ? w.len() : 0;
}

bool decode_history(const char* data, size_t len, History* h, const char** why) {
  Reader r(data, len);
  std::string_view magic;
  uint64_t version = 0, ncols = 0, npoints = 0, name_bytes = 0;
  if (!r.view(sizeof kMagic, &magic) || magic != std::string_view(kMagic, sizeof kMagic)) {
    *why = "not a history file (bad magic)";
    return false;
  }
  if (!r.u(4, &version) || version != kHistoryFileVersion) {
    *why = "unsupported history file version";
    return false;
  }
  if (!r.u(4, &ncols) || !r.u(4, &npoints) || !r.u(4, &name_bytes)) {
    *why = "truncated header";
    return false;
  }
  // The exact size the header implies, computed without overflow.
  uint64_t want = kHeaderBytes + name_bytes + npoints * 8 + 8;
  if (ncols > kMaxHistoryColumns || npoints > kMaxHistoryFileBytes / 8 || name_bytes > kMaxHistoryFileBytes ||
      (ncols && npoints > kMaxHistoryFileBytes / 8 / ncols)) {
    *why = "header claims more than a history file holds";
    return false;
  }
  want += npoints * ncols * 8;
  if (want != len) {
    *why = len < want ? "truncated file" : "trailing bytes after the data";
    return false;
  }
  uint64_t sum = 0;
  r.seek(len - 8);
  r.u(8, &sum);
  if (sum != fnv1a64_bytes(data, len - 8)) {
    *why = "checksum mismatch";
    return false;
  }
  r.seek(kHeaderBytes);
  std::string_view names[kMaxHistoryColumns];
  size_t used = 0;
  for (uint64_t c = 0; c < ncols; ++c) {
    uint64_t n = 0;
    if (!r.u(2, &n) || n == 0 || n > kMaxNameBytes || !r.view(n, &names[c])) {
      *why = "bad column name";
      return false;
    }
    used += 2 + n;
  }
  if (used != name_bytes) {
    *why = "column names do not fill their section";
    return false;
  }
  size_t times_at = r.at();
  int64_t prev = INT64_MIN;
  for (uint64_t i = 0; i < npoints; ++i) {
    uint64_t t = 0;
    r.u(8, &t);
    if (static_cast<int64_t>(t) < prev) {
      *why = "point times go backwards";
      return false;
    }
    prev = static_cast<int64_t>(t);
  }
  // Valid: restore the newest depth points into the columns still configured.
  size_t values_at = r.at();
  h->clear();
  int map[kMaxHistoryColumns];
  for (uint64_t c = 0; c < ncols; ++c) map[c] = h->find_column(names[c]);
  uint64_t first = npoints > h->depth() ? npoints - h->depth() : 0;
  for (uint64_t i = first; i < npoints; ++i) {
    uint64_t t = 0;
    r.seek(times_at + i * 8);
    r.u(8, &t);
    h->append_point(static_cast<int64_t>(t));
    r.seek(values_at + i * ncols * 8);
    for (uint64_t c = 0; c < ncols; ++c) {
      uint64_t bits = 0;
      r.u(8, &bits);
      if (map[c] >= 0) h->set_value(static_cast<size_t>(map[c]), as_double(bits));
    }
  }
  return true;
}

}  // namespace edgestat::ingest
