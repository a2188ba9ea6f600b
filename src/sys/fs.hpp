#pragma once
// File and directory reading for every room (collectors, config, store):
// whole files into caller-owned fixed buffers, directory entries through
// getdents64 into a fixed buffer (opendir would malloc a DIR on every
// scrape). Collectors do no other I/O; everything they parse is a
// (pointer, length) view.
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string_view>

#include "core/fixed_string.hpp"
#include "core/status.hpp"

namespace edgestat {

// Paths longer than this are refused with an error naming the path; /proc
// and /sys paths are short, and fixture roots add a little.
inline constexpr size_t kMaxPath = 512;
using PathBuf = FixedString<kMaxPath>;

// Joins parts into one path ("/proc" + "/" + "stat"); false if too long.
bool join_path(PathBuf& out, std::initializer_list<std::string_view> parts);

// Reads the whole file. A file larger than cap is an error (never a silent
// truncation): the message names the file and the buffer size to raise.
Status read_file(const char* path, char* buf, size_t cap, size_t* len);

// Reads a file the kernel regenerates on every read from offset 0 (procfs
// seq_files and sysctl files: /proc/stat, /proc/net/dev...). The first call
// opens it and, when the file is on procfs, keeps the descriptor; later
// calls pread from offset 0, which saves an open and a close per file per
// collection (node_exporter opens every file on every scrape). Anything
// not on procfs (a fixture tree, a file on another filesystem) is read as
// read_file reads it. A read error closes the descriptor and the file is
// opened afresh. Callers pass only global files whose identity cannot
// change under the path (not /proc/PID/..., not sysfs device attributes: a
// renamed interface would keep its old descriptor). Loop thread only: one
// table, no locks. tests/unit/test_kept_files.cpp proves that each file the
// collectors keep does change between two preads on the machine it runs on.
Status read_file_kept(const char* path, char* buf, size_t cap, size_t* len);
// Descriptors kept open now.
size_t kept_files_open();
// Closes every kept descriptor.
void close_kept_files();

// Reads a small sysfs/procfs attribute and trims trailing whitespace.
// Returns false when the file is missing or unreadable or too long.
bool read_attr(const char* path, char* buf, size_t cap, std::string_view* out);
bool read_attr_u64(const char* path, uint64_t* v);
bool read_attr_i64(const char* path, int64_t* v);

// A directory whose files are opened by name relative to it (a sysfs
// device directory and its attributes). Opened O_PATH: no kernel file
// state beyond the descriptor, and the path, symlinks included, is
// resolved once instead of for every attribute (/sys/class/net/eth0/mtu
// walks a dozen components through the class symlink into /sys/devices;
// relative to the directory it is one). Open for one collection only: a
// device removed and re-added under the same name is a new directory.
class DirHandle {
 public:
  explicit DirHandle(const char* path);
  ~DirHandle();
  DirHandle(const DirHandle&) = delete;
  DirHandle& operator=(const DirHandle&) = delete;

  bool ok() const { return fd_ >= 0; }
  int error() const { return err_; }
  // read_file and read_attr for the file `name` in this directory; errors
  // name the whole path.
  Status read_file(const char* name, char* buf, size_t cap, size_t* len) const;
  bool read_attr(const char* name, char* buf, size_t cap, std::string_view* out) const;

 private:
  int fd_ = -1;
  int err_ = 0;
  PathBuf path_;
};

// Iterates a directory's entries (skipping "." and "..") without malloc.
class DirReader {
 public:
  // Large enough for a few hundred entries per getdents64 call.
  static constexpr size_t kBufferBytes = 8192;

  explicit DirReader(const char* path);
  ~DirReader();
  DirReader(const DirReader&) = delete;
  DirReader& operator=(const DirReader&) = delete;

  bool ok() const { return fd_ >= 0; }
  int error() const { return err_; }
  // Next entry name; false at the end. d_type is DT_* (may be DT_UNKNOWN).
  bool next(std::string_view* name, unsigned char* d_type = nullptr);

 private:
  int fd_ = -1;
  int err_ = 0;
  size_t pos_ = 0, len_ = 0;
  alignas(8) char buf_[kBufferBytes];
};

}  // namespace edgestat
