#pragma once
// Dotted-quad IPv4 addresses as host-order integers, for the autoscaler's
// clone address ranges (config validation and allocation).
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace edgestat {

// "10.0.3.101" -> 0x0A000365; strict: four decimal parts 0..255, no
// leading zeros, nothing else.
bool parse_ipv4(std::string_view s, uint32_t* out);
// Writes the dotted quad (at most 15 bytes) and returns its length.
size_t format_ipv4(uint32_t a, char* out);
// "A-B" with A <= B -> [first, last]; false otherwise.
bool parse_ipv4_range(std::string_view s, uint32_t* first, uint32_t* last);

}  // namespace edgestat
