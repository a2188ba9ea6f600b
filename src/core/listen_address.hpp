#pragma once
// Listen addresses as node_exporter writes them: ":9100" (every
// interface), "0.0.0.0:9100", "localhost:9100", "[::1]:9100". Pure; the
// config validation, the HTTP server, the StatsD listener and the health
// client all read addresses through this one parser.
#include <cstdint>
#include <string_view>

#include "core/fixed_string.hpp"

namespace edgestat {

// Splits s into its host (empty = every interface) and port; false with
// *why set when the host is not an address or the port is not 1-65535.
bool parse_listen_address(std::string_view s, FixedString<64>* host, uint16_t* port, const char** why);

}  // namespace edgestat
