#include "http/query.hpp"

namespace edgestat::http {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes the byte at in[i], advancing i past it (1 or 3 bytes). Returns
// the byte as 0..255, or -1 for a malformed escape. The one decoder behind
// percent_decode, validate_query and decoded_equals, so they cannot disagree.
int decode_at(std::string_view in, size_t& i, bool plus_as_space) {
  const char c = in[i];
  if (c == '+' && plus_as_space) {
    ++i;
    return ' ';
  }
  if (c != '%') {
    ++i;
    return static_cast<unsigned char>(c);
  }
  if (in.size() - i < 3) return -1;
  const int hi = hex_value(in[i + 1]);
  const int lo = hex_value(in[i + 2]);
  if (hi < 0 || lo < 0) return -1;
  i += 3;
  return hi * 16 + lo;
}

void set(QueryError* err, QueryError value) {
  if (err != nullptr) *err = value;
}

}  // namespace

TargetParts split_target(std::string_view target) {
  const size_t q = target.find('?');
  if (q == std::string_view::npos) return {target, {}, false};
  return {target.substr(0, q), target.substr(q + 1), true};
}

std::optional<std::string_view> percent_decode(std::string_view in,
                                               bool plus_as_space, char* out,
                                               size_t cap, QueryError* err) {
  size_t n = 0;
  size_t i = 0;
  while (i < in.size()) {
    const int b = decode_at(in, i, plus_as_space);
    if (b < 0) {
      set(err, QueryError::BadEscape);
      return std::nullopt;
    }
    if (b == 0) {
      set(err, QueryError::NulByte);
      return std::nullopt;
    }
    if (n == cap) {
      set(err, QueryError::NoSpace);
      return std::nullopt;
    }
    out[n++] = static_cast<char>(b);
  }
  set(err, QueryError::None);
  return std::string_view(out, n);
}

QueryError validate_query(std::string_view query) {
  size_t i = 0;
  while (i < query.size()) {
    const int b = decode_at(query, i, true);
    if (b < 0) return QueryError::BadEscape;
    if (b == 0) return QueryError::NulByte;
  }
  return QueryError::None;
}

bool decoded_equals(std::string_view raw, std::string_view plain) {
  size_t i = 0;
  size_t j = 0;
  while (i < raw.size()) {
    const int b = decode_at(raw, i, true);
    if (b < 0 || j == plain.size() ||
        b != static_cast<unsigned char>(plain[j])) {
      return false;
    }
    ++j;
  }
  return j == plain.size();
}

bool QueryIterator::next(QueryParam& out) {
  while (!rest_.empty()) {
    const size_t amp = rest_.find('&');
    const std::string_view pair = rest_.substr(0, amp);
    rest_ = amp == std::string_view::npos ? std::string_view()
                                          : rest_.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    if (eq == std::string_view::npos) {
      out = QueryParam{pair, {}, false};
    } else {
      out = QueryParam{pair.substr(0, eq), pair.substr(eq + 1), true};
    }
    return true;
  }
  return false;
}

QueryError collect_values(std::string_view query, std::string_view key,
                          std::string_view* values, size_t* num_values,
                          char* storage, size_t storage_cap) {
  const size_t capacity = *num_values;
  *num_values = 0;
  if (QueryError e = validate_query(query); e != QueryError::None) return e;

  size_t count = 0;
  size_t used = 0;
  QueryIterator it(query);
  QueryParam p;
  while (it.next(p)) {
    if (!decoded_equals(p.key, key)) continue;
    if (count == capacity) return QueryError::TooManyValues;
    QueryError e = QueryError::None;
    const std::optional<std::string_view> v =
        percent_decode(p.value, true, storage + used, storage_cap - used, &e);
    if (!v) return e;
    values[count++] = *v;
    used += v->size();
  }
  *num_values = count;
  return QueryError::None;
}

}  // namespace edgestat::http
