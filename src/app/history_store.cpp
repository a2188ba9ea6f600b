#include "app/history_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "core/log.hpp"
#include "core/reserve.hpp"
#include "ingest/history_file.hpp"

namespace edgestat {
namespace {

constexpr const char* kTempName = ".history.bin.tmp";

// Reads dir_fd/name whole into a temporary allocation (start-up only);
// null with errno set, or with *len 0 and errno 0 for an empty file.
char* read_whole(int dir_fd, const char* name, size_t* len) {
  *len = 0;
  int fd = ::openat(dir_fd, name, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return nullptr;
  struct stat st;
  char* data = nullptr;
  if (fstat(fd, &st) == 0 && st.st_size > 0 &&
      static_cast<uint64_t>(st.st_size) <= ingest::kMaxHistoryFileBytes) {
    size_t want = static_cast<size_t>(st.st_size);
    data = static_cast<char*>(std::malloc(want));
    size_t got = 0;
    while (data && got < want) {
      ssize_t n = ::read(fd, data + got, want - got);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += static_cast<size_t>(n);
    }
    *len = got;
  } else if (st.st_size > 0) {
    errno = EFBIG;
  }
  int saved = errno;
  ::close(fd);
  errno = saved;
  return data;
}

}  // namespace

HistoryStore::~HistoryStore() {
  release_array(buf_, cap_);
  if (dir_fd_ >= 0) ::close(dir_fd_);
}

bool HistoryStore::init(const Config& c, const ingest::History* h, ingest::History* restore_into) {
  if (!c.history.persist || h->series_count() == 0) return true;
  h_ = h;
  interval_us_ = static_cast<int64_t>(c.history.persist_interval_ms) * 1000;
  cap_ = ingest::history_file_capacity(*h);
  buf_ = reserve_array<char>(cap_);
  if (!buf_) return false;
  job_.run = run_cb;
  job_.done = done_cb;
  job_.self = this;
  dir_fd_ = store::open_dir(c.agent.data_dir.c_str());
  if (dir_fd_ < 0) {
    log_warn("history: cannot open [agent] data_dir; the history is not persisted",
             {{"dir", c.agent.data_dir.view()}, {"err", std::strerror(errno)}});
    return true;
  }
  size_t len = 0;
  errno = 0;
  char* data = read_whole(dir_fd_, kHistoryFileName, &len);
  if (!data) {
    if (errno != ENOENT && errno != 0)
      log_warn("history file refused, starting with an empty history",
               {{"file", kHistoryFileName}, {"error", std::strerror(errno)}});
    return true;
  }
  const char* why = "";
  if (ingest::decode_history(data, len, restore_into, &why)) {
    log_info("history restored", {{"file", kHistoryFileName}, {"points", restore_into->size()}});
  } else {
    log_warn("history file refused, starting with an empty history",
             {{"file", kHistoryFileName}, {"error", why}, {"bytes", len}});
  }
  std::free(data);
  return true;
}

void HistoryStore::maybe_save(int64_t now_us) {
  if (!buf_ || dir_fd_ < 0 || !jobs_ || in_flight_) return;
  if (last_save_us_ == 0) last_save_us_ = now_us;  // the first save one interval after start
  if (now_us - last_save_us_ < interval_us_) return;
  len_ = ingest::encode_history(*h_, buf_, cap_);
  if (len_ == 0) return;
  last_save_us_ = now_us;
  in_flight_ = true;
  jobs_->submit(&job_);
}

void HistoryStore::save_now() {
  if (!buf_ || dir_fd_ < 0 || h_->size() == 0) return;
  len_ = ingest::encode_history(*h_, buf_, cap_);
  if (len_ == 0) return;
  write();
  report();
}

void HistoryStore::write() {
  outcome_ = store::write_file_durable(dir_fd_, kHistoryFileName, kTempName, buf_, len_);
}

void HistoryStore::report() {
  if (outcome_.renamed) {
    ++saves_;
    if (failing_) log_info("history saved again", {{"file", kHistoryFileName}});
    failing_ = false;
    return;
  }
  ++failures_;
  if (!failing_)
    log_warn("history: cannot save", {{"file", kHistoryFileName},
                                      {"stage", store::write_stage_name(outcome_.stage)},
                                      {"err", std::strerror(outcome_.err)}});
  failing_ = true;
}

void HistoryStore::run_cb(store::JobMailbox::Job* j) { static_cast<SaveJob*>(j)->self->write(); }

void HistoryStore::done_cb(store::JobMailbox::Job* j) {
  HistoryStore* s = static_cast<SaveJob*>(j)->self;
  s->in_flight_ = false;
  s->report();
}

}  // namespace edgestat
