#pragma once
// StatsD over UDP and a unix datagram socket, read on the loop with
// recvmmsg(2) in bounded bursts and handed to the ingest pipeline datagram
// by datagram; between bursts of a steady stream the UDP socket rests
// (kRestMinMs..kRestMaxMs).
#include <sys/socket.h>
#include <uv.h>

#include <algorithm>
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
  // After a read that emptied the socket the listener stops polling and
  // reads again a rest later (then after every rest while datagrams keep
  // coming; polling resumes after a kRestMaxMs rest that brought nothing). A client sending
  // a datagram every few ms then costs one wake-up and one recvmmsg per
  // rest instead of per datagram (on the router-cost load, 20 datagrams a
  // second, the wake-ups were most of the listener's kernel time). The rest
  // starts at kRestMinMs and doubles up to kRestMaxMs while a rest read
  // stays under kRestBytes; it halves when one brings more: what arrives
  // during a rest goes into the ring in one go, and the default ring (1024
  // slots of ~13 timer records) must take it while the writer is in an
  // fsync (a fixed 200 ms rest lost a third of a 100k lines/s burst).
  // kRestBytes of StatsD text is ~2000 timer lines, ~300 KB of records.
  // Lines reach /metrics at most kRestMaxMs later.
  static constexpr uint64_t kRestMinMs = 5;
  static constexpr uint64_t kRestMaxMs = 200;
  static constexpr size_t kRestBytes = 32 * 1024;
  // A rest also stays short enough that the burst the default config takes
  // without loss (100k timer lines/s in 50-line datagrams: 2000 datagrams
  // a second, each 2304 bytes of kernel memory on loopback, measured in
  // /proc/net/udp) fills at most half the socket's receive buffer: the
  // kernel may grant less than statsd_receive_buffer_bytes
  // (net.core.rmem_max without CAP_NET_ADMIN, 208 KiB on Debian), and a
  // 200 ms rest would then drop the start of a burst.
  static constexpr uint64_t kBurstBytesPerMs = 2000 * 2304 / 1000;
  // The longest rest for a receive buffer the kernel granted (SO_RCVBUF as
  // read back): kRestMinMs..kRestMaxMs.
  static constexpr uint64_t max_rest_ms(uint64_t granted_bytes) {
    return std::clamp(granted_bytes / 2 / kBurstBytesPerMs, kRestMinMs, kRestMaxMs);
  }

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
    uv_timer_t rest;  // the next read while resting (see kRestMinMs)
    int fd = -1;
    bool open = false;
    bool resting = false;
    // The unix socket never rests: its queue holds net.unix.max_dgram_qlen
    // datagrams (10 by default), and a client sending faster than that per
    // rest is blocked or, non-blocking, loses them (64 % of 200 datagrams
    // a second did).
    bool may_rest = false;
    uint64_t rest_max_ms = kRestMaxMs;  // max_rest_ms() of the granted buffer
    uint64_t rest_ms = kRestMinMs;      // the next rest
    uint32_t kernel_drops = 0;          // the last SO_RXQ_OVFL count seen
    StatsdListener* owner = nullptr;
  };
  // Reads up to kRecvRounds x kRecvBatch datagrams into the pipeline; the
  // number read, their bytes in *bytes, *drained when the socket had no more.
  unsigned read_burst(Socket& s, size_t* bytes, bool* drained);
  void note_drops(Socket& s, const msghdr& h);
  // After a read: rest when it emptied the socket, poll otherwise.
  void schedule(Socket& s, unsigned got, size_t bytes, bool drained);
  static void readable_cb(uv_poll_t* p, int status, int events);
  static void rest_cb(uv_timer_t* t);
  static void closed_cb(uv_handle_t* h);
  bool open_socket(uv_loop_t* loop, Socket& s, int fd, uint64_t granted, bool may_rest);

  IngestPipeline& p_;
  char* bufs_ = nullptr;  // kRecvBatch x kMaxDatagram
  Socket udp_, unix_;
  FixedString<255> unix_path_;
};

}  // namespace edgestat
