#pragma once
// Durable replace, the way Redis's rdbSave does it: write a temp file in the
// same directory, fsync it, close it, rename it over the final name, fsync
// the directory; on any failure unlink the temp. After it returns success a
// reader sees either no file or the whole file, and a power cut keeps it
// (UBIFS and ext4 need both fsyncs; on tmpfs they cost nothing).
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace edgestat::store {

// Which step failed, for the last_error report.
enum class WriteStage : uint8_t { None, OpenDir, Create, Write, Fsync, Close, Rename, FsyncDir };
std::string_view write_stage_name(WriteStage s);

struct WriteOutcome {
  int err = 0;                          // errno of the failed step, 0 on success
  WriteStage stage = WriteStage::None;  // the failed step
  // The final name exists with the whole content. True even when only the
  // directory fsync failed afterwards: the data is in place, its rename is
  // merely not yet known to be on disk.
  bool renamed = false;
};

// Opens a directory for *at() calls; -1 with errno set on failure.
int open_dir(const char* path);

// Writes data to dir_fd/temp_name, then renames it to dir_fd/final_name
// durably. The temp is unlinked on every failure before the rename.
WriteOutcome write_file_durable(int dir_fd, const char* final_name, const char* temp_name, const void* data,
                                size_t len);

// The same with the content in two parts written back to back (a header
// and a body the caller keeps elsewhere), so neither is copied.
WriteOutcome write_file_durable_parts(int dir_fd, const char* final_name, const char* temp_name, const void* a,
                                      size_t a_len, const void* b, size_t b_len);

// True when dir_fd/name exists (any type).
bool name_exists(int dir_fd, const char* name);

// Removes temp files left by a crash (names matching is_temp_name) from
// path; returns how many were removed, -1 if the directory cannot be read.
int remove_stale_temps(const char* path);

}  // namespace edgestat::store
