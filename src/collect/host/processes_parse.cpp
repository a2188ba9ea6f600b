#include "collect/host/processes_parse.hpp"

#include "core/scan.hpp"

namespace edgestat {

bool parse_pid_stat(std::string_view text, PidStat* out) {
  size_t close = text.rfind(')');
  if (close == std::string_view::npos) return false;
  Scanner s(text.substr(close + 1));
  std::string_view state = s.token();  // field 3
  std::string_view t;
  for (int field = 4; field <= 20; ++field) t = s.token();  // num_threads is field 20
  auto threads = parse_i64(t);
  if (state.empty() || !threads) return false;
  *out = PidStat{state, *threads};
  return true;
}

}  // namespace edgestat
