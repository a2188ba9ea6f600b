#include "store/retention.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "store/batch_format.hpp"
#include "store/durable_file.hpp"
#include "sys/fs.hpp"

namespace edgestat::store {
namespace {

struct Entry {
  int64_t us;
  uint64_t size;
};
// Max-heap on time: the top is the newest of the oldest kept so far.
bool newer(const Entry& a, const Entry& b) { return a.us < b.us; }

// Each pass removes up to kScanOldest files; a directory holding more than
// kMaxPasses * kScanOldest excess files is trimmed over several calls.
constexpr int kMaxPasses = 64;

struct Scan {
  Entry oldest[kScanOldest];
  size_t kept = 0;
  uint64_t files = 0, bytes = 0;
};

int scan(const char* path, int dir_fd, Scan* s) {
  DirReader dir(path);
  if (!dir.ok()) return dir.error();
  std::string_view name;
  unsigned char type = DT_UNKNOWN;
  char buf[kBatchNameLen + 1];
  while (dir.next(&name, &type)) {
    auto us = parse_batch_name(name);
    if (!us) continue;
    if (type != DT_REG && type != DT_UNKNOWN) continue;
    name.copy(buf, name.size());
    buf[name.size()] = '\0';
    struct stat st;
    if (::fstatat(dir_fd, buf, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)) continue;
    Entry e{*us, static_cast<uint64_t>(st.st_size)};
    ++s->files;
    s->bytes += e.size;
    if (s->kept < kScanOldest) {
      s->oldest[s->kept++] = e;
      std::push_heap(s->oldest, s->oldest + s->kept, newer);
    } else if (e.us < s->oldest[0].us) {
      std::pop_heap(s->oldest, s->oldest + s->kept, newer);
      s->oldest[s->kept - 1] = e;
      std::push_heap(s->oldest, s->oldest + s->kept, newer);
    }
  }
  std::sort_heap(s->oldest, s->oldest + s->kept, newer);
  return dir.error();
}

bool over(const RetentionPolicy& p, uint64_t files, uint64_t bytes, int64_t us, int64_t now_us) {
  return (p.max_files && files > p.max_files) || (p.max_bytes && bytes > p.max_bytes) ||
         (p.max_age_us && now_us - us > p.max_age_us);
}

}  // namespace

bool retention_enabled(const RetentionPolicy& p) { return p.max_files || p.max_bytes || p.max_age_us; }

RetentionResult apply_retention(const char* path, const RetentionPolicy& policy, int64_t now_us) {
  RetentionResult r;
  int dir_fd = open_dir(path);
  if (dir_fd < 0) {
    r.err = errno;
    return r;
  }
  Scan s;
  for (int pass = 0; pass < kMaxPasses; ++pass) {
    s.kept = 0, s.files = 0, s.bytes = 0;
    if (int e = scan(path, dir_fd, &s)) {
      if (!r.err) r.err = e;
      if (s.files == 0) break;
    }
    uint64_t removed_now = 0;
    size_t i = 0;
    for (; i < s.kept; ++i) {
      const Entry& e = s.oldest[i];
      if (!over(policy, s.files, s.bytes, e.us, now_us)) break;
      char name[kBatchNameLen + 1];
      format_batch_name(e.us, name);
      if (::unlinkat(dir_fd, name, 0) != 0 && errno != ENOENT) {
        // EROFS, EACCES, EIO: the next files will fail the same way.
        if (!r.err) r.err = errno;
        break;
      }
      --s.files;
      s.bytes -= e.size;
      ++removed_now;
    }
    r.removed += removed_now;
    r.files = s.files;
    r.bytes = s.bytes;
    r.oldest_us = i < s.kept ? s.oldest[i].us : 0;
    // Another pass only if this one used up every remembered file, made
    // progress and more remain than it could see.
    bool more = i == s.kept && removed_now > 0 && s.files > 0;
    if (!more) break;
  }
  ::close(dir_fd);
  return r;
}

}  // namespace edgestat::store
