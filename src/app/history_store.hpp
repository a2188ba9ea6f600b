#pragma once
// [history] persist: the history ring saved to [agent] data_dir/history.bin
// (ingest/history_file.hpp) and restored at start, so the charts survive a
// restart. Saving encodes the ring on the loop into a buffer reserved at
// start, then hands the durable write (temp, fsync, rename, fsync the
// directory) to the writer thread through the job mailbox; the loop never
// waits on the disk. One save in flight at most, one every
// [history] persist_interval, and a last one at stop after the writer has
// been joined. A file that cannot be read back whole (corrupt, truncated,
// another version) is refused with a log line naming why, and the agent
// starts with an empty history; the next save replaces it.
#include <cstdint>

#include "config/config.hpp"
#include "ingest/history.hpp"
#include "store/durable_file.hpp"
#include "store/job_mailbox.hpp"

namespace edgestat {

inline constexpr const char* kHistoryFileName = "history.bin";

class HistoryStore {
 public:
  HistoryStore() = default;
  HistoryStore(const HistoryStore&) = delete;
  HistoryStore& operator=(const HistoryStore&) = delete;
  ~HistoryStore();

  // Reserves the buffer and restores the file into h (start-up, blocking
  // reads are fine then). False only when memory is short.
  bool init(const Config& c, const ingest::History* h, ingest::History* restore_into);
  bool enabled() const { return buf_ != nullptr; }
  void set_jobs(store::JobMailbox* m) { jobs_ = m; }

  // After each recorded point: saves when persist_interval has passed.
  void maybe_save(int64_t now_us);
  // At stop, on the loop thread after the writer was joined.
  void save_now();

  uint64_t saves() const { return saves_; }
  uint64_t failures() const { return failures_; }

 private:
  struct SaveJob : store::JobMailbox::Job {
    HistoryStore* self = nullptr;
  };
  static void run_cb(store::JobMailbox::Job* j);
  static void done_cb(store::JobMailbox::Job* j);
  void write();  // the blocking part
  void report();

  const ingest::History* h_ = nullptr;
  store::JobMailbox* jobs_ = nullptr;
  SaveJob job_;
  char* buf_ = nullptr;
  size_t cap_ = 0, len_ = 0;
  int dir_fd_ = -1;
  int64_t interval_us_ = 0;
  int64_t last_save_us_ = 0;
  bool in_flight_ = false;
  store::WriteOutcome outcome_;
  uint64_t saves_ = 0, failures_ = 0;
  bool failing_ = false;  // logged once per run of failures
};

}  // namespace edgestat
