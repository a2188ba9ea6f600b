#include "app/ingest_api.hpp"

#include "app/render_cache.hpp"
#include "core/clock.hpp"
#include "core/json_writer.hpp"
#include "core/log.hpp"
#include "core/number.hpp"
#include "http/query.hpp"
#include "store/batch_format.hpp"

namespace edgestat {
namespace {

using ingest::OperationRecord;

// A full ring drains within a flush or two: ask clients to come back then.
constexpr std::string_view kRetryAfter = "Retry-After: 1\r\n";
// Largest `limit` /api/v1/history honours (the history depth caps it anyway).
constexpr uint64_t kMaxHistoryLimit = 1000000;

struct PostCtx {
  IngestPipeline* p = nullptr;
  int64_t too_large = -1;  // index of the first record that does not fit a ring slot
  int64_t now = 0;
  char ts[store::kRfc3339Len];
  std::string_view stamp() const { return {ts, sizeof ts}; }
};

// First pass: each record must serialize within a ring slot.
bool validate_cb(void* ctx, OperationRecord& r, uint32_t index) {
  auto* c = static_cast<PostCtx*>(ctx);
  if (c->p->fits(r, c->stamp())) return true;
  c->too_large = index;
  return false;
}

// Second pass: the records go into the ring and the aggregator.
bool accept_cb(void* ctx, OperationRecord& r, uint32_t) {
  auto* c = static_cast<PostCtx*>(ctx);
  c->p->accept_http(r, c->now, c->stamp());
  return true;
}

void error_reply(http::Exchange& ex, int status, std::string_view field, std::string_view reason, int64_t index) {
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
  ex.reply.content_type = kJsonType;
  ex.reply.body = out.view();
}

}  // namespace

bool IngestApi::init_acks(uv_loop_t* loop, const Config& c) {
  if (!p_.store_on() || c.store.ack != static_cast<uint8_t>(StoreAck::Durable)) return true;
  if (!acks_.init(loop, &p_, static_cast<uint32_t>(c.web.max_connections), c.store.ack_timeout_ms)) {
    log_error("cannot set up durable acknowledgements ([store] ack = durable)");
    return false;
  }
  return true;
}

bool IngestApi::add_routes(http::Router& router) {
  constexpr uint8_t kGet = http::kMethodGet | http::kMethodHead;
  if (router.add("/api/v1/operations", kGet | http::kMethodPost, "ingest", handle_operations, this, true, true) < 0 ||
      router.add("/api/v1/stats", kGet, "api", handle_stats, this, false, true) < 0 ||
      router.add("/api/v1/history", kGet, "api", handle_history, this, false, true) < 0) {
    log_error("the route table is full");
    return false;
  }
  return true;
}

void IngestApi::post_operations(http::Exchange& ex) {
  PostCtx c;
  c.p = &p_;
  c.now = realtime_ns() / 1000;
  store::format_rfc3339_us(c.now, c.ts);
  ingest::RecordError err;
  ingest::ParseResult r = ingest::parse_operation_records(ex.body, &p_.scratch(), validate_cb, &c, &err, p_.personal_keys());
  if (c.too_large >= 0) {
    p_.refuse_http(RefuseReason::TooLarge);
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
    p_.refuse_http(err.status == 400 ? RefuseReason::Syntax : RefuseReason::Validation);
    error_reply(ex, err.status, err.field.view(), err.reason.view(), err.index);
    return;
  }
  if (p_.store_on()) {
    if (r.records > p_.ring_capacity()) {
      p_.refuse_http(RefuseReason::TooLarge);
      error_reply(ex, 413, "body", "more records than [store] ring_slots; send smaller arrays", -1);
      return;
    }
    if (r.records > p_.ring_room()) {
      p_.refuse_http(RefuseReason::RingFull, r.records);
      p_.notify_writer();
      error_reply(ex, 503, "body", "the records ring is full; retry later", -1);
      ex.reply.extra_headers = kRetryAfter;
      return;
    }
  }
  ingest::parse_operation_records(ex.body, &p_.scratch(), accept_cb, &c, &err, p_.personal_keys());
  p_.notify_writer();
  OutBuffer out(ex.small, ex.small_cap);
  out.put("{\"accepted\":");
  out.put_u64(r.records);
  out.put("}\n");
  ex.reply.status = 202;
  ex.reply.content_type = kJsonType;
  ex.reply.body = out.view();
  // ack = durable: the 202 waits (parked, the loop goes on) until the batch
  // holding the last of these records is fsynced.
  if (acks_.enabled() && acks_.park(ex, p_.pushed_seq()) == DurableAcks::Park::Full) {
    error_reply(ex, 503, "body", "too many requests waiting for durability; retry later", -1);
    ex.reply.extra_headers = kRetryAfter;
  }
}

void IngestApi::handle_operations(void* ctx, http::Exchange& ex) {
  auto* api = static_cast<IngestApi*>(ctx);
  if (ex.req && ex.req->method == "POST") return api->post_operations(ex);
  int64_t now = realtime_ns() / 1000;
  reply_rendered(api->pool_, ex, kJsonType, [&](OutBuffer& out) {
    api->p_.operations().render_json(out, now);
    out.put('\n');
  });
}

void IngestApi::handle_stats(void* ctx, http::Exchange& ex) {
  auto* api = static_cast<IngestApi*>(ctx);
  reply_rendered(api->pool_, ex, kJsonType, [&](OutBuffer& out) { api->p_.render_stats_json(out); });
}

void IngestApi::handle_history(void* ctx, http::Exchange& ex) {
  auto* api = static_cast<IngestApi*>(ctx);
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
  reply_rendered(api->pool_, ex, kJsonType, [&](OutBuffer& out) {
    found = api->p_.history().render_json(out, series, static_cast<uint32_t>(limit), api->p_.interval_seconds());
    out.put('\n');
  });
  if (!found) {
    if (ex.reply.body_slot != http::BodyPool::kNone) {
      api->pool_.unpin(ex.reply.body_slot);
      ex.reply.body_slot = http::BodyPool::kNone;
    }
    error_reply(ex, 404, "series", "not a configured [history] series", -1);
  }
}

}  // namespace edgestat
