// Tests for the diskstats collector: /proc/diskstats lines of every kernel
// layout, udev database entries, and the collector end to end (units,
// only the counters the kernel has, node_exporter's default excludes).
#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "collect/host/host.hpp"
#include "collect/host/diskstats_parse.hpp"
#include "collector_harness.hpp"

using namespace edgestat;
using namespace edgestat::test;

TEST_CASE("diskstats: a Linux 5.5+ line has 17 counters") {
  DiskstatsLine d;
  REQUIRE(parse_diskstats_line(" 254       0 vda 37460 7659 2990818 10164 18741 37751 4120744 9617 0 8172 21683 5599 "
                               "68 190296 779 2855 1121",
                               &d) == DiskstatsParse::Ok);
  CHECK(d.major == 254);
  CHECK(d.minor == 0);
  CHECK(d.device == "vda");
  CHECK(d.nstats == 17);
  CHECK(d.stats[0] == 37460);
  CHECK(d.stats[2] == 2990818);
  CHECK(d.stats[10] == 21683);
  CHECK(d.stats[13] == 190296);
  CHECK(d.stats[16] == 1121);
}

TEST_CASE("diskstats: older layouts, extra fields, skipped and malformed lines") {
  DiskstatsLine d;
  // 4.18 to 5.4: discard fields, no flush fields.
  REQUIRE(parse_diskstats_line("   8       0 sda 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15", &d) == DiskstatsParse::Ok);
  CHECK(d.nstats == 15);
  CHECK(d.stats[14] == 15);
  CHECK(d.stats[15] == 0);
  // Before 4.18: 11 counters.
  REQUIRE(parse_diskstats_line("8 1 sda1 1 2 3 4 5 6 7 8 9 10 11", &d) == DiskstatsParse::Ok);
  CHECK(d.nstats == 11);
  CHECK(d.device == "sda1");
  // A future kernel's extra counters are ignored.
  REQUIRE(parse_diskstats_line("8 0 sda 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20", &d) ==
          DiskstatsParse::Ok);
  CHECK(d.nstats == 17);
  CHECK(d.stats[16] == 17);
  // Tabs separate fields as well as spaces.
  REQUIRE(parse_diskstats_line("8\t0\tsda\t1 2 3 4 5 6 7 8 9 10 11", &d) == DiskstatsParse::Ok);
  // The largest counter a kernel can print.
  REQUIRE(parse_diskstats_line("8 0 sda 18446744073709551615 2 3 4 5 6 7 8 9 10 11", &d) == DiskstatsParse::Ok);
  CHECK(d.stats[0] == 18446744073709551615ull);

  // Too few counters: pre-2.6.25 partition lines, truncated lines.
  CHECK(parse_diskstats_line("3 1 hda1 35486 38030 38030 38030", &d) == DiskstatsParse::Skip);
  CHECK(parse_diskstats_line("8 0 sda 1 2 3 4 5 6 7 8 9 10", &d) == DiskstatsParse::Skip);
  CHECK(parse_diskstats_line("8 0 sda", &d) == DiskstatsParse::Skip);
  CHECK(parse_diskstats_line("8 0", &d) == DiskstatsParse::Skip);
  CHECK(parse_diskstats_line("", &d) == DiskstatsParse::Skip);
  CHECK(parse_diskstats_line("   \t ", &d) == DiskstatsParse::Skip);

  // Not numbers where numbers belong.
  CHECK(parse_diskstats_line("x 0 sda 1 2 3 4 5 6 7 8 9 10 11", &d) == DiskstatsParse::Malformed);
  CHECK(parse_diskstats_line("8 y sda 1 2 3 4 5 6 7 8 9 10 11", &d) == DiskstatsParse::Malformed);
  CHECK(parse_diskstats_line("8 0 sda 1 2 3 4 5 x 7 8 9 10 11", &d) == DiskstatsParse::Malformed);
  CHECK(parse_diskstats_line("8 0 sda 1 2 3 4 5 -6 7 8 9 10 11", &d) == DiskstatsParse::Malformed);
  CHECK(parse_diskstats_line("8 0 sda 18446744073709551616 2 3 4 5 6 7 8 9 10 11", &d) == DiskstatsParse::Malformed);
  CHECK(parse_diskstats_line("4294967296 0 sda 1 2 3 4 5 6 7 8 9 10 11", &d) == DiskstatsParse::Malformed);
  CHECK(parse_diskstats_line("8 4294967296 sda 1 2 3 4 5 6 7 8 9 10 11", &d) == DiskstatsParse::Malformed);
}

TEST_CASE("diskstats: hostile lines never read past the view") {
  DiskstatsLine d;
  std::string huge(100000, '9');
  CHECK(parse_diskstats_line(huge, &d) == DiskstatsParse::Malformed);
  std::string many = "8 0 sda";
  for (int i = 0; i < 10000; ++i) many += " 1";
  REQUIRE(parse_diskstats_line(many, &d) == DiskstatsParse::Ok);
  CHECK(d.nstats == kDiskstatsMaxStats);
  // A view cut in the middle of a line stops at the cut.
  std::string_view full = "8 0 sda 1 2 3 4 5 6 7 8 9 10 11 12";
  REQUIRE(parse_diskstats_line(full.substr(0, full.size() - 3), &d) == DiskstatsParse::Ok);
  CHECK(d.nstats == 11);
  std::string nul("8 0 sd\0a 1 2 3 4 5 6 7 8 9 10 11", 32);
  CHECK(parse_diskstats_line(nul, &d) == DiskstatsParse::Ok);
}

TEST_CASE("udev: properties, last value wins, other record types ignored") {
  const char* text =
      "S:disk/by-id/ata-Samsung_SSD_860_EVO_500GB_S3Z1NB0K123456A\n"
      "L:0\n"
      "I:1804289\n"
      "E:ID_ATA=1\n"
      "E:ID_TYPE=disk\n"
      "E:ID_MODEL=Samsung_SSD_860_EVO_500GB\n"
      "E:ID_REVISION=RVT04B6Q\n"
      "E:ID_SERIAL=Samsung_SSD_860_EVO_500GB_S3Z1NB0K123456A\n"
      "E:ID_SERIAL_SHORT=S3Z1NB0K123456A\n"
      "E:ID_WWN=0x5002538e4098a7b2\n"
      "E:ID_PATH=pci-0000:00:1f.2-ata-1\n"
      "E:ID_ATA_WRITE_CACHE=1\n"
      "E:ID_ATA_WRITE_CACHE_ENABLED=1\n"
      "E:ID_ATA_ROTATION_RATE_RPM=0\n"
      "E:ID_FS_TYPE=ext4\n"
      "E:ID_FS_USAGE=filesystem\n"
      "E:ID_FS_UUID=6a3ee3b9-6f9b-4f84-9f1b-1c5e4c0c0f59\n"
      "E:ID_FS_VERSION=1.0\n"
      "E:ID_FS_LABEL=a=b=c\n"
      "E:NO_EQUALS_SIGN\n"
      "G:systemd\n"
      "E:ID_REVISION=RVT04B6Q-2\n"
      "Q:E:ID_MODEL=not a property\n";
  UdevInfo u;
  parse_udev_properties(text, &u);
  CHECK(u.id_model == "Samsung_SSD_860_EVO_500GB");
  CHECK(u.id_revision == "RVT04B6Q-2");  // the later line wins
  CHECK(u.id_wwn == "0x5002538e4098a7b2");
  CHECK(u.id_path == "pci-0000:00:1f.2-ata-1");
  CHECK(u.serial() == "S3Z1NB0K123456A");  // no SCSI_IDENT_SERIAL: ID_SERIAL_SHORT
  CHECK(u.id_ata == "1");
  CHECK(u.has_ata_rotation_rate_rpm);
  CHECK(u.id_ata_rotation_rate_rpm == "0");
  CHECK(u.has_ata_write_cache_enabled);
  CHECK(u.id_fs_type == "ext4");
  CHECK(u.id_fs_uuid == "6a3ee3b9-6f9b-4f84-9f1b-1c5e4c0c0f59");
  CHECK(u.dm_name.empty());

  parse_udev_properties("E:SCSI_IDENT_SERIAL=ZA1234\nE:ID_SERIAL_SHORT=other\nE:DM_NAME=vg0-root\nE:DM_LV_NAME=root",
                        &u);
  CHECK(u.serial() == "ZA1234");
  CHECK(u.dm_name == "vg0-root");
  CHECK(u.dm_lv_name == "root");
  CHECK(u.id_model.empty());  // reset between calls
  CHECK_FALSE(u.has_ata_write_cache);

  parse_udev_properties("E:ID_ATA_WRITE_CACHE=\r\n\n\nE:=x\nE:\n", &u);
  CHECK(u.has_ata_write_cache);
  CHECK(u.id_ata_write_cache == "\r");
  parse_udev_properties("", &u);
  CHECK(u.serial().empty());
}

TEST_CASE("diskstats collector: units, present counters only, default excludes") {
  TempTree t;
  // Major 4095 keeps any udev entry of the machine running the test out.
  t.write("proc/diskstats",
          "   7       0 loop0 5 0 10 1 0 0 0 0 0 1 1 0 0 0 0 0 0\n"
          " 4095       0 zram0 9 0 72 0 1 0 8 0 0 0 0 0 0 0 0 0 0\n"
          " 4095       1 ram1 1 0 1 0 0 0 0 0 0 0 0\n"
          " 4095       2 sda 1812 2210 97880 3928 5420 8114 331524 64112 0 44780 68870 0 0 0 0 611 830\n"
          " 4095       3 sda1 1748 2210 97372 3802 5420 8114 331524 64112 0 44512 67914 0 0 0 0 0 0\n"
          " 4095       4 nvme0n1 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15\n"
          " 4095       5 nvme0n1p1 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15\n"
          " 4095       6 mmcblk0 48712 21334 3912846 187332 412877 391220 14377528 2817465 3 1284772 3104797\n"
          " 4095       7 mmcblk0p1 4 0 4 0\n");
  Run r(collect_diskstats, {{"path.procfs", t.path("proc")}, {"path.sysfs", t.path("sys")}, {"path.udev.data", t.path("udev")}});
  INFO(r.err, "\n", r.text);
  REQUIRE(r.ok);
  // loop, zram, ram, sdX1 and nvme partitions are node_exporter's default excludes.
  for (const char* gone : {"loop0", "zram0", "ram1", "sda1", "nvme0n1p1", "mmcblk0p1"}) {
    INFO(gone);
    CHECK(r.count(std::string("device=\"") + gone + "\"") == 0);
  }
  CHECK(r.has("# TYPE node_disk_read_bytes_total counter"));
  CHECK(r.has("# TYPE node_disk_io_now gauge"));
  CHECK(r.has("node_disk_info{device=\"sda\",major=\"4095\",minor=\"2\",model=\"\",path=\"\",revision=\"\","
              "rotational=\"0\",serial=\"\",wwn=\"\"} 1"));
  CHECK(r.has("node_disk_reads_completed_total{device=\"sda\"} 1812"));
  CHECK(r.has("node_disk_reads_merged_total{device=\"sda\"} 2210"));
  CHECK(r.has("node_disk_read_bytes_total{device=\"sda\"} 5.011456e+07"));  // 97880 x 512
  CHECK(r.has("node_disk_read_time_seconds_total{device=\"sda\"} 3.928"));
  CHECK(r.has("node_disk_writes_completed_total{device=\"sda\"} 5420"));
  CHECK(r.has("node_disk_writes_merged_total{device=\"sda\"} 8114"));
  CHECK(r.has("node_disk_written_bytes_total{device=\"sda\"} 1.69740288e+08"));  // 331524 x 512
  CHECK(r.has("node_disk_write_time_seconds_total{device=\"sda\"} 64.112"));
  CHECK(r.has("node_disk_io_now{device=\"sda\"} 0"));
  CHECK(r.has("node_disk_io_time_seconds_total{device=\"sda\"} 44.78"));
  CHECK(r.has("node_disk_io_time_weighted_seconds_total{device=\"sda\"} 68.87"));
  CHECK(r.has("node_disk_discards_completed_total{device=\"sda\"} 0"));
  CHECK(r.has("node_disk_discarded_sectors_total{device=\"sda\"} 0"));
  CHECK(r.has("node_disk_flush_requests_total{device=\"sda\"} 611"));
  // 830 x 0.001 in float64, digit for digit what node_exporter prints.
  CHECK(r.has("node_disk_flush_requests_time_seconds_total{device=\"sda\"} 0.8300000000000001"));
  // 15 counters: discards, no flushes.
  CHECK(r.has("node_disk_discard_time_seconds_total{device=\"nvme0n1\"} 0.015"));
  CHECK(r.count("node_disk_flush_requests_total{device=\"nvme0n1\"}") == 0);
  // 11 counters: neither.
  CHECK(r.has("node_disk_io_now{device=\"mmcblk0\"} 3"));
  CHECK(r.has("node_disk_io_time_weighted_seconds_total{device=\"mmcblk0\"} 3104.797"));
  CHECK(r.count("{device=\"mmcblk0\"}") == 11);
  // 4 discard families, each with HELP, TYPE, nvme0n1 and sda lines.
  CHECK(r.count("node_disk_discard") == 4 * 4);
  CHECK(r.count("node_disk_filesystem_info") == 0);
}

TEST_CASE("diskstats collector: a custom exclude, an empty one, errors") {
  TempTree t;
  t.write("proc/diskstats", "7 0 loop0 5 0 10 1 0 0 0 0 0 1 1\n4095 9 sdb 1 2 3 4 5 6 7 8 9 10 11\n");
  {
    Run r(collect_diskstats, {{"path.procfs", t.path("proc")}, {"path.sysfs", t.path("sys")}, {"path.udev.data", t.path("udev")}, {"collector.diskstats.device-exclude", "^sd"}});
    REQUIRE(r.ok);
    CHECK(r.has("node_disk_reads_completed_total{device=\"loop0\"} 5"));
    CHECK(r.count("sdb") == 0);
  }
  {
    // An empty pattern is "no filter", not "match everything".
    Run r(collect_diskstats, {{"path.procfs", t.path("proc")}, {"path.sysfs", t.path("sys")}, {"path.udev.data", t.path("udev")}, {"collector.diskstats.device-exclude", ""}});
    REQUIRE(r.ok);
    CHECK(r.has("node_disk_reads_completed_total{device=\"loop0\"} 5"));
    CHECK(r.has("node_disk_reads_completed_total{device=\"sdb\"} 1"));
  }
  t.write("proc/diskstats", "4095 9 sdb 1 2 3 4 5 6 7 8 9 10 11\n4095 10 sdc 1 2 3 x 5 6 7 8 9 10 11\n");
  {
    Run r(collect_diskstats, {{"path.procfs", t.path("proc")}, {"path.sysfs", t.path("sys")}, {"path.udev.data", t.path("udev")}});
    CHECK_FALSE(r.ok);
    CHECK(r.err.find("diskstats:2: malformed line") != std::string::npos);
  }
  t.write("proc/diskstats", "");
  {
    Run r(collect_diskstats, {{"path.procfs", t.path("proc")}, {"path.sysfs", t.path("sys")}, {"path.udev.data", t.path("udev")}});
    CHECK(r.ok);  // no block devices (a container): nothing to report
  }
  {
    Run r(collect_diskstats, {{"path.procfs", t.path("nonexistent")}});
    CHECK_FALSE(r.ok);
    CHECK(r.err.find("No such file") != std::string::npos);
  }
}

TEST_CASE("test_diskstats: udev labels from path.udev.data, rotational from sysfs (node_exporter 1.12)") {
  TempTree t;
  t.write("proc/diskstats", "   8       0 sda 10 0 20 5 1 0 8 2 0 7 7 0 0 0 0 0 0\n");
  t.write("sys/block/sda/queue/rotational", "1\n");
  t.write("udev/b8:0",
          "S:disk/by-id/ata-X\nE:ID_ATA=1\nE:ID_ATA_ROTATION_RATE_RPM=7200\nE:ID_ATA_WRITE_CACHE=1\n"
          "E:ID_ATA_WRITE_CACHE_ENABLED=0\nE:ID_MODEL=WDC_WD40\nE:ID_PATH=pci-0000:00:17.0-ata-1\n"
          "E:ID_REVISION=82.00A82\nE:ID_SERIAL=WDC_WD40_WD-1\nE:ID_SERIAL_SHORT=WD-1\nE:ID_WWN=0x50014ee\n"
          "E:ID_FS_TYPE=ext4\nE:ID_FS_USAGE=filesystem\nE:ID_FS_UUID=abcd\nE:ID_FS_VERSION=1.0\n");
  Run r(collect_diskstats, {{"path.procfs", t.path("proc")}, {"path.sysfs", t.path("sys")},
                            {"path.udev.data", t.path("udev")}, {"collector.diskstats.device-exclude", "^$"}});
  REQUIRE_MESSAGE(r.ok, r.err);
  CHECK(r.has("node_disk_info{device=\"sda\",major=\"8\",minor=\"0\",model=\"WDC_WD40\","
              "path=\"pci-0000:00:17.0-ata-1\",revision=\"82.00A82\",rotational=\"1\",serial=\"WD-1\","
              "wwn=\"0x50014ee\"} 1"));
  CHECK(r.has("node_disk_ata_rotation_rate_rpm{device=\"sda\"} 7200"));
  CHECK(r.has("node_disk_ata_write_cache{device=\"sda\"} 1"));
  CHECK(r.has("node_disk_ata_write_cache_enabled{device=\"sda\"} 0"));
  CHECK(r.has("node_disk_filesystem_info{device=\"sda\",type=\"ext4\",usage=\"filesystem\",uuid=\"abcd\","
              "version=\"1.0\"} 1"));
}
