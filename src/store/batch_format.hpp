#pragma once
// The batch file format, as pure functions: file names, timestamps and the
// JSON document. No I/O here, so every rule is testable with strings.
//
// A batch file is one JSON object:
//   {"records":[<r1>,<r2>,...],"batch_timestamp":"2024-05-01T12:34:56.123456Z",
//    "batch_id":1714566896123456,"total_records":N}\n
// Records are opaque bytes the ingest code has already serialized, each one
// JSON object; operation records, snapshot records and autoscaler events
// share this one stream and say what they are in their own fields (e.g.
// "kind"), so readers see one format and one file sequence.
//
// File name: metrics_YYYYMMDD_HHMMSS_ffffff.json, UTC with microseconds, so
// name order is time order and retention can go by name alone. The temp file
// for a batch is ".metrics_....json.tmp": hidden and not ending in .json, so
// neither retention, a `metrics_*.json` glob nor a log shipper picks it up,
// and start-up removes any left by a crash.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/out_buffer.hpp"

namespace edgestat::store {

inline constexpr std::string_view kBatchPrefix = "metrics_";
inline constexpr std::string_view kBatchSuffix = ".json";
inline constexpr std::string_view kTempPrefix = ".";
inline constexpr std::string_view kTempSuffix = ".tmp";
// "metrics_" + "YYYYMMDD_HHMMSS_ffffff" + ".json"
inline constexpr size_t kBatchNameLen = 8 + 22 + 5;
inline constexpr size_t kTempNameLen = 1 + kBatchNameLen + 4;
// "YYYY-MM-DDTHH:MM:SS.ffffffZ"
inline constexpr size_t kRfc3339Len = 27;

// Timestamps are Unix microseconds (UTC). Names and RFC 3339 text cover
// years 1970..9999; values outside are clamped to that range.
inline constexpr int64_t kMaxUnixUs = 253402300799999999;  // 9999-12-31T23:59:59.999999Z

// Writes the batch file name for t into out (kBatchNameLen bytes plus a
// NUL). Returns kBatchNameLen.
size_t format_batch_name(int64_t unix_us, char* out);
// Writes the temp name (kTempNameLen bytes plus a NUL).
size_t format_temp_name(int64_t unix_us, char* out);
// The timestamp of a batch file name, only for the exact canonical form
// (valid date and time, nothing before or after): anything else is not ours
// and is never touched.
std::optional<int64_t> parse_batch_name(std::string_view name);
// True for names start-up cleanup may remove: "." + a batch name + ".tmp".
bool is_temp_name(std::string_view name);

// "2024-05-01T12:34:56.123456Z" (kRfc3339Len bytes, no NUL).
size_t format_rfc3339_us(int64_t unix_us, char* out);

// Cheap shape check for an opaque record: first and last non-blank bytes
// are '{' and '}'. It cannot prove the record is valid JSON (the ingest code
// did that); it stops an empty or obviously foreign record from breaking a
// whole batch file.
bool looks_like_json_object(std::string_view record);

// The batch_id written in a batch document's tail (the last few dozen bytes
// of a file are enough), or nullopt.
std::optional<uint64_t> find_batch_id(std::string_view tail);

// Assembles one batch document into a caller-owned buffer.
class BatchBuilder {
 public:
  // Bytes after the records: the three trailing fields with a 20-digit id
  // and a 10-digit count and the newline take 110; rounded up.
  static constexpr size_t kTailBytes = 128;
  // The '{"records":[' prefix (12 bytes) plus the tail.
  static constexpr size_t kOverheadBytes = 16 + kTailBytes;

  // Buffer size that always holds max_records records of record_bytes.
  static constexpr uint64_t capacity_for(uint64_t max_records, uint64_t record_bytes) {
    return kOverheadBytes + max_records * (record_bytes + 1);
  }

  void reset(char* buf, size_t cap);
  // Appends one record (comma handled). False if it does not fit.
  bool add(std::string_view record);
  // Appends a ring slot's records, one a line (the loop packs StatsD timer
  // records); returns how many lines were not JSON objects and were left
  // out (an empty slot is one empty record). The caller has checked room()
  // for the whole slot and a comma.
  uint32_t add_lines(std::string_view slot);
  // Closes the document. The view is empty if anything overflowed.
  std::string_view finish(int64_t unix_us, uint64_t batch_id);
  // Undoes finish() (the write failed): the same records, ready for more
  // add()s or another finish() with a new name and timestamp.
  void reopen();
  uint32_t count() const { return count_; }
  // Record bytes add() still accepts, commas included (the closing fields'
  // room is already kept aside).
  size_t room() const {
    size_t used = out_.size() + kTailBytes;
    return out_.overflowed() || used >= out_.capacity() ? 0 : out_.capacity() - used;
  }

 private:
  OutBuffer out_;
  uint32_t count_ = 0;
  size_t open_len_ = 0;  // size before the last finish()
};

}  // namespace edgestat::store
