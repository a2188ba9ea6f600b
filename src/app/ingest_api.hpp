#pragma once
// The records HTTP API: POST /api/v1/operations (one record or an array,
// all or nothing: 202, or 400/413/422/503 with a JSON error naming the
// field), and the read endpoints GET /api/v1/operations (aggregates),
// /api/v1/stats (ring and store counters) and /api/v1/history.
#include "app/durable_acks.hpp"
#include "app/ingest_pipeline.hpp"
#include "http/body_pool.hpp"
#include "http/router.hpp"

namespace edgestat {

class IngestApi {
 public:
  IngestApi(IngestPipeline& pipeline, http::BodyPool& pool) : p_(pipeline), pool_(pool) {}

  // False (logged) when the route table is full.
  bool add_routes(http::Router& router);
  // [store] ack = durable: reserves the parked-request table (one entry per
  // connection). Before the writer starts.
  bool init_acks(uv_loop_t* loop, const Config& c);
  // After the writer thread stopped.
  void close() { acks_.close(); }
  const DurableAcks& acks() const { return acks_; }

  static void handle_operations(void* ctx, http::Exchange& ex);
  static void handle_stats(void* ctx, http::Exchange& ex);
  static void handle_history(void* ctx, http::Exchange& ex);

 private:
  void post_operations(http::Exchange& ex);

  IngestPipeline& p_;
  http::BodyPool& pool_;
  DurableAcks acks_;
};

}  // namespace edgestat
