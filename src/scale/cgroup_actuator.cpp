#include "scale/cgroup_actuator.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "collect/lxc/cgroup_parse.hpp"
#include "core/number.hpp"
#include "core/scan.hpp"

namespace edgestat::scale {
namespace {

// cgroup attribute files are a line; cpu.max is the longest at ~30 bytes.
constexpr size_t kAttrBytes = 64;

bool path_of(PathBuf& p, const PathBuf& dir, std::string_view file) { return join_path(p, {dir.view(), "/", file}); }

bool write_attr(const PathBuf& dir, std::string_view file, std::string_view value, ApplyOutcome* out) {
  PathBuf p;
  if (!path_of(p, dir, file)) {
    out->error.assign("cgroup path too long");
    return false;
  }
  int fd = ::open(p.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);  // what `echo V > file` does
  ssize_t n = -1;
  int err = 0;
  if (fd >= 0) {
    n = ::write(fd, value.data(), value.size());
    err = errno;
    ::close(fd);
  } else {
    err = errno;
  }
  if (n != static_cast<ssize_t>(value.size())) {
    char msg[200];
    std::snprintf(msg, sizeof msg, "write %.*s = %.*s: %s", int(file.size()), file.data(), int(value.size()),
                  value.data(), std::strerror(err));
    out->error.assign(msg);
    return false;
  }
  return true;
}

bool read_attr_text(const PathBuf& dir, std::string_view file, char* buf, std::string_view* out) {
  PathBuf p;
  return path_of(p, dir, file) && read_attr(p.c_str(), buf, kAttrBytes, out);
}

bool read_back_error(std::string_view file, std::string_view want, std::string_view got, ApplyOutcome* out) {
  char msg[200];
  std::snprintf(msg, sizeof msg, "read back %.*s: wrote %.*s, reads %.*s", int(file.size()), file.data(),
                int(want.size()), want.data(), int(got.size()), got.data());
  out->error.assign(msg);
  out->unconfirmed = true;
  return false;
}

// Writes value and checks the file then holds the same number.
bool write_checked(const PathBuf& dir, std::string_view file, uint64_t value, ApplyOutcome* out) {
  char num[24];
  std::string_view want(num, format_u64(value, num));
  if (!write_attr(dir, file, want, out)) return false;
  char buf[kAttrBytes];
  std::string_view got;
  if (!read_attr_text(dir, file, buf, &got)) return read_back_error(file, want, "(unreadable)", out);
  auto v = parse_u64(trim(got));
  if (!v || *v != value) return read_back_error(file, want, got, out);
  return true;
}

uint64_t bytes(double v) { return v <= 0 ? 0 : static_cast<uint64_t>(std::llround(v)); }

}  // namespace

uint64_t cores_to_quota_us(double cores, uint64_t period_us) {
  double q = std::round(cores * static_cast<double>(period_us));
  uint64_t quota = q <= 0 ? 0 : static_cast<uint64_t>(q);
  return quota < kMinQuotaUs ? kMinQuotaUs : quota;
}

size_t format_cpu_max(uint64_t quota_us, uint64_t period_us, char* out, size_t cap) {
  if (cap < 48) return 0;
  size_t n = format_u64(quota_us, out);
  out[n++] = ' ';
  n += format_u64(period_us, out + n);
  return n;
}

ApplyOutcome apply_cpu(const CgroupTarget& t, double cores) {
  ApplyOutcome out;
  char buf[kAttrBytes];
  std::string_view text;
  if (t.v2) {
    uint64_t period = kDefaultPeriodUs;
    if (read_attr_text(t.cpu_dir, "cpu.max", buf, &text)) {
      size_t sp = text.find(' ');
      if (sp != std::string_view::npos)
        if (auto p = parse_u64(trim(text.substr(sp + 1))); p && *p > 0) period = *p;
    }
    uint64_t quota = cores_to_quota_us(cores, period);
    char want[48];
    std::string_view w(want, format_cpu_max(quota, period, want, sizeof want));
    if (!write_attr(t.cpu_dir, "cpu.max", w, &out)) return out;
    if (!read_attr_text(t.cpu_dir, "cpu.max", buf, &text)) {
      read_back_error("cpu.max", w, "(unreadable)", &out);
      return out;
    }
    double got = 0;
    bool unlimited = false;
    if (!lxc::parse_cpu_max(text, &got, &unlimited) || unlimited || trim(text) != w) {
      read_back_error("cpu.max", w, text, &out);
      return out;
    }
    out.ok = true;
    return out;
  }
  uint64_t period = kDefaultPeriodUs;
  PathBuf p;
  if (path_of(p, t.cpu_dir, "cpu.cfs_period_us")) {
    uint64_t v = 0;
    if (read_attr_u64(p.c_str(), &v) && v > 0) period = v;
  }
  out.ok = write_checked(t.cpu_dir, "cpu.cfs_quota_us", cores_to_quota_us(cores, period), &out);
  return out;
}

ApplyOutcome apply_memory(const CgroupTarget& t, double from, double to) {
  ApplyOutcome out;
  uint64_t f = bytes(from), n = bytes(to);
  if (t.v2) {
    if (n >= f) {
      out.ok = write_checked(t.mem_dir, "memory.max", n, &out) && write_checked(t.mem_dir, "memory.high", n, &out);
    } else {
      out.ok = write_checked(t.mem_dir, "memory.high", n, &out) && write_checked(t.mem_dir, "memory.max", f, &out);
    }
    return out;
  }
  // v1: memsw (memory + swap) must stay >= memory: grow memsw first, shrink
  // memory first, keeping the swap allowance the container had.
  char buf[kAttrBytes];
  std::string_view text;
  bool unlimited = true;
  uint64_t memsw = 0;
  if (read_attr_text(t.mem_dir, "memory.memsw.limit_in_bytes", buf, &text))
    if (auto v = lxc::parse_limit(text, &unlimited); v && !unlimited) memsw = *v;
  if (unlimited || memsw < f) {
    out.ok = write_checked(t.mem_dir, "memory.limit_in_bytes", n, &out);
    return out;
  }
  uint64_t new_memsw = n + (memsw - f);
  if (n >= f) {
    out.ok = write_checked(t.mem_dir, "memory.memsw.limit_in_bytes", new_memsw, &out) &&
             write_checked(t.mem_dir, "memory.limit_in_bytes", n, &out);
  } else {
    out.ok = write_checked(t.mem_dir, "memory.limit_in_bytes", n, &out) &&
             write_checked(t.mem_dir, "memory.memsw.limit_in_bytes", new_memsw, &out);
  }
  return out;
}

}  // namespace edgestat::scale
