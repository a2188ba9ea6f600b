#include "export/target.hpp"

#include <mbedtls/base64.h>
#include <netdb.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "sys/fs.hpp"
#include "core/clock.hpp"
#include "core/log.hpp"
#include "core/out_buffer.hpp"
#include "core/reserve.hpp"
#include "core/scan.hpp"

namespace edgestat::exporter {
namespace {

constexpr int64_t kNsPerMs = 1000000;
// A host that did not resolve is asked again at most this often.
constexpr int64_t kResolveRetryMs = 10000;

int64_t now_ms() { return monotonic_ns() / kNsPerMs; }

// A secret from a file: the first line, without its newline.
bool read_secret(const ConfigString& path, char* out, size_t cap, size_t* n) {
  Status st = read_file(path.c_str(), out, cap, n);
  if (!st) {
    log_error("export: cannot read a credentials file", {{"path", path.view()}, {"err", st.message()}});
    return false;
  }
  std::string_view v(out, *n);
  size_t nl = v.find('\n');
  *n = trim(v.substr(0, nl)).size();
  std::memmove(out, trim(v.substr(0, nl)).data(), *n);
  return true;
}

}  // namespace

std::string_view drop_reason_name(DropReason r) {
  switch (r) {
    case DropReason::Rejected: return "rejected";
    case DropReason::QueueFull: return "queue_full";
    case DropReason::SpoolFull: return "spool_full";
    case DropReason::TooLarge: return "too_large";
    case DropReason::Corrupt: return "corrupt";
    case DropReason::SpoolError: return "spool_error";
  }
  return "rejected";
}

std::string_view request_result_name(RequestResult r) {
  switch (r) {
    case RequestResult::Success: return "success";
    case RequestResult::Rejected: return "rejected";
    case RequestResult::Throttled: return "throttled";
    case RequestResult::ServerError: return "server_error";
    case RequestResult::Network: return "network";
    case RequestResult::Timeout: return "timeout";
    case RequestResult::Tls: return "tls";
    case RequestResult::BadResponse: return "bad_response";
  }
  return "network";
}

std::string_view Target::kind_name() const { return cfg_->kind == ExportKind::Otlp ? "otlp" : "remote_write"; }

int Target::resolve(const Url& u, sockaddr_storage* out) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  char port[8];
  std::snprintf(port, sizeof port, "%u", u.port);
  addrinfo* res = nullptr;
  int rc = getaddrinfo(u.host.c_str(), port, &hints, &res);
  if (rc != 0 || !res) return rc ? rc : EAI_NONAME;
  std::memcpy(out, res->ai_addr, res->ai_addrlen);
  freeaddrinfo(res);
  return 0;
}

bool Target::init(const ExportTargetConfig& c, uv_loop_t* loop, store::JobMailbox* jobs, const char* data_dir,
                  uint32_t index) {
  cfg_ = &c;
  loop_ = loop;
  jobs_ = jobs;
  format_ = c.kind == ExportKind::Otlp ? WireFormat::Otlp : WireFormat::RemoteWrite;
  const char* why = "";
  if (!parse_url(c.url.view(), &url_, &why)) {
    log_error("export: bad url", {{"target", c.name.view()}, {"err", why}});
    return false;
  }
  if (url_.https) {
    http::TlsError err;
    TlsClientSettings ts{c.tls_ca_file.view(), c.tls_cert_file.view(), c.tls_key_file.view(),
                         c.tls_server_name.view(), c.tls_insecure_skip_verify};
    if (!tls_.load(ts, url_.host.view(), &err)) {
      log_error("export: TLS setup failed", {{"target", c.name.view()}, {"err", err.view()}});
      return false;
    }
  }
  // Credentials, read once: the Authorization header is built here.
  char secret[kMaxSecretBytes];
  size_t n = 0;
  if (!c.bearer_token.empty() || !c.bearer_token_file.empty()) {
    if (!c.bearer_token.empty()) {
      n = c.bearer_token.size();
      std::memcpy(secret, c.bearer_token.c_str(), n);
    } else if (!read_secret(c.bearer_token_file, secret, sizeof secret, &n)) {
      return false;
    }
    auth_.assign("Authorization: Bearer ");
    auth_.append(std::string_view(secret, n));
    auth_.append("\r\n");
  } else if (!c.basic_auth_username.empty()) {
    char pair[520];
    size_t u = c.basic_auth_username.size();
    std::memcpy(pair, c.basic_auth_username.c_str(), u);
    pair[u] = ':';
    if (!c.basic_auth_password.empty()) {
      n = c.basic_auth_password.size();
      std::memcpy(secret, c.basic_auth_password.c_str(), n);
    } else if (!read_secret(c.basic_auth_password_file, secret, sizeof secret, &n)) {
      return false;
    }
    std::memcpy(pair + u + 1, secret, n);
    unsigned char b64[720];
    size_t olen = 0;
    mbedtls_base64_encode(b64, sizeof b64, &olen, reinterpret_cast<unsigned char*>(pair), u + 1 + n);
    auth_.assign("Authorization: Basic ");
    auth_.append(std::string_view(reinterpret_cast<char*>(b64), olen));
    auth_.append("\r\n");
  }
  std::memset(secret, 0, sizeof secret);

  breaker_ = Breaker({static_cast<uint32_t>(c.breaker_failures), 1, c.breaker_open_ms, c.breaker_max_open_ms});
  backoff_.set_policy({c.backoff_initial_ms, c.backoff_max_ms, 300000});
  rng_ = static_cast<uint32_t>(monotonic_ns()) ^ (index + 1) * 0x9e3779b9u;
  if (!rng_) rng_ = 1;
  const size_t body_cap = format_ == WireFormat::RemoteWrite ? snappy_max_compressed(c.max_batch_bytes) : c.max_batch_bytes;
  if (!queue_.init(c.queue_bytes) || (format_ == WireFormat::RemoteWrite && !(snappy_ = reserve_array<SnappyTable>(1)))) {
    log_error("export: cannot reserve the queue", {{"target", c.name.view()}});
    return false;
  }
  client_.init(loop, url_.https ? &tls_ : nullptr, http_done, this);
  uv_timer_init(loop, &timer_);
  timer_.data = this;

  sockaddr_storage addr;
  if (int rc = resolve(url_, &addr); rc == 0) {
    client_.set_address(addr);
  } else {
    log_warn("export: cannot resolve the target's host yet, will retry",
             {{"target", c.name.view()}, {"host", url_.host.view()}, {"err", gai_strerror(rc)}});
  }

  job_.t = this;
  job_.job.run = job_run;
  job_.job.done = job_done;
  spool_on_ = c.spool_bytes > 0 && jobs_ && data_dir && *data_dir;
  if (spool_on_) {
    read_cap_ = body_cap;
    read_buf_ = reserve_array<uint8_t>(read_cap_);
    if (!read_buf_ || !spool_.set_path(data_dir, kind_name().data(), c.name.c_str())) {
      log_error("export: cannot set up the spool", {{"target", c.name.view()}});
      return false;
    }
    post(Op::Scan);
  }
  return true;
}

void Target::stop() {
  stopping_ = true;
  uv_timer_stop(&timer_);
  uv_close(reinterpret_cast<uv_handle_t*>(&timer_), nullptr);
  client_.shutdown(nullptr, nullptr);
}

// ---- producing batches ----

void Target::produce(const EncodeContext& ctx, uint8_t* scratch, size_t scratch_cap) {
  last_produce_ms_ = now_ms();
  const SeriesIndex& ix = *ctx.index;
  uint32_t at = 0;
  while (at < ix.size()) {
    Plan p = plan_batch(format_, ctx, at, static_cast<uint32_t>(cfg_->max_batch_samples), cfg_->max_batch_bytes);
    for (uint32_t i = at; i < p.begin; ++i) drop(DropReason::TooLarge, ix[i].count);
    if (p.end == p.begin) break;
    at = p.end;
    const size_t max_body = format_ == WireFormat::RemoteWrite ? snappy_max_compressed(p.bytes) : p.bytes;
    uint8_t* dst = queue_.reserve(max_body);
    if (!dst) {
      drop(DropReason::QueueFull, p.samples);
      continue;
    }
    size_t len = 0;
    if (format_ == WireFormat::RemoteWrite) {
      size_t raw = p.bytes <= scratch_cap ? encode_batch(format_, ctx, p.begin, p.end, scratch, scratch_cap) : 0;
      if (raw) len = snappy_compress(scratch, raw, dst, *snappy_);
    } else {
      len = encode_batch(format_, ctx, p.begin, p.end, dst, max_body);
    }
    if (!len) {
      drop(DropReason::TooLarge, p.samples);
      continue;
    }
    queue_.commit(len, p.samples, ctx.timestamp_ms);
  }
  pump();
}

// ---- the sender ----

void Target::build_head(uint32_t body_len) {
  OutBuffer o(head_, sizeof head_);
  o.put("POST ");
  o.put(url_.path.view());
  o.put(" HTTP/1.1\r\nHost: ");
  o.put(url_.authority.view());
  o.put("\r\nUser-Agent: edgestat/" EDGESTAT_VERSION "\r\nContent-Type: application/x-protobuf\r\n");
  if (format_ == WireFormat::RemoteWrite)
    o.put("Content-Encoding: snappy\r\nX-Prometheus-Remote-Write-Version: 0.1.0\r\n");
  o.put(auth_.view());
  for (const ConfigString& h : cfg_->headers) {
    o.put(h.view());
    o.put("\r\n");
  }
  o.put("Content-Length: ");
  o.put_u64(body_len);
  o.put("\r\n\r\n");
  head_len_ = o.size();  // 8 headers of 255 bytes fit; overflow cannot happen
}

void Target::send(const uint8_t* body, uint32_t len, uint32_t samples, bool from_spool) {
  build_head(len);
  in_flight_ = true;
  flight_from_spool_ = from_spool;
  flight_samples_ = samples;
  flight_start_ns_ = monotonic_ns();
  client_.send({head_, head_len_}, body, len, cfg_->timeout_ms);
}

void Target::arm(int64_t at_ms, int64_t now) {
  if (stopping_) return;
  uv_timer_start(&timer_, timer_cb, at_ms > now ? static_cast<uint64_t>(at_ms - now) : 0, 0);
}

void Target::timer_cb(uv_timer_t* t) { static_cast<Target*>(t->data)->pump(); }

void Target::pump() {
  if (stopping_) return;
  while (spool_pump()) {
  }
  send_pump(now_ms());
}

void Target::send_pump(int64_t now) {
  if (in_flight_ || client_.busy()) return;
  // Until the start-up scan says what the spool holds, nothing is sent:
  // batches spooled before a restart are older than anything in memory.
  if (spool_on_ && !spool_ready_) return;
  bool spooled = spool_on_ && spool_ready_ && spool_first_ < spool_next_;
  if (!spooled && queue_.empty()) return;
  if (!client_.has_address()) {
    if (!resolving_ && spool_on_ && !job_busy_ && now >= resolve_after_ms_) {
      resolving_ = true;
      post(Op::Resolve);
    }
    if (!resolving_) arm(resolve_after_ms_, now);
    return;
  }
  if (now < retry_at_ms_) return arm(retry_at_ms_, now);
  if (!breaker_.allow(now)) return arm(breaker_.reopen_at_ms(), now);
  if (spooled) {
    if (read_valid_ && read_seq_ == spool_first_) {
      flight_seq_ = spool_first_;
      send(read_buf_, read_header_.body_len, read_header_.samples, true);
    } else if (!job_busy_) {
      job_.seq = spool_first_;
      post(Op::Read);
    }
    return;
  }
  // The queue's head, unless the spool is taking it right now.
  if (job_busy_ && job_.op == Op::Write) return;
  QueuedBatch b = queue_.front();
  send(b.data, b.len, b.samples, false);
}

void Target::http_done(void* ctx, const HttpResult& r) {
  Target* t = static_cast<Target*>(ctx);
  TargetStats& s = t->stats_;
  t->in_flight_ = false;
  if (t->stopping_) return;
  const int64_t now = now_ms();
  s.request_seconds_sum += static_cast<double>(monotonic_ns() - t->flight_start_ns_) / 1e9;
  ++s.request_count;
  RequestResult res;
  switch (r.outcome) {
    case HttpOutcome::Response:
      res = r.status >= 200 && r.status < 300 ? RequestResult::Success
            : r.status == 429                 ? RequestResult::Throttled
            : r.status >= 500                 ? RequestResult::ServerError
                                              : RequestResult::Rejected;
      break;
    case HttpOutcome::Timeout: res = RequestResult::Timeout; break;
    case HttpOutcome::Tls: res = RequestResult::Tls; break;
    case HttpOutcome::BadResponse: res = RequestResult::BadResponse; break;
    default: res = RequestResult::Network; break;
  }
  ++s.requests[static_cast<size_t>(res)];
  const bool delivered = res == RequestResult::Success;
  if (delivered || res == RequestResult::Rejected) {
    // Done with this batch either way: a 4xx other than 429 means the
    // receiver will never take it (bad data, not a bad receiver).
    if (delivered) {
      s.samples_sent += t->flight_samples_;
      ++s.batches_sent;
    } else {
      t->drop(DropReason::Rejected, t->flight_samples_);
      log_warn("export: batch rejected by the receiver, dropped",
               {{"target", t->cfg_->name.view()}, {"status", r.status}, {"samples", t->flight_samples_}});
    }
    bool was_closed = t->breaker_.state() == BreakerState::Closed;
    t->breaker_.success();
    t->backoff_.reset();
    t->retry_at_ms_ = 0;
    if (!was_closed) log_info("export: target reachable again, breaker closed", {{"target", t->cfg_->name.view()}});
    if (t->flight_from_spool_) {
      t->read_valid_ = false;
      if (t->nremovals_ < kPendingRemovals) {
        t->removal_drop_[t->nremovals_] = false;
        t->removals_[t->nremovals_++] = t->flight_seq_;
      }
      ++t->spool_first_;
    } else {
      t->queue_.pop();
    }
  } else {
    s.samples_failed += t->flight_samples_;
    bool was_open = t->breaker_.state() != BreakerState::Closed;
    t->breaker_.failure(now);
    uint64_t ra = res == RequestResult::Throttled || res == RequestResult::ServerError ? r.retry_after_ms : 0;
    t->retry_at_ms_ = t->backoff_.fail(now, xorshift32(t->rng_), ra);
    if (t->breaker_.state() == BreakerState::Open && !was_open)
      log_warn("export: circuit breaker open, spooling", {{"target", t->cfg_->name.view()},
                                                           {"result", request_result_name(res)},
                                                           {"status", r.status}});
    else if (t->backoff_.attempts() == 1)
      log_warn("export: push failed, retrying", {{"target", t->cfg_->name.view()},
                                                  {"result", request_result_name(res)},
                                                  {"status", r.status},
                                                  {"retry_ms", t->backoff_.last_delay_ms()}});
  }
  t->pump();
}

// ---- the spool (loop side) ----

void Target::post(Op op) {
  job_.op = op;
  job_.err = 0;
  job_busy_ = true;
  jobs_->submit(&job_.job);
}

// Starts one spool job if one is useful; true if it finished synchronously
// (never: jobs complete through the mailbox) — kept false for the loop.
bool Target::spool_pump() {
  if (!spool_on_ || !spool_ready_ || job_busy_) return false;
  // 1. Forget acknowledged batches first: a restart must not resend them.
  if (nremovals_) {
    job_.seq = removals_[0];
    job_.drop = removal_drop_[0];
    post(Op::Remove);
    return false;
  }
  // 2. Move the queue's head to disk when the target is struggling or the
  // queue is filling up (never the batch being sent).
  bool struggling = breaker_.state() != BreakerState::Closed || backoff_.attempts() > 0 ||
                    queue_.used() * 2 > queue_.capacity();
  if (!queue_.empty() && struggling && !(in_flight_ && !flight_from_spool_)) {
    QueuedBatch b = queue_.front();
    uint64_t size = b.len + kSpoolHeaderBytes;
    if (spool_bytes_ + size > cfg_->spool_bytes && spool_first_ < spool_next_) {
      // Full: the oldest batch goes (unless it is being sent right now).
      if (in_flight_ && flight_from_spool_) return false;
      if (read_valid_ && read_seq_ == spool_first_) read_valid_ = false;
      job_.seq = spool_first_++;
      job_.drop = true;
      post(Op::Remove);
      return false;
    }
    if (size > cfg_->spool_bytes) {
      drop(DropReason::SpoolFull, b.samples);
      queue_.pop();
      return true;
    }
    job_.seq = spool_next_;
    job_.header = {b.samples, b.len, 0, b.created_ms};
    job_.body = b.data;
    post(Op::Write);
  }
  return false;
}

void Target::job_run(store::JobMailbox::Job* j) {
  SpoolJob& sj = *reinterpret_cast<SpoolJob*>(j);
  Target* t = sj.t;
  switch (sj.op) {
    case Op::Scan: sj.scan = t->spool_.scan(); break;
    case Op::Write:
      sj.header.crc = crc32(sj.body, sj.header.body_len);
      sj.status = t->spool_.write(sj.seq, sj.header, sj.body, &sj.err);
      break;
    case Op::Read: sj.status = t->spool_.read(sj.seq, t->read_buf_, t->read_cap_, &sj.header, &sj.err); break;
    case Op::Remove: sj.status = t->spool_.remove(sj.seq, &sj.header, &sj.bytes, &sj.err); break;
    case Op::Resolve: sj.err = resolve(t->url_, &sj.addr); break;
    case Op::None: break;
  }
}

void Target::job_done(store::JobMailbox::Job* j) {
  SpoolJob& sj = *reinterpret_cast<SpoolJob*>(j);
  Target* t = sj.t;
  t->job_busy_ = false;
  if (t->stopping_) return;
  TargetStats& s = t->stats_;
  switch (sj.op) {
    case Op::Scan:
      if (sj.scan.err) {
        log_error("export: spool directory unusable, spooling off",
                  {{"target", t->cfg_->name.view()}, {"dir", t->spool_.path()}, {"err", std::strerror(sj.scan.err)}});
        t->spool_on_ = false;
        break;
      }
      t->spool_ready_ = true;
      t->spool_first_ = sj.scan.first;
      t->spool_next_ = sj.scan.next;
      t->spool_bytes_ = sj.scan.bytes;
      if (sj.scan.files)
        log_info("export: spooled batches found, sending them first",
                 {{"target", t->cfg_->name.view()}, {"batches", sj.scan.files}, {"samples", sj.scan.samples},
                  {"bytes", sj.scan.bytes}});
      break;
    case Op::Write:
      if (sj.status == SpoolStatus::Ok) {
        ++t->spool_next_;
        t->spool_bytes_ += sj.header.body_len + kSpoolHeaderBytes;
        s.samples_spooled += sj.header.samples;
      } else {
        // The disk refused: the batch stays in memory (sent from there or
        // dropped when the queue overflows); say so once per failure run.
        log_warn("export: spool write failed", {{"target", t->cfg_->name.view()}, {"err", std::strerror(sj.err)}});
        t->drop(DropReason::SpoolError, 0);
        break;
      }
      t->queue_.pop();
      break;
    case Op::Read:
      if (sj.status == SpoolStatus::Ok) {
        t->read_valid_ = true;
        t->read_seq_ = sj.seq;
        t->read_header_ = sj.header;
      } else if (sj.seq == t->spool_first_) {
        // Missing or corrupt (a disk error, a file someone cut): skip it.
        if (sj.status == SpoolStatus::Corrupt) {
          t->drop(DropReason::Corrupt, sj.header.samples);
          log_warn("export: corrupt spool file skipped", {{"target", t->cfg_->name.view()}, {"seq", sj.seq}});
          if (t->nremovals_ < kPendingRemovals) {
            t->removal_drop_[t->nremovals_] = false;
            t->removals_[t->nremovals_++] = sj.seq;
          }
        }
        ++t->spool_first_;
      }
      break;
    case Op::Remove:
      if (t->nremovals_ && t->removals_[0] == sj.seq) {
        for (size_t i = 1; i < t->nremovals_; ++i) {
          t->removals_[i - 1] = t->removals_[i];
          t->removal_drop_[i - 1] = t->removal_drop_[i];
        }
        --t->nremovals_;
      }
      t->spool_bytes_ -= sj.bytes < t->spool_bytes_ ? sj.bytes : t->spool_bytes_;
      if (sj.drop) t->drop(DropReason::SpoolFull, sj.header.samples);
      break;
    case Op::Resolve:
      t->resolving_ = false;
      if (sj.err == 0) {
        t->client_.set_address(sj.addr);
        log_info("export: target host resolved", {{"target", t->cfg_->name.view()}, {"host", t->url_.host.view()}});
      } else {
        t->resolve_after_ms_ = now_ms() + kResolveRetryMs;
      }
      break;
    case Op::None: break;
  }
  t->pump();
}

}  // namespace edgestat::exporter
