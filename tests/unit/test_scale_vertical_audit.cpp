// scale/vertical_audit: vertical actions in the audit file. The intended
// line's params read back; the file's history finds the intention an
// interrupted run left without an outcome; reconciliation records "done"
// only when the limit already is the target; the cooldown of the run
// before a restart holds after it (Autoscaler::restore_cooldown). The
// kill -9 system test is tests/e2e/autoscale_audit_system.sh.
#include <doctest/doctest.h>
#include <uv.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <string>
#include <thread>

#include "scale/audit_log.hpp"
#include "scale/audit_reader.hpp"
#include "scale/autoscaler.hpp"
#include "scale/vertical_audit.hpp"

using namespace edgestat;
using namespace edgestat::scale;

namespace {

constexpr double kMiB = 1048576;
constexpr int64_t kWall = 1796270400123;

// A line as the wiring writes it, parsed back as the reader sees it.
AuditRecord line(const char* token, std::string_view action, const char* target, AuditState st,
                 std::string_view params) {
  char buf[1024];
  std::snprintf(buf, sizeof buf,
                "{\"ts\":\"2026-12-03T04:00:00.123Z\",\"token\":\"%s\",\"action\":\"%.*s\",\"target\":\"%s\","
                "\"state\":\"%.*s\",\"params\":%.*s}",
                token, int(action.size()), action.data(), target, int(audit_state_name(st).size()),
                audit_state_name(st).data(), int(params.empty() ? 2 : params.size()),
                params.empty() ? "{}" : params.data());
  AuditRecord r;
  const char* why = "";
  REQUIRE_MESSAGE(parse_audit_line(buf, &r, &why), why);
  return r;
}

std::string intent_params(Resource r, Direction d, double from, double to, int64_t wall) {
  char p[192];
  size_t n = format_vertical_params(r, d, from, to, wall, p, sizeof p);
  REQUIRE(n > 0);
  return std::string(p, n);
}

}  // namespace

TEST_CASE("vertical audit: the intended line's params read back") {
  VerticalHistory h;
  REQUIRE(h.init(4));
  std::string p = intent_params(Resource::Memory, Direction::Down, 512 * kMiB, 480 * kMiB, kWall);
  h.visit(line("t1", "set_memory", "web1", AuditState::Intended, p));
  REQUIRE(h.size() == 1);
  VerticalRecord& v = h.at(0);
  CHECK(v.name.view() == "web1");
  CHECK(v.res == Resource::Memory);
  CHECK(v.dir == Direction::Down);
  CHECK(v.from == 512 * kMiB);
  CHECK(v.to == 480 * kMiB);
  CHECK(v.wall_ms == kWall);
  CHECK(v.last_down_wall_ms == kWall);
  CHECK(v.last_up_wall_ms == kNoWallMs);
  CHECK(v.pending);
  CHECK(v.token.view() == "t1");
  CHECK(vertical_action(Resource::Cpu) == "set_cpu");
  CHECK(format_vertical_params(Resource::Cpu, Direction::Up, 1, 2, kWall, nullptr, 0) == 0);
}

TEST_CASE("vertical audit: an intention with an outcome of its token is finished, others stay pending") {
  VerticalHistory h;
  REQUIRE(h.init(4));
  std::string up = intent_params(Resource::Cpu, Direction::Up, 0.5, 1, kWall);
  std::string up2 = intent_params(Resource::Cpu, Direction::Up, 1, 1.5, kWall + 60000);
  h.visit(line("a", "set_cpu", "web1", AuditState::Intended, up));
  h.visit(line("a", "set_cpu", "web1", AuditState::Done, "{\"read_back\":1}"));
  REQUIRE(h.find("web1", Resource::Cpu));
  CHECK_FALSE(h.find("web1", Resource::Cpu)->pending);
  CHECK(h.find("web1", Resource::Cpu)->outcome == AuditState::Done);
  // Every outcome state finishes it, and is kept (a restart persists the
  // size of a done action only).
  for (AuditState st : {AuditState::Failed, AuditState::Unconfirmed, AuditState::Abandoned}) {
    h.visit(line("b", "set_cpu", "web1", AuditState::Intended, up));
    CHECK(h.find("web1", Resource::Cpu)->pending);
    CHECK(h.find("web1", Resource::Cpu)->outcome == AuditState::Intended);
    h.visit(line("b", "set_cpu", "web1", st, ""));
    CHECK_FALSE(h.find("web1", Resource::Cpu)->pending);
    CHECK(h.find("web1", Resource::Cpu)->outcome == st);
  }
  // The newest intention, killed before its outcome; a stray outcome of an
  // older token does not finish it.
  h.visit(line("c", "set_cpu", "web1", AuditState::Intended, up2));
  h.visit(line("a", "set_cpu", "web1", AuditState::Done, ""));
  VerticalRecord* v = h.find("web1", Resource::Cpu);
  CHECK(v->pending);
  CHECK(v->token.view() == "c");
  CHECK(v->to == 1.5);
  CHECK(v->last_up_wall_ms == kWall + 60000);
  // Memory is a record of its own; group lines are not vertical.
  CHECK(h.find("web1", Resource::Memory) == nullptr);
  h.visit(line("g", "scale_out", "web-1", AuditState::Intended, "{\"group\":\"web\",\"seq\":1}"));
  CHECK(h.size() == 1);
  // A vertical intention whose params do not parse is counted, not used.
  h.visit(line("m", "set_cpu", "db", AuditState::Intended, "{\"direction\":\"up\"}"));
  CHECK(h.malformed() == 1);
  CHECK(h.find("db", Resource::Cpu) == nullptr);
}

TEST_CASE("vertical audit: more containers than the table are counted") {
  VerticalHistory h;
  REQUIRE(h.init(1));
  std::string up = intent_params(Resource::Cpu, Direction::Up, 0.5, 1, kWall);
  h.visit(line("a", "set_cpu", "one", AuditState::Intended, up));
  h.visit(line("b", "set_cpu", "two", AuditState::Intended, up));
  CHECK(h.size() == 1);
  CHECK(h.overflow() == 1);
}

TEST_CASE("vertical audit: reconcile records done only when the limit already is the target") {
  VerticalRecord v;
  v.res = Resource::Cpu;
  v.from = 0.5;
  v.to = 1.0;
  CHECK(reconcile_vertical(v, true, 1.0).state == AuditState::Done);
  CHECK(reconcile_vertical(v, true, 1.00001).state == AuditState::Done);  // whole microseconds of quota
  CHECK(reconcile_vertical(v, true, 0.5).state == AuditState::Abandoned);  // the write never happened
  CHECK(reconcile_vertical(v, true, 1.25).state == AuditState::Abandoned);  // changed by hand since
  CHECK(reconcile_vertical(v, true, std::nullopt).state == AuditState::Abandoned);
  CHECK(reconcile_vertical(v, false, 1.0).state == AuditState::Abandoned);
  v.res = Resource::Memory;
  v.from = 512 * kMiB;
  v.to = 480 * kMiB;
  CHECK(reconcile_vertical(v, true, 480 * kMiB - 4096).state == AuditState::Done);  // rounded to a page
  CHECK(reconcile_vertical(v, true, 512 * kMiB).state == AuditState::Abandoned);
  CHECK(std::string(reconcile_vertical(v, true, 480 * kMiB).reason).find("reconciled") != std::string::npos);
  CHECK(wall_to_monotonic_ms(kWall - 5000, kWall, 100000) == 95000);
}

namespace {

// One container pegged at 1 core with a 1-core quota: up is due after
// up_samples. Returns the first cycle with an up action (-1: none in 8).
int first_up(bool restore, Direction dir, int64_t restore_age_ms) {
  Autoscaler a;
  TierPolicy t;
  t.mode = Mode::On;
  t.cpu_min = 0.5;
  t.cpu_max = 4;
  t.min_samples = 1;
  t.up_samples = 2;
  t.up_cooldown_ms = 60000;
  t.down_cooldown_ms = 60000;
  HostSize host{8, 64.0 * 1024 * kMiB, 1, 1024 * kMiB};
  REQUIRE(a.init(2, &t, 1, Mode::On, host));
  const int64_t base = 1000000;
  double used = 0, quota = 1;
  for (int c = 0; c < 8; ++c) {
    a.begin_cycle();
    used += 10;
    Reading r;
    r.running = true;
    r.incarnation = 1;
    r.t_s = c * 10.0;
    r.cpu_usage_s = used;
    r.cpu_quota = quota;
    r.mem_working_set = r.mem_usage = 100 * kMiB;
    r.mem_limit = 512 * kMiB;
    r.oom_kills = 0;
    ScaleEntry* e = a.observe("web1", 0, r, false);
    REQUIRE(e);
    int64_t now = base + c * 10000;
    if (c == 0 && restore) a.restore_cooldown(*e, Resource::Cpu, dir, now - restore_age_ms);
    a.decide_all(false, now);
    if (e->pending[0] && e->last[0].dir == Direction::Up) return c;
    a.end_cycle();
  }
  return -1;
}

}  // namespace

TEST_CASE("vertical audit: the cooldown of the action before a restart holds after it") {
  CHECK(first_up(false, Direction::Up, 0) == 2);
  // The last growth 10 s before the restart: 60 s of cooldown from then.
  int c = first_up(true, Direction::Up, 10000);
  CHECK(c == 5);
  // One long past does not hold anything back.
  CHECK(first_up(true, Direction::Up, 3600 * 1000) == 2);
  // A shrink's time holds back shrinks only.
  CHECK(first_up(true, Direction::Down, 10000) == 2);
}

namespace {

struct Harness {
  uv_loop_t loop;
  store::JobMailbox jobs;
  std::atomic<bool> stop{false};
  std::thread worker;
  Harness() {
    REQUIRE(uv_loop_init(&loop) == 0);
    REQUIRE(jobs.init(&loop, nullptr, nullptr));
    worker = std::thread([this] {
      while (!stop.load())
        if (!jobs.run_pending()) ::usleep(500);
    });
  }
  ~Harness() {
    stop = true;
    worker.join();
    jobs.close();
    uv_run(&loop, UV_RUN_DEFAULT);
    CHECK(uv_loop_close(&loop) == 0);
  }
  void run_until(const int* n, int want) {
    for (int i = 0; i < 20000 && *n < want; ++i) uv_run(&loop, UV_RUN_NOWAIT), ::usleep(100);
    REQUIRE(*n == want);
  }
};

void count_cb(void* ctx, bool ok, int) {
  if (ok) ++*static_cast<int*>(ctx);
}

}  // namespace

TEST_CASE("vertical audit: the file written by AuditLog reads back, killed mid-action or not") {
  char dir[] = "/tmp/edgestat-vaudit-XXXXXX";
  REQUIRE(::mkdtemp(dir) != nullptr);
  std::string path = std::string(dir) + "/" + kAuditFileName;
  {
    Harness h;
    AuditLog log;
    REQUIRE(log.open(path.c_str(), &h.jobs, 4, kWall));
    int durable = 0;
    AuditToken t1, t2;
    log.next_token(&t1);
    log.next_token(&t2);
    std::string p1 = intent_params(Resource::Cpu, Direction::Up, 0.5, 1, kWall);
    std::string p2 = intent_params(Resource::Memory, Direction::Up, 64 * kMiB, 128 * kMiB, kWall + 1);
    REQUIRE(log.append({t1.view(), "set_cpu", "web1", AuditState::Intended, p1, ""}, kWall, count_cb, &durable));
    REQUIRE(log.append({t1.view(), "set_cpu", "web1", AuditState::Unconfirmed, "", "read back cpu.max: wrote 100000 100000, reads max 100000"},
                       kWall, count_cb, &durable));
    // The second action's process dies after its intention: no outcome.
    REQUIRE(log.append({t2.view(), "set_memory", "web1", AuditState::Intended, p2, ""}, kWall, count_cb, &durable));
    h.run_until(&durable, 3);
  }
  VerticalHistory h;
  REQUIRE(h.init(4));
  AuditScan scan;
  REQUIRE(scan_audit_file(path.c_str(), VerticalHistory::visit_cb, &h, &scan));
  CHECK(scan.corrupt == 0);
  REQUIRE(h.size() == 2);
  CHECK_FALSE(h.find("web1", Resource::Cpu)->pending);
  VerticalRecord* m = h.find("web1", Resource::Memory);
  REQUIRE(m);
  CHECK(m->pending);
  CHECK(m->to == 128 * kMiB);
  CHECK(reconcile_vertical(*m, true, 128 * kMiB).state == AuditState::Done);
  std::remove(path.c_str());
  ::rmdir(dir);
}
