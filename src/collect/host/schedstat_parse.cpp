#include "collect/host/schedstat_parse.hpp"

#include "core/ascii.hpp"
#include "core/scan.hpp"

namespace edgestat {
namespace {

// Matches "cpu" \d+ (" " \d+){9} at s; the groups go to nums (as text).
bool match_at(std::string_view s, std::string_view nums[10]) {
  if (!starts_with(s, "cpu")) return false;
  size_t i = 3;
  for (int g = 0; g < 10; ++g) {
    if (g > 0) {
      if (i >= s.size() || s[i] != ' ') return false;
      ++i;
    }
    size_t b = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == b) return false;
    nums[g] = s.substr(b, i - b);
  }
  return true;
}

}  // namespace

bool parse_schedstat_line(std::string_view line, SchedstatCpu* out) {
  std::string_view nums[10];
  for (size_t at = line.find("cpu"); at != std::string_view::npos; at = line.find("cpu", at + 1)) {
    if (!match_at(line.substr(at), nums)) continue;
    // A leftmost-first regex takes the first place that matches; \d+ is
    // greedy, so the groups are exactly the digit runs.
    auto r = parse_u64(nums[7]), w = parse_u64(nums[8]), t = parse_u64(nums[9]);
    if (!r || !w || !t) return false;
    *out = SchedstatCpu{nums[0], *r, *w, *t};
    return true;
  }
  return false;
}

}  // namespace edgestat
