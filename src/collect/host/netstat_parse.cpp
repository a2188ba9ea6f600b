#include "collect/host/netstat_parse.hpp"

#include <algorithm>

#include "core/scan.hpp"

namespace edgestat {

size_t parse_netstat(std::string_view text, NetstatField* out, size_t cap, NetstatError* err,
                     std::string_view* bad) {
  *err = NetstatError::None;
  size_t n = 0;
  Scanner lines(text);
  while (!lines.at_end()) {
    std::string_view header = lines.line();
    std::string_view names = header;
    std::string_view proto = next_field(names, ' ');
    // node_exporter drops the last byte of the first token (the ':').
    if (proto.empty() || proto.back() != ':') {
      *err = NetstatError::Truncated;
      *bad = proto;
      return n;
    }
    proto.remove_suffix(1);
    if (lines.at_end()) {
      *err = NetstatError::Truncated;
      *bad = proto;
      return n;
    }
    std::string_view values = lines.line();
    // Go's strings.Split(line, " ") on both lines, lengths compared whole.
    if (std::count(header.begin(), header.end(), ' ') != std::count(values.begin(), values.end(), ' ')) {
      *err = NetstatError::CountMismatch;
      *bad = proto;
      return n;
    }
    next_field(values, ' ');  // the value line's own "Proto:" is not checked
    for (bool more = !names.empty() || !values.empty(); more;) {
      // One search per name (string_view::find is musl's byte-loop memchr,
      // ~600 calls a collection): next_field's own, done here.
      size_t sp = find_byte(names, ' ');
      more = sp != std::string_view::npos;
      std::string_view name = names.substr(0, sp);
      names = more ? names.substr(sp + 1) : std::string_view();
      std::string_view value = next_field(values, ' ');
      auto v = parse_double(value);
      if (!v) {
        *err = NetstatError::BadValue;
        *bad = value;
        return n;
      }
      if (n == cap) {
        *err = NetstatError::TooMany;
        *bad = proto;
        return n;
      }
      // An empty name (two blanks in a row) cannot be part of a metric name.
      if (!name.empty()) out[n++] = NetstatField{proto, name, *v};
    }
  }
  return n;
}

size_t parse_snmp6(std::string_view text, NetstatField* out, size_t cap, NetstatError* err, std::string_view* bad) {
  *err = NetstatError::None;
  size_t n = 0;
  Scanner lines(text);
  while (!lines.at_end()) {
    Scanner f(lines.line());
    std::string_view key = f.token();
    std::string_view value = f.token();
    if (value.empty()) continue;
    size_t six = find_byte(key, '6');
    // No '6', or nothing after it ("Icmp6 5"): no field to name.
    if (six == std::string_view::npos || six + 1 == key.size()) continue;
    auto v = parse_double(value);
    if (!v) {
      *err = NetstatError::BadValue;
      *bad = value;
      return n;
    }
    if (n == cap) {
      *err = NetstatError::TooMany;
      *bad = key;
      return n;
    }
    out[n++] = NetstatField{key.substr(0, six + 1), key.substr(six + 1), *v};
  }
  return n;
}

const char* netstat_error_text(NetstatError e) {
  switch (e) {
    case NetstatError::None: return "ok";
    case NetstatError::Truncated: return "header line without its value line";
    case NetstatError::CountMismatch: return "field count mismatch";
    case NetstatError::BadValue: return "invalid value";
    case NetstatError::TooMany: return "too many fields";
  }
  return "?";
}

}  // namespace edgestat
