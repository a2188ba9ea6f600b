#pragma once
// Pure parser for the UTS values under /proc/sys/kernel (ostype, osrelease,
// version, hostname, domainname, and arch since Linux 6.1), which hold
// exactly what uname(2) returns.
#include <cstddef>
#include <string_view>

namespace edgestat {

// The kernel's __NEW_UTS_LEN: no uname(2) field is longer.
inline constexpr size_t kUtsFieldMax = 64;

// The kernel writes the value followed by one '\n' (proc_dostring); only
// that newline is removed, so a value with blanks of its own (a hostname
// may have them) reads exactly as uname(2) returns it. A file without the
// newline (a hand-made fixture) is taken whole. False for a value longer
// than kUtsFieldMax or containing a NUL, which uname(2) cannot return.
bool parse_uts_value(std::string_view text, std::string_view* out);

// A uname(2) field: a NUL-terminated array of cap bytes.
std::string_view uts_field(const char* field, size_t cap);

}  // namespace edgestat
