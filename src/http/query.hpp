#pragma once

// Request-target splitting and query-string decoding for the router.
//
// Routing is by exact match on the raw path: no percent-decoding, no
// dot-segment removal, no slash merging. "/metrics" routes, "/metrics/",
// "/./metrics" and "/%6Detrics" are 404. That is what node_exporter's
// ServeMux does for the paths Prometheus uses, and it leaves no normalisation
// step for an attacker to disagree with.
//
// Query strings follow application/x-www-form-urlencoded as Go's
// url.ParseQuery reads them (node_exporter's collect[]/exclude[] filters):
// '&' separates pairs, the first '=' splits key from value, '+' is a space
// and %XX an escaped byte in both key and value. Unlike Go, a malformed
// escape anywhere makes the whole query an error (400) instead of silently
// dropping the pair, and %00 is rejected because decoded values end up in
// C strings and log lines.

#include <cstddef>
#include <optional>
#include <string_view>

namespace edgestat::http {

struct TargetParts {
  std::string_view path;   // raw bytes before the first '?'
  std::string_view query;  // raw bytes after the first '?', may be empty
  bool has_query = false;  // a '?' was present ("/x?" vs "/x")
};

TargetParts split_target(std::string_view target);

enum class QueryError {
  None,
  BadEscape,      // '%' not followed by two hex digits
  NulByte,        // %00
  NoSpace,        // decoded bytes do not fit the caller's buffer
  TooManyValues,  // more matching parameters than the caller's array holds
};

// Decodes %XX escapes (and '+' to ' ' when plus_as_space) from in into
// out[0, cap). Returns a view of the decoded bytes in out, or nullopt with
// *err set (err may be null). The decoded form is never longer than in, so
// cap >= in.size() cannot fail with NoSpace; out may alias in.data().
std::optional<std::string_view> percent_decode(std::string_view in,
                                               bool plus_as_space, char* out,
                                               size_t cap, QueryError* err);

// Checks every escape in a raw query: None, BadEscape or NulByte.
QueryError validate_query(std::string_view query);

// Compares a raw form-encoded component with plain text without a buffer,
// e.g. decoded_equals("collect%5B%5D", "collect[]"). A malformed escape
// compares unequal.
bool decoded_equals(std::string_view raw, std::string_view plain);

// One key=value pair, still encoded. A pair without '=' has has_value false
// and an empty value; empty pairs ("a=1&&b=2") are skipped.
struct QueryParam {
  std::string_view key;
  std::string_view value;
  bool has_value = false;
};

// Walks the pairs of a raw query in order:
//   QueryIterator it(parts.query); QueryParam p; while (it.next(p)) {...}
class QueryIterator {
 public:
  explicit QueryIterator(std::string_view query) : rest_(query) {}
  bool next(QueryParam& out);

 private:
  std::string_view rest_;
};

// Collects the decoded values of every parameter whose decoded key equals
// key (e.g. "collect[]"), in order, into values[0, *num_values).
// *num_values is the capacity in and the count out. Decoded bytes are
// written to storage[0, storage_cap) and the views point there; a storage
// of query.size() bytes always suffices. The whole query is validated first.
// On any error *num_values is 0: more matches than the capacity is
// TooManyValues, never a silent drop.
QueryError collect_values(std::string_view query, std::string_view key,
                          std::string_view* values, size_t* num_values,
                          char* storage, size_t storage_cap);

}  // namespace edgestat::http
