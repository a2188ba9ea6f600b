#pragma once
// Operation records: what a local application reports about one thing it
// did. Parsing and validation are pure (a request body in, records out
// through a callback, or the first error naming the field and why);
// serialization writes the JSON object the writer thread stores.
//
//   {"operation_type":"http","operation_name":"GET /items","duration_ms":12.5,
//    "success":false,"error_message":"timeout","metadata":{"host":"a","try":2}}
//
// A body is one such object or an array of them. An array is all or
// nothing: the first bad record refuses the whole body (callers validate
// with a first pass, then accept with a second).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/fixed_string.hpp"
#include "core/key_patterns.hpp"
#include "core/out_buffer.hpp"

namespace edgestat::ingest {

// operation_type / operation_name: label values on /metrics and keys of the
// aggregation table; longer names are refused (422), never cut.
inline constexpr size_t kMaxNameBytes = 128;
// error_message: at most this many characters (code points)...
inline constexpr size_t kMaxErrorChars = 1000;
// ...which is at most 4 bytes each in UTF-8.
inline constexpr size_t kMaxErrorBytes = 4 * kMaxErrorChars;
// metadata: a flat object of at most this many keys...
inline constexpr size_t kMaxMetaKeys = 16;
// ...each key at most this long...
inline constexpr size_t kMaxMetaKeyBytes = 64;
// ...and each string value at most this many characters (numbers, booleans
// and null are kept as their JSON literal).
inline constexpr size_t kMaxMetaValueChars = 256;
inline constexpr size_t kMaxMetaValueBytes = 4 * kMaxMetaValueChars;

struct MetaEntry {
  FixedString<kMaxMetaKeyBytes> key;
  // The value as JSON: a string value is stored decoded and re-escaped on
  // output; other values keep their literal text (numbers as sent).
  FixedString<kMaxMetaValueBytes> value;
  bool is_string = false;
};

struct OperationRecord {
  FixedString<kMaxNameBytes> type;
  FixedString<kMaxNameBytes> name;
  double duration_ms = 0;
  bool success = true;
  bool has_error_message = false;
  FixedString<kMaxErrorBytes> error_message;
  uint32_t meta_count = 0;
  MetaEntry meta[kMaxMetaKeys];
  int64_t timestamp_us = 0;  // set by the receiver, not the client

  void clear();
  // Appends a metadata entry (StatsD tags); false when full or too long.
  bool add_meta(std::string_view key, std::string_view value, bool is_string);
};

// Why a body was refused: the HTTP status (400: not JSON; 422: JSON that is
// not valid records), the field ("records[3].duration_ms", "body") and the
// reason in words.
struct RecordError {
  int status = 0;
  FixedString<96> field;
  FixedString<160> reason;
  int64_t index = -1;  // element of the array, -1 for a single object
  size_t offset = 0;   // byte offset in the body (JSON errors)
};

// Called for each valid record in order; return false to stop (the parse
// then returns what was counted so far with err->status 0).
using RecordFn = bool (*)(void* ctx, OperationRecord& r, uint32_t index);

struct ParseResult {
  bool ok = false;
  uint32_t records = 0;
  bool array = false;
};

// Parses body (one record or an array of records) into scratch, calling fn
// (may be null: validate only) per record. Metadata keys matching personal
// ([ingest] personal_keys) are refused. On the first error returns ok =
// false with err filled; fn may already have seen earlier records, which is
// why callers run a validating pass first.
ParseResult parse_operation_records(std::string_view body, OperationRecord* scratch, RecordFn fn, void* ctx,
                                    RecordError* err, const KeyPatterns& personal);

// The personal-data rule for a StatsD metric name, applied to its last
// dot-separated segment: that is what the value measures
// (`customer.ssn:123|g` exports an SSN); the segments before it are
// namespaces (`email.sent:1|c` counts mail, `auth.failures:1|c` logins).
bool is_personal_metric_name(const KeyPatterns& personal, std::string_view name);

// Writes the stored form of r:
//   {"kind":"operation","timestamp":"<RFC 3339 UTC>","operation_type":..,
//    "operation_name":..,"duration_ms":..,"success":..[,"error_message":..]
//    [,"metadata":{..}]}
// timestamp is r.timestamp_us already formatted by the caller (the store
// owns the time format). False when it does not fit in out.
bool serialize_record(const OperationRecord& r, std::string_view timestamp, OutBuffer& out);

struct StatsdLine;
// The record of a StatsD timer line, byte for byte what serialize_record
// writes for the OperationRecord the line makes (type "statsd", the tags
// as string metadata, "sample_rate" when not 1), written straight from the
// line: building the record and escaping the fixed keys was most of the
// cost of a stored timer line. The caller has checked that the tags fit
// the record's metadata limits. False when it does not fit in out.
bool serialize_statsd_timer(const StatsdLine& l, std::string_view timestamp, OutBuffer& out);

}  // namespace edgestat::ingest
