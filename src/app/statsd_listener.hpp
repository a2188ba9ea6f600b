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
  // No round starts while the records ring is half full: what the socket
  // still holds waits there (its buffer is sized for a burst, see
  // kBurstBytesPerMs) until the writer has drained the ring, instead of
  // being dropped at a full ring. A rest after a long idle stretch reads a
  // burst's first second in one go, more than the default ring's ~13 000
  // timer lines. The free half takes the round in flight (32 datagrams of
  // 50 timer lines fill ~130 of the default 1024 slots) and the HTTP
  // records that come before the writer wakes.
  static constexpr uint32_t kRingBackedUpDivisor = 2;
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
  // Lines reach /metrics at most kRestMaxMs later. The rests, not the
  // datagrams, are the listener's wake-ups: one a second on a steady
  // stream (200 ms rests cost the loop 300 wake-ups a minute at 1000
  // lines/s, and a third more CPU than 1 s rests: each woke cold for a
  // few datagrams).
  static constexpr uint64_t kRestMinMs = 5;
  static constexpr uint64_t kRestMaxMs = 1000;
  static constexpr size_t kRestBytes = 32 * 1024;
  // A rest also stays short enough that the burst the default config takes
  // without loss (100k timer lines/s in 50-line datagrams: 2000 datagrams
  // a second, each 2304 bytes of kernel memory on loopback, measured in
  // /proc/net/udp) fills at most half the socket's receive buffer: the
  // kernel may grant less than statsd_receive_buffer_bytes
  // (net.core.rmem_max without CAP_NET_ADMIN, 208 KiB on Debian), and a
  // 200 ms rest would then drop the start of a burst. The default 4 MiB
  // (8 MiB granted as root) allows ~900 ms.
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
  // What one read_burst() did: datagrams read, their bytes, and why it
  // stopped.
  struct Burst {
    enum class End {
      Drained,   // the socket had no more
      Flood,     // kRecvRounds full rounds: more is waiting
      RingFull,  // the records ring is half full: the rest waits in the socket
    };
    unsigned got = 0;
    size_t bytes = 0;
    End end = End::Flood;
  };
  // Reads up to kRecvRounds x kRecvBatch datagrams into the pipeline.
  Burst read_burst(Socket& s);
  void note_drops(Socket& s, const msghdr& h);
  // After a read: rest when it emptied the socket or the ring is backed
  // up, poll otherwise.
  void schedule(Socket& s, const Burst& b);
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
