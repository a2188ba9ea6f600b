#include "app/ingest_wiring.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "config/load.hpp"
#include "core/clock.hpp"
#include "core/json_writer.hpp"
#include "core/log.hpp"
#include "core/reserve.hpp"
#include "http/query.hpp"
#include "store/batch_format.hpp"

namespace edgestat {
namespace {

using ingest::OperationRecord;
using ingest::StatsdError;
using ingest::StatsdLine;
using ingest::StatsdType;

constexpr std::string_view kJson = "application/json";
constexpr std::string_view kTextPlain = "text/plain; charset=utf-8";
// A full ring drains within a flush or two: ask clients to come back then.
constexpr std::string_view kRetryAfter = "Retry-After: 1\r\n";
// Ring fill at which /health calls the store degraded.
constexpr double kRingDegradedFill = 0.9;
// Largest `limit` /api/v1/history honours (the history depth caps it anyway).
constexpr uint64_t kMaxHistoryLimit = 1000000;

enum RefuseReason { kRefuseSyntax, kRefuseValidation, kRefuseTooLarge, kRefuseRingFull };
constexpr std::string_view kRefuseNames[] = {"syntax", "validation", "too_large", "ring_full"};

constexpr FamilyDesc kIngestRecords{"edgestat_ingest_records_total",
                                    "Operation records accepted, by source (http: 202 answers, statsd: timers).",
                                    MetricType::Counter};
constexpr FamilyDesc kIngestRefused{
    "edgestat_ingest_requests_refused_total",
    "POST /api/v1/operations bodies refused whole, by reason (syntax 400, validation 422, too_large 413/422, "
    "ring_full 503).",
    MetricType::Counter};
constexpr FamilyDesc kStatsdDatagrams{"edgestat_statsd_datagrams_total", "StatsD datagrams received.",
                                      MetricType::Counter};
constexpr FamilyDesc kStatsdLines{"edgestat_statsd_lines_total", "Well-formed StatsD lines received.",
                                  MetricType::Counter};
constexpr FamilyDesc kStatsdMalformed{"edgestat_statsd_malformed_total",
                                      "StatsD lines refused, by reason; the rest of their datagram still counts.",
                                      MetricType::Counter};
constexpr FamilyDesc kRingDropped{
    "edgestat_ring_dropped_total",
    "Records that did not enter the records ring because it was full, by source (http records were answered 503).",
    MetricType::Counter};
constexpr FamilyDesc kRingRecords{"edgestat_ring_records", "Records waiting in the ring for the writer thread.",
                                  MetricType::Gauge};
constexpr FamilyDesc kRingCapacity{"edgestat_ring_capacity", "Records the ring holds ([store] ring_slots).",
                                   MetricType::Gauge};
constexpr FamilyDesc kStorePersisted{"edgestat_store_records_persisted_total",
                                     "Records written into batch files (renamed into place).", MetricType::Counter};
constexpr FamilyDesc kStoreBatches{"edgestat_store_batches_written_total", "Batch files written.",
                                   MetricType::Counter};
constexpr FamilyDesc kStoreBytes{"edgestat_store_bytes_written_total", "Bytes of batch files written.",
                                 MetricType::Counter};
constexpr FamilyDesc kStoreErrors{"edgestat_store_write_errors_total",
                                  "Failed batch writes, by reason; the records stay in the ring and are retried.",
                                  MetricType::Counter};
constexpr FamilyDesc kStoreRemoved{"edgestat_store_files_removed_total", "Batch files removed by retention.",
                                   MetricType::Counter};
constexpr FamilyDesc kStoreLastFlush{"edgestat_store_last_flush_timestamp_seconds",
                                     "Time of the last batch file written (0: none yet).", MetricType::Gauge};
constexpr FamilyDesc kStoreWakeups{"edgestat_store_writer_wakeups_total",
                                   "Times the loop woke the writer thread (at most once per batch).",
                                   MetricType::Counter};
constexpr FamilyDesc kStoreBackoff{"edgestat_store_backoff_seconds",
                                   "Current retry delay after a failed write (0 when writing works).",
                                   MetricType::Gauge};

// The reason labels for write errors (the writer's enum order).
std::string_view write_reason_label(size_t i) {
  static constexpr std::string_view kNames[] = {"no_space", "read_only", "no_directory", "permission", "io", "other"};
  return i < sizeof kNames / sizeof kNames[0] ? kNames[i] : "other";
}

int64_t now_us() { return realtime_ns() / 1000; }

// A record's timestamp; every one is store::kRfc3339Len bytes.
std::string_view format_ts(int64_t us, char* buf) { return {buf, store::format_rfc3339_us(us, buf)}; }

// A non-blocking datagram socket of family with the receive buffer asked
// for, bound to addr; -1 on failure, logged as "the StatsD <kind> socket"
// with where (the address or path) named.
int bind_dgram(int family, const sockaddr* addr, socklen_t len, uint64_t rcvbuf, const char* kind, LogField where) {
  char msg[48];
  int fd = ::socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    std::snprintf(msg, sizeof msg, "cannot create the StatsD %s socket", kind);
    log_error(msg, {{"error", std::strerror(errno)}});
    return -1;
  }
  int v = static_cast<int>(rcvbuf);
  // SO_RCVBUFFORCE passes net.core.rmem_max as root; otherwise the kernel
  // clamps SO_RCVBUF to it.
  if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof v) != 0)
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof v);
  if (::bind(fd, addr, len) != 0) {
    std::snprintf(msg, sizeof msg, "cannot bind the StatsD %s socket", kind);
    log_error(msg, {where, {"error", std::strerror(errno)}});
    ::close(fd);
    return -1;
  }
  return fd;
}

// Binds a non-blocking datagram socket; -1 (logged) on failure.
int bind_udp(std::string_view address, uint64_t rcvbuf) {
  FixedString<64> host;
  uint16_t port = 0;
  const char* why = "";
  if (!parse_listen_address(address, &host, &port, &why)) {
    log_error("[ingest] statsd_listen_address is invalid", {{"address", address}, {"error", why}});
    return -1;
  }
  sockaddr_storage ss{};
  socklen_t len = 0;
  int family = AF_INET;
  if (host.view().find(':') != std::string_view::npos) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(port);
    inet_pton(AF_INET6, host.c_str(), &a->sin6_addr);
    family = AF_INET6;
    len = sizeof *a;
  } else {
    auto* a = reinterpret_cast<sockaddr_in*>(&ss);
    a->sin_family = AF_INET;
    a->sin_port = htons(port);
    if (host.empty()) a->sin_addr.s_addr = htonl(INADDR_ANY);
    else if (host == "localhost") a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    else inet_pton(AF_INET, host.c_str(), &a->sin_addr);
    len = sizeof *a;
  }
  return bind_dgram(family, reinterpret_cast<sockaddr*>(&ss), len, rcvbuf, "UDP", {"address", address});
}

int bind_unix(const char* path, uint64_t rcvbuf) {
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  size_t n = std::strlen(path);
  if (n == 0 || n >= sizeof a.sun_path) {
    log_error("[ingest] statsd_socket path is too long", {{"path", path}});
    return -1;
  }
  std::memcpy(a.sun_path, path, n);
  // A socket left by a previous run is replaced; anything else is not ours.
  struct stat st;
  if (::lstat(path, &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      log_error("[ingest] statsd_socket exists and is not a socket", {{"path", path}});
      return -1;
    }
    ::unlink(path);
  }
  int fd = bind_dgram(AF_UNIX, reinterpret_cast<sockaddr*>(&a), sizeof a, rcvbuf, "unix", {"path", path});
  if (fd < 0) return -1;
  // Local applications of any user may report, as they can over loopback UDP.
  ::chmod(path, 0666);
  return fd;
}

}  // namespace

struct IngestWiring::Impl {
  // ---- POST /api/v1/operations ----

  struct PostCtx {
    IngestWiring* w = nullptr;
    int64_t too_large = -1;  // index of the first record that does not fit a ring slot
    int64_t now = 0;
    char ts[store::kRfc3339Len];
  };

  // First pass: each record must serialize within a ring slot.
  static bool validate_cb(void* ctx, OperationRecord& r, uint32_t index) {
    auto* c = static_cast<PostCtx*>(ctx);
    OutBuffer out(c->w->rec_buf_, c->w->rec_cap_);
    if (!ingest::serialize_record(r, std::string_view(c->ts, sizeof c->ts), out)) {
      c->too_large = index;
      return false;
    }
    return true;
  }

  // Second pass: the records go into the ring and the aggregator.
  static bool accept_cb(void* ctx, OperationRecord& r, uint32_t) {
    auto* c = static_cast<PostCtx*>(ctx);
    IngestWiring* w = c->w;
    r.timestamp_us = c->now;
    w->ops_.observe(r.type.view(), r.name.view(), r.duration_ms, r.success, c->now);
    ++w->http_records_;
    if (!w->store_on_) return true;
    OutBuffer out(w->rec_buf_, w->rec_cap_);
    ingest::serialize_record(r, std::string_view(c->ts, sizeof c->ts), out);
    // Room was checked before this pass and only the writer frees slots
    // meanwhile, so this push succeeds; a failure would still be counted.
    if (w->writer_.push(out.view())) ++w->recorded_;
    else ++w->dropped_http_;
    return true;
  }

  static void error_reply(http::Exchange& ex, int status, std::string_view field, std::string_view reason,
                          int64_t index) {
    OutBuffer out(ex.small, ex.small_cap);
    JsonWriter j(out);
    j.begin_object();
    j.field("error", status == 400 ? "invalid JSON" : status == 503 ? "ring full" : "invalid record");
    j.field_u64("status", static_cast<uint64_t>(status));
    j.field("field", field);
    j.field("reason", reason);
    if (index >= 0) j.field_i64("index", index);
    j.end_object();
    out.put('\n');
    ex.reply.status = status;
    ex.reply.content_type = kJson;
    ex.reply.body = out.view();
  }

  static void post_operations(IngestWiring* w, http::Exchange& ex) {
    PostCtx c;
    c.w = w;
    c.now = now_us();
    format_ts(c.now, c.ts);
    ingest::RecordError err;
    ingest::ParseResult r = ingest::parse_operation_records(ex.body, w->scratch_, validate_cb, &c, &err);
    if (c.too_large >= 0) {
      ++w->http_refused_[kRefuseTooLarge];
      FixedString<96> field;
      field.assign(r.array ? "records[" : "record");
      if (r.array) {
        char num[kIntChars];
        field.append(std::string_view(num, format_i64(c.too_large, num)));
        field.append("]");
      }
      error_reply(ex, 422, field.view(), "the serialized record is larger than [store] record_bytes",
                  r.array ? c.too_large : -1);
      return;
    }
    if (!r.ok) {
      ++w->http_refused_[err.status == 400 ? kRefuseSyntax : kRefuseValidation];
      error_reply(ex, err.status, err.field.view(), err.reason.view(), err.index);
      return;
    }
    if (w->store_on_) {
      SpscRing& ring = w->writer_.ring();
      if (r.records > ring.capacity()) {
        ++w->http_refused_[kRefuseTooLarge];
        error_reply(ex, 413, "body", "more records than [store] ring_slots; send smaller arrays", -1);
        return;
      }
      uint32_t room = ring.capacity() - ring.size();
      if (r.records > room) {
        ++w->http_refused_[kRefuseRingFull];
        w->dropped_http_ += r.records;
        w->writer_.notify_if_needed();
        error_reply(ex, 503, "body", "the records ring is full; retry later", -1);
        ex.reply.extra_headers = kRetryAfter;
        return;
      }
    }
    ingest::parse_operation_records(ex.body, w->scratch_, accept_cb, &c, &err);
    if (w->store_on_) w->writer_.notify_if_needed();
    OutBuffer out(ex.small, ex.small_cap);
    out.put("{\"accepted\":");
    out.put_u64(r.records);
    out.put("}\n");
    ex.reply.status = 202;
    ex.reply.content_type = kJson;
    ex.reply.body = out.view();
  }

  // ---- read endpoints ----

  // Renders into the connection's small buffer, or into a body-pool slot
  // when it does not fit there.
  template <class Render>
  static void json_reply(IngestWiring* w, http::Exchange& ex, Render render) {
    OutBuffer small(ex.small, ex.small_cap);
    render(small);
    if (!small.overflowed()) {
      ex.reply.content_type = kJson;
      ex.reply.body = small.view();
      return;
    }
    int slot = w->pool_->take();
    if (slot == http::BodyPool::kNone) {
      ex.reply.status = 503;
      ex.reply.content_type = kTextPlain;
      ex.reply.body = "Every render buffer is in use by slow clients, try again later.\n";
      ex.reply.extra_headers = kRetryAfter;
      return;
    }
    OutBuffer out(w->pool_->data(slot), w->pool_->slot_bytes());
    render(out);
    if (out.overflowed()) {
      ex.reply.status = 500;
      ex.reply.content_type = kTextPlain;
      ex.reply.body = "The response exceeds [limits] render_buffer_bytes; raise it.\n";
      return;
    }
    w->pool_->set_uncached(slot, out.size());
    w->pool_->pin(slot);
    ex.reply.content_type = kJson;
    ex.reply.body = w->pool_->body(slot);
    ex.reply.body_slot = slot;
  }

  static void handle_operations(void* ctx, http::Exchange& ex) {
    auto* w = static_cast<IngestWiring*>(ctx);
    if (ex.req && ex.req->method == "POST") return post_operations(w, ex);
    int64_t now = now_us();
    json_reply(w, ex, [&](OutBuffer& out) {
      w->ops_.render_json(out, now);
      out.put('\n');
    });
  }

  static void render_stats(IngestWiring* w, OutBuffer& out) {
    store::RecordWriterStats s;
    if (w->store_on_) s = w->writer_.stats();
    uint64_t errors = 0;
    for (uint64_t e : s.write_errors) errors += e;
    JsonWriter j(out);
    j.begin_object();
    j.field("store_enabled", w->store_on_);
    j.field_u64("total_recorded", w->recorded_);
    j.field_u64("total_persisted", s.total_persisted);
    j.field_u64("total_dropped", w->dropped_http_ + w->dropped_statsd_ + w->dropped_history_);
    j.field_u64("queue_size", w->store_on_ ? w->writer_.ring().size() : 0);
    j.field_u64("queue_capacity", w->store_on_ ? w->writer_.ring().capacity() : 0);
    j.field_u64("batches_written", s.batches_written);
    j.key("last_flush_timestamp");
    if (s.last_flush_unix_us) {
      char ts[store::kRfc3339Len];
      j.value(format_ts(s.last_flush_unix_us, ts));
    } else {
      j.null();
    }
    j.field_double("avg_batch_size", s.batches_written ? static_cast<double>(s.total_persisted) /
                                                             static_cast<double>(s.batches_written)
                                                       : 0);
    j.field_u64("write_errors", errors);
    j.key("write_errors_by_reason");
    j.begin_object();
    for (size_t i = 0; i < store::kWriteErrorReasons; ++i) j.field_u64(write_reason_label(i), s.write_errors[i]);
    j.end_object();
    j.key("last_error");
    if (s.last_errno) j.value(std::strerror(s.last_errno));
    else j.null();
    j.field_u64("backoff_ms", s.current_backoff_ms);
    j.field("is_running", s.running);
    j.key("dropped");
    j.begin_object();
    j.field_u64("http", w->dropped_http_);
    j.field_u64("statsd", w->dropped_statsd_);
    j.field_u64("history", w->dropped_history_);
    j.end_object();
    j.field_u64("bytes_written", s.bytes_written);
    j.field_u64("files_removed", s.files_removed);
    j.field_u64("http_records_accepted", w->http_records_);
    j.field_u64("statsd_records_accepted", w->statsd_records_);
    j.field_u64("statsd_lines", w->statsd_lines_);
    uint64_t malformed = 0;
    for (uint64_t m : w->statsd_malformed_) malformed += m;
    j.field_u64("statsd_malformed", malformed);
    j.end_object();
    out.put('\n');
  }

  static void handle_stats(void* ctx, http::Exchange& ex) {
    auto* w = static_cast<IngestWiring*>(ctx);
    json_reply(w, ex, [&](OutBuffer& out) { render_stats(w, out); });
  }

  static void handle_history(void* ctx, http::Exchange& ex) {
    auto* w = static_cast<IngestWiring*>(ctx);
    char storage[http::kMaxTargetBytes];
    std::string_view vals[1];
    size_t n = 1;
    std::string_view series;
    uint64_t limit = 0;
    if (http::collect_values(ex.query, "series", vals, &n, storage, sizeof storage) != http::QueryError::None) {
      error_reply(ex, 400, "series", "give at most one series, percent-encoded", -1);
      return;
    }
    if (n) series = vals[0];
    char storage2[http::kMaxTargetBytes];
    n = 1;
    if (http::collect_values(ex.query, "limit", vals, &n, storage2, sizeof storage2) != http::QueryError::None) {
      error_reply(ex, 400, "limit", "give at most one limit", -1);
      return;
    }
    if (n) {
      auto v = parse_u64(vals[0]);
      if (!v || *v > kMaxHistoryLimit) {
        error_reply(ex, 400, "limit", "limit must be a whole number", -1);
        return;
      }
      limit = *v;
    }
    bool found = true;
    json_reply(w, ex, [&](OutBuffer& out) {
      found = w->history_.render_json(out, series, static_cast<uint32_t>(limit));
      out.put('\n');
    });
    if (!found) {
      if (ex.reply.body_slot != http::BodyPool::kNone) {
        w->pool_->unpin(ex.reply.body_slot);
        ex.reply.body_slot = http::BodyPool::kNone;
      }
      error_reply(ex, 404, "series", "not a configured [history] series", -1);
    }
  }

  // ---- StatsD ----

  static void count(IngestWiring* w, StatsdError e) { ++w->statsd_malformed_[static_cast<size_t>(e)]; }

  static void timer_line(IngestWiring* w, const StatsdLine& l, int64_t now, std::string_view ts) {
    OperationRecord& r = *w->scratch_;
    r.clear();
    for (uint32_t i = 0; i < l.ntags; ++i) {
      if (ingest::is_personal_key(l.tags[i].key)) return count(w, StatsdError::PersonalTag);
      if (!r.add_meta(l.tags[i].key, l.tags[i].value, true)) return count(w, StatsdError::BadTags);
    }
    if (l.sample_rate != 1) {
      char num[kDoubleChars];
      r.add_meta("sample_rate", std::string_view(num, format_double(l.sample_rate, num)), false);
    }
    r.type.assign("statsd");
    r.name.assign(l.name);
    r.duration_ms = l.value;
    r.timestamp_us = now;
    if (w->store_on_) {
      OutBuffer out(w->rec_buf_, w->rec_cap_);
      if (!ingest::serialize_record(r, ts, out)) return count(w, StatsdError::TooLarge);
      if (w->writer_.push(out.view())) ++w->recorded_;
      else ++w->dropped_statsd_;
    }
    ++w->statsd_records_;
    w->ops_.observe("statsd", l.name, l.value, true, now);
  }

  static void datagram(IngestWiring* w, std::string_view d, bool truncated, int64_t now, std::string_view ts) {
    ++w->statsd_datagrams_;
    if (truncated) {
      // The kernel cut the datagram: its last line is incomplete.
      count(w, StatsdError::Truncated);
      size_t nl = d.rfind('\n');
      if (nl == std::string_view::npos) return;
      d = d.substr(0, nl);
    }
    std::string_view line;
    while (ingest::next_statsd_line(&d, &line)) {
      StatsdLine l;
      StatsdError e = ingest::parse_statsd_line(line, &l);
      if (e != StatsdError::None) {
        count(w, e);
        continue;
      }
      ++w->statsd_lines_;
      if (l.type == StatsdType::Timer || l.type == StatsdType::Histogram || l.type == StatsdType::Distribution)
        timer_line(w, l, now, ts);
      else
        w->statsd_.apply(l);
    }
  }

  static void statsd_cb(uv_poll_t* p, int status, int) {
    auto* s = static_cast<DgramSocket*>(p->data);
    IngestWiring* w = s->owner;
    if (status < 0) return;
    mmsghdr msgs[kRecvBatch];
    iovec iov[kRecvBatch];
    for (unsigned i = 0; i < kRecvBatch; ++i) {
      iov[i].iov_base = w->dgram_bufs_ + i * kMaxDatagram;
      iov[i].iov_len = kMaxDatagram;
      std::memset(&msgs[i], 0, sizeof msgs[i]);
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    int64_t now = now_us();
    char tsbuf[store::kRfc3339Len];
    std::string_view ts = format_ts(now, tsbuf);
    for (int round = 0; round < kRecvRounds; ++round) {
      int n = ::recvmmsg(s->fd, msgs, kRecvBatch, MSG_DONTWAIT, nullptr);
      if (n <= 0) break;
      for (int i = 0; i < n; ++i) {
        bool trunc = (msgs[i].msg_hdr.msg_flags & MSG_TRUNC) != 0;
        datagram(w, std::string_view(w->dgram_bufs_ + i * kMaxDatagram, msgs[i].msg_len), trunc, now, ts);
        msgs[i].msg_hdr.msg_flags = 0;
      }
      if (static_cast<unsigned>(n) < kRecvBatch) break;
    }
    if (w->store_on_) w->writer_.notify_if_needed();
  }

  static void closed_cb(uv_handle_t* h) {
    auto* s = static_cast<DgramSocket*>(h->data);
    if (s->fd >= 0) ::close(s->fd);
    s->fd = -1;
  }

  static bool open_socket(IngestWiring* w, uv_loop_t* loop, DgramSocket& s, int fd) {
    s.fd = fd;
    s.owner = w;
    if (uv_poll_init_socket(loop, &s.poll, fd) != 0) return false;
    s.poll.data = &s;
    s.open = true;
    return uv_poll_start(&s.poll, UV_READABLE, statsd_cb) == 0;
  }
};

IngestWiring::~IngestWiring() {
  release_array(scratch_, 1);
  release_array(rec_buf_, rec_cap_);
  if (dgram_bufs_) release_array(dgram_bufs_, kRecvBatch * kMaxDatagram);
  for (DgramSocket* s : {&udp_, &unix_})
    if (s->fd >= 0 && !s->open) ::close(s->fd);
}

bool IngestWiring::init(const Config& c, uv_loop_t* loop, http::Router& router, http::BodyPool& pool) {
  cfg_ = &c;
  pool_ = &pool;
  ingest::AggregatorConfig ac;
  ac.max_series = static_cast<uint32_t>(c.ingest.max_series);
  ac.window_ms = static_cast<int64_t>(c.ingest.window_ms);
  const char* why = "";
  if (!ingest::parse_duration_buckets(c.ingest.duration_buckets.view(), ac.buckets_s, &ac.nbuckets, &why)) {
    log_error("[ingest] duration_buckets is invalid", {{"value", c.ingest.duration_buckets.view()}, {"error", why}});
    return false;
  }
  ingest::HistorySpec specs[ingest::kMaxHistorySeries];
  size_t nspecs = 0;
  for (const ConfigString& s : c.history.series) {
    if (!ingest::parse_history_spec(s.view(), &specs[nspecs], &why)) {
      log_error("[history] series is invalid", {{"series", s.view()}, {"error", why}});
      return false;
    }
    ++nspecs;
  }
  if (!ops_.init(ac) || !statsd_.init(static_cast<uint32_t>(c.ingest.statsd_max_series)) ||
      !history_.init(specs, nspecs, static_cast<uint32_t>(c.history.depth))) {
    log_error("cannot reserve memory for [ingest] and [history]");
    return false;
  }
  scratch_ = reserve_array<OperationRecord>(1);
  if (!scratch_) return false;

  store_on_ = c.store.enabled;
  if (store_on_) {
    store::RecordWriterConfig wc;
    wc.directory = c.agent.data_dir.c_str();
    wc.ring_slots = static_cast<uint32_t>(c.store.ring_slots);
    wc.slot_bytes = static_cast<uint32_t>(c.store.record_bytes);
    wc.max_batch = static_cast<uint32_t>(c.store.max_batch);
    wc.flush_interval_ms = static_cast<uint32_t>(c.store.flush_interval_ms);
    wc.retention.max_files = c.store.max_files;
    wc.retention.max_bytes = c.store.max_bytes;
    wc.retention.max_age_us = static_cast<int64_t>(c.store.max_age_ms) * 1000;
    Status st = writer_.init(wc);
    if (!st) {
      log_error("cannot set up the records store", {{"error", st.message()}});
      return false;
    }
    rec_cap_ = writer_.max_record_bytes();
  } else {
    rec_cap_ = static_cast<size_t>(c.store.record_bytes);
  }
  rec_buf_ = reserve_array<char>(rec_cap_);
  if (!rec_buf_) return false;

  using I = Impl;
  bool udp = !c.ingest.statsd_listen_address.empty(), uds = !c.ingest.statsd_socket.empty();
  if (udp || uds) {
    dgram_bufs_ = reserve_array<char>(kRecvBatch * kMaxDatagram);
    if (!dgram_bufs_) return false;
  }
  if (udp) {
    int fd = bind_udp(c.ingest.statsd_listen_address.view(), c.ingest.statsd_receive_buffer_bytes);
    if (fd < 0 || !I::open_socket(this, loop, udp_, fd)) return false;
  }
  if (uds) {
    int fd = bind_unix(c.ingest.statsd_socket.c_str(), c.ingest.statsd_receive_buffer_bytes);
    if (fd < 0 || !I::open_socket(this, loop, unix_, fd)) return false;
    unix_path_.assign(c.ingest.statsd_socket.view());
  }

  constexpr uint8_t kGet = http::kMethodGet | http::kMethodHead;
  if (!router.add("/api/v1/operations", kGet | http::kMethodPost, http::HandlerId::Ingest, I::handle_operations, this,
                  true) ||
      !router.add("/api/v1/stats", kGet, http::HandlerId::Api, I::handle_stats, this) ||
      !router.add("/api/v1/history", kGet, http::HandlerId::Api, I::handle_history, this)) {
    log_error("the route table is full");
    return false;
  }
  return true;
}

bool IngestWiring::start() {
  if (udp_.open || unix_.open)
    log_info("statsd listening", {{"udp", cfg_->ingest.statsd_listen_address.view()}, {"unix", unix_path_.view()}});
  if (!store_on_) return true;
  Status st = writer_.start();
  if (!st) {
    log_error("cannot start the records writer", {{"error", st.message()}});
    return false;
  }
  started_ = true;
  return true;
}

void IngestWiring::close_handles() {
  for (DgramSocket* s : {&udp_, &unix_}) {
    if (!s->open) continue;
    s->open = false;
    uv_poll_stop(&s->poll);
    uv_close(reinterpret_cast<uv_handle_t*>(&s->poll), Impl::closed_cb);
  }
  if (!unix_path_.empty()) ::unlink(unix_path_.c_str());
}

void IngestWiring::stop(int64_t deadline_ns) {
  if (!started_) return;
  started_ = false;
  uint32_t waiting = writer_.ring().size();
  uint64_t left = writer_.stop(deadline_ns);
  store::RecordWriterStats s = writer_.stats();
  log_info("records writer stopped", {{"flushed_at_stop", waiting - left},
                                      {"unwritten", left},
                                      {"persisted", s.total_persisted},
                                      {"batches", s.batches_written}});
}

void IngestWiring::on_refresh(const Snapshot& snap) {
  if (history_.series_count() == 0) return;
  int64_t now = now_us();
  history_.record(snap, now);
  if (!store_on_ || !cfg_->history.persist) return;
  char ts[store::kRfc3339Len];
  OutBuffer out(rec_buf_, rec_cap_);
  if (history_.render_record(out, format_ts(now, ts)) && writer_.push(out.view())) {
    ++recorded_;
    writer_.notify_if_needed();
  } else {
    ++dropped_history_;
  }
}

void IngestWiring::add_metrics(Snapshot& snap) const {
  int64_t now = now_us();
  ops_.add_metrics(snap, now);
  statsd_.add_metrics(snap);
  Label src{"source", "http"};
  snap.add(kIngestRecords, static_cast<double>(http_records_), &src, 1);
  src.value = "statsd";
  snap.add(kIngestRecords, static_cast<double>(statsd_records_), &src, 1);
  for (size_t i = 0; i < 4; ++i) {
    Label l{"reason", kRefuseNames[i]};
    snap.add(kIngestRefused, static_cast<double>(http_refused_[i]), &l, 1);
  }
  snap.add(kStatsdDatagrams, static_cast<double>(statsd_datagrams_));
  snap.add(kStatsdLines, static_cast<double>(statsd_lines_));
  for (size_t i = 1; i < ingest::kStatsdErrorCount; ++i) {
    Label l{"reason", ingest::statsd_error_name(static_cast<StatsdError>(i))};
    snap.add(kStatsdMalformed, static_cast<double>(statsd_malformed_[i]), &l, 1);
  }
  Label d{"source", "http"};
  snap.add(kRingDropped, static_cast<double>(dropped_http_), &d, 1);
  d.value = "statsd";
  snap.add(kRingDropped, static_cast<double>(dropped_statsd_), &d, 1);
  d.value = "history";
  snap.add(kRingDropped, static_cast<double>(dropped_history_), &d, 1);
  if (!store_on_) return;
  // The ring is the writer's too; size() is a consistent-enough estimate.
  auto& w = const_cast<store::RecordWriter&>(writer_);
  snap.add(kRingRecords, w.ring().size());
  snap.add(kRingCapacity, w.ring().capacity());
  store::RecordWriterStats s = writer_.stats();
  snap.add(kStorePersisted, static_cast<double>(s.total_persisted));
  snap.add(kStoreBatches, static_cast<double>(s.batches_written));
  snap.add(kStoreBytes, static_cast<double>(s.bytes_written));
  for (size_t i = 0; i < store::kWriteErrorReasons; ++i) {
    Label l{"reason", write_reason_label(i)};
    snap.add(kStoreErrors, static_cast<double>(s.write_errors[i]), &l, 1);
  }
  snap.add(kStoreRemoved, static_cast<double>(s.files_removed));
  snap.add(kStoreLastFlush, static_cast<double>(s.last_flush_unix_us) / 1e6);
  snap.add(kStoreWakeups, static_cast<double>(s.wakeups_sent));
  snap.add(kStoreBackoff, static_cast<double>(s.current_backoff_ms) / 1000);
}

HealthCheck IngestWiring::health() const {
  HealthCheck h;
  h.name = "store";
  if (!store_on_) {
    h.detail.assign("records store disabled");
    return h;
  }
  auto& w = const_cast<store::RecordWriter&>(writer_);
  store::RecordWriterStats s = writer_.stats();
  uint32_t waiting = w.ring().size(), cap = w.ring().capacity();
  char buf[160];
  if (s.current_backoff_ms || s.last_errno) {
    h.status = HealthStatus::Degraded;
    std::snprintf(buf, sizeof buf, "writes failing (%s: %s), %u records waiting, retry in %u ms",
                  write_reason_label(static_cast<size_t>(s.last_error_reason)).data(), std::strerror(s.last_errno),
                  waiting, s.current_backoff_ms);
  } else if (static_cast<double>(waiting) >= kRingDegradedFill * static_cast<double>(cap)) {
    h.status = HealthStatus::Degraded;
    std::snprintf(buf, sizeof buf, "records ring %u of %u full", waiting, cap);
  } else if (!s.running && started_) {
    h.status = HealthStatus::Degraded;
    std::snprintf(buf, sizeof buf, "records writer is not running");
  } else {
    std::snprintf(buf, sizeof buf, "%llu records persisted, %u waiting",
                  static_cast<unsigned long long>(s.total_persisted), waiting);
  }
  h.detail.assign(buf);
  return h;
}

}  // namespace edgestat
