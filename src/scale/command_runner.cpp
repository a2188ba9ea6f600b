#include "scale/command_runner.hpp"

#include <signal.h>

#include <cstring>

#include "core/reserve.hpp"
#include "scale/command_allowlist.hpp"

namespace edgestat::scale {

struct CommandRunner::Slot {
  enum class State : uint8_t { Free, Running, Closing };
  CommandRunner* owner = nullptr;
  State state = State::Free;
  uv_process_t proc{};
  uv_pipe_t out_pipe{}, err_pipe{};
  uv_timer_t timer{};
  bool exited = false, out_eof = false, err_eof = false;
  bool timed_out = false, out_truncated = false;
  bool spawned = false;
  int64_t exit_status = -1;
  int term_signal = 0;
  uint64_t started_ms = 0;
  int pending_closes = 0;
  DoneFn done = nullptr;
  void* ctx = nullptr;
  size_t out_len = 0, err_len = 0;
  char out[kOutBytes];
  char err[kErrBytes];
  char sink[256];  // output past the capture is read here and dropped
  char path[kArgBytes];
  char arg_bytes[kArgBytes];
  char* argv[kMaxArgs + 1];
};

namespace {

CommandRunner::Slot* slot_of(uv_handle_t* h) { return static_cast<CommandRunner::Slot*>(h->data); }

// Copies argv into the slot's own storage (the caller's strings need not
// outlive run()). False when it does not fit.
bool copy_args(char* bytes, char** out, const char* const* argv, size_t argc) {
  size_t used = 0;
  for (size_t i = 0; i < argc; ++i) {
    size_t n = std::strlen(argv[i]) + 1;
    if (n > CommandRunner::kArgBytes - used) return false;
    std::memcpy(bytes + used, argv[i], n);
    out[i] = bytes + used;
    used += n;
  }
  out[argc] = nullptr;
  return true;
}

}  // namespace

CommandRunner::~CommandRunner() { release_array(slots_, nslots_); }

bool CommandRunner::init(uv_loop_t* loop, uint32_t slots, std::string_view bin_dir) {
  if (slots == 0 || slots > kMaxSlots || !bin_dir_.assign(bin_dir)) return false;
  loop_ = loop;
  slots_ = reserve_array<Slot>(slots);
  if (!slots_) return false;
  nslots_ = slots;
  for (uint32_t i = 0; i < slots; ++i) {
    Slot& s = slots_[i];
    s.owner = this;
    uv_timer_init(loop, &s.timer);
    s.timer.data = &s;
  }
  return true;
}

Status CommandRunner::run(const char* const* argv, size_t argc, uint32_t timeout_ms, DoneFn done, void* ctx) {
  const char* why = "";
  int bad = -1;
  if (closed_) return Status::error("command runner is stopped");
  if (!command_allowed(argv, argc, &why, &bad)) {
    ++refused_;
    if (bad >= 0) return Status::error("refused: argument %d '%.64s': %s", bad, argv[bad] ? argv[bad] : "", why);
    return Status::error("refused %.64s: %s", argc ? argv[0] : "", why);
  }
  if (argc > kMaxArgs) return Status::error("refused %s: more than %zu arguments", argv[0], kMaxArgs);
  if (timeout_ms == 0) return Status::error("refused %s: a command needs a timeout", argv[0]);
  Slot* s = nullptr;
  for (uint32_t i = 0; i < nslots_ && !s; ++i)
    if (slots_[i].state == Slot::State::Free) s = &slots_[i];
  if (!s) return Status::error("%s not started: all %u command slots busy", argv[0], nslots_);
  if (!copy_args(s->arg_bytes, s->argv, argv, argc))
    return Status::error("refused %s: arguments longer than %zu bytes", argv[0], kArgBytes);
  // The file to execute: bin_dir/PROGRAM, or PROGRAM looked up in PATH.
  size_t plen = 0;
  if (!bin_dir_.empty()) {
    int n = std::snprintf(s->path, sizeof s->path, "%s/%s", bin_dir_.c_str(), argv[0]);
    if (n < 0 || static_cast<size_t>(n) >= sizeof s->path) return Status::error("program path too long");
    plen = static_cast<size_t>(n);
  } else {
    plen = std::strlen(argv[0]);
    std::memcpy(s->path, argv[0], plen + 1);
  }
  (void)plen;

  s->exited = s->out_eof = s->err_eof = s->timed_out = s->out_truncated = s->spawned = false;
  s->exit_status = -1;
  s->term_signal = 0;
  s->out_len = s->err_len = 0;
  s->done = done;
  s->ctx = ctx;
  s->pending_closes = 0;
  uv_pipe_init(loop_, &s->out_pipe, 0);
  uv_pipe_init(loop_, &s->err_pipe, 0);
  s->out_pipe.data = s->err_pipe.data = s->proc.data = s;

  uv_stdio_container_t stdio[3];
  stdio[0].flags = UV_IGNORE;  // /dev/null: nothing waits on our stdin
  stdio[1].flags = static_cast<uv_stdio_flags>(UV_CREATE_PIPE | UV_WRITABLE_PIPE);
  stdio[1].data.stream = reinterpret_cast<uv_stream_t*>(&s->out_pipe);
  stdio[2].flags = static_cast<uv_stdio_flags>(UV_CREATE_PIPE | UV_WRITABLE_PIPE);
  stdio[2].data.stream = reinterpret_cast<uv_stream_t*>(&s->err_pipe);
  uv_process_options_t o{};
  o.exit_cb = exit_cb;
  o.file = s->path;
  o.args = s->argv;
  o.stdio = stdio;
  o.stdio_count = 3;
  // Its own session and process group, so a timeout kills the child and
  // whatever it started (lxc-attach's command) in one kill(-pgid).
  o.flags = UV_PROCESS_DETACHED;
  s->state = Slot::State::Running;
  ++busy_;
  int rc = uv_spawn(loop_, &s->proc, &o);
  if (rc != 0) {
    // The handles are initialised either way and must be closed; the slot
    // is free again once their close callbacks ran.
    s->done = nullptr;
    release(*s);
    return Status::error("cannot start %s: %s", argv[0], uv_strerror(rc));
  }
  s->spawned = true;
  s->started_ms = uv_now(loop_);
  ++started_;
  uv_read_start(reinterpret_cast<uv_stream_t*>(&s->out_pipe), alloc_cb, read_cb);
  uv_read_start(reinterpret_cast<uv_stream_t*>(&s->err_pipe), alloc_cb, read_cb);
  uv_timer_start(&s->timer, timer_cb, timeout_ms, 0);
  return Status::ok();
}

void CommandRunner::alloc_cb(uv_handle_t* h, size_t, uv_buf_t* buf) {
  Slot* s = slot_of(h);
  bool is_out = h == reinterpret_cast<uv_handle_t*>(&s->out_pipe);
  char* base = is_out ? s->out : s->err;
  size_t cap = is_out ? kOutBytes : kErrBytes;
  size_t len = is_out ? s->out_len : s->err_len;
  if (len < cap) {
    *buf = uv_buf_init(base + len, static_cast<unsigned>(cap - len));
  } else {
    *buf = uv_buf_init(s->sink, sizeof s->sink);
  }
}

void CommandRunner::read_cb(uv_stream_t* st, ssize_t n, const uv_buf_t* buf) {
  Slot* s = slot_of(reinterpret_cast<uv_handle_t*>(st));
  bool is_out = st == reinterpret_cast<uv_stream_t*>(&s->out_pipe);
  if (n > 0) {
    if (buf->base == s->sink) {
      if (is_out) s->out_truncated = true;
    } else if (is_out) {
      s->out_len += static_cast<size_t>(n);
    } else {
      s->err_len += static_cast<size_t>(n);
    }
    return;
  }
  if (n == 0) return;  // EAGAIN
  uv_read_stop(st);
  (is_out ? s->out_eof : s->err_eof) = true;
  if (s->exited && s->out_eof && s->err_eof && s->state == Slot::State::Running) s->owner->finish(*s);
}

void CommandRunner::exit_cb(uv_process_t* p, int64_t status, int sig) {
  Slot* s = slot_of(reinterpret_cast<uv_handle_t*>(p));
  s->exited = true;
  s->exit_status = status;
  s->term_signal = sig;
  if (s->out_eof && s->err_eof) {
    s->owner->finish(*s);
    return;
  }
  uv_timer_stop(&s->timer);
  uv_timer_start(&s->timer, timer_cb, kDrainMs, 0);
}

void CommandRunner::timer_cb(uv_timer_t* t) {
  Slot* s = slot_of(reinterpret_cast<uv_handle_t*>(t));
  if (s->state != Slot::State::Running) return;
  if (s->exited) {  // drain time is over: output still held open by a grandchild
    s->owner->finish(*s);
    return;
  }
  // The deadline: kill the whole group; exit_cb follows.
  s->timed_out = true;
  ++s->owner->timeouts_;
  if (::kill(-s->proc.pid, SIGKILL) != 0) uv_process_kill(&s->proc, SIGKILL);
}

void CommandRunner::finish(Slot& s) {
  uv_timer_stop(&s.timer);
  CommandResult r;
  r.exit_status = s.exit_status;
  r.term_signal = s.term_signal;
  r.timed_out = s.timed_out;
  r.out_truncated = s.out_truncated;
  r.out = std::string_view(s.out, s.out_len);
  r.err = std::string_view(s.err, s.err_len);
  r.elapsed_ms = static_cast<int64_t>(uv_now(loop_) - s.started_ms);
  DoneFn done = s.done;
  void* ctx = s.ctx;
  s.done = nullptr;
  release(s);
  // The buffers stay intact until the slot is reused, which cannot happen
  // before the close callbacks run on a later loop iteration.
  if (done) done(ctx, r);
}

// Closes the slot's per-run handles; the slot is free when all are closed.
void CommandRunner::release(Slot& s) {
  s.state = Slot::State::Closing;
  s.pending_closes = 3;
  for (uv_handle_t* h : {reinterpret_cast<uv_handle_t*>(&s.proc), reinterpret_cast<uv_handle_t*>(&s.out_pipe),
                         reinterpret_cast<uv_handle_t*>(&s.err_pipe)}) {
    if (uv_is_closing(h)) --s.pending_closes;
    else uv_close(h, close_cb);
  }
}

void CommandRunner::close_cb(uv_handle_t* h) {
  Slot* s = slot_of(h);
  if (--s->pending_closes > 0) return;
  s->state = Slot::State::Free;
  --s->owner->busy_;
}

void CommandRunner::close() {
  if (closed_ || !slots_) return;
  closed_ = true;
  for (uint32_t i = 0; i < nslots_; ++i) {
    Slot& s = slots_[i];
    s.done = nullptr;
    if (s.state == Slot::State::Running) release(s);
    uv_close(reinterpret_cast<uv_handle_t*>(&s.timer), nullptr);
  }
}

}  // namespace edgestat::scale
