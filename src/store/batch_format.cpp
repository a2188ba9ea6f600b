#include "store/batch_format.hpp"

#include <cstring>

#include "core/civil_time.hpp"
#include "core/number.hpp"
#include "core/scan.hpp"

namespace edgestat::store {
namespace {

constexpr int64_t kUsPerSec = 1000000;
constexpr int64_t kSecPerDay = 86400;

struct Civil : CivilTime {
  int micros = 0;
};

// Clamped to the years a batch name can spell (1970-9999).
Civil to_civil(int64_t unix_us) {
  if (unix_us < 0) unix_us = 0;
  if (unix_us > kMaxUnixUs) unix_us = kMaxUnixUs;
  Civil c;
  static_cast<CivilTime&>(c) = civil_from_unix(unix_us / kUsPerSec);
  c.micros = static_cast<int>(unix_us % kUsPerSec);
  return c;
}

bool get_digits(const char* p, int width, int* v) {
  int r = 0;
  for (int i = 0; i < width; ++i) {
    if (p[i] < '0' || p[i] > '9') return false;
    r = r * 10 + (p[i] - '0');
  }
  *v = r;
  return true;
}

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

size_t format_batch_name(int64_t unix_us, char* out) {
  Civil c = to_civil(unix_us);
  char* p = out;
  std::memcpy(p, kBatchPrefix.data(), kBatchPrefix.size());
  p += kBatchPrefix.size();
  p = put_digits(p, c.year, 4);
  p = put_digits(p, c.month, 2);
  p = put_digits(p, c.day, 2);
  *p++ = '_';
  p = put_digits(p, c.hour, 2);
  p = put_digits(p, c.minute, 2);
  p = put_digits(p, c.second, 2);
  *p++ = '_';
  p = put_digits(p, c.micros, 6);
  std::memcpy(p, kBatchSuffix.data(), kBatchSuffix.size());
  p += kBatchSuffix.size();
  *p = '\0';
  return static_cast<size_t>(p - out);
}

size_t format_temp_name(int64_t unix_us, char* out) {
  std::memcpy(out, kTempPrefix.data(), kTempPrefix.size());
  size_t n = kTempPrefix.size() + format_batch_name(unix_us, out + kTempPrefix.size());
  std::memcpy(out + n, kTempSuffix.data(), kTempSuffix.size());
  n += kTempSuffix.size();
  out[n] = '\0';
  return n;
}

std::optional<int64_t> parse_batch_name(std::string_view name) {
  if (name.size() != kBatchNameLen) return std::nullopt;
  if (name.substr(0, kBatchPrefix.size()) != kBatchPrefix) return std::nullopt;
  if (name.substr(kBatchNameLen - kBatchSuffix.size()) != kBatchSuffix) return std::nullopt;
  const char* p = name.data() + kBatchPrefix.size();
  int y, mo, d, h, mi, s, us;
  if (!get_digits(p, 4, &y) || !get_digits(p + 4, 2, &mo) || !get_digits(p + 6, 2, &d) || p[8] != '_' ||
      !get_digits(p + 9, 2, &h) || !get_digits(p + 11, 2, &mi) || !get_digits(p + 13, 2, &s) || p[15] != '_' ||
      !get_digits(p + 16, 6, &us))
    return std::nullopt;
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return std::nullopt;
  int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  int64_t t = ((days * kSecPerDay) + h * 3600 + mi * 60 + s) * kUsPerSec + us;
  // A day past the month's end (Feb 30) would normalize to another date;
  // only the canonical spelling of t is ours.
  char check[kBatchNameLen + 1];
  format_batch_name(t, check);
  if (std::string_view(check, kBatchNameLen) != name) return std::nullopt;
  return t;
}

bool is_temp_name(std::string_view name) {
  if (name.size() != kTempNameLen) return false;
  if (name.substr(0, kTempPrefix.size()) != kTempPrefix) return false;
  if (name.substr(name.size() - kTempSuffix.size()) != kTempSuffix) return false;
  return parse_batch_name(name.substr(kTempPrefix.size(), kBatchNameLen)).has_value();
}

size_t format_rfc3339_us(int64_t unix_us, char* out) {
  Civil c = to_civil(unix_us);
  char* p = put_iso_seconds(out, c);
  *p++ = '.';
  p = put_digits(p, c.micros, 6);
  *p++ = 'Z';
  return static_cast<size_t>(p - out);
}

bool looks_like_json_object(std::string_view r) {
  while (!r.empty() && is_blank(r.front())) r.remove_prefix(1);
  while (!r.empty() && is_blank(r.back())) r.remove_suffix(1);
  return r.size() >= 2 && r.front() == '{' && r.back() == '}';
}

std::optional<uint64_t> find_batch_id(std::string_view tail) {
  constexpr std::string_view kKey = "\"batch_id\":";
  size_t at = tail.rfind(kKey);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest = tail.substr(at + kKey.size());
  size_t n = 0;
  while (n < rest.size() && rest[n] >= '0' && rest[n] <= '9') ++n;
  return parse_u64(rest.substr(0, n));
}

void BatchBuilder::reset(char* buf, size_t cap) {
  out_.reset(buf, cap);
  count_ = 0;
  open_len_ = 0;
  out_.put("{\"records\":[");
}

bool BatchBuilder::add(std::string_view record) {
  // Room for the record, its comma and the closing fields, so a batch that
  // accepted a record can always be finished.
  size_t need = record.size() + 1 + kTailBytes;
  if (out_.overflowed() || need > out_.capacity() - out_.size()) return false;
  if (count_) out_.put(',');
  out_.put(record);
  ++count_;
  return true;
}

uint32_t BatchBuilder::add_lines(std::string_view slot) {
  // The common slot, bare objects one a line ("}\n{" between them: the
  // loop's serialized JSON never holds a raw newline), is copied once and
  // its newlines become the commas.
  const size_t start = out_.size();
  if (slot.size() >= 2 && slot.front() == '{' && slot.back() == '}' &&
      slot.size() + 1 + kTailBytes <= out_.capacity() - start) {
    if (count_) out_.put(',');
    const size_t at = out_.size();
    out_.put(slot);
    char* p = out_.data() + at;
    const size_t n = slot.size();
    uint32_t records = 1;
    bool bare = true;
    // find_byte: eight bytes a step, not a memchr call per record.
    for (size_t i = 0;;) {
      size_t nl = find_byte(std::string_view(p + i, n - i), '\n');
      if (nl == std::string_view::npos) break;
      i += nl;
      if (p[i - 1] != '}' || i + 1 == n || p[i + 1] != '{') {
        bare = false;
        break;
      }
      p[i++] = ',';
      ++records;
    }
    if (bare) {
      count_ += records;
      return 0;
    }
    out_.truncate(start);
  }
  // Anything else, line by line: each line that is not an object is left
  // out and counted.
  uint32_t rejected = slot.empty() ? 1 : 0;
  while (!slot.empty()) {
    size_t nl = slot.find('\n');
    std::string_view rec = slot.substr(0, nl);
    slot = nl == std::string_view::npos ? std::string_view() : slot.substr(nl + 1);
    if (!looks_like_json_object(rec) || !add(rec)) ++rejected;
  }
  return rejected;
}

std::string_view BatchBuilder::finish(int64_t unix_us, uint64_t batch_id) {
  char ts[kRfc3339Len];
  format_rfc3339_us(unix_us, ts);
  open_len_ = out_.size();
  out_.put("],\"batch_timestamp\":\"");
  out_.put(std::string_view(ts, kRfc3339Len));
  out_.put("\",\"batch_id\":");
  out_.put_u64(batch_id);
  out_.put(",\"total_records\":");
  out_.put_u64(count_);
  out_.put("}\n");
  if (out_.overflowed()) return {};
  return out_.view();
}

void BatchBuilder::reopen() {
  if (open_len_) out_.truncate(open_len_);
  open_len_ = 0;
}

}  // namespace edgestat::store
