#include "collect/host/sockstat_parse.hpp"

#include <algorithm>

#include "core/scan.hpp"

namespace edgestat {

bool parse_sockstat(std::string_view text, SockstatFile* file, SockstatProto* protos, size_t cap,
                    std::string_view* bad) {
  *file = SockstatFile{};
  Scanner lines(text);
  while (!lines.at_end()) {
    std::string_view line = lines.line();
    *bad = line;
    // procfs splits on single spaces: "a  b" has an empty field.
    size_t fields = static_cast<size_t>(std::count(line.begin(), line.end(), ' ')) + 1;
    if (fields < 3 || (fields - 1) % 2 != 0) return false;
    std::string_view rest = line;
    std::string_view proto = next_field(rest, ' ');
    if (!proto.empty() && proto.back() == ':') proto.remove_suffix(1);
    SockstatProto p{};
    p.protocol = proto;
    int64_t used = 0;
    bool is_sockets = proto == "sockets";
    while (!rest.empty()) {
      std::string_view key = next_field(rest, ' ');
      auto v = parse_i64(next_field(rest, ' '));
      if (!v) return false;
      if (is_sockets) {
        if (key == "used") used = *v;
        continue;
      }
      for (int k = 0; k < kSockKeys; ++k) {
        if (key != kSockstatKeyNames[k]) continue;
        p.has[k] = true;
        p.value[k] = *v;
      }
    }
    if (is_sockets) {
      file->has_used = true;
      file->used = used;
      continue;
    }
    if (file->nprotos == cap) return false;
    protos[file->nprotos++] = p;
  }
  return true;
}

}  // namespace edgestat
