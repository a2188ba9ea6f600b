#pragma once
// Pure parser for the kernel's CPU list format ("0-3,8,10-11", the
// cpulist of Documentation/admin-guide/cputopology.rst), as in
// /sys/devices/system/cpu/{offline,isolated,online}.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace edgestat {

// Highest CPU number accepted in a list: more than any router, Pi or LXC
// host has; a larger number is malformed input.
inline constexpr uint32_t kMaxCpuListCpu = 4095;

// Calls nothing, allocates nothing: fills out[] (ascending as written) and
// returns the count, or SIZE_MAX on malformed input or more than cap CPUs.
// An empty or blank list has no CPUs.
size_t parse_cpu_list(std::string_view text, uint32_t* out, size_t cap);
bool cpu_list_contains(std::string_view text, uint32_t cpu);

}  // namespace edgestat
