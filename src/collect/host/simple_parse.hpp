#pragma once
// Pure parsers for the small one-line /proc files.
#include <cstdint>
#include <string_view>

namespace edgestat {

// "0.12 0.34 0.56 1/234 5678" -> {0.12, 0.34, 0.56}
bool parse_loadavg(std::string_view text, double out[3]);
// /proc/sys/fs/file-nr: "allocated unused maximum"
bool parse_file_nr(std::string_view text, uint64_t* allocated, uint64_t* maximum);

}  // namespace edgestat
