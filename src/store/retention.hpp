#pragma once
// Keeps a batch directory within a file count, a byte total and an age,
// removing the oldest batch files first. Only names parse_batch_name()
// accepts are counted or removed: anything else in the directory (a
// README, a shipper's state file, a temp) is never touched.
//
// No allocation: one getdents64 pass counts every batch file and keeps the
// kScanOldest oldest in a fixed heap on the stack; if more than that must go,
// another pass follows.
#include <cstddef>
#include <cstdint>

namespace edgestat::store {

struct RetentionPolicy {
  uint64_t max_files = 0;  // 0: no limit
  uint64_t max_bytes = 0;  // 0: no limit; sum of st_size of batch files
  int64_t max_age_us = 0;  // 0: no limit; age from the name's timestamp
};

struct RetentionResult {
  uint64_t files = 0;     // batch files left
  uint64_t bytes = 0;     // their total size
  int64_t oldest_us = 0;  // timestamp of the oldest one left (0 if none)
  uint64_t removed = 0;   // files removed by this call
  int err = 0;            // first errno (opening the dir, unlink), 0 if none
};

// Oldest entries remembered per pass: 4 KiB of stack.
inline constexpr size_t kScanOldest = 256;

bool retention_enabled(const RetentionPolicy& p);
RetentionResult apply_retention(const char* dir, const RetentionPolicy& policy, int64_t now_us);

}  // namespace edgestat::store
