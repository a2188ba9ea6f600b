// cpufreq, schedstat, cpu info/isolated/online, interrupts, stat softirq,
// processes, powersupplyclass, openwrt and timex: parsers fed real and
// hostile text, collectors run over scratch trees.
#include <doctest/doctest.h>

#include <string>

#include "collect/host/cpu_list_parse.hpp"
#include "collect/host/cpuinfo_parse.hpp"
#include "collect/host/host.hpp"
#include "collect/host/interrupts_parse.hpp"
#include "collect/host/openwrt_parse.hpp"
#include "collect/host/processes_parse.hpp"
#include "collect/host/schedstat_parse.hpp"
#include "collect/host/timex_values.hpp"
#include "collector_harness.hpp"

using namespace edgestat;
using namespace edgestat::test;

TEST_CASE("test_system_collectors: cpu lists") {
  uint32_t c[16];
  CHECK(parse_cpu_list("0-3,8,10-11\n", c, 16) == 7);
  CHECK((c[0] == 0 && c[3] == 3 && c[4] == 8 && c[6] == 11));
  CHECK(parse_cpu_list("\n", c, 16) == 0);
  CHECK(parse_cpu_list("", c, 16) == 0);
  CHECK(parse_cpu_list("3-1", c, 16) == SIZE_MAX);
  CHECK(parse_cpu_list("1-", c, 16) == SIZE_MAX);
  CHECK(parse_cpu_list("a", c, 16) == SIZE_MAX);
  CHECK(parse_cpu_list("0-4095", c, 16) == SIZE_MAX);  // capacity
  CHECK(parse_cpu_list("99999", c, 16) == SIZE_MAX);
  CHECK(cpu_list_contains("2-3", 3));
  CHECK_FALSE(cpu_list_contains("2-3", 4));
  CHECK_FALSE(cpu_list_contains("", 0));
}

TEST_CASE("test_system_collectors: cpufreq over a Pi's tree, unsupported without cpufreq") {
  TempTree t;
  for (int i = 0; i < 2; ++i) {
    std::string d = "sys/devices/system/cpu/cpu" + std::to_string(i) + "/cpufreq/";
    t.write(d + "cpuinfo_max_freq", "1800000\n");
    t.write(d + "scaling_cur_freq", "600000\n");
    t.write(d + "scaling_governor", "ondemand\n");
    t.write(d + "scaling_available_governors", "ondemand performance \n");
  }
  t.mkdir("sys/devices/system/cpu/cpufreq");  // the policy directory is not a CPU
  t.write("sys/devices/system/cpu/cpu2/online", "0\n");  // no cpufreq: skipped
  t.write("sys/devices/system/cpu/offline", "1\n");
  Run r(collect_cpufreq, {{"path.sysfs", t.path("sys")}});
  REQUIRE_MESSAGE(r.ok, r.err);
  CHECK(r.has("# HELP node_cpu_scaling_frequency_hertz Current scaled CPU thread frequency in hertz."));
  CHECK(r.has("node_cpu_scaling_frequency_hertz{cpu=\"0\"} 6e+08"));
  CHECK(r.has("node_cpu_frequency_max_hertz{cpu=\"0\"} 1.8e+09"));
  CHECK(r.has("node_cpu_scaling_governor{cpu=\"0\",governor=\"ondemand\"} 1"));
  CHECK(r.has("node_cpu_scaling_governor{cpu=\"0\",governor=\"performance\"} 0"));
  CHECK(r.count("cpu=\"1\"") == 0);  // offline
  t.write("sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq", "fast\n");
  CHECK_FALSE(Run(collect_cpufreq, {{"path.sysfs", t.path("sys")}}).ok);
  TempTree none;
  none.mkdir("sys/devices/system/cpu/cpu0");
  Run u(collect_cpufreq, {{"path.sysfs", none.path("sys")}});
  CHECK_FALSE(u.ok);
  CHECK(u.err.find("no cpufreq") != std::string::npos);
}

TEST_CASE("test_system_collectors: schedstat lines") {
  SchedstatCpu c;
  REQUIRE(parse_schedstat_line("cpu0 498494191 0 3533438552 2553969831 3853684107 2465731542 2045936778163039 "
                               "343796328169361 4767485306",
                               &c));
  CHECK((c.cpu == "0" && c.running_ns == 2045936778163039ull && c.waiting_ns == 343796328169361ull &&
         c.timeslices == 4767485306ull));
  CHECK_FALSE(parse_schedstat_line("version 15", &c));
  CHECK_FALSE(parse_schedstat_line("domain0 03 0 0 0", &c));
  CHECK_FALSE(parse_schedstat_line("cpu1 1 2 3", &c));                       // truncated
  CHECK_FALSE(parse_schedstat_line("cpu1  0 0 0 0 0 0 1 2 3", &c));          // two blanks: no match
  CHECK_FALSE(parse_schedstat_line("cpu1 0 0 0 0 0 0 99999999999999999999 2 3", &c));  // overflow
  TempTree t;
  t.write("proc/schedstat", "version 15\ntimestamp 1\ncpu0 0 0 0 0 0 0 2000000000 1000000000 7\ndomain0 1 2\n");
  Run r(collect_schedstat, t.root + "/proc");
  REQUIRE_MESSAGE(r.ok, r.err);
  CHECK(r.has("node_schedstat_running_seconds_total{cpu=\"0\"} 2"));
  CHECK(r.has("node_schedstat_waiting_seconds_total{cpu=\"0\"} 1"));
  CHECK(r.has("node_schedstat_timeslices_total{cpu=\"0\"} 7"));
}

TEST_CASE("test_system_collectors: cpuinfo x86, arm64, MIPS and hostile") {
  CpuInfoEntry e[8];
  CpuInfoError err;
  std::string_view bad;
  size_t n = parse_cpuinfo(
      "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 26\nmodel\t\t: 2\nmodel name\t: AMD EPYC\n"
      "stepping\t: 1\nmicrocode\t: 0x1000065\ncpu MHz\t\t: 2596.122\ncache size\t: 1024 KB\nphysical id\t: 0\n"
      "core id\t\t: 0\nflags\t\t: fpu sse sse2\nbugs\t\t: sysret_ss_attrs spectre_v1\npower management:\n\n"
      "processor\t: 1\nmodel name\t: AMD EPYC\n",
      e, 8, &err, &bad);
  REQUIRE(err == CpuInfoError::None);
  REQUIRE(n == 2);
  CHECK((e[0].vendor == "AuthenticAMD" && e[0].family == "26" && e[0].cache_size == "1024 KB" && e[0].mhz > 2596));
  CHECK(e[0].flags == "fpu sse sse2");
  CHECK(e[0].bugs == "sysret_ss_attrs spectre_v1");
  n = parse_cpuinfo("processor\t: 0\nBogoMIPS\t: 108.00\nFeatures\t: fp asimd crc32\nCPU revision\t: 3\n\n"
                    "processor\t: 1\nFeatures\t: fp asimd crc32\n",
                    e, 8, &err, &bad);
  REQUIRE(n == 2);
  CHECK(e[1].flags == "fp asimd crc32");  // ARM Features are every CPU's flags
  n = parse_cpuinfo("Processor\t: ARMv6-compatible processor rev 7 (v6l)\nBogoMIPS\t: 697.95\n", e, 8, &err, &bad);
  REQUIRE(n == 1);
  CHECK(e[0].model_name == "ARMv6-compatible processor rev 7 (v6l)");
  parse_cpuinfo("system type\t: MT7621\nprocessor\t: 0\n", e, 8, &err, &bad);
  CHECK(err == CpuInfoError::NoProcessorLine);  // procfs's x86/ARM parsers refuse this first line
  parse_cpuinfo("processor\t: zero\n", e, 8, &err, &bad);
  CHECK(err == CpuInfoError::BadNumber);
  parse_cpuinfo("processor\t: 0\ncpu MHz\t\t: fast\n", e, 8, &err, &bad);
  CHECK(err == CpuInfoError::BadNumber);
  parse_cpuinfo("processor\t: 0\nprocessor\t: 1\n", e, 1, &err, &bad);
  CHECK(err == CpuInfoError::TooManyCpus);
  parse_cpuinfo("", e, 8, &err, &bad);
  CHECK(err == CpuInfoError::NoProcessorLine);
}

TEST_CASE("test_system_collectors: cpu info, flags/bugs filters, isolated and online") {
  TempTree t;
  t.write("proc/stat", "cpu  1 0 1 1 0 0 0 0 0 0\ncpu0 1 0 1 1 0 0 0 0 0 0\ncpu1 1 0 1 1 0 0 0 0 0 0\n");
  t.write("proc/cpuinfo",
          "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Xeon \"Gold\"\ncpu MHz\t\t: 2000.0\n"
          "physical id\t: 0\ncore id\t\t: 0\nflags\t\t: fpu avx avx2 sse\nbugs\t\t: spectre_v1 mds\n\n"
          "processor\t: 1\nvendor_id\t: GenuineIntel\nphysical id\t: 0\ncore id\t\t: 1\n");
  t.write("sys/devices/system/cpu/isolated", "1\n");
  t.write("sys/devices/system/cpu/cpu0/online", "1\n");
  t.write("sys/devices/system/cpu/cpu1/online", "0\n");
  Run plain(collect_cpu, t.path("proc"), t.path("sys"));
  REQUIRE_MESSAGE(plain.ok, plain.err);
  CHECK_FALSE(plain.contains("node_cpu_info"));  // off by default
  CHECK(plain.has("node_cpu_isolated{cpu=\"1\"} 1"));
  CHECK(plain.has("node_cpu_online{cpu=\"0\"} 1"));
  CHECK(plain.has("node_cpu_online{cpu=\"1\"} 0"));
  Run info(collect_cpu, {{"path.procfs", t.path("proc")},
                         {"path.sysfs", t.path("sys")},
                         {"collector.cpu.info", "true"},
                         {"collector.cpu.info.flags-include", "^avx"},
                         {"collector.cpu.info.bugs-include", "mds"}});
  REQUIRE_MESSAGE(info.ok, info.err);
  CHECK(info.has("node_cpu_info{cachesize=\"\",core=\"0\",cpu=\"0\",family=\"\",microcode=\"\",model=\"\","
                 "model_name=\"Xeon \\\"Gold\\\"\",package=\"0\",stepping=\"\",vendor=\"GenuineIntel\"} 1"));
  CHECK(info.has("node_cpu_flag_info{flag=\"avx\"} 1"));
  CHECK(info.has("node_cpu_flag_info{flag=\"avx2\"} 1"));
  CHECK_FALSE(info.contains("flag=\"sse\""));
  CHECK(info.has("node_cpu_bug_info{bug=\"mds\"} 1"));
  CHECK(info.has("node_cpu_frequency_hertz{core=\"0\",cpu=\"0\",package=\"0\"} 2e+09"));  // cpufreq is on
  // Only an include regex: cpu.info turns itself on, as in node_exporter.
  Run implied(collect_cpu, {{"path.procfs", t.path("proc")}, {"collector.cpu.info.bugs-include", "."}});
  CHECK(implied.contains("node_cpu_info{"));
  t.write("proc/cpuinfo", "garbage\n");
  CHECK_FALSE(Run(collect_cpu, {{"path.procfs", t.path("proc")}, {"collector.cpu.info", "true"}}).ok);
}

TEST_CASE("test_system_collectors: interrupts lines and collector") {
  static InterruptLine l;
  char info[64], dev[64];
  REQUIRE(parse_interrupts_header("           CPU0       CPU1\n") == 2);
  REQUIRE(parse_interrupts_line("  0:         44          0   IO-APIC   2-edge      timer", 2, &l, info, 64, dev, 64));
  CHECK((l.name == "0" && l.values[0] == "44" && l.values[1] == "0" && l.info == "IO-APIC" &&
         l.devices == "2-edge timer"));
  REQUIRE(parse_interrupts_line("NMI:          0          0   Non-maskable interrupts", 2, &l, info, 64, dev, 64));
  CHECK((l.name == "NMI" && l.info == "Non-maskable interrupts" && l.devices.empty()));
  CHECK_FALSE(parse_interrupts_line("ERR:          0", 2, &l, info, 64, dev, 64));
  CHECK_FALSE(parse_interrupts_line("no colon here", 2, &l, info, 64, dev, 64));
  REQUIRE(parse_interrupts_line(" 9: 1 2 IO-APIC " + std::string(200, 'x'), 2, &l, info, 64, dev, 64));
  CHECK(l.devices.size() == 64);  // cut at the buffer
  TempTree t;
  t.write("proc/interrupts",
          "           CPU0       CPU1\n  0:         44          0   IO-APIC   2-edge      timer\n"
          "LOC:     657888     500000   Local timer interrupts\nERR:          0\n");
  Run r(collect_interrupts, t.root + "/proc");
  REQUIRE_MESSAGE(r.ok, r.err);
  CHECK(r.has("# HELP node_interrupts_total Interrupt details."));
  CHECK(r.has("node_interrupts_total{cpu=\"0\",devices=\"2-edge timer\",info=\"IO-APIC\",type=\"0\"} 44"));
  CHECK(r.has("node_interrupts_total{cpu=\"1\",devices=\"\",info=\"Local timer interrupts\",type=\"LOC\"} 500000"));
  Run nz(collect_interrupts, {{"path.procfs", t.path("proc")}, {"collector.interrupts.include-zeros", "false"}});
  CHECK(nz.count("node_interrupts_total{") == 3);
  Run ex(collect_interrupts, {{"path.procfs", t.path("proc")}, {"collector.interrupts.name-exclude", "^LOC;"}});
  CHECK(ex.count("type=\"LOC\"") == 0);
  t.write("proc/interrupts", "           CPU0\n  0:  4x4  IO-APIC 2-edge timer\n");
  CHECK_FALSE(Run(collect_interrupts, t.root + "/proc").ok);
  t.write("proc/interrupts", "");
  CHECK_FALSE(Run(collect_interrupts, t.root + "/proc").ok);
}

TEST_CASE("test_system_collectors: stat softirq vectors") {
  TempTree t;
  t.write("proc/stat", "ctxt 5\nbtime 1\nsoftirq 100 1 2 3 4 5 6 7 8 9 10\n");
  Run off(collect_stat, t.root + "/proc");
  CHECK_FALSE(off.contains("softirqs"));
  Run on(collect_stat, {{"path.procfs", t.path("proc")}, {"collector.stat.softirq", "true"}});
  REQUIRE_MESSAGE(on.ok, on.err);
  CHECK(on.has("# HELP node_softirqs_total Number of softirq calls."));
  CHECK(on.has("node_softirqs_total{vector=\"hi\"} 1"));
  CHECK(on.has("node_softirqs_total{vector=\"block_iopoll\"} 6"));
  CHECK(on.has("node_softirqs_total{vector=\"rcu\"} 10"));
  t.write("proc/stat", "ctxt 5\nbtime 1\nsoftirq 100 1 2\n");
  CHECK_FALSE(Run(collect_stat, {{"path.procfs", t.path("proc")}, {"collector.stat.softirq", "true"}}).ok);
  CHECK(Run(collect_stat, t.root + "/proc").ok);
}

// One collection reads /proc/stat once: the cpu collector leaves the
// summary lines for the stat collector of the same collection
// (CollectContext::generation), and a later collection reads afresh.
TEST_CASE("test_system_collectors: stat reuses the cpu collector's /proc/stat read within one collection") {
  TempTree t;
  t.write("proc/stat", "cpu  1 2 3 4 5 6 7 8 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\nctxt 5\nbtime 1\n");
  static Config c;
  load_config(c, {{"path.procfs", t.path("proc")}, {"path.sysfs", t.path("sys")}});
  static Snapshot s;
  static bool init = false;
  if (!init) {
    REQUIRE(s.init(SnapshotLimits{}));
    init = true;
  }
  static char scratch[kScratchBytes];
  auto ctxt = [&](CollectFn fn, uint64_t generation) {
    s.clear();
    CollectContext ctx{c, s, scratch, sizeof scratch, generation};
    Status st = fn(ctx);
    REQUIRE_MESSAGE(st.is_ok(), std::string(st.message()));
    s.finish();
    double v = -1;
    s.value("node_context_switches_total", "", &v);
    return v;
  };
  // Far from run_collectors' own numbering, which other tests advance.
  const uint64_t g = uint64_t{1} << 60;
  ctxt(collect_cpu, g);
  t.write("proc/stat", "cpu  1 2 3 4 5 6 7 8 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\nctxt 9\nbtime 1\n");
  CHECK(ctxt(collect_stat, g) == 5);      // the cpu collector's read, not a second one
  CHECK(ctxt(collect_stat, g + 1) == 9);  // the next collection reads the file
  CHECK(ctxt(collect_stat, 0) == 9);      // outside run_collectors: always its own read
  // A cpu collector whose read failed leaves nothing: stat reads itself.
  t.write("proc/stat", "ctxt 11\nbtime 1\n");
  c.path.procfs.assign(t.path("nowhere"));
  s.clear();
  CollectContext bad{c, s, scratch, sizeof scratch, g + 2};
  CHECK_FALSE(collect_cpu(bad).is_ok());
  c.path.procfs.assign(t.path("proc"));
  CHECK(ctxt(collect_stat, g + 2) == 11);
}

TEST_CASE("test_system_collectors: processes") {
  PidStat s;
  REQUIRE(parse_pid_stat("1 (sys temd) S 0 1 1 0 -1 4194560 1 2 3 4 5 6 7 8 20 0 7 0 1 2 3", &s));
  CHECK((s.state == "S" && s.num_threads == 7));
  REQUIRE(parse_pid_stat("2 (a) b)) R 0 1 1 0 -1 4194560 1 2 3 4 5 6 7 8 20 0 1 0", &s));
  CHECK(s.state == "R");
  CHECK_FALSE(parse_pid_stat("3 (x) S 0 1", &s));  // truncated
  CHECK_FALSE(parse_pid_stat("no parens", &s));
  TempTree t;
  t.write("proc/sys/kernel/threads-max", "1000\n");
  t.write("proc/sys/kernel/pid_max", "32768\n");
  const std::string st = " 0 1 1 0 -1 4194560 1 2 3 4 5 6 7 8 20 0 2 0 1 2 3\n";
  t.write("proc/1/stat", "1 (init) S" + st);
  t.write("proc/1/task/1/stat", "1 (init) S" + st);
  t.write("proc/1/task/5/stat", "5 (init) D" + st);
  t.write("proc/7/stat", "7 (kworker) I 0 1 1 0 -1 4194560 1 2 3 4 5 6 7 8 20 0 1 0 1 2 3\n");
  t.mkdir("proc/7/task/7");
  t.mkdir("proc/9");  // exited while listed: skipped
  Run r(collect_processes, t.root + "/proc");
  REQUIRE_MESSAGE(r.ok, r.err);
  CHECK(r.has("node_processes_pids 2"));
  CHECK(r.has("node_processes_threads 3"));
  CHECK(r.has("node_processes_max_threads 1000"));
  CHECK(r.has("node_processes_max_processes 32768"));
  CHECK(r.has("node_processes_state{state=\"I\"} 1"));
  CHECK(r.has("node_processes_state{state=\"S\"} 1"));
  CHECK(r.has("node_processes_threads_state{thread_state=\"D\"} 1"));
  CHECK(r.has("node_processes_threads_state{thread_state=\"I\"} 1"));
  CHECK(r.has("node_processes_threads_state{thread_state=\"S\"} 1"));
  t.write("proc/7/stat", "7 (kworker) I 0\n");
  CHECK_FALSE(Run(collect_processes, t.root + "/proc").ok);
}

TEST_CASE("test_system_collectors: power supplies") {
  TempTree t;
  const std::string d = "sys/devices/platform/bat/power_supply/BAT0/";
  for (auto [f, v] : {std::pair{"type", "Battery"}, {"status", "Charging"}, {"capacity", "42"},
                      {"voltage_now", "12500000"}, {"current_now", "-1500000"}, {"temp", "315"},
                      {"energy_now", "not a number"}, {"model_name", "X\xff"}, {"uevent", "POWER_SUPPLY_NAME=BAT0"}})
    t.write(d + f, std::string(v) + "\n");
  t.symlink("../../devices/platform/bat/power_supply/BAT0", "sys/class/power_supply/BAT0");
  t.write("sys/class/power_supply/AC/online", "1\n");
  Run r(collect_powersupply, {{"path.sysfs", t.path("sys")}});
  REQUIRE_MESSAGE(r.ok, r.err);
  CHECK(r.has("# HELP node_power_supply_capacity capacity value of /sys/class/power_supply/<power_supply>."));
  CHECK(r.has("node_power_supply_capacity{power_supply=\"BAT0\"} 42"));
  CHECK(r.has("node_power_supply_voltage_volt{power_supply=\"BAT0\"} 12.5"));
  CHECK(r.has("node_power_supply_current_ampere{power_supply=\"BAT0\"} -1.5"));
  CHECK(r.has("node_power_supply_temp_celsius{power_supply=\"BAT0\"} 31.5"));
  CHECK_FALSE(r.contains("energy_watthour"));  // unparsable: left out
  CHECK(r.has("node_power_supply_info{model_name=\"X\xef\xbf\xbd\",power_supply=\"BAT0\",status=\"Charging\","
              "type=\"Battery\"} 1"));
  CHECK(r.has("node_power_supply_online{power_supply=\"AC\"} 1"));
  CHECK(r.has("node_power_supply_info{power_supply=\"AC\"} 1"));
  Run ig(collect_powersupply, {{"path.sysfs", t.path("sys")}, {"collector.powersupply.ignored-supplies", "^BAT"}});
  CHECK_FALSE(ig.contains("BAT0"));
}

TEST_CASE("test_system_collectors: node_openwrt_info") {
  OpenwrtRelease r;
  parse_openwrt_release("DISTRIB_ID='OpenWrt'\ndistrib_release=\"23.05.3\"\nDISTRIB_REVISION=r1\nnoequals\n"
                        "DISTRIB_TARGET='ramips/mt7621'\n",
                        &r);
  CHECK((r.id == "OpenWrt" && r.release == "23.05.3" && r.revision == "r1" && r.target == "ramips/mt7621"));
  CHECK(sysinfo_first_line("Xiaomi Mi Router 3G\nsecond") == "Xiaomi Mi Router 3G");
  CHECK(sysinfo_first_line(std::string_view("Raspberry Pi 4\0", 15)) == "Raspberry Pi 4");
  FixedString<128> s;
  openwrt_system("system type\t\t: MediaTek MT7621 ver:1 eco:3\nprocessor\t\t: 0\n", "mips", &s);
  CHECK(s == "MediaTek MT7621 ver:1 eco:3");
  openwrt_system("processor\t: 0\nBogoMIPS\t: 108.00\nCPU revision\t: 3\n", "aarch64", &s);
  CHECK(s == "ARMv8 Processor rev 3");
  openwrt_system("processor\t: 0\nmodel name\t: ARMv7 Processor rev 5 (v7l)\nCPU revision\t: 5\n", "armv7l", &s);
  CHECK(s == "ARMv7 Processor rev 5 (v7l)");
  openwrt_system("processor\t: 0\nisa\t\t: rv64imafdc\n", "riscv64", &s);
  CHECK(s == "RISC-V (rv64imafdc)");
  openwrt_system("", "x86_64", &s);
  CHECK(s == "x86_64");
  TempTree t;
  t.write("root/etc/openwrt_release", "DISTRIB_ID='OpenWrt'\nDISTRIB_RELEASE='24.10.0'\nDISTRIB_REVISION='r28427'\n"
                                      "DISTRIB_TARGET='mediatek/filogic'\n");
  t.write("root/tmp/sysinfo/board_name", "bananapi,bpi-r4\n");
  t.write("proc/device-tree/model", std::string("Bananapi BPI-R4\0", 16));
  t.write("proc/cpuinfo", "processor\t: 0\nCPU revision\t: 4\n");
  Run o(collect_openwrt, {{"path.procfs", t.path("proc")}, {"path.rootfs", t.path("root")}});
  REQUIRE_MESSAGE(o.ok, o.err);
  CHECK(o.has("node_openwrt_info{board_name=\"bananapi,bpi-r4\",id=\"OpenWrt\",model=\"Bananapi BPI-R4\","
              "release=\"24.10.0\",revision=\"r28427\",system=\"ARMv8 Processor rev 4\",target=\"mediatek/filogic\"} 1"));
  TempTree debian;
  debian.mkdir("root/etc");
  Run d(collect_openwrt, {{"path.procfs", debian.path("proc")}, {"path.rootfs", debian.path("root")}});
  CHECK_FALSE(d.ok);  // not OpenWrt: unsupported here (ENOENT)
}

TEST_CASE("test_system_collectors: timex arithmetic as node_exporter's") {
  TimexRaw raw{};
  raw.state = 5;  // TIME_ERROR
  raw.status = 0x2000 | 0x40;  // STA_NANO | STA_UNSYNC
  raw.offset = -1500000;       // ns with STA_NANO
  raw.freq = 65536 * 10;       // 10 ppm
  raw.maxerror = 16000000;
  raw.tick = 10000;
  raw.jitter = 2000;
  raw.tai = 37;
  double v[kTimexValues];
  timex_values(raw, v);
  CHECK(v[0] == 0);  // not synchronised
  CHECK(v[1] == doctest::Approx(-0.0015));
  CHECK(v[2] == doctest::Approx(1.00001));
  CHECK(v[3] == 16);
  CHECK(v[7] == 0.01);
  CHECK(v[9] == doctest::Approx(2e-6));
  CHECK(v[16] == 37);
  raw.state = 0;
  raw.status = 0;  // microseconds
  timex_values(raw, v);
  CHECK(v[0] == 1);
  CHECK(v[1] == doctest::Approx(-1.5));
  Run r(collect_timex, {});
  REQUIRE_MESSAGE(r.ok, r.err);
  CHECK(r.contains("# TYPE node_timex_pps_calibration_total counter"));
  CHECK(r.contains("node_timex_sync_status "));
}
