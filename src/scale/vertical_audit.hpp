#pragma once
// Vertical actions (a container's CPU quota or memory limit) in the audit
// file (audit_log.hpp), the same file and token scheme as the groups' clone
// actions. Each action is two lines with one token:
//   {"action":"set_cpu","target":"web1","state":"intended","params":
//     {"resource":"cpu","direction":"up","from":0.5,"to":1,"wall_ms":...}}
//   ... then "done" (written and read back), "failed" (the write failed),
//   "unconfirmed" (written, but it reads back another value, or the
//   container restarted during the write) or "abandoned" (not attempted).
// The intended line is durable before the cgroup write.
//
// At start the file is read back (VerticalHistory): an intention with no
// outcome (edgestat killed or the power cut in the middle) is reconciled
// against the limit the lxc collector reads now: already at the target is
// recorded "done" (reconciled), anything else "abandoned"; and every
// container's last action per direction, finished or not, restarts its
// cooldown from the intention's time, so a restart never acts again
// before the cooldown an uninterrupted run would have kept.
// Pure: no I/O (the wiring reads the file and writes the lines).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/fixed_string.hpp"
#include "scale/audit_reader.hpp"
#include "scale/decide.hpp"
#include "scale/policy_types.hpp"

namespace edgestat::scale {

std::string_view vertical_action(Resource r);  // set_cpu, set_memory
bool vertical_resource(std::string_view action, Resource* r);

// Wall-clock milliseconds; no time known.
inline constexpr int64_t kNoWallMs = INT64_MIN;

// The intended line's params object. 0 when cap is too small.
size_t format_vertical_params(Resource r, Direction d, double from, double to, int64_t wall_ms, char* out,
                              size_t cap);

// Limits that match within what the kernel rounds: a CPU quota is whole
// microseconds of a period (1e-5 core at 100 ms), memory.max is rounded
// down to a page (at most 64 KiB on arm64).
inline constexpr double kCpuMatchCores = 1e-3;
inline constexpr double kMemoryMatchBytes = 65536;
bool limits_match(Resource r, double a, double b);

// One container and resource's record in the file.
struct VerticalRecord {
  FixedString<64> name;
  Resource res = Resource::Cpu;
  int64_t last_up_wall_ms = kNoWallMs, last_down_wall_ms = kNoWallMs;  // latest intentions
  bool pending = false;  // the latest intention has no outcome line
  AuditState outcome = AuditState::Intended;  // its outcome once it has one
  AuditToken token;      // that intention's
  Direction dir = Direction::None;
  double from = 0, to = 0;
  int64_t wall_ms = kNoWallMs;
};

// Collects the file's vertical lines (feed it every record in file order,
// as scan_audit_file visits them) into a fixed table reserved by init.
class VerticalHistory {
 public:
  VerticalHistory() = default;
  VerticalHistory(const VerticalHistory&) = delete;
  VerticalHistory& operator=(const VerticalHistory&) = delete;
  ~VerticalHistory();
  bool init(uint32_t capacity);
  void visit(const AuditRecord& r);
  static void visit_cb(void* ctx, const AuditRecord& r) { static_cast<VerticalHistory*>(ctx)->visit(r); }

  uint32_t size() const { return n_; }
  VerticalRecord& at(uint32_t i) { return recs_[i]; }
  VerticalRecord* find(std::string_view name, Resource r);
  uint64_t overflow() const { return overflow_; }     // containers beyond the table
  uint64_t malformed() const { return malformed_; }   // vertical lines whose params do not parse

 private:
  VerticalRecord* recs_ = nullptr;
  uint32_t cap_ = 0, n_ = 0;
  uint64_t overflow_ = 0, malformed_ = 0;
};

struct Reconciled {
  AuditState state = AuditState::Abandoned;
  const char* reason = "";
};

// The outcome of an intention found pending at start. current: the limit
// the collector reads now (nullopt: unlimited or unknown); running: the
// container exists and runs.
Reconciled reconcile_vertical(const VerticalRecord& v, bool running, std::optional<double> current);

// The loop's monotonic milliseconds at which an action at wall_ms happened,
// given both clocks now.
int64_t wall_to_monotonic_ms(int64_t wall_ms, int64_t now_wall_ms, int64_t now_mono_ms);

}  // namespace edgestat::scale
