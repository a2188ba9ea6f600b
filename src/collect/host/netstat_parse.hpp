#pragma once
// Pure parsers for /proc/net/netstat and /proc/net/snmp (pairs of lines,
// "TcpExt: Name1 Name2 ..." then "TcpExt: 1 2 ...") and /proc/net/snmp6
// (one "Ip6InReceives 123" a line), as node_exporter's netstat collector
// reads them.
#include <cstddef>
#include <string_view>

namespace edgestat {

struct NetstatField {
  std::string_view protocol;  // "TcpExt", "Udp", "Ip6"
  std::string_view name;      // "ListenDrops", "InDatagrams"
  double value;
};

enum class NetstatError { None, Truncated, CountMismatch, BadValue, TooMany };

// Fields of a netstat/snmp file in file order, views into text. Like
// node_exporter: names and values are split on single spaces, a header
// without its value line is an error (Truncated), so is a value line whose
// field count differs (CountMismatch) and any value Go's ParseFloat would
// refuse, matched by the filter or not (BadValue). *bad names the protocol
// of the offending pair or the bad value.
size_t parse_netstat(std::string_view text, NetstatField* out, size_t cap, NetstatError* err,
                     std::string_view* bad);

// Fields of /proc/net/snmp6: the protocol is the name up to and including
// its first '6' ("Icmp6", "UdpLite6"); lines without a '6' in the name or
// without a value are skipped, as node_exporter skips them, and so are names
// ending in that '6' (no field name to export); a value
// ParseFloat refuses is BadValue.
size_t parse_snmp6(std::string_view text, NetstatField* out, size_t cap, NetstatError* err, std::string_view* bad);

const char* netstat_error_text(NetstatError e);

}  // namespace edgestat
