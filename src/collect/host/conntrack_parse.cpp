#include "collect/host/conntrack_parse.hpp"

#include "core/scan.hpp"

namespace edgestat {
namespace {


}  // namespace

bool parse_conntrack_stat(std::string_view text, ConntrackStat* out) {
  *out = ConntrackStat{};
  Scanner lines(text);
  lines.line();  // header
  while (!lines.at_end()) {
    std::string_view line = lines.line();
    if (trim(line).empty()) continue;
    Scanner sc(line);
    uint64_t col[17] = {};
    int n = 0;
    for (std::string_view tok = sc.token(); !tok.empty(); tok = sc.token(), ++n) {
      uint64_t v = 0;
      auto h = parse_hex_u64(tok);
      if (!h) return false;
      v = *h;
      if (n < 17) col[n] = v;
    }
    if (n < kConntrackMinColumns) return false;
    out->found += col[2];
    out->invalid += col[4];
    out->ignore += col[5];
    out->insert += col[8];
    out->insert_failed += col[9];
    out->drop += col[10];
    out->early_drop += col[11];
    out->search_restart += col[16];
    ++out->cpus;
  }
  return true;
}

}  // namespace edgestat
