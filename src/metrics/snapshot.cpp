#include "metrics/snapshot.hpp"

#include <algorithm>
#include <cstring>

#include "core/copy.hpp"
#include "core/hash.hpp"
#include "core/reserve.hpp"
#include "core/scan.hpp"
#include "core/sort.hpp"
#include "core/utf8.hpp"

namespace edgestat {
namespace {

uint32_t pow2_at_least(uint32_t n) {
  uint32_t p = 1;
  while (p < n) p <<= 1;
  return p;
}

// Escaping per the text format: backslash, double quote and newline; bytes
// that are not valid UTF-8 become U+FFFD so the exposition stays valid.
size_t escaped_size(std::string_view v) {
  size_t n = 0;
  for (size_t i = 0; i < v.size();) {
    size_t j = plain_run_end(v, i, '\\', '"', '\n');  // copied as they are
    n += j - i;
    i = j;
    if (i == v.size()) break;
    char c = v[i];
    if (c == '\\' || c == '"' || c == '\n') {
      n += 2, ++i;
    } else {  // not ASCII: the run above stops at nothing else
      size_t k = utf8_sequence_length(v, i);
      n += k ? k : kReplacementChar.size();
      i += k ? k : 1;
    }
  }
  return n;
}

char* escape_into(char* p, std::string_view v) {
  for (size_t i = 0; i < v.size();) {
    // A run of plain bytes (all of almost every label value) in one copy.
    size_t j = plain_run_end(v, i, '\\', '"', '\n');
    if (j > i) {
      copy_bytes(p, v.data() + i, j - i);
      p += j - i;
      i = j;
      continue;
    }
    char c = v[i];
    if (c == '\\' || c == '"') {
      *p++ = '\\', *p++ = c, ++i;
    } else if (c == '\n') {
      *p++ = '\\', *p++ = 'n', ++i;
    } else {  // not ASCII: the run above stops at nothing else
      size_t k = utf8_sequence_length(v, i);
      std::string_view src = k ? v.substr(i, k) : kReplacementChar;
      copy_bytes(p, src.data(), src.size());
      p += src.size();
      i += k ? k : 1;
    }
  }
  return p;
}

// words_hash (core/hash.hpp), not FNV-1a: every sample's label set (a
// thousand of 20-60 bytes) and every family name a collector adds is
// hashed once a collection. A hit is compared in full, so the hash only
// has to spread; callers finish with mix64.
uint32_t name_hash(std::string_view name) {
  return static_cast<uint32_t>(mix64(words_hash(name.data(), name.size(), kWordMul)));
}

// Up to this many samples in one family, an unsorted range is sorted by
// insertion (quadratic, but bounded by this and cheaper than the heapsort's
// indirect compares and byte moves at this size).
constexpr uint32_t kInsertionSortMax = 24;

int kind_order(SampleKind k) {
  switch (k) {
    case SampleKind::Plain:
    case SampleKind::Bucket:
    case SampleKind::Quantile: return 0;
    case SampleKind::Sum: return 1;
    case SampleKind::Count: return 2;
  }
  return 0;
}

}  // namespace

Snapshot::~Snapshot() {
  release_array(families_, lim_.max_families);
  release_array(order_, lim_.max_families);
  release_array(index_, index_mask_ + 1);
  release_array(samples_, lim_.max_samples);
  release_array(arena_, lim_.arena_bytes);
  release_array(series_, series_mask_ + 1);
}

bool Snapshot::init(const SnapshotLimits& limits) {
  lim_ = limits;
  uint32_t index_size = pow2_at_least(limits.max_families * 2);
  index_mask_ = index_size - 1;
  families_ = reserve_array<Family>(limits.max_families);
  order_ = reserve_array<uint32_t>(limits.max_families);
  index_ = reserve_array<uint32_t>(index_size);
  samples_ = reserve_array<Sample>(limits.max_samples);
  arena_ = reserve_array<char>(limits.arena_bytes);
  uint32_t series_size = pow2_at_least(limits.max_samples * 2);
  series_mask_ = series_size - 1;
  series_ = reserve_array<uint32_t>(series_size);
  clear();
  return families_ && order_ && index_ && samples_ && arena_ && series_;
}

size_t Snapshot::reserved_bytes() const {
  return lim_.max_families * (sizeof(Family) + sizeof(uint32_t)) + (index_mask_ + 1) * sizeof(uint32_t) +
         lim_.max_samples * sizeof(Sample) + lim_.arena_bytes + (series_mask_ + 1) * sizeof(uint32_t);
}

void Snapshot::clear() {
  if (index_) std::memset(index_, 0, (index_mask_ + 1) * sizeof(uint32_t));
  if (series_) std::memset(series_, 0, (series_mask_ + 1) * sizeof(uint32_t));
  series_stale_ = false;
  nfamilies_ = nsamples_ = arena_len_ = 0;
  refused_ = duplicates_ = duplicate_collectors_ = 0;
  std::memset(desc_cache_, 0, sizeof desc_cache_);
  collector_ = kSelfCollectorId;
}

void Snapshot::rollback(uint32_t mark) {
  if (mark >= nsamples_) return;
  nsamples_ = mark;
  // Rare (a collector failed): forget the dropped series by rebuilding.
  series_stale_ = true;
}

uint32_t Snapshot::series_hash(const Sample& s) const {
  uint64_t h = (uint64_t{s.family} << 8 | static_cast<uint64_t>(s.kind)) * kWordMul;
  uint64_t bound;
  std::memcpy(&bound, &s.bound, sizeof bound);
  h = (h ^ bound) * kWordMul;
  return static_cast<uint32_t>(mix64(words_hash(arena_ + s.labels_off, s.labels_len, h)));  // low bits index
}

int Snapshot::series_find_or_insert(uint32_t idx) {
  const Sample& s = samples_[idx];
  for (uint32_t h = series_hash(s) & series_mask_;; h = (h + 1) & series_mask_) {
    uint32_t slot = series_[h];
    if (slot == 0) {
      series_[h] = idx + 1;
      return -1;
    }
    const Sample& o = samples_[slot - 1];
    if (o.family == s.family && o.kind == s.kind && o.labels_len == s.labels_len &&
        std::memcmp(&o.bound, &s.bound, sizeof s.bound) == 0 &&
        compare_bytes(arena_ + o.labels_off, arena_ + s.labels_off, s.labels_len) == 0)
      return static_cast<int>(slot - 1);
  }
}

void Snapshot::series_rebuild() {
  std::memset(series_, 0, (series_mask_ + 1) * sizeof(uint32_t));
  for (uint32_t i = 0; i < nsamples_; ++i) series_find_or_insert(i);
  series_stale_ = false;
}

char* Snapshot::arena_alloc(size_t n) {
  if (n > lim_.arena_bytes - arena_len_) return nullptr;
  char* p = arena_ + arena_len_;
  arena_len_ += static_cast<uint32_t>(n);
  return p;
}

int Snapshot::find(std::string_view name) const {
  for (uint32_t h = name_hash(name) & index_mask_;; h = (h + 1) & index_mask_) {
    uint32_t slot = index_[h];
    if (slot == 0) return -1;
    if (equal_bytes(families_[slot - 1].name, name)) return static_cast<int>(slot - 1);
  }
}

bool Snapshot::family_type(std::string_view name, MetricType* t) const {
  int i = find(name);
  if (i < 0) return false;
  *t = families_[i].type;
  return true;
}

const Family* Snapshot::find_family(std::string_view name) const {
  int i = find(name);
  return i < 0 ? nullptr : &families_[i];
}

bool Snapshot::value(std::string_view family, std::string_view labels, double* v) const {
  const Family* f = find_family(family);
  if (!f) return false;
  for (const Sample& s : samples(*f)) {
    if (s.kind != SampleKind::Plain || this->labels(s) != labels) continue;
    *v = s.value;
    return true;
  }
  return false;
}

int Snapshot::intern(std::string_view name, std::string_view help, MetricType t, bool copy) {
  uint32_t h = name_hash(name) & index_mask_;
  for (;; h = (h + 1) & index_mask_) {
    uint32_t slot = index_[h];
    if (slot == 0) break;
    Family& f = families_[slot - 1];
    if (equal_bytes(f.name, name)) return f.type == t ? static_cast<int>(slot - 1) : -1;
  }
  if (nfamilies_ == lim_.max_families) return -1;
  if (copy) {
    char* n = arena_alloc(name.size() + help.size());
    if (!n) return -1;
    copy_bytes(n, name.data(), name.size());
    copy_bytes(n + name.size(), help.data(), help.size());
    name = {n, name.size()};
    help = {n + name.size(), help.size()};
  }
  Family& f = families_[nfamilies_];
  f = Family{name, help, t, 0, 0};
  index_[h] = ++nfamilies_;
  return static_cast<int>(nfamilies_ - 1);
}

bool Snapshot::push(int fam, SampleKind kind, double bound, double v, const Label* labels, size_t n) {
  if (fam < 0 || nsamples_ == lim_.max_samples) {
    ++refused_;
    return false;
  }
  size_t need = 0;
  for (size_t i = 0; i < n; ++i) need += labels[i].name.size() + 3 + escaped_size(labels[i].value) + (i ? 1 : 0);
  // Label sets are bounded by what a uint16 offset can hold; 64 KiB of
  // labels on one sample is a bug or an attack either way.
  if (need > UINT16_MAX) {
    ++refused_;
    return false;
  }
  char* start = arena_alloc(need);
  if (!start) {
    ++refused_;
    return false;
  }
  char* p = start;
  for (size_t i = 0; i < n; ++i) {
    if (i) *p++ = ',';
    copy_bytes(p, labels[i].name.data(), labels[i].name.size());
    p += labels[i].name.size();
    *p++ = '=';
    *p++ = '"';
    p = escape_into(p, labels[i].value);
    *p++ = '"';
  }
  // The candidate goes in the next slot; it only counts once nsamples_
  // moves past it, so a duplicate leaves no trace but the counter.
  samples_[nsamples_] = Sample{static_cast<uint32_t>(fam), static_cast<uint32_t>(start - arena_),
                               static_cast<uint16_t>(need), kind, collector_, bound, v};
  if (series_stale_) series_rebuild();
  if (series_find_or_insert(nsamples_) >= 0) {
    arena_len_ -= static_cast<uint32_t>(need);  // the last allocation: give it back
    ++duplicates_;
    duplicate_collectors_ |= uint64_t{1} << (collector_ & 63);
    return false;
  }
  ++nsamples_;
  return true;
}

bool Snapshot::add(const FamilyDesc& f, SampleKind kind, double bound, double v, const Label* labels, size_t n) {
  auto key = reinterpret_cast<uintptr_t>(&f);
  DescSlot& slot = desc_cache_[((key >> 3) ^ (key >> 11)) & (kDescCacheSlots - 1)];
  if (slot.desc != &f || slot.family < 0 || families_[slot.family].name.data() != f.name.data() ||
      families_[slot.family].name.size() != f.name.size() || families_[slot.family].type != f.type) {
    slot.desc = &f;
    slot.family = intern(f.name, f.help, f.type, false);
  }
  return push(slot.family, kind, bound, v, labels, n);
}

bool Snapshot::add_dynamic(std::string_view name, std::string_view help, MetricType t, SampleKind kind,
                           double bound, double v, const Label* labels, size_t n) {
  return push(intern(name, help, t, true), kind, bound, v, labels, n);
}

void Snapshot::finish() {
  series_stale_ = true;  // the moves below reorder samples
  // Collectors intern the same families in the same sequence every time,
  // so the last collection's order is usually still the answer: when it
  // has as many entries and is strictly increasing by name, it is the one
  // sorted permutation (n - 1 compares instead of a sort).
  bool reuse = ordered_families_ == nfamilies_;
  auto name_less = [this](uint32_t a, uint32_t b) {
    std::string_view x = families_[a].name, y = families_[b].name;
    return less_bytes(x.data(), x.size(), y.data(), y.size());
  };
  for (uint32_t r = 1; reuse && r < nfamilies_; ++r) reuse = name_less(order_[r - 1], order_[r]);
  if (!reuse) {
    for (uint32_t i = 0; i < nfamilies_; ++i) order_[i] = i;
    edgestat::sort(order_, order_ + nfamilies_, name_less);
    ordered_families_ = nfamilies_;
  }
  // Samples in family-name order: a counting sort by family (O(n), where a
  // heapsort of the whole table was the largest user-space cost of a fresh
  // scrape: n log n compares and three variable-size memcpys per move,
  // a rep movsq each under musl). Family::end counts, then holds each
  // family's next free slot; the destinations go into series_, which is
  // free scratch here (twice max_samples entries, rebuilt after any move:
  // series_stale_ above), so nothing is reserved for this.
  for (uint32_t i = 0; i < nfamilies_; ++i) families_[i].end = 0;
  for (uint32_t i = 0; i < nsamples_; ++i) ++families_[samples_[i].family].end;
  for (uint32_t r = 0, pos = 0; r < nfamilies_; ++r) {
    Family& f = families_[order_[r]];
    uint32_t count = f.end;
    f.end = pos;
    pos += count;
  }
  uint32_t* dest = series_;
  for (uint32_t i = 0; i < nsamples_; ++i) dest[i] = families_[samples_[i].family].end++;
  // Apply the permutation in place: each swap puts one sample home.
  for (uint32_t i = 0; i < nsamples_; ++i) {
    while (dest[i] != i) {
      uint32_t j = dest[i];
      Sample t = samples_[i];
      samples_[i] = samples_[j];
      samples_[j] = t;
      dest[i] = dest[j];
      dest[j] = j;
    }
  }
  for (uint32_t i = 0; i < nfamilies_; ++i) families_[i].begin = families_[i].end = 0;
  const char* arena = arena_;
  auto less = [arena](const Sample& a, const Sample& b) {
    int c = compare_bytes(arena + a.labels_off, arena + b.labels_off,
                          a.labels_len < b.labels_len ? a.labels_len : b.labels_len);
    if (c != 0) return c < 0;
    if (a.labels_len != b.labels_len) return a.labels_len < b.labels_len;
    if (kind_order(a.kind) != kind_order(b.kind)) return kind_order(a.kind) < kind_order(b.kind);
    return a.bound < b.bound;
  };
  for (uint32_t i = 0; i < nsamples_;) {
    uint32_t j = i;
    while (j < nsamples_ && samples_[j].family == samples_[i].family) ++j;
    families_[samples_[i].family].begin = i;
    families_[samples_[i].family].end = j;
    // Within a family: most collectors add in label order already (one
    // linear check); short ranges (a CPU's modes) by insertion, at most
    // kInsertionSortMax^2/2 compares; longer ones by the heapsort.
    uint32_t k = i + 1;
    while (k < j && !less(samples_[k], samples_[k - 1])) ++k;
    if (k < j) {
      if (j - i <= kInsertionSortMax) {
        for (uint32_t a = k; a < j; ++a) {
          Sample t = samples_[a];
          uint32_t b = a;
          for (; b > i && less(t, samples_[b - 1]); --b) samples_[b] = samples_[b - 1];
          samples_[b] = t;
        }
      } else {
        edgestat::sort(samples_ + i, samples_ + j, less);
      }
    }
    i = j;
  }
}

}  // namespace edgestat
