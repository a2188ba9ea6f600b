#!/bin/bash
# Writes the seed corpora of the selector-byte fuzz targets from the
# captured fixtures (tests/fixtures/*): each seed is the selector byte of
# the parser that reads that file, then the file. Re-run after adding
# fixtures; the output is committed (tests/fuzz/corpus/<target>/).
#   tests/fuzz/make_seeds.sh
set -euo pipefail
cd "$(dirname "$0")"
fx=../fixtures

# seed TARGET SELECTOR NAME FILE...: one seed from the files concatenated.
seed() {
  local target=$1 sel=$2 name=$3
  shift 3
  local f
  for f in "$@"; do [ -f "$f" ] || return 0; done
  mkdir -p "corpus/$target"
  { printf "\\$(printf '%03o' "$sel")"; cat "$@"; } | head -c 16384 >"corpus/$target/$name"
}
# seedtext TARGET SELECTOR NAME TEXT: a hand-made seed.
seedtext() {
  mkdir -p "corpus/$1"
  { printf "\\$(printf '%03o' "$2")"; printf '%b' "$4"; } >"corpus/$1/$3"
}

# proc_parsers (selectors: fuzz_proc_parsers.cpp kParsers)
for m in vm rpi openwrt lxc-v1; do
  p=$fx/$m/proc
  seed proc_parsers 0 cpu-$m $p/stat
  seed proc_parsers 1 stat-$m $p/stat
  seed proc_parsers 2 meminfo-$m $p/meminfo
  seed proc_parsers 3 loadavg-$m $p/loadavg
  seed proc_parsers 3 filenr-$m $p/sys/fs/file-nr
  seed proc_parsers 4 diskstats-$m $p/diskstats
  seed proc_parsers 6 netdev-$m $p/net/dev
  seed proc_parsers 8 mountinfo-$m $p/self/mountinfo
  seed proc_parsers 9 psi-cpu-$m $p/pressure/cpu
  seed proc_parsers 9 psi-memory-$m $p/pressure/memory
  seed proc_parsers 10 vmstat-$m $p/vmstat
  seed proc_parsers 11 conntrack-$m $p/net/stat/nf_conntrack
  seed proc_parsers 13 osrelease-$m $p/sys/kernel/osrelease
  seed proc_parsers 13 version-$m $p/sys/kernel/version
  cs=$fx/$m/sys/devices/system/clocksource/clocksource0
  seed proc_parsers 12 clocksource-avail-$m $cs/available_clocksource
  seed proc_parsers 12 clocksource-cur-$m $cs/current_clocksource
done
seed proc_parsers 7 netclass-flags $fx/rpi/sys/class/net/eth0/flags
seed proc_parsers 7 netclass-speed $fx/rpi/sys/class/net/eth0/speed
seedtext proc_parsers 5 udev-sda 'S:disk/by-id/ata-X\nE:ID_PATH=pci-0000:00:1f.2-ata-1\nE:ID_SERIAL_SHORT=S1234\nE:ID_ATA_ROTATION_RATE_RPM=0\nE:DM_NAME=vg-root\n'
seedtext proc_parsers 14 thermal 'thermal_zone10\0cooling_device\0 47712\n'
seedtext proc_parsers 15 hwmon-temp 'temp1_crit_alarm\0\n42000\n'
seedtext proc_parsers 15 hwmon-path '/sys/devices/platform/coretemp.0\00001e3\n'
seedtext proc_parsers 16 numbers '-1.5e-07'
seedtext proc_parsers 16 numbers-int '18446744073709551615'

# net_parsers (selectors: fuzz_net_parsers.cpp kParsers)
for m in vm rpi openwrt; do
  p=$fx/$m/proc
  seed net_parsers 0 netstat-$m $p/net/netstat
  seed net_parsers 0 snmp-$m $p/net/snmp
  seed net_parsers 1 snmp6-$m $p/net/snmp6
  seed net_parsers 2 sockstat-$m $p/net/sockstat
  seed net_parsers 2 sockstat6-$m $p/net/sockstat6
  seed net_parsers 3 softnet-$m $p/net/softnet_stat
  seed net_parsers 4 arp-$m $p/net/arp
  seed net_parsers 5 udp-$m $p/net/udp
  seed net_parsers 6 schedstat-$m $p/schedstat
  seed net_parsers 7 cpuinfo-$m $p/cpuinfo
  seed net_parsers 8 isolated-$m $fx/$m/sys/devices/system/cpu/isolated
  seed net_parsers 9 interrupts-$m $p/interrupts
  seed net_parsers 11 openwrt-release-$m $fx/$m/root/etc/openwrt_release
  seed net_parsers 11 openwrt-cpuinfo-$m $p/cpuinfo
done
seedtext net_parsers 8 cpulist '0-3,8,10-11\n'
seedtext net_parsers 10 pid-stat '1 (sys temd) S 0 1 1 0 -1 4194560 1 2 3 4 5 6 7 8 20 0 7 0 1 2 3\n'

# textfile
mkdir -p corpus/textfile
for f in $fx/*/textfile/*.prom; do
  [ -f "$f" ] && cp "$f" "corpus/textfile/$(basename "$(dirname "$(dirname "$f")")")-$(basename "$f")"
done
printf '# HELP h A histogram.\n# TYPE h histogram\nh_bucket{le="0.1",a="x\\"y"} 1\nh_bucket{le="+Inf",a="x\\"y"} 3\nh_sum{a="x\\"y"} 1.5\nh_count{a="x\\"y"} 3\n# TYPE s summary\ns{quantile="0.5"} NaN\ns_sum 2\ns_count 4\nu{b="1"} -Inf\nu{c="2"} 1e3\n' >corpus/textfile/histogram-summary.prom

# lxc_parsers (selectors: fuzz_lxc_parsers.cpp kParsers)
for v in lxc-v1 lxc-v2 proxmox; do
  d=$fx/$v
  [ -d "$d" ] || continue
  procs=0
  while IFS= read -r f; do
    b=$(basename "$f")
    case $b in
      cpu.stat | memory.stat | memory.events | cpuacct.stat | memory.oom_control | pids.events) s=0 ;;
      memory.max | memory.limit_in_bytes | cpu.max | cpuset.cpus | cpuset.effective_cpus | cpu.shares | pids.max) s=1 ;;
      io.stat | blkio.throttle.io_service_bytes | blkio.throttle.io_serviced) s=2 ;;
      cgroup.procs) procs=$((procs + 1)); [ $procs -le 2 ] || continue; s=3 ;;
      cgroup | status | unix) s=3 ;;
      stat) case $f in */proc/[0-9]*/stat | */proc/stat) s=3 ;; *) continue ;; esac ;;
      config) s=5 ;;
      *.conf) s=6 ;;
      *) continue ;;
    esac
    rel=${f#"$d"/}
    seed lxc_parsers $s "$v-$(echo "$rel" | tr '/' '_' | tail -c 80)" "$f"
  done < <(find "$d" -type f | sort)
done
seedtext lxc_parsers 4 socket-name '/var/lib/lxc\0web'
seedtext lxc_parsers 6 pve-snapshot 'hostname: ct1\ncores: 2\nmemory: 512\nswap: 0\ncpulimit: 1.5\n\n[snap1]\nmemory: 1024\n'

# Identical seeds add nothing.
for t in corpus/proc_parsers corpus/lxc_parsers; do
  find "$t" -type f -print0 | xargs -0 sha1sum | sort | awk 'seen[$1]++ { print $2 }' | xargs -r rm -f
done
