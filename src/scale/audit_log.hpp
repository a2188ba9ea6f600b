#pragma once
// The autoscaler's audit file: append-only JSON lines, one per step of an
// action, each durable (write + fdatasync) BEFORE the caller goes on. An
// action is written "intended" with its idempotency token, and only when
// that line is on disk does the caller run it; then "done" or "failed"
// with the same token. A restart in the middle (crash, kill -9, power cut)
// therefore finds the intention in the file (audit_reader.hpp) and
// reconciles instead of acting twice; an action whose line never became
// durable never ran.
//
// The blocking write runs on the writer thread through the store's job
// mailbox (store/job_mailbox.hpp), like every other blocking file write;
// the loop formats the line into a slot reserved at open and learns of the
// outcome in a callback. Slots are fixed: when all are in flight, append()
// is refused and the caller does not act.
//
// The file is bounded: once a durable line takes it past rotate_bytes,
// the writer renames it to NAME.1 (replacing the previous generation) and
// starts a new one, so the autoscaler never holds more than two
// generations on flash. The reader scans NAME.1 before NAME, so an action
// whose intended line went into the older generation is still matched
// with its outcome and still reconciled; only a generation older than that
// is dropped.
//
// Line (keys in this order; params is the caller's JSON object):
//   {"ts":"2026-12-03T02:40:00.123Z","token":"...","action":"scale_out",
//    "target":"web-2","state":"intended","params":{...},"reason":"..."}
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/fixed_string.hpp"
#include "core/status.hpp"
#include "store/job_mailbox.hpp"

namespace edgestat::scale {

// Done: carried out and confirmed; Failed: tried and failed; Unconfirmed:
// carried out, but what reads back is not what was written (vertical);
// Abandoned: never carried out (reconciled after a restart: the target
// was not reached). All but Intended finish an action.
enum class AuditState : uint8_t { Intended, Done, Failed, Unconfirmed, Abandoned };
std::string_view audit_state_name(AuditState s);

struct AuditEntry {
  std::string_view token;   // idempotency token, the same for every line of an action
  std::string_view action;  // scale_out, scale_in, set_cpu, ...
  std::string_view target;  // the container the action changes
  AuditState state = AuditState::Intended;
  std::string_view params;  // a JSON object (rendered by the caller) or empty
  std::string_view reason;  // failed: why; done after a restart: how reconciled
};

// The file's name in [agent] data_dir: vertical actions and groups share it.
inline constexpr const char* kAuditFileName = "autoscale_audit.jsonl";
// The previous generation's suffix (see AuditLog::kRotateBytes).
inline constexpr const char* kAuditPreviousSuffix = ".1";
inline constexpr size_t kAuditPathBytes = 512;  // data_dir + name, with room to spare

// Tokens: "<unix ms at open, hex>-<pid hex>-<sequence>", unique across
// restarts of one box (the clock moves on, the pid differs).
inline constexpr size_t kAuditTokenBytes = 48;
using AuditToken = FixedString<kAuditTokenBytes>;

class AuditLog {
 public:
  // One line: the params of a clone (base, name, address, options) and a
  // reason fit in well under 1 KiB; a longer line is refused whole.
  static constexpr size_t kLineBytes = 1024;
  // More lines in flight than this means the disk is not keeping up; the
  // autoscaler then skips the action (refused, counted) rather than queue.
  static constexpr uint32_t kMaxSlots = 32;
  // A generation's size: an action is two lines of ~300 bytes, so 1 MiB
  // holds ~1,700 actions, months to years of a busy host's scaling, and
  // both generations together stay within 2 MiB of flash.
  static constexpr uint64_t kRotateBytes = 1 << 20;

  // done(ctx, ok, err): on the loop; ok means the line is durable. err is
  // the errno of the failed write or fdatasync.
  using DoneFn = void (*)(void* ctx, bool ok, int err);

  AuditLog() = default;
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;
  ~AuditLog();

  // Opens (creating, mode 0640) the file for appending, at start-up on the
  // loop thread (blocking is fine then). A last line left without its
  // newline by a crash is terminated first, so the next line is whole.
  // jobs is the mailbox the writer thread serves.
  Status open(const char* path, store::JobMailbox* jobs, uint32_t slots, int64_t wall_ms);
  bool is_open() const { return open_; }

  // A fresh token for a new action.
  void next_token(AuditToken* out);

  // Formats the line now and queues its durable write. Refused (nothing
  // written, done not called) when the line does not fit or every slot is
  // in flight. wall_ms is the line's timestamp.
  Status append(const AuditEntry& e, int64_t wall_ms, DoneFn done, void* ctx);

  uint32_t in_flight() const { return in_flight_; }
  uint64_t lines_written() const { return written_; }
  uint64_t write_failures() const { return failures_; }
  uint64_t refused() const { return refused_; }
  // Rotations done, and those that failed (the rename or the new file's
  // creation; writing goes on into the current file, which then grows).
  uint64_t rotations() const { return rotations_; }
  uint64_t rotate_failures() const { return rotate_failures_; }
  // Before open(); tests use a small size to see rotation happen.
  void set_rotate_bytes(uint64_t n) { rotate_bytes_ = n; }
  std::string_view path() const { return path_.view(); }

 private:
  struct Slot;
  static void run_cb(store::JobMailbox::Job* j);
  static void done_cb(store::JobMailbox::Job* j);
  bool rotate();  // writer thread; false when it failed

  int fd_ = -1;  // after open(), used and replaced by the writer thread only
  bool open_ = false;
  store::JobMailbox* jobs_ = nullptr;
  Slot* slots_ = nullptr;
  uint32_t nslots_ = 0, in_flight_ = 0;
  uint64_t token_base_ = 0;
  uint32_t token_pid_ = 0, token_seq_ = 0;
  uint64_t written_ = 0, failures_ = 0, refused_ = 0;
  uint64_t rotate_bytes_ = kRotateBytes;
  uint64_t rotations_ = 0, rotate_failures_ = 0;  // loop thread, from the slots
  FixedString<kAuditPathBytes> path_;
  FixedString<kAuditPathBytes> prev_path_;  // path_ + kAuditPreviousSuffix
};

}  // namespace edgestat::scale
