// Tests for the autoscaler's child-process runner (scale/command_runner.hpp)
// and its allowlist (scale/command_allowlist.hpp). The children are real:
// a bin directory holds lxc-* names that are /bin/true, /bin/false or small
// scripts (sleep, a flood of output, a grandchild), so exit status, timeout
// kill, output capture and slot reuse are observed on real processes.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "scale/command_allowlist.hpp"
#include "scale/command_runner.hpp"

using namespace edgestat;
using namespace edgestat::scale;

namespace {

bool allowed(std::initializer_list<const char*> args, std::string* why_out = nullptr) {
  const char* argv[40];
  size_t n = 0;
  for (const char* a : args) argv[n++] = a;
  const char* why = "";
  int bad = -1;
  bool ok = command_allowed(argv, n, &why, &bad);
  if (why_out) *why_out = why;
  return ok;
}

// A bin directory with fake lxc-* programs, removed at scope exit.
struct BinDir {
  std::string path;
  BinDir() {
    char tmpl[] = "/tmp/edgestat-runner-XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    path = tmpl;
    link("lxc-info", "/bin/true");
    link("lxc-destroy", "/bin/false");
    script("lxc-stop", "echo 'lxc-stop: ct: not running' >&2; exit 3");
    script("lxc-start", "sleep 30");
    // A grandchild in the same group: the timeout must kill it too, or it
    // would hold the pipe open.
    script("lxc-attach", "sleep 30 & sleep 30");
    script("lxc-copy", "i=0; while [ $i -lt 400 ]; do echo 0123456789012345678901234567890123456789; i=$((i+1)); done");
    script("lxc-cgroup", "printf '%s|' \"$@\"");
  }
  ~BinDir() {
    std::string cmd = "rm -rf '" + path + "'";
    CHECK(std::system(cmd.c_str()) == 0);
  }
  void link(const char* name, const char* target) { REQUIRE(::symlink(target, (path + "/" + name).c_str()) == 0); }
  void script(const char* name, const char* body) {
    std::string p = path + "/" + name;
    FILE* f = std::fopen(p.c_str(), "w");
    REQUIRE(f);
    std::fprintf(f, "#!/bin/sh\n%s\n", body);
    std::fclose(f);
    REQUIRE(::chmod(p.c_str(), 0755) == 0);
  }
};

struct Outcome {
  bool called = false;
  CommandResult r;
  std::string out, err;
};

void record_cb(void* ctx, const CommandResult& r) {
  Outcome* o = static_cast<Outcome*>(ctx);
  o->called = true;
  o->r = r;
  o->out.assign(r.out);
  o->err.assign(r.err);
  o->r.out = o->r.err = {};
}

struct Loop {
  uv_loop_t loop;
  CommandRunner runner;
  Loop(const std::string& bin, uint32_t slots = 2) {
    REQUIRE(uv_loop_init(&loop) == 0);
    REQUIRE(runner.init(&loop, slots, bin));
  }
  ~Loop() {
    runner.close();
    uv_run(&loop, UV_RUN_DEFAULT);
    CHECK(uv_loop_close(&loop) == 0);
  }
  // Runs the loop until o is reported (or 10 s pass: a hung test fails).
  void wait(Outcome& o) {
    uint64_t t0 = uv_now(&loop);
    while (!o.called && uv_now(&loop) - t0 < 10000) {
      uv_run(&loop, UV_RUN_ONCE);
      uv_update_time(&loop);
    }
    REQUIRE(o.called);
  }
};

Status run(Loop& l, std::initializer_list<const char*> args, uint32_t timeout_ms, Outcome& o) {
  const char* argv[40];
  size_t n = 0;
  for (const char* a : args) argv[n++] = a;
  return l.runner.run(argv, n, timeout_ms, record_cb, &o);
}

}  // namespace

TEST_CASE("container names and Proxmox ids") {
  CHECK(valid_container_name("web"));
  CHECK(valid_container_name("web-2.lan_x"));
  CHECK(valid_container_name("0ct"));
  CHECK_FALSE(valid_container_name(""));
  CHECK_FALSE(valid_container_name("-n"));
  CHECK_FALSE(valid_container_name(".hidden"));
  CHECK_FALSE(valid_container_name("a/b"));
  CHECK_FALSE(valid_container_name("../etc"));
  CHECK_FALSE(valid_container_name("a b"));
  CHECK_FALSE(valid_container_name("a;reboot"));
  CHECK_FALSE(valid_container_name("a$(x)"));
  CHECK_FALSE(valid_container_name(std::string(65, 'a')));
  CHECK(valid_container_name(std::string(64, 'a')));
  CHECK(valid_proxmox_id("100"));
  CHECK(valid_proxmox_id("999999999"));
  CHECK_FALSE(valid_proxmox_id("99"));
  CHECK_FALSE(valid_proxmox_id("1000000000"));
  CHECK_FALSE(valid_proxmox_id("0100"));
  CHECK_FALSE(valid_proxmox_id("+100"));
  CHECK_FALSE(valid_proxmox_id("10a"));
  CHECK_FALSE(valid_proxmox_id(""));
}

TEST_CASE("the allowlist admits the actuators' commands") {
  CHECK(allowed({"lxc-cgroup", "-n", "web", "memory.max", "268435456"}));
  CHECK(allowed({"lxc-cgroup", "-n", "web", "cpu.max", "50000 100000"}));
  CHECK(allowed({"lxc-cgroup", "-n", "web", "memory.current"}));
  CHECK(allowed({"lxc-copy", "-n", "base", "-N", "web-1"}));
  CHECK(allowed({"lxc-copy", "-n", "base", "-N", "web-1", "-s", "-B", "overlay"}));
  CHECK(allowed({"lxc-start", "-n", "web-1"}));
  CHECK(allowed({"lxc-stop", "-n", "web-1", "-t", "10"}));
  CHECK(allowed({"lxc-destroy", "-n", "web-1"}));
  CHECK(allowed({"lxc-info", "-n", "web-1", "-s", "-H"}));
  CHECK(allowed({"lxc-attach", "-n", "web-1", "--", "wget", "-q", "-O", "-", "http://127.0.0.1/"}));
  CHECK(allowed({"pct", "set", "101", "-cores", "2", "-memory", "512"}));
  CHECK(allowed({"pct", "set", "101", "-cpulimit", "1.5"}));
  CHECK(allowed({"pct", "config", "101"}));
  CHECK(allowed({"pct", "list"}));
  CHECK(allowed({"pct", "clone", "100", "201", "--hostname", "web-1"}));
  CHECK(allowed({"pct", "start", "201"}));
  CHECK(allowed({"pct", "stop", "201"}));
}

TEST_CASE("the allowlist refuses anything else, naming why") {
  std::string why;
  CHECK_FALSE(allowed({"sh", "-c", "lxc-info -n web"}, &why));
  CHECK(why == "program not in the allowlist");
  CHECK_FALSE(allowed({"/usr/bin/lxc-info", "-n", "web"}, &why));  // a path, not a name
  CHECK_FALSE(allowed({"rm", "-rf", "/"}));
  CHECK_FALSE(allowed({"pct", "destroy", "101"}, &why));
  CHECK(why == "subcommand not in the allowlist");
  CHECK_FALSE(allowed({"pct"}, &why));
  CHECK_FALSE(allowed({"pct", "set", "99", "-cores", "2"}, &why));
  CHECK(why.find("Proxmox id") != std::string::npos);
  CHECK_FALSE(allowed({"pct", "set", "101", "-cores", "2;reboot"}));
  CHECK_FALSE(allowed({"pct", "set", "101", "-delete", "net0"}, &why));
  CHECK(why == "option not in the allowlist for this program");
  CHECK_FALSE(allowed({"pct", "clone", "100"}, &why));
  CHECK(why == "missing argument");
  CHECK_FALSE(allowed({"lxc-info", "-s"}, &why));
  CHECK(why == "missing the container name option");
  CHECK_FALSE(allowed({"lxc-info", "-n", "a b"}, &why));
  CHECK(why.find("container name") != std::string::npos);
  CHECK_FALSE(allowed({"lxc-info", "-n", "../../etc"}));
  CHECK_FALSE(allowed({"lxc-info", "-n"}, &why));
  CHECK(why == "option needs a value");
  CHECK_FALSE(allowed({"lxc-info", "-n", "a", "-n", "b"}, &why));
  CHECK(why == "option given twice");
  CHECK_FALSE(allowed({"lxc-copy", "-n", "base"}, &why));  // no -N
  CHECK_FALSE(allowed({"lxc-copy", "-n", "base", "-N", "x", "-P", "/tmp"}));
  CHECK_FALSE(allowed({"lxc-start", "-n", "web", "--", "sh"}, &why));
  CHECK(why == "'--' is not allowed for this program");
  CHECK_FALSE(allowed({"lxc-attach", "-n", "web"}));
  CHECK_FALSE(allowed({"lxc-attach", "-n", "web", "--"}));
  CHECK_FALSE(allowed({"lxc-attach", "-n", "web", "--", ""}));
  CHECK_FALSE(allowed({"lxc-cgroup", "-n", "web", "Memory.max", "1"}));
  CHECK_FALSE(allowed({"lxc-cgroup", "-n", "web", "memory.max", "-1"}));
  CHECK_FALSE(allowed({"lxc-cgroup", "-n", "web", "memory.max", "1\n2"}));
  CHECK_FALSE(allowed({"lxc-cgroup", "-n", "web", "memory.max", "1", "extra"}, &why));
  CHECK(why == "unexpected argument");
  CHECK_FALSE(allowed({"lxc-stop", "-n", "web", "-t", "ten"}));
}

TEST_CASE("runner: exit status, output and stderr of real children") {
  BinDir bin;
  Loop l(bin.path);
  Outcome t, f, s, c;
  REQUIRE(run(l, {"lxc-info", "-n", "web", "-s"}, 5000, t));
  REQUIRE(run(l, {"lxc-destroy", "-n", "web"}, 5000, f));
  l.wait(t);
  l.wait(f);
  CHECK(t.r.ok());
  CHECK(t.r.exit_status == 0);
  CHECK_FALSE(f.r.ok());
  CHECK(f.r.exit_status == 1);
  CHECK_FALSE(f.r.timed_out);

  REQUIRE(run(l, {"lxc-stop", "-n", "web"}, 5000, s));
  REQUIRE(run(l, {"lxc-cgroup", "-n", "web", "cpu.max", "50000 100000"}, 5000, c));
  l.wait(s);
  l.wait(c);
  CHECK(s.r.exit_status == 3);
  CHECK(s.err == "lxc-stop: ct: not running\n");
  CHECK(c.r.ok());
  // The value with a space arrived as one argument: no shell split it.
  CHECK(c.out == "-n|web|cpu.max|50000 100000|");
  CHECK(l.runner.started() == 4);
}

TEST_CASE("runner: a child past its deadline is killed with its process group") {
  BinDir bin;
  Loop l(bin.path);
  Outcome o, g;
  REQUIRE(run(l, {"lxc-start", "-n", "web"}, 200, o));
  REQUIRE(run(l, {"lxc-attach", "-n", "web", "--", "true"}, 200, g));
  l.wait(o);
  l.wait(g);
  for (Outcome* x : {&o, &g}) {
    CHECK(x->r.timed_out);
    CHECK_FALSE(x->r.ok());
    CHECK(x->r.term_signal == SIGKILL);
    // Killed at about the deadline; the grandchild did not hold the pipe
    // open for the drain time's worth of 30 s sleeps.
    CHECK(x->r.elapsed_ms >= 190);
    CHECK(x->r.elapsed_ms < 2000);
  }
  CHECK(l.runner.timeouts() == 2);
}

TEST_CASE("runner: output beyond the capture is drained and flagged, not blocking the child") {
  BinDir bin;
  Loop l(bin.path);
  Outcome o;
  REQUIRE(run(l, {"lxc-copy", "-n", "a", "-N", "b"}, 5000, o));
  l.wait(o);
  CHECK(o.r.ok());
  CHECK(o.r.out_truncated);
  CHECK(o.out.size() == CommandRunner::kOutBytes);
  CHECK(o.out.substr(0, 11) == "01234567890");
}

TEST_CASE("runner: refusals start nothing") {
  BinDir bin;
  bin.link("sh", "/bin/sh");  // present in the bin dir, still not allowed
  Loop l(bin.path);
  Outcome o;
  Status st = run(l, {"sh", "-c", "touch /tmp/x"}, 1000, o);
  CHECK_FALSE(st);
  CHECK(std::string(st.c_str()).find("program not in the allowlist") != std::string::npos);
  st = run(l, {"lxc-info", "-n", "x;reboot"}, 1000, o);
  CHECK_FALSE(st);
  CHECK(std::string(st.c_str()).find("argument 2 'x;reboot'") != std::string::npos);
  CHECK_FALSE(run(l, {"lxc-info", "-n", "web"}, 0, o));  // no timeout, no run
  CHECK(l.runner.started() == 0);
  CHECK(l.runner.refused() == 2);
  CHECK(l.runner.busy() == 0);
  // A program the allowlist knows but the box lacks: spawn fails, said so.
  st = run(l, {"pct", "list"}, 1000, o);
  CHECK_FALSE(st);
  CHECK(std::string(st.c_str()).find("cannot start pct") != std::string::npos);
  uv_run(&l.loop, UV_RUN_NOWAIT);
  CHECK(l.runner.busy() == 0);
  CHECK_FALSE(o.called);
}

TEST_CASE("runner: slots are fixed; a full runner refuses, a finished slot is reused") {
  BinDir bin;
  Loop l(bin.path, 2);
  Outcome a, b, c, d;
  REQUIRE(run(l, {"lxc-start", "-n", "a"}, 300, a));
  REQUIRE(run(l, {"lxc-start", "-n", "b"}, 300, b));
  Status st = run(l, {"lxc-info", "-n", "c"}, 1000, c);
  CHECK_FALSE(st);
  CHECK(std::string(st.c_str()).find("all 2 command slots busy") != std::string::npos);
  l.wait(a);
  l.wait(b);
  for (int i = 0; i < 5 && l.runner.busy() > 0; ++i) uv_run(&l.loop, UV_RUN_NOWAIT);
  CHECK(l.runner.busy() == 0);
  REQUIRE(run(l, {"lxc-info", "-n", "c"}, 1000, c));
  REQUIRE(run(l, {"lxc-info", "-n", "d"}, 1000, d));
  l.wait(c);
  l.wait(d);
  CHECK(c.r.ok());
  CHECK(d.r.ok());
}

TEST_CASE("runner: close() abandons running children without a callback") {
  BinDir bin;
  Outcome o;
  {
    Loop l(bin.path);
    REQUIRE(run(l, {"lxc-start", "-n", "a"}, 60000, o));
    uv_run(&l.loop, UV_RUN_NOWAIT);
  }  // close + loop drained in ~Loop: returns at once, not after 30 s
  CHECK_FALSE(o.called);
}
