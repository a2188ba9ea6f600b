// Tests for the autoscaler's audit file: the writer (scale/audit_log.hpp),
// whose lines are written and fdatasync'ed on a worker thread through the
// store's job mailbox before the caller hears back, and the reader
// (scale/audit_reader.hpp) that finds intended-but-unfinished actions and
// tolerates torn and corrupt lines.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "scale/audit_log.hpp"
#include "scale/audit_reader.hpp"

using namespace edgestat;
using namespace edgestat::scale;

namespace {

struct TempFile {
  std::string dir, path;
  TempFile() {
    char tmpl[] = "/tmp/edgestat-audit-XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    dir = tmpl;
    path = dir + "/audit.jsonl";
  }
  ~TempFile() {
    std::remove(path.c_str());
    std::remove((path + ".1").c_str());
    ::rmdir(dir.c_str());
  }
  std::string read() const {
    std::ifstream f(path);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
  }
  void write(const std::string& s) const {
    std::ofstream f(path, std::ios::binary);
    f << s;
  }
};

// A loop and a worker thread serving the mailbox, as the records writer
// thread does in the agent.
struct Harness {
  uv_loop_t loop;
  store::JobMailbox jobs;
  std::atomic<bool> stop{false};
  std::thread worker;
  explicit Harness(bool serve = true) {
    REQUIRE(uv_loop_init(&loop) == 0);
    REQUIRE(jobs.init(&loop, nullptr, nullptr));
    if (serve)
      worker = std::thread([this] {
        while (!stop.load()) {
          if (!jobs.run_pending()) ::usleep(500);
        }
      });
  }
  ~Harness() {
    stop = true;
    if (worker.joinable()) worker.join();
    jobs.close();
    uv_run(&loop, UV_RUN_DEFAULT);
    CHECK(uv_loop_close(&loop) == 0);
  }
  template <class Pred>
  void run_until(Pred p) {
    for (int i = 0; i < 20000 && !p(); ++i) uv_run(&loop, UV_RUN_NOWAIT), ::usleep(100);
    REQUIRE(p());
  }
};

struct Done {
  int calls = 0;
  bool ok = false;
  int err = 0;
  std::string file_at_callback;  // what the file held when the caller heard back
  const TempFile* file = nullptr;
};

void done_cb(void* ctx, bool ok, int err) {
  Done* d = static_cast<Done*>(ctx);
  ++d->calls;
  d->ok = ok;
  d->err = err;
  if (d->file) d->file_at_callback = d->file->read();
}

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> v;
  std::stringstream ss(s);
  std::string l;
  while (std::getline(ss, l)) v.push_back(l);
  return v;
}

constexpr int64_t kWall = 1796270400123;  // 2026-12-03T04:00:00.123Z

}  // namespace

TEST_CASE("audit: a line is durable in the file before its callback runs") {
  TempFile f;
  Harness h;
  AuditLog log;
  REQUIRE(log.open(f.path.c_str(), &h.jobs, 4, kWall));
  AuditToken tok;
  log.next_token(&tok);
  CHECK(tok.view().find('-') != std::string_view::npos);
  AuditToken tok2;
  log.next_token(&tok2);
  CHECK(tok.view() != tok2.view());

  Done d1, d2;
  d1.file = &f;
  AuditEntry e{tok.view(), "scale_out", "web-1", AuditState::Intended,
               R"({"group":"web","base":"web","address":"10.0.3.101/24"})", ""};
  REQUIRE(log.append(e, kWall, done_cb, &d1));
  h.run_until([&] { return d1.calls == 1; });
  CHECK(d1.ok);
  std::string expect = std::string(R"({"ts":"2026-12-03T04:00:00.123Z","token":")") + std::string(tok.view()) +
                       R"(","action":"scale_out","target":"web-1","state":"intended",)" +
                       R"("params":{"group":"web","base":"web","address":"10.0.3.101/24"}})" + "\n";
  CHECK(d1.file_at_callback == expect);

  AuditEntry done{tok.view(), "scale_out", "web-1", AuditState::Done, "", "running"};
  REQUIRE(log.append(done, kWall + 1000, done_cb, &d2));
  h.run_until([&] { return d2.calls == 1; });
  auto ls = lines_of(f.read());
  REQUIRE(ls.size() == 2);
  CHECK(ls[1].find(R"("state":"done","params":{},"reason":"running"})") != std::string::npos);
  CHECK(log.lines_written() == 2);
  CHECK(log.in_flight() == 0);

  AuditRecord r;
  const char* why = "";
  REQUIRE(parse_audit_line(ls[0], &r, &why));
  CHECK(r.token.view() == tok.view());
  CHECK(r.action.view() == "scale_out");
  CHECK(r.target.view() == "web-1");
  CHECK(r.state == AuditState::Intended);
  char addr[64];
  size_t len = 0;
  REQUIRE(audit_param(r.params.view(), "address", addr, sizeof addr, &len));
  CHECK(std::string(addr, len) == "10.0.3.101/24");
  CHECK_FALSE(audit_param(r.params.view(), "missing", addr, sizeof addr, &len));
}

TEST_CASE("audit: strings are escaped and read back; lines keep their order") {
  TempFile f;
  Harness h;
  AuditLog log;
  REQUIRE(log.open(f.path.c_str(), &h.jobs, 8, kWall));
  Done d[8];
  for (int i = 0; i < 8; ++i) {
    std::string tok = "t" + std::to_string(i);
    AuditEntry e{tok, "scale_in", "web-1", AuditState::Failed, "", "lxc-stop said \"no\"\n\tbye"};
    REQUIRE(log.append(e, kWall, done_cb, &d[i]));
  }
  h.run_until([&] { return d[7].calls == 1; });
  auto ls = lines_of(f.read());
  REQUIRE(ls.size() == 8);
  for (int i = 0; i < 8; ++i) {
    AuditRecord r;
    const char* why = "";
    REQUIRE(parse_audit_line(ls[static_cast<size_t>(i)], &r, &why));
    CHECK(r.token.view() == "t" + std::to_string(i));
    CHECK(r.reason.view() == "lxc-stop said \"no\"\n\tbye");
    CHECK(r.state == AuditState::Failed);
  }
}

TEST_CASE("audit: every slot in flight refuses the next line; an overlong line is refused") {
  TempFile f;
  Harness h(false);  // nobody serves the mailbox: lines stay in flight
  AuditLog log;
  REQUIRE(log.open(f.path.c_str(), &h.jobs, 2, kWall));
  Done d;
  AuditEntry e{"a", "scale_out", "x", AuditState::Intended, "", ""};
  REQUIRE(log.append(e, kWall, done_cb, &d));
  REQUIRE(log.append(e, kWall, done_cb, &d));
  Status st = log.append(e, kWall, done_cb, &d);
  CHECK_FALSE(st);
  CHECK(std::string(st.c_str()).find("in flight") != std::string::npos);
  CHECK(log.refused() == 1);
  h.jobs.run_pending();  // serve both from this thread now
  h.run_until([&] { return d.calls >= 1; });
  h.jobs.run_pending();
  h.run_until([&] { return d.calls == 2; });
  std::string big(AuditLog::kLineBytes, 'x');
  AuditEntry b{"b", "scale_out", "x", AuditState::Failed, "", big};
  st = log.append(b, kWall, done_cb, &d);
  CHECK_FALSE(st);
  CHECK(std::string(st.c_str()).find("longer than 1024 bytes") != std::string::npos);
  CHECK(lines_of(f.read()).size() == 2);
}

TEST_CASE("audit: a failed write is reported, never taken as durable") {
  Harness h;
  AuditLog log;
  REQUIRE(log.open("/dev/full", &h.jobs, 2, kWall));  // every write: ENOSPC
  Done d;
  AuditEntry e{"a", "scale_out", "x", AuditState::Intended, "", ""};
  REQUIRE(log.append(e, kWall, done_cb, &d));
  h.run_until([&] { return d.calls == 1; });
  CHECK_FALSE(d.ok);
  CHECK(d.err == ENOSPC);
  CHECK(log.write_failures() == 1);
  CHECK(log.lines_written() == 0);
}

TEST_CASE("audit: open() refuses a missing mailbox or directory") {
  Harness h(false);
  AuditLog log;
  CHECK_FALSE(log.open("/tmp/x.jsonl", nullptr, 2, kWall));
  Status st = log.open("/nonexistent-dir/audit.jsonl", &h.jobs, 2, kWall);
  CHECK_FALSE(st);
  CHECK(std::string(st.c_str()).find("/nonexistent-dir/audit.jsonl") != std::string::npos);
}

TEST_CASE("audit reader: unfinished actions, torn tail and corrupt lines") {
  TempFile f;
  auto L = [](const char* tok, const char* state, const char* target) {
    return std::string(R"({"ts":"2026-12-03T04:00:00.000Z","token":")") + tok +
           R"(","action":"scale_out","target":")" + target + R"(","state":")" + state +
           R"(","params":{"group":"web","seq":3}})" + "\n";
  };
  f.write(L("A", "intended", "web-1") + L("B", "intended", "web-2") + L("A", "done", "web-1") +
          "garbage that is not json\n" + L("C", "failed", "web-3") + "\n" + L("D", "intended", "web-4") +
          R"({"ts":"2026-12-03T04:00:01.000Z","token":"E","action":"scale_o)");
  AuditRecord out[4];
  AuditScan st;
  Status s;
  size_t n = find_unfinished(f.path.c_str(), out, 4, &st, &s);
  REQUIRE(s);
  REQUIRE(n == 2);
  CHECK(out[0].token.view() == "B");
  CHECK(out[0].target.view() == "web-2");
  CHECK(out[0].line == 2);
  CHECK(out[1].token.view() == "D");
  int64_t seq = 0;
  CHECK(audit_param_i64(out[1].params.view(), "seq", &seq));
  CHECK(seq == 3);
  CHECK(st.lines == 8);
  CHECK(st.records == 5);
  CHECK(st.corrupt == 3);  // the garbage, the empty line, the torn tail
  CHECK(st.first_corrupt_line == 4);
  CHECK(std::string(st.first_corrupt_why) == "not a JSON object");
  CHECK(st.torn_tail);

  // Only one slot: the second unfinished action is counted, not lost silently.
  AuditRecord one[1];
  n = find_unfinished(f.path.c_str(), one, 1, &st, &s);
  CHECK(n == 1);
  CHECK(st.unfinished_overflow == 1);
}

TEST_CASE("audit: the file rotates to NAME.1 and the reader matches actions across the generations") {
  TempFile f;
  Harness h;
  AuditLog log;
  log.set_rotate_bytes(400);  // lines here are 132-136 bytes: a rotation every third
  REQUIRE(log.open(f.path.c_str(), &h.jobs, 4, kWall));
  int calls = 0;
  auto write = [&](const char* tok, AuditState state, const char* target) {
    Done d;
    AuditEntry e{tok, "scale_out", target, state, R"({"group":"web","seq":7})", ""};
    REQUIRE(log.append(e, kWall, done_cb, &d));
    h.run_until([&] { return d.calls == 1; });
    REQUIRE(d.ok);
    ++calls;
  };
  auto file_lines = [](const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return lines_of(ss.str()).size();
  };
  // A and B intended, A done: past 400 bytes with the third line.
  write("A", AuditState::Intended, "web-1");
  write("B", AuditState::Intended, "web-2");
  CHECK(log.rotations() == 0);
  write("A", AuditState::Done, "web-1");
  CHECK(log.rotations() == 1);
  CHECK(file_lines(f.path + ".1") == 3);
  CHECK(file_lines(f.path) == 0);
  // B finishes in the new generation; C stays open there.
  write("B", AuditState::Failed, "web-2");
  write("C", AuditState::Intended, "web-3");
  CHECK(file_lines(f.path) == 2);
  AuditRecord out[4];
  AuditScan st;
  Status s;
  size_t n = find_unfinished(f.path.c_str(), out, 4, &st, &s);
  REQUIRE(s);
  REQUIRE(n == 1);
  CHECK(out[0].token.view() == "C");
  CHECK(out[0].line == 2);
  CHECK_FALSE(out[0].previous);
  CHECK(st.records == 5);
  // An action intended in the older generation and never finished is
  // still found after the next rotation put it in NAME.1.
  write("D", AuditState::Intended, "web-4");
  CHECK(log.rotations() == 2);
  n = find_unfinished(f.path.c_str(), out, 4, &st, &s);
  REQUIRE(n == 2);
  CHECK(out[0].token.view() == "C");
  CHECK(out[0].previous);
  CHECK(out[1].token.view() == "D");
  // The oldest generation (A, B's intended lines) is gone: at most two
  // files, each about rotate_bytes.
  CHECK(st.records == 3);
  CHECK(log.rotate_failures() == 0);
  CHECK(log.lines_written() == 6);
  CHECK(calls == 6);
}

TEST_CASE("audit: a corrupt line in NAME.1 is reported as in the previous generation") {
  TempFile f;
  f.write(R"({"token":"A","action":"scale_out","target":"w","state":"intended","params":{}})" "\n");
  {
    std::ofstream prev(f.path + ".1", std::ios::binary);
    prev << R"({"token":"Z","action":"scale_out","target":"w","state":"intended","params":{}})" "\n"
         << "not json\n";
  }
  AuditRecord out[2];
  AuditScan st;
  Status s;
  REQUIRE(find_unfinished(f.path.c_str(), out, 2, &st, &s) == 2);
  CHECK(out[0].token.view() == "Z");
  CHECK(out[0].previous);
  CHECK(out[1].token.view() == "A");
  CHECK(out[1].line == 1);
  CHECK(st.corrupt == 1);
  CHECK(st.first_corrupt_line == 2);
  CHECK(st.first_corrupt_previous);
  CHECK_FALSE(st.torn_tail);
}

TEST_CASE("audit: reopening after a torn last line starts the next line whole") {
  TempFile f;
  f.write(R"({"token":"A","action":"scale_out","target":"w","state":"intended","params":{}})"
          "\n"
          R"({"token":"B","act)");
  Harness h;
  {
    AuditLog log;
    REQUIRE(log.open(f.path.c_str(), &h.jobs, 2, kWall));
    Done d;
    AuditEntry e{"A", "scale_out", "w", AuditState::Done, "", "reconciled"};
    REQUIRE(log.append(e, kWall, done_cb, &d));
    h.run_until([&] { return d.calls == 1; });
  }
  AuditRecord out[2];
  AuditScan st;
  Status s;
  CHECK(find_unfinished(f.path.c_str(), out, 2, &st, &s) == 0);
  CHECK(st.records == 2);
  CHECK(st.corrupt == 1);
  CHECK_FALSE(st.torn_tail);
}

TEST_CASE("audit reader: missing file, overlong lines, hostile lines") {
  AuditScan st;
  Status s;
  AuditRecord out[1];
  CHECK(find_unfinished("/nonexistent/audit.jsonl", out, 1, &st, &s) == 0);
  CHECK(s);
  TempFile f;
  std::string longline = R"({"token":"Z","action":"a","target":"t","state":"intended","params":{"x":")" +
                         std::string(5000, 'y') + "\"}}\n";
  f.write(longline + R"({"token":"Y","action":"a","target":"t","state":"intended","params":{}})" "\n");
  size_t n = find_unfinished(f.path.c_str(), out, 1, &st, &s);
  CHECK(n == 1);
  CHECK(out[0].token.view() == "Y");
  CHECK(st.corrupt == 1);

  const char* why = "";
  AuditRecord r;
  CHECK_FALSE(parse_audit_line("", &r, &why));
  CHECK_FALSE(parse_audit_line("[]", &r, &why));
  CHECK_FALSE(parse_audit_line(R"({"token":"A","action":"a","target":"t","state":"maybe"})", &r, &why));
  CHECK_FALSE(parse_audit_line(R"({"token":"A","action":"a","target":"t"})", &r, &why));
  CHECK(std::string(why) == "missing token, action, target or state");
  CHECK_FALSE(parse_audit_line(R"({"token":1,"action":"a","target":"t","state":"done"})", &r, &why));
  CHECK_FALSE(parse_audit_line(R"({"token":"A","action":"a","target":"t","state":"done","params":[]})", &r, &why));
  CHECK_FALSE(parse_audit_line(R"({"token":"A","action":"a","target":"t","state":"done"} x)", &r, &why));
  CHECK(parse_audit_line(R"({"token":"A","action":"a","target":"t","state":"done","new_key":[1,{"a":2}]})", &r,
                         &why));
}
