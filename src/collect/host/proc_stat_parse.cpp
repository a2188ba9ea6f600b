#include "collect/host/proc_stat_parse.hpp"

#include "core/scan.hpp"

namespace edgestat {

bool parse_cpu_line(std::string_view line, unsigned* cpu, CpuTimes* t) {
  Scanner sc(line);
  std::string_view name = sc.token();
  if (name.size() < 4 || name.substr(0, 3) != "cpu") return false;
  auto n = parse_u64(name.substr(3));
  if (!n || *n > UINT32_MAX) return false;
  *cpu = static_cast<unsigned>(*n);
  uint64_t* cols[] = {&t->user, &t->nice, &t->system, &t->idle, &t->iowait,
                      &t->irq, &t->softirq, &t->steal, &t->guest, &t->guest_nice};
  *t = CpuTimes{};
  for (uint64_t* c : cols) {
    std::string_view tok = sc.token();
    if (tok.empty()) break;
    auto v = parse_u64(tok);
    if (!v) return false;
    *c = *v;
    ++t->columns;
  }
  // user, nice, system and idle have been there since Linux 1.0; fewer
  // columns means the line is damaged.
  return t->columns >= 4;
}

bool parse_stat_summary(std::string_view text, StatSummary* s) {
  Scanner lines(text);
  while (!lines.at_end()) {
    Scanner sc(lines.line());
    std::string_view key = sc.token();
    std::optional<uint64_t> v;
    if (key == "intr") {
      if ((v = sc.u64())) s->intr = *v, s->has_intr = true;
    } else if (key == "ctxt") {
      if ((v = sc.u64())) s->ctxt = *v, s->has_ctxt = true;
    } else if (key == "btime") {
      if ((v = sc.u64())) s->btime = *v, s->has_btime = true;
    } else if (key == "processes") {
      if ((v = sc.u64())) s->processes = *v, s->has_processes = true;
    } else if (key == "procs_running") {
      if ((v = sc.u64())) s->procs_running = *v, s->has_running = true;
    } else if (key == "procs_blocked") {
      if ((v = sc.u64())) s->procs_blocked = *v, s->has_blocked = true;
    } else if (key == "softirq") {
      s->has_softirq = true;
      s->softirq_ok = sc.u64().has_value();  // the total
      for (uint64_t& c : s->softirq) {
        v = sc.u64();
        if (!v) s->softirq_ok = false;
        c = v.value_or(0);
      }
    }
  }
  return s->has_ctxt && s->has_btime;
}

}  // namespace edgestat
