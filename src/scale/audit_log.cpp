#include "scale/audit_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/civil_time.hpp"
#include "core/json_writer.hpp"
#include "core/out_buffer.hpp"
#include "core/reserve.hpp"
#include "store/durable_file.hpp"

namespace edgestat::scale {

struct AuditLog::Slot {
  store::JobMailbox::Job job;  // first: the mailbox hands this pointer back
  AuditLog* owner = nullptr;
  bool busy = false;
  bool ok = false;
  int err = 0;
  int8_t rotated = 0;  // 1 rotated after this line, -1 tried and failed
  DoneFn done = nullptr;
  void* ctx = nullptr;
  size_t len = 0;
  char line[kLineBytes];
};

std::string_view audit_state_name(AuditState s) {
  switch (s) {
    case AuditState::Intended: return "intended";
    case AuditState::Done: return "done";
    case AuditState::Failed: return "failed";
    case AuditState::Unconfirmed: return "unconfirmed";
    case AuditState::Abandoned: return "abandoned";
  }
  return "failed";
}

AuditLog::~AuditLog() {
  if (fd_ >= 0) ::close(fd_);  // the writer has stopped by now
  release_array(slots_, nslots_);
}

Status AuditLog::open(const char* path, store::JobMailbox* jobs, uint32_t slots, int64_t wall_ms) {
  if (!jobs) return Status::error("audit log %s: no writer mailbox", path);
  if (slots == 0 || slots > kMaxSlots) return Status::error("audit log: %u slots (1..%u)", slots, kMaxSlots);
  if (!path_.assign(path) || !prev_path_.assign(path) || !prev_path_.append(kAuditPreviousSuffix))
    return Status::error("audit log path too long: %s", path);
  int fd = ::open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) return Status::error("open audit log %s: %s", path, std::strerror(errno)).with_errno(errno);
  // A crash while a line was being written leaves it without its newline;
  // that action never ran (its line was not durable), and the reader skips
  // the fragment. Terminate it so the next line starts on a line of its own.
  off_t size = ::lseek(fd, 0, SEEK_END);
  if (size > 0) {
    char last = '\n';
    if (::pread(fd, &last, 1, size - 1) != 1) last = '\n';
    if (last != '\n' && (::write(fd, "\n", 1) != 1 || ::fdatasync(fd) != 0)) {
      int e = errno;
      ::close(fd);
      return Status::error("audit log %s: cannot terminate a torn last line: %s", path, std::strerror(e));
    }
  }
  slots_ = reserve_array<Slot>(slots);
  if (!slots_) {
    ::close(fd);
    return Status::error("audit log: out of memory");
  }
  for (uint32_t i = 0; i < slots; ++i) {
    slots_[i].owner = this;
    slots_[i].job.run = run_cb;
    slots_[i].job.done = done_cb;
  }
  nslots_ = slots;
  fd_ = fd;
  open_ = true;
  jobs_ = jobs;
  token_base_ = static_cast<uint64_t>(wall_ms);
  token_pid_ = static_cast<uint32_t>(::getpid());
  return Status::ok();
}

void AuditLog::next_token(AuditToken* out) {
  char b[kAuditTokenBytes + 1];
  std::snprintf(b, sizeof b, "%llx-%x-%u", static_cast<unsigned long long>(token_base_), token_pid_, ++token_seq_);
  out->assign(b);
}

Status AuditLog::append(const AuditEntry& e, int64_t wall_ms, DoneFn done, void* ctx) {
  if (fd_ < 0) return Status::error("audit log is not open");
  Slot* s = nullptr;
  for (uint32_t i = 0; i < nslots_ && !s; ++i)
    if (!slots_[i].busy) s = &slots_[i];
  if (!s) {
    ++refused_;
    return Status::error("audit log: all %u line slots in flight (disk slow)", nslots_);
  }
  OutBuffer out(s->line, kLineBytes);
  JsonWriter w(out);
  char ts[kIsoSecondsLen + 6];
  int64_t secs = wall_ms / 1000;
  char* p = put_iso_seconds(ts, civil_from_unix(secs));
  *p++ = '.';
  p = put_digits(p, static_cast<int>(wall_ms - secs * 1000), 3);
  *p++ = 'Z';
  w.begin_object();
  w.field("ts", std::string_view(ts, static_cast<size_t>(p - ts)));
  w.field("token", e.token);
  w.field("action", e.action);
  w.field("target", e.target);
  w.field("state", audit_state_name(e.state));
  w.key("params");
  w.raw(e.params.empty() ? std::string_view("{}") : e.params);
  if (!e.reason.empty()) w.field("reason", e.reason);
  w.end_object();
  out.put('\n');
  if (out.overflowed()) {
    ++refused_;
    return Status::error("audit line for %.*s longer than %zu bytes", static_cast<int>(e.token.size()),
                         e.token.data(), kLineBytes);
  }
  s->len = out.size();
  s->busy = true;
  s->done = done;
  s->ctx = ctx;
  ++in_flight_;
  jobs_->submit(&s->job);
  return Status::ok();
}

// Writer thread: the whole line, then fdatasync. A short write (disk full)
// is cut back off the file so the next line starts clean.
void AuditLog::run_cb(store::JobMailbox::Job* j) {
  Slot* s = reinterpret_cast<Slot*>(j);
  int fd = s->owner->fd_;
  off_t before = ::lseek(fd, 0, SEEK_END);
  size_t off = 0;
  s->ok = false;
  s->err = 0;
  s->rotated = 0;
  while (off < s->len) {
    ssize_t n = ::write(fd, s->line + off, s->len - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      s->err = n < 0 ? errno : ENOSPC;
      if (before >= 0 && ::ftruncate(fd, before) != 0) {
        // The fragment stays; the reader skips it and open() would
        // terminate it. Nothing more can be done from here.
      }
      return;
    }
    off += static_cast<size_t>(n);
  }
  if (::fdatasync(fd) != 0) {
    s->err = errno;
    return;
  }
  s->ok = true;
  AuditLog* a = s->owner;
  if (before >= 0 && static_cast<uint64_t>(before) + s->len >= a->rotate_bytes_) s->rotated = a->rotate() ? 1 : -1;
}

// Writer thread, between two whole lines: NAME becomes NAME.1 (the older
// generation goes) and a fresh NAME takes the next line. The rename is
// atomic, so a crash leaves either the old pair or the new one; the
// directory is synced so the new name survives a power cut. If the new
// file cannot be created, the rename is undone and writing goes on into
// the current file.
bool AuditLog::rotate() {
  if (::rename(path_.c_str(), prev_path_.c_str()) != 0) return false;
  int fd = ::open(path_.c_str(), O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (fd < 0) {
    if (::rename(prev_path_.c_str(), path_.c_str()) != 0) {
      // Both renames failed: lines go on into NAME.1 through the open
      // descriptor, and the reader still reads NAME.1.
    }
    return false;
  }
  FixedString<kAuditPathBytes> dir;
  std::string_view p = path_.view();
  size_t slash = p.rfind('/');
  if (dir.assign(slash == std::string_view::npos ? std::string_view(".") : p.substr(0, slash == 0 ? 1 : slash))) {
    int dfd = store::open_dir(dir.c_str());
    if (dfd >= 0) {
      (void)::fsync(dfd);
      ::close(dfd);
    }
  }
  ::close(fd_);
  fd_ = fd;
  return true;
}

void AuditLog::done_cb(store::JobMailbox::Job* j) {
  Slot* s = reinterpret_cast<Slot*>(j);
  AuditLog* a = s->owner;
  s->busy = false;
  --a->in_flight_;
  if (s->ok) ++a->written_;
  else ++a->failures_;
  if (s->rotated > 0) ++a->rotations_;
  if (s->rotated < 0) ++a->rotate_failures_;
  if (s->done) s->done(s->ctx, s->ok, s->err);
}

}  // namespace edgestat::scale
