// node_exporter's processes collector (off by default): the processes and
// threads of the whole system from /proc/<pid>/stat and
// /proc/<pid>/task/<tid>/stat, and the kernel's limits (pid_max,
// threads-max). A process or thread that exits while it is read is skipped,
// as node_exporter skips ENOENT and ESRCH.
#include <cerrno>
#include <cstring>

#include "collect/host/host.hpp"
#include "collect/host/processes_parse.hpp"
#include "config/config.hpp"
#include "core/scan.hpp"
#include "sys/fs.hpp"

namespace edgestat {
namespace {

constexpr FamilyDesc kThreads{"node_processes_threads", "Allocated threads in system", MetricType::Gauge};
constexpr FamilyDesc kMaxThreads{"node_processes_max_threads", "Limit of threads in the system", MetricType::Gauge};
constexpr FamilyDesc kThreadState{"node_processes_threads_state", "Number of threads in each state.",
                                  MetricType::Gauge};
constexpr FamilyDesc kState{"node_processes_state", "Number of processes in each state.", MetricType::Gauge};
constexpr FamilyDesc kPids{"node_processes_pids", "Number of PIDs", MetricType::Gauge};
constexpr FamilyDesc kMaxPids{"node_processes_max_processes", "Number of max PIDs limit", MetricType::Gauge};

// /proc/<pid>/stat is one line of about 300 bytes; a 64-byte comm and
// 52 fields stay well under this.
constexpr size_t kStatBytes = 1024;

bool vanished(int e) { return e == ENOENT || e == ESRCH; }

bool numeric(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// States are single letters; one counter per byte value.
struct StateCounts {
  uint32_t n[256] = {};
  void add(char s) { ++n[static_cast<unsigned char>(s)]; }
};

// Reads one stat file into its state letter and thread count; false with
// *skip when it vanished, false with *st when it failed.
struct Stat {
  char state;
  int64_t threads;
};
bool read_stat(const PathBuf& p, Stat* out, bool* skip, Status* st) {
  char buf[kStatBytes];
  size_t n = 0;
  Status r = read_file(p.c_str(), buf, sizeof buf, &n);
  if (!r) {
    *skip = vanished(r.sys_errno());
    *st = r;
    return false;
  }
  PidStat ps;
  if (!parse_pid_stat({buf, n}, &ps)) {
    *skip = false;
    *st = Status::error("%s: malformed", p.c_str());
    return false;
  }
  *out = Stat{ps.state[0], ps.num_threads};
  return true;
}

Status read_limit(CollectContext& ctx, const char* rel, uint64_t* v) {
  PathBuf p;
  if (!join_path(p, {ctx.config.path.procfs.view(), rel})) return Status::error("procfs path too long");
  char buf[64];
  size_t n = 0;
  if (Status st = read_file(p.c_str(), buf, sizeof buf, &n); !st) return st;
  auto r = parse_u64(trim({buf, n}));
  if (!r) return Status::error("%s: not a number", p.c_str());
  *v = *r;
  return Status::ok();
}

void emit_states(CollectContext& ctx, const FamilyDesc& d, std::string_view label, const StateCounts& c) {
  for (int i = 0; i < 256; ++i) {
    if (c.n[i] == 0) continue;
    char s = static_cast<char>(i);
    Label l{label, {&s, 1}};
    ctx.out.add(d, c.n[i], &l, 1);
  }
}

}  // namespace

Status collect_processes(CollectContext& ctx) {
  uint64_t max_threads = 0, pid_max = 0;
  if (Status st = read_limit(ctx, "/sys/kernel/threads-max", &max_threads); !st) return st;
  if (Status st = read_limit(ctx, "/sys/kernel/pid_max", &pid_max); !st) return st;
  const char* procfs = ctx.config.path.procfs.c_str();
  DirReader d(procfs);
  if (!d.ok()) return Status::error("open %s: %s", procfs, std::strerror(d.error())).with_errno(d.error());
  StateCounts procs, threads;
  uint64_t npids = 0, nthreads = 0;
  std::string_view pid;
  while (d.next(&pid)) {
    if (!numeric(pid)) continue;
    PathBuf p;
    if (!join_path(p, {procfs, "/", pid, "/stat"})) return Status::error("procfs path too long");
    Stat ps;
    bool skip = false;
    Status st;
    if (!read_stat(p, &ps, &skip, &st)) {
      if (skip) continue;
      return st;
    }
    ++npids;
    procs.add(ps.state);
    nthreads += ps.threads > 0 ? static_cast<uint64_t>(ps.threads) : 0;
    PathBuf task;
    if (!join_path(task, {procfs, "/", pid, "/task"})) return Status::error("procfs path too long");
    DirReader t(task.c_str());
    if (!t.ok()) {
      if (vanished(t.error())) continue;
      return Status::error("open %s: %s", task.c_str(), std::strerror(t.error()));
    }
    std::string_view tid;
    while (t.next(&tid)) {
      if (!numeric(tid)) continue;
      if (tid == pid) {
        threads.add(ps.state);
        continue;
      }
      PathBuf tp;
      if (!join_path(tp, {task.view(), "/", tid, "/stat"})) return Status::error("procfs path too long");
      Stat ts;
      if (!read_stat(tp, &ts, &skip, &st)) {
        if (skip) continue;
        return st;
      }
      threads.add(ts.state);
    }
  }
  if (d.error() != 0) return Status::error("read %s: %s", procfs, std::strerror(d.error()));
  ctx.out.add(kThreads, static_cast<double>(nthreads));
  ctx.out.add(kMaxThreads, static_cast<double>(max_threads));
  emit_states(ctx, kState, "state", procs);
  emit_states(ctx, kThreadState, "thread_state", threads);
  ctx.out.add(kPids, static_cast<double>(npids));
  ctx.out.add(kMaxPids, static_cast<double>(pid_max));
  return Status::ok();
}

}  // namespace edgestat
