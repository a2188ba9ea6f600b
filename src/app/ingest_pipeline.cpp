#include "app/ingest_pipeline.hpp"

#include <cstring>

#include "core/clock.hpp"
#include "core/log.hpp"
#include "core/number.hpp"
#include "core/reserve.hpp"
#include "store/batch_format.hpp"

namespace edgestat {

using ingest::OperationRecord;
using ingest::StatsdError;
using ingest::StatsdLine;
using ingest::StatsdType;

std::string_view refuse_reason_name(RefuseReason r) {
  switch (r) {
    case RefuseReason::Syntax: return "syntax";
    case RefuseReason::Validation: return "validation";
    case RefuseReason::TooLarge: return "too_large";
    case RefuseReason::RingFull: return "ring_full";
  }
  return "syntax";
}

std::string_view ack_result_name(AckResult r) {
  switch (r) {
    case AckResult::Durable: return "durable";
    case AckResult::Timeout: return "timeout";
    case AckResult::Gone: return "gone";
  }
  return "gone";
}

IngestPipeline::~IngestPipeline() {
  release_array(scratch_, 1);
  release_array(rec_buf_, rec_cap_);
  release_array(pack_buf_, rec_cap_);
}

bool IngestPipeline::init(const Config& c, store::JobMailbox* jobs, uv_loop_t* loop, bool lxc) {
  cfg_ = &c;
  ingest::AggregatorConfig ac;
  ac.max_series = static_cast<uint32_t>(c.ingest.max_series);
  ac.window_ms = static_cast<int64_t>(c.ingest.window_ms);
  const char* why = "";
  if (!ingest::parse_duration_buckets(c.ingest.duration_buckets.view(), ac.buckets_s, &ac.nbuckets, &why)) {
    log_error("[ingest] duration_buckets is invalid", {{"value", c.ingest.duration_buckets.view()}, {"error", why}});
    return false;
  }
  static ingest::HistorySpec specs[ingest::kMaxHistorySeries];
  size_t nspecs = c.history.default_series ? ingest::default_history_specs(lxc, specs, ingest::kMaxHistorySeries) : 0;
  for (const ConfigString& s : c.history.series) {
    if (!ingest::parse_history_spec(s.view(), &specs[nspecs], &why)) {
      log_error("[history] series is invalid", {{"series", s.view()}, {"error", why}});
      return false;
    }
    // A series the defaults keep already is kept once.
    bool dup = false;
    for (size_t i = 0; i < nspecs && !dup; ++i) dup = specs[i].text.view() == specs[nspecs].text.view();
    if (!dup) ++nspecs;
  }
  if (!ops_.init(ac) || !statsd_.init(static_cast<uint32_t>(c.ingest.statsd_max_series)) ||
      !history_.init(specs, nspecs, static_cast<uint32_t>(c.history.depth))) {
    log_error("cannot reserve memory for [ingest] and [history]");
    return false;
  }
  if (!history_store_.init(c, &history_, &history_)) {
    log_error("cannot reserve memory for [history] persist");
    return false;
  }
  if (nspecs)
    log_info("history reserved", {{"series", nspecs},
                                  {"columns", history_.column_count()},
                                  {"depth", history_.depth()},
                                  {"reserved_bytes", history_.reserved_bytes()},
                                  {"persist", c.history.persist}});
  if (history_store_.enabled() && !jobs && loop) {
    if (!own_jobs_.init(loop, nullptr, nullptr)) {
      log_error("cannot set up the writer mailbox for [history] persist");
      return false;
    }
    own_jobs_on_ = true;
    jobs = &own_jobs_;
  }
  history_store_.set_jobs(jobs);
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
    if (jobs) {
      // Mailbox work only: the smallest ring, never pushed to.
      store::RecordWriterConfig wc;
      wc.directory = c.agent.data_dir.c_str();
      wc.ring_slots = 1;
      wc.slot_bytes = 64;
      wc.max_batch = 1;
      Status st = writer_.init(wc);
      if (!st) {
        log_error("cannot set up the writer thread for the export spool", {{"error", st.message()}});
        return false;
      }
    }
  }
  if (jobs) writer_.attach_jobs(jobs);
  writer_on_ = store_on_ || jobs;
  rec_buf_ = reserve_array<char>(rec_cap_);
  if (store_on_) pack_buf_ = reserve_array<char>(rec_cap_);
  return rec_buf_ != nullptr && (!store_on_ || pack_buf_ != nullptr);
}

bool IngestPipeline::start() {
  if (!writer_on_) return true;
  Status st = writer_.start();
  if (!st) {
    log_error("cannot start the records writer", {{"error", st.message()}});
    return false;
  }
  started_ = true;
  return true;
}

void IngestPipeline::close_handles() {
  if (own_jobs_on_) own_jobs_.close();
}

void IngestPipeline::stop(int64_t deadline_ns) {
  if (!started_) return history_store_.save_now();
  started_ = false;
  if (store_on_) flush_pack();
  uint64_t waiting = writer_.pending();
  uint64_t left = writer_.stop(deadline_ns);
  store::RecordWriterStats s = writer_.stats();
  log_info("records writer stopped", {{"flushed_at_stop", waiting - left},
                                      {"unwritten", left},
                                      {"persisted", s.total_persisted},
                                      {"batches", s.batches_written}});
  // The writer is joined: the last points are written here, on this thread.
  history_store_.save_now();
}

bool IngestPipeline::fits(const OperationRecord& r, std::string_view ts) {
  OutBuffer out(rec_buf_, rec_cap_);
  return ingest::serialize_record(r, ts, out);
}

// Serializes r into the ring when the store is on; false when it does not
// fit a slot (nothing pushed). A full ring counts into *dropped.
bool IngestPipeline::push_record(const OperationRecord& r, std::string_view ts, uint64_t* dropped) {
  if (!store_on_) return true;
  OutBuffer out(rec_buf_, rec_cap_);
  if (!ingest::serialize_record(r, ts, out)) return false;
  if (writer_.push(out.view())) ++n_.recorded;
  else ++*dropped;
  return true;
}

// Appends the record of one StatsD timer line to the packed slot (pushing
// the slot first when the record does not fit); false when the record
// alone is larger than a slot.
bool IngestPipeline::pack_record(const StatsdLine& l, std::string_view ts) {
  if (!store_on_) return true;
  // Serialized in place, after the records already packed and their
  // newline (no copy from a scratch buffer: musl's memcpy is some 50 ns a
  // call); a record that does not fit behind them goes into the emptied
  // slot instead.
  for (;;) {
    size_t at = pack_n_ ? pack_len_ + 1 : 0;
    OutBuffer out(pack_buf_ + at, rec_cap_ - at);
    if (ingest::serialize_statsd_timer(l, ts, out)) {
      if (pack_n_) pack_buf_[pack_len_] = '\n';
      pack_len_ = at + out.size();
      ++pack_n_;
      return true;
    }
    if (!pack_n_) return false;  // larger than a slot on its own
    flush_pack();
  }
}

void IngestPipeline::flush_pack() {
  if (!pack_n_) return;
  if (writer_.push(pack_buf_, static_cast<uint32_t>(pack_len_)))
    n_.recorded += pack_n_;
  else
    n_.dropped_statsd += pack_n_;
  pack_len_ = 0;
  pack_n_ = 0;
}

void IngestPipeline::accept_http(OperationRecord& r, int64_t now_us, std::string_view ts) {
  r.timestamp_us = now_us;
  ops_.observe(r.type.view(), r.name.view(), r.duration_ms, r.success, now_us);
  ++n_.http_records;
  // Room and size were checked before this pass and only the writer frees
  // slots meanwhile, so the push succeeds; a failure would still be counted.
  push_record(r, ts, &n_.dropped_http);
}

void IngestPipeline::refuse_http(RefuseReason why, uint64_t dropped_records) {
  ++n_.http_refused[static_cast<size_t>(why)];
  n_.dropped_http += dropped_records;
}

uint32_t IngestPipeline::ring_capacity() { return store_on_ ? writer_.ring().capacity() : 0; }
uint32_t IngestPipeline::ring_room() {
  return store_on_ ? writer_.ring().capacity() - writer_.ring().size() : 0;
}

void IngestPipeline::timer_line(const StatsdLine& l, int64_t now_us, std::string_view ts) {
  auto count = [this](StatsdError e) { ++n_.statsd_malformed[static_cast<size_t>(e)]; };
  // The line's record is written straight from the line (no
  // OperationRecord): refuse exactly the lines whose tags would not fit
  // one, store on or off.
  static_assert(ingest::kMaxStatsdTags < ingest::kMaxMetaKeys, "every tag and sample_rate have a metadata entry");
  static_assert(ingest::kMaxStatsdName <= ingest::kMaxNameBytes, "a StatsD name is a valid operation name");
  for (uint32_t i = 0; i < l.ntags; ++i)
    if (l.tags[i].key.size() > ingest::kMaxMetaKeyBytes || l.tags[i].value.size() > ingest::kMaxMetaValueBytes)
      return count(StatsdError::BadTags);
  if (!pack_record(l, ts)) return count(StatsdError::TooLarge);
  ++n_.statsd_records;
  ops_.observe("statsd", l.name, l.value, true, now_us);
}

// The whole line is dropped, not just the tag: a line without the tag
// would be a different series, silently merged with others.
bool IngestPipeline::carries_personal_data(const StatsdLine& l) const {
  const KeyPatterns& personal = cfg_->ingest.personal_keys.patterns;
  if (ingest::is_personal_metric_name(personal, l.name)) return true;
  for (uint32_t i = 0; i < l.ntags; ++i)
    if (personal.matches(l.tags[i].key)) return true;
  return false;
}

void IngestPipeline::statsd_datagram(std::string_view d, bool truncated, int64_t now_us, std::string_view ts) {
  ++n_.statsd_datagrams;
  if (truncated) {
    // The kernel cut the datagram: its last line is incomplete.
    ++n_.statsd_malformed[static_cast<size_t>(StatsdError::Truncated)];
    size_t nl = d.rfind('\n');
    if (nl == std::string_view::npos) return;
    d = d.substr(0, nl);
  }
  std::string_view line;
  // One for the datagram: parse_statsd_line sets what a line uses, and
  // constructing one a line zeroed its 256 bytes of tags every time.
  StatsdLine l;
  while (ingest::next_statsd_line(&d, &line)) {
    StatsdError e = ingest::parse_statsd_line(line, &l);
    if (e != StatsdError::None) {
      ++n_.statsd_malformed[static_cast<size_t>(e)];
      continue;
    }
    ++n_.statsd_lines;
    // Every type: a counter's or gauge's tags become labels on /metrics,
    // a timer's are stored on disk, and a gauge named `pin` exports the PIN.
    if (carries_personal_data(l)) {
      ++n_.statsd_malformed[static_cast<size_t>(StatsdError::PersonalData)];
      continue;
    }
    if (l.type == StatsdType::Timer || l.type == StatsdType::Histogram || l.type == StatsdType::Distribution)
      timer_line(l, now_us, ts);
    else
      statsd_.apply(l);
  }
}

void IngestPipeline::on_refresh(const Snapshot& snap) {
  if (history_.series_count() == 0) return;
  int64_t now = realtime_ns() / 1000;
  // One point per collection interval: a collection a scrape triggers soon
  // after the previous one adds none. 0.9 leaves room for timer jitter.
  history_.set_min_spacing_us(static_cast<int64_t>(cfg_->collect.interval_ms) * 900);
  if (!history_.record(snap, now)) return;
  history_store_.maybe_save(now);
  if (!store_on_ || !cfg_->history.persist) return;
  char ts[store::kRfc3339Len];
  OutBuffer out(rec_buf_, rec_cap_);
  if (history_.render_record(out, std::string_view(ts, store::format_rfc3339_us(now, ts))) &&
      writer_.push(out.view())) {
    ++n_.recorded;
    writer_.notify_if_needed();
  } else {
    ++n_.dropped_history;
  }
}

}  // namespace edgestat
