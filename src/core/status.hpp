#pragma once
// Status carries a human-readable reason without allocating: errors in this
// project are reported to people (logs, /health, check-config), so the
// message is the payload that matters.
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <string_view>

namespace edgestat {

class Status {
 public:
  // Long enough for "open /long/fixture/path/...: No such file or directory".
  static constexpr size_t kMaxMessage = 240;

  // Only the terminator is written: zeroing the whole message buffer was a
  // memset per Status, two per file read in a collection.
  Status() { msg_[0] = '\0'; }

  static Status ok() { return Status(); }
  [[gnu::format(printf, 1, 2)]] static Status error(const char* fmt, ...) {
    Status s;
    s.ok_ = false;
    va_list ap;
    va_start(ap, fmt);
    int n = std::vsnprintf(s.msg_, sizeof s.msg_, fmt, ap);
    va_end(ap);
    s.len_ = n < 0 ? 0 : (static_cast<size_t>(n) < sizeof s.msg_ ? static_cast<size_t>(n) : sizeof s.msg_ - 1);
    return s;
  }

  // The errno behind an error, when there is one (read_file sets it). It
  // lets /health tell a kernel feature that is absent on this host (no PSI
  // on a router, no hwmon on a VM: ENOENT) from a real failure.
  Status& with_errno(int e) {
    errno_ = e;
    return *this;
  }
  int sys_errno() const { return errno_; }
  // An error that means "not available here", not "broken".
  bool unsupported() const { return !ok_ && (errno_ == ENOENT || errno_ == ENODEV || errno_ == EOPNOTSUPP); }

  bool is_ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  std::string_view message() const { return {msg_, len_}; }
  const char* c_str() const { return msg_; }

 private:
  bool ok_ = true;
  int errno_ = 0;
  size_t len_ = 0;
  char msg_[kMaxMessage + 1];  // [0, len_] written: the text and its '\0'
};

}  // namespace edgestat
