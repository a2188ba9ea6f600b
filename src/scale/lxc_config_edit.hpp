#pragma once
// The persisted actuator: the container's LXC config file keeps its size
// across a restart or reboot. rewrite_limits() is pure (the text in, the
// new text out: each limit key's first line replaced in place, later
// duplicates dropped, a missing key appended, every other line kept byte
// for byte); persist_limits() reads the file and replaces it durably
// (same-directory temp, fsync, rename, fsync the directory). It blocks, so
// the autoscaler runs it on the writer thread through the job mailbox.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/fixed_string.hpp"
#include "core/status.hpp"
#include "scale/command_allowlist.hpp"  // valid_container_name: one rule for every actuator

namespace edgestat::scale {

// An LXC config with its includes elsewhere is a few KiB; a larger one is
// refused with an error rather than cut.
inline constexpr size_t kMaxConfigBytes = 16384;
// cpu (quota, and the period on v1) and memory.
inline constexpr size_t kMaxLimitLines = 3;

struct LimitLine {
  FixedString<48> key;
  FixedString<48> value;
};

struct PersistRequest {
  LimitLine lines[kMaxLimitLines];
  size_t n = 0;
};

// The keys for this layout: v2 lxc.cgroup2.cpu.max "Q P" and
// lxc.cgroup2.memory.max; v1 lxc.cgroup.cpu.cfs_quota_us (+ period) and
// lxc.cgroup.memory.limit_in_bytes. cores or bytes <= 0: leave it out.
void limit_lines(bool v2, double cores, double bytes, PersistRequest* out);

// False when the result does not fit cap.
bool rewrite_limits(std::string_view in, const PersistRequest& req, char* out, size_t cap, size_t* len);

// <lxcpath>/<name>/config rewritten durably. in and out are scratch of
// kMaxConfigBytes each.
Status persist_limits(std::string_view lxcpath, std::string_view name, const PersistRequest& req, char* in,
                      char* out);

}  // namespace edgestat::scale
