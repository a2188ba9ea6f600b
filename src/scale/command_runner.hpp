#pragma once
// Runs the autoscaler's actuator commands (lxc-*, pct) as child processes
// on the loop, the way DESIGN.md requires: uv_spawn with an argv (never a
// shell), only what command_allowlist.hpp allows, a deadline after which
// the child's whole process group is killed, and the exit status plus a
// bounded capture of stdout and stderr handed to a callback on the loop.
// The loop never waits for a child.
//
// A fixed number of slots (concurrent children) is reserved at init; a run
// that finds every slot busy is refused, not queued, so a burst of
// decisions cannot pile up processes on a small box. Each slot embeds its
// libuv handles and buffers, so a run allocates nothing.
#include <uv.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/fixed_string.hpp"
#include "core/status.hpp"

namespace edgestat::scale {

struct CommandResult {
  int64_t exit_status = -1;    // the child's exit code (when it exited)
  int term_signal = 0;         // the signal that ended it, 0 when it exited
  bool timed_out = false;      // killed by the runner at the deadline
  bool out_truncated = false;  // stdout was longer than kOutBytes
  std::string_view out;        // stdout as captured; valid in the callback only
  std::string_view err;        // stderr as captured (first kErrBytes)
  int64_t elapsed_ms = 0;
  // The only result an actuator may treat as success.
  bool ok() const { return !timed_out && term_signal == 0 && exit_status == 0; }
};

class CommandRunner {
 public:
  using DoneFn = void (*)(void* ctx, const CommandResult& r);

  // More children than this at once is not autoscaling on an edge box; the
  // config asks for fewer.
  static constexpr uint32_t kMaxSlots = 16;
  // lxc-info and `pct config` print well under 4 KiB; more is truncated
  // (flagged in the result), never allowed to block the child.
  static constexpr size_t kOutBytes = 4096;
  // Enough for the error line of lxc-copy or pct, logged on failure.
  static constexpr size_t kErrBytes = 512;
  // Storage for one command's argument strings and its argv array.
  static constexpr size_t kArgBytes = 1024;
  static constexpr size_t kMaxArgs = 32;
  // After the child exits, output still in the pipe is read for this long:
  // a daemonizing child (lxc-start) may leave a grandchild holding the pipe.
  static constexpr uint64_t kDrainMs = 200;

  CommandRunner() = default;
  CommandRunner(const CommandRunner&) = delete;
  CommandRunner& operator=(const CommandRunner&) = delete;
  ~CommandRunner();

  // Reserves `slots` slots. bin_dir, when not empty, is where the programs
  // are (tests, or a box with lxc-* outside PATH); otherwise PATH is searched.
  bool init(uv_loop_t* loop, uint32_t slots, std::string_view bin_dir = {});

  // Starts argv[0..argc) (argv[0] a bare program name from the allowlist).
  // done(ctx, result) runs on the loop when the child has ended, unless
  // close() came first. An error means nothing was started and done will
  // not be called: refused by the allowlist, every slot busy, or spawn
  // failed (the program is not installed).
  Status run(const char* const* argv, size_t argc, uint32_t timeout_ms, DoneFn done, void* ctx);

  uint32_t busy() const { return busy_; }
  uint32_t slots() const { return nslots_; }
  uint64_t started() const { return started_; }
  uint64_t refused() const { return refused_; }
  uint64_t timeouts() const { return timeouts_; }

  // Stop: closes every handle without waiting for the children (a child
  // keeps running, as after a crash; the audit log's reconciliation deals
  // with what it did). No callback is delivered afterwards.
  void close();

  struct Slot;  // one child's handles and buffers (command_runner.cpp)

 private:
  static void exit_cb(uv_process_t* p, int64_t status, int sig);
  static void alloc_cb(uv_handle_t* h, size_t hint, uv_buf_t* buf);
  static void read_cb(uv_stream_t* s, ssize_t n, const uv_buf_t* buf);
  static void timer_cb(uv_timer_t* t);
  static void close_cb(uv_handle_t* h);
  void finish(Slot& s);
  void release(Slot& s);

  uv_loop_t* loop_ = nullptr;
  Slot* slots_ = nullptr;
  uint32_t nslots_ = 0;
  uint32_t busy_ = 0;
  FixedString<256> bin_dir_;
  bool closed_ = false;
  uint64_t started_ = 0, refused_ = 0, timeouts_ = 0;
};

}  // namespace edgestat::scale
