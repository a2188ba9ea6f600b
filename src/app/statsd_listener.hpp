#pragma once
// StatsD over UDP and a unix datagram socket, read on the loop with
// recvmmsg(2) in bounded bursts and handed to the ingest pipeline datagram
// by datagram.
#include <uv.h>

#include <cstddef>

#include "app/ingest_pipeline.hpp"
#include "config/config.hpp"
#include "core/fixed_string.hpp"

namespace edgestat {

class StatsdListener {
 public:
  // Datagrams read per recvmmsg(2) call, and the buffer for each: StatsD
  // clients keep datagrams under 1.5 KiB (or 8 KiB on loopback); a longer
  // one is cut by the kernel and its cut last line is counted "truncated".
  static constexpr unsigned kRecvBatch = 32;
  static constexpr size_t kMaxDatagram = 8192;
  // recvmmsg calls per readable event before yielding to the rest of the
  // loop (HTTP must not starve under a StatsD flood): 32 x 32 datagrams.
  static constexpr int kRecvRounds = 32;

  explicit StatsdListener(IngestPipeline& pipeline) : p_(pipeline) {}
  StatsdListener(const StatsdListener&) = delete;
  StatsdListener& operator=(const StatsdListener&) = delete;
  ~StatsdListener();

  // Binds the configured sockets (none configured: nothing to do) and
  // starts polling them; false (logged) on a bad address or bind failure.
  bool init(const Config& c, uv_loop_t* loop);
  // The `statsd listening` log line, once the agent is up.
  void log_listening(const Config& c) const;
  // Stop signal: closes the handles so the loop can end, and removes the
  // unix socket.
  void close();

 private:
  struct Socket {
    uv_poll_t poll;
    int fd = -1;
    bool open = false;
    StatsdListener* owner = nullptr;
  };
  static void readable_cb(uv_poll_t* p, int status, int events);
  static void closed_cb(uv_handle_t* h);
  bool open_socket(uv_loop_t* loop, Socket& s, int fd);

  IngestPipeline& p_;
  char* bufs_ = nullptr;  // kRecvBatch x kMaxDatagram
  Socket udp_, unix_;
  FixedString<255> unix_path_;
};

}  // namespace edgestat
