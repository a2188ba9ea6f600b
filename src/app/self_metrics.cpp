#include "app/self_metrics.hpp"

#include <unistd.h>

#include "core/clock.hpp"
#include "core/number.hpp"
#include "core/scan.hpp"
#include "sys/fs.hpp"

// Defined only in the edgestat_alloccount test binary (core/alloc_count.cpp):
// the number of allocation calls since the process started.
extern "C" uint64_t edgestat_debug_allocations() __attribute__((weak));

namespace edgestat {
namespace {

constexpr FamilyDesc kRequests{"edgestat_http_requests_total",
                               "HTTP requests answered or refused, by handler and status code.",
                               MetricType::Counter};
constexpr FamilyDesc kDuration{"edgestat_http_request_duration_seconds",
                               "Time from a parsed request head to its response written, by handler.",
                               MetricType::Histogram};
constexpr FamilyDesc kConnections{"edgestat_http_connections", "HTTP connections open now.", MetricType::Gauge};
constexpr FamilyDesc kCollections{"edgestat_collections_total",
                                  "Collections of every collector, by trigger (timer, scrape, reload).",
                                  MetricType::Counter};
constexpr FamilyDesc kCollectDuration{"edgestat_collect_duration_seconds",
                                      "Duration of the last collection of every collector.", MetricType::Gauge};
constexpr FamilyDesc kLoopLag{"edgestat_loop_lag_seconds",
                              "How late the collection timer last fired: how long a callback held the loop.",
                              MetricType::Gauge};
constexpr FamilyDesc kSelfRss{"edgestat_process_resident_memory_bytes", "Resident memory of the agent in bytes.",
                              MetricType::Gauge};
constexpr FamilyDesc kStale{"edgestat_http_stale_bodies_total",
                            "Scrapes answered with an older rendered body because every render buffer was in use.",
                            MetricType::Counter};
constexpr FamilyDesc kOverflow{"edgestat_render_overflow_total",
                               "Renders larger than [limits] render_buffer_bytes (answered 500).",
                               MetricType::Counter};
constexpr FamilyDesc kAllocs{"edgestat_debug_allocations_total",
                             "Allocation calls since start (edgestat_alloccount test build only).",
                             MetricType::Counter};
constexpr FamilyDesc kCpu{"process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
                          MetricType::Counter};
constexpr FamilyDesc kOpenFds{"process_open_fds", "Number of open file descriptors.", MetricType::Gauge};
constexpr FamilyDesc kMaxFds{"process_max_fds", "Maximum number of open file descriptors.", MetricType::Gauge};
constexpr FamilyDesc kStart{"process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
                            MetricType::Gauge};
constexpr FamilyDesc kRss{"process_resident_memory_bytes", "Resident memory size in bytes.", MetricType::Gauge};
constexpr FamilyDesc kVsize{"process_virtual_memory_bytes", "Virtual memory size in bytes.", MetricType::Gauge};
constexpr FamilyDesc kVsizeMax{"process_virtual_memory_max_bytes",
                               "Maximum amount of virtual memory available in bytes.", MetricType::Gauge};

// Whitespace-separated field i (0-based) after the ") " that ends comm.
std::string_view stat_field(std::string_view after_comm, int i) {
  Scanner s(after_comm);
  std::string_view t;
  for (int k = 0; k <= i; ++k) t = s.token();
  return t;
}

void add_process_metrics(Snapshot& snap, const SelfInputs& in) {
  char buf[1024];
  size_t n = 0;
  static const long ticks = sysconf(_SC_CLK_TCK);
  static const long page = sysconf(_SC_PAGESIZE);
  ProcSelfStat st;
  if (read_file("/proc/self/stat", buf, sizeof buf, &n) && parse_proc_self_stat({buf, n}, &st)) {
    double cpu = static_cast<double>(st.utime_ticks + st.stime_ticks) / static_cast<double>(ticks > 0 ? ticks : 100);
    double rss = static_cast<double>(st.rss_pages) * static_cast<double>(page);
    snap.add(kCpu, cpu);
    snap.add(kRss, rss);
    snap.add(kSelfRss, rss);
    snap.add(kVsize, static_cast<double>(st.vsize_bytes));
  }
  DirReader fds("/proc/self/fd");
  if (fds.ok()) {
    uint64_t count = 0;
    std::string_view name;
    while (fds.next(&name)) ++count;
    snap.add(kOpenFds, static_cast<double>(count - 1));  // minus the directory's own fd
  }
  char lim[2048];
  uint64_t max_fds = 0;
  uint64_t max_as = 0;
  if (read_file("/proc/self/limits", lim, sizeof lim, &n)) {
    if (parse_max_open_files({lim, n}, &max_fds)) snap.add(kMaxFds, static_cast<double>(max_fds));
    if (parse_limit({lim, n}, "Max address space", &max_as)) snap.add(kVsizeMax, static_cast<double>(max_as));
  }
  snap.add(kStart, in.start_time_s);
}

}  // namespace

bool parse_proc_self_stat(std::string_view text, ProcSelfStat* out) {
  size_t close = text.rfind(')');
  if (close == std::string_view::npos || close + 2 > text.size()) return false;
  std::string_view rest = text.substr(close + 1);
  // Field 3 (state) is index 0 here; utime is field 14, stime 15,
  // starttime 22, vsize 23, rss 24 (proc(5)).
  auto f = [&](int field) { return parse_u64(stat_field(rest, field - 3)); };
  auto ut = f(14), stt = f(15), start = f(22), vs = f(23);
  auto rss = parse_i64(stat_field(rest, 24 - 3));
  if (!ut || !stt || !start || !vs || !rss) return false;
  out->utime_ticks = *ut;
  out->stime_ticks = *stt;
  out->start_ticks = *start;
  out->vsize_bytes = *vs;
  out->rss_pages = *rss > 0 ? static_cast<uint64_t>(*rss) : 0;
  return true;
}

bool parse_max_open_files(std::string_view text, uint64_t* out) { return parse_limit(text, "Max open files", out); }

bool parse_limit(std::string_view text, std::string_view name, uint64_t* out) {
  Scanner lines(text);
  while (!lines.at_end()) {
    std::string_view line = lines.line();
    if (!starts_with(line, name)) continue;
    Scanner s(line.substr(name.size()));
    std::string_view soft = s.token();
    if (soft == "unlimited") {
      *out = UINT64_MAX;
      return true;
    }
    auto v = parse_u64(soft);
    if (!v) return false;
    *out = *v;
    return true;
  }
  return false;
}

double process_start_time_seconds() {
  char buf[1024];
  size_t n = 0;
  ProcSelfStat st;
  double now = static_cast<double>(realtime_ns()) / 1e9;
  if (!read_file("/proc/self/stat", buf, sizeof buf, &n) || !parse_proc_self_stat({buf, n}, &st)) return now;
  char up[128];
  if (!read_file("/proc/uptime", up, sizeof up, &n)) return now;
  Scanner s(std::string_view(up, n));
  auto uptime = s.f64();
  long ticks = sysconf(_SC_CLK_TCK);
  if (!uptime || ticks <= 0) return now;
  // boot time = now - uptime; start = boot + starttime / ticks.
  double start = now - *uptime + static_cast<double>(st.start_ticks) / static_cast<double>(ticks);
  return static_cast<double>(static_cast<int64_t>(start * 100)) / 100;
}

void add_self_metrics(Snapshot& snap, const SelfInputs& in) {
  snap.set_collector(kSelfCollectorId);
  if (in.http && in.router) {
    const http::HttpStats& h = *in.http;
    for (size_t hi = 0; hi < in.router->label_count(); ++hi) {
      std::string_view handler = in.router->label_name(hi);
      for (size_t si = 0; si < http::kStatusCount; ++si) {
        if (h.requests[hi][si] == 0) continue;
        char code[8];
        size_t cn = format_u64(static_cast<uint64_t>(http::kCountedStatuses[si]), code);
        Label l[] = {{"code", {code, cn}}, {"handler", handler}};
        snap.add(kRequests, static_cast<double>(h.requests[hi][si]), l, 2);
      }
      if (h.count[hi] == 0) continue;
      Label l{"handler", handler};
      uint64_t cum = 0;
      for (size_t b = 0; b < http::kBucketCount; ++b) {
        cum += h.buckets[hi][b];
        snap.add(kDuration, SampleKind::Bucket, http::kDurationBuckets[b], static_cast<double>(cum), &l, 1);
      }
      snap.add(kDuration, SampleKind::Bucket, __builtin_inf(), static_cast<double>(h.count[hi]), &l, 1);
      snap.add(kDuration, SampleKind::Sum, 0, h.sum[hi], &l, 1);
      snap.add(kDuration, SampleKind::Count, 0, static_cast<double>(h.count[hi]), &l, 1);
    }
  }
  snap.add(kConnections, in.connections);
  snap.add(kCollectDuration, in.collect_duration_s);
  if (in.collections) {
    static constexpr std::string_view kTriggers[kCollectTriggers] = {"timer", "scrape", "reload"};
    for (size_t i = 0; i < kCollectTriggers; ++i) {
      Label l{"trigger", kTriggers[i]};
      snap.add(kCollections, static_cast<double>(in.collections[i]), &l, 1);
    }
  }
  snap.add(kLoopLag, in.loop_lag_s);
  snap.add(kStale, static_cast<double>(in.stale_bodies_total));
  snap.add(kOverflow, static_cast<double>(in.render_overflow_total));
  if (edgestat_debug_allocations) snap.add(kAllocs, static_cast<double>(edgestat_debug_allocations()));
  add_process_metrics(snap, in);
}

}  // namespace edgestat
