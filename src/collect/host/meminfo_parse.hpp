#pragma once
// Pure parser for /proc/meminfo lines: "Key:   value [kB]".
#include <cstdint>
#include <string_view>

#include "core/fixed_string.hpp"

namespace edgestat {

struct MeminfoEntry {
  // node_exporter's metric key: "Active(anon)" becomes "Active_anon", and
  // "_bytes" is appended when the line has a kB unit.
  FixedString<64> key;
  double value;  // bytes when the line had a unit, else the bare number
};

// Parses one line; false for lines that are not "Key: number [kB]".
bool parse_meminfo_line(std::string_view line, MeminfoEntry* e);

}  // namespace edgestat
