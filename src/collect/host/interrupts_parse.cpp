#include "collect/host/interrupts_parse.hpp"

#include <cstring>

#include "core/scan.hpp"

namespace edgestat {
namespace {

// Go's strconv.Atoi: optional sign, then decimal digits.
bool atoi_ok(std::string_view s) {
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) s.remove_prefix(1);
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// Joins the remaining tokens of sc with single blanks into buf.
std::string_view join_rest(Scanner& sc, char* buf, size_t cap) {
  size_t n = 0;
  for (std::string_view t = sc.token(); !t.empty(); t = sc.token()) {
    if (n > 0 && n < cap) buf[n++] = ' ';
    size_t k = t.size() < cap - n ? t.size() : cap - n;
    std::memcpy(buf + n, t.data(), k);
    n += k;
  }
  return {buf, n};
}

}  // namespace

size_t parse_interrupts_header(std::string_view line) {
  Scanner sc(line);
  size_t n = 0;
  while (!sc.token().empty()) ++n;
  return n <= kMaxInterruptCpus ? n : 0;
}

bool parse_interrupts_line(std::string_view line, size_t ncpus, InterruptLine* out, char* info_buf, size_t info_cap,
                           char* devices_buf, size_t devices_cap) {
  size_t colon = line.find(':');
  if (colon == std::string_view::npos || ncpus > kMaxInterruptCpus) return false;
  std::string_view name = line.substr(0, colon);
  while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
  std::string_view rest = line.substr(colon + 1);
  // Count the fields first: a short line is skipped whole.
  Scanner count(rest);
  size_t fields = 0;
  while (!count.token().empty()) ++fields;
  if (fields < ncpus + 1) return false;
  Scanner sc(rest);
  for (size_t i = 0; i < ncpus; ++i) out->values[i] = sc.token();
  out->name = name;
  if (atoi_ok(name)) {
    std::string_view info = sc.token();
    size_t k = info.size() < info_cap ? info.size() : info_cap;
    std::memcpy(info_buf, info.data(), k);
    out->info = {info_buf, k};
    out->devices = join_rest(sc, devices_buf, devices_cap);
  } else {
    out->info = join_rest(sc, info_buf, info_cap);
    out->devices = {};
  }
  return true;
}

}  // namespace edgestat
