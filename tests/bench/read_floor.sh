#!/bin/bash
# Fresh collection CPU against the in-process read floor (issue 14; goal
# <= 1.2x). The floor is tests/bench/read_floor.c: the same reads, preads of
# kept files, directory listings and statfs calls one collection makes
# (taken from strace of the running agent during one collection), in a
# tight loop, no parsing. The agent's side is its own CPU time
# (/proc/PID/schedstat) per /metrics request on one keep-alive connection:
#   fresh:  --collect.scrape-max-age=0s, every request collects and renders
#   cached: the same requests served from the cached body (no collection)
#   collection = fresh - cached (collect + render; the HTTP cost cancels)
# Usage: [READ_FLOOR_CHURN=BYTES] tests/bench/read_floor.sh [EDGESTAT_BINARY] [REQUESTS]
#   default binary: build-x86_64/edgestat (static) if built, else build/edgestat
set -euo pipefail
source "$(dirname "$0")/lib.sh"
BIN=$(bench_binary "${1:-}")
N=${2:-2000}
churn=${READ_FLOOR_CHURN:-}
unset READ_FLOOR_CHURN  # the floor itself runs without
command -v strace >/dev/null || apt-get install -y -qq strace >/dev/null
tmp=$(mktemp -d)
pids=()
cleanup() { set +e; for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null; done; rm -rf "$tmp"; }
trap cleanup EXIT
cc -O2 -o "$tmp/read_floor" "$SRC/tests/bench/read_floor.c"
kind=dynamic
file -L "$BIN" | grep -q 'statically linked' && kind=static
echo "binary: $BIN ($kind)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
start() {  # start NAME FLAGS... -> sets $apid $aport
  aport=$(port)
  "$BIN" run --web.listen-address="127.0.0.1:$aport" --agent.runtime-dir="$tmp/$1" --agent.data-dir="$tmp/$1" \
    --collect.interval=1h --log.level=warn "${@:2}" 2>"$tmp/$1.log" &
  apid=$!
  pids+=("$apid")
  for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$aport/health/live" && return 0; sleep 0.05; done
  echo "agent did not start: $(cat "$tmp/$1.log")" >&2
  exit 1
}
cpu_ns() { awk '{print $1}' "/proc/$1/schedstat"; }
# per_request PID PORT N: agent CPU microseconds per request
per_request() {
  local before after
  python3 - "$2" 20 <<'PY'
import http.client, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]))
for _ in range(int(sys.argv[2])):
    c.request("GET", "/metrics"); c.getresponse().read()
PY
  before=$(cpu_ns "$1")
  python3 - "$2" "$3" <<'PY'
import http.client, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]))
for _ in range(int(sys.argv[2])):
    c.request("GET", "/metrics"); c.getresponse().read()
PY
  after=$(cpu_ns "$1")
  awk -v a="$after" -v b="$before" -v n="$3" 'BEGIN { printf "%.1f\n", (a - b) / n / 1000 }'
}

start fresh --collect.scrape-max-age=0s
fresh_pid=$apid fresh_port=$aport
start cached --collect.scrape-max-age=1h
cached_pid=$apid cached_port=$aport

# The file list: strace of the fresh agent during one collection (its kept
# files are open already: warm it up first).
for _ in 1 2 3; do curl -s -o /dev/null "http://127.0.0.1:$fresh_port/metrics"; done
strace -f -p "$fresh_pid" -e trace=open,openat,read,pread64,getdents64,statfs,close -o "$tmp/trace" 2>/dev/null &
spid=$!
sleep 1
curl -s -o "$tmp/body" "http://127.0.0.1:$fresh_port/metrics"
sleep 0.3
kill "$spid"; wait "$spid" 2>/dev/null || true
python3 - "$tmp/trace" "$fresh_pid" > "$tmp/list" <<'PY'
import os, re, sys
pid = sys.argv[2]
opened = {}
seen_kept = set()
# Each file is read with the byte count the agent's first read of it asked
# for: /proc/sys files allocate and zero a kernel buffer of the count on
# every read (proc_sys_call_handler), so a floor reading them with its own
# 256 KiB buffer paid ~2.5 MB of page clearing per collection the agent
# does not (it asks for 32-128 bytes there).
out = []
first_read = {}  # fd -> index in out of its "r"/"a" line still without a count
path_dirs = set()  # fds of directories opened O_PATH (files opened relative to them)
def emit(s):
    out.append(s)
    return len(out) - 1
for line in open(sys.argv[1]):
    m = re.search(r'\bread\((\d+), .*, (\d+)\)\s+= ', line)
    if m:
        i = first_read.pop(m.group(1), None)
        if i is not None:
            out[i] += ' ' + m.group(2)
        continue
    # A failed open (an optional file probed: cpufreq, udev data, hwmon...)
    # is a syscall every collection makes too.
    m = re.search(r'(?:openat\(AT_FDCWD, |open\()"([^"]+)", ([^)]*)\) = -1', line)
    if m:
        emit('f ' + m.group(1))
        continue
    # A file opened relative to an O_PATH directory (a sysfs device's
    # attributes): "a NAME" opens, reads and closes it in the directory the
    # last "o" opened, "x NAME" is such an open that failed.
    m = re.search(r'openat\((\d+), "([^"]+)", [^)]*\) = (-1|\d+)', line)
    if m and m.group(1) in path_dirs:
        if m.group(3) == '-1':
            emit('x ' + m.group(2))
        else:
            first_read[m.group(3)] = emit('a ' + m.group(2))
        continue
    m = re.search(r'\bclose\((\d+)\)', line)
    if m:
        if m.group(1) in path_dirs:
            path_dirs.discard(m.group(1))
            emit('c')
        continue
    m = re.search(r'(?:openat\(AT_FDCWD, |open\()"([^"]+)", ([^)]*)\) = (\d+)', line)
    if m:
        path, flags, fd = m.groups()
        opened[fd] = path
        if 'O_PATH' in flags:
            path_dirs.add(fd)
            emit('o ' + path)
            continue
        if 'O_DIRECTORY' in flags:
            continue
        first_read[fd] = emit('r ' + path)
        continue
    m = re.search(r'getdents64\((\d+),.*\) = [1-9]', line)
    if m and m.group(1) in opened:
        emit('d ' + opened[m.group(1)])
        continue
    m = re.search(r'pread64\((\d+),.*, (\d+), 0\)\s+= ', line)
    if m and m.group(1) not in opened and m.group(1) not in seen_kept:
        seen_kept.add(m.group(1))
        try:
            emit('k ' + os.readlink(f'/proc/{pid}/fd/{m.group(1)}') + ' ' + m.group(2))
        except OSError:
            pass
        continue
    m = re.search(r'statfs\("([^"]+)"', line)
    if m:
        emit('s ' + m.group(1))
print('\n'.join(out))
PY
# A directory read without getdents (empty listing) still cost an open.
echo "one collection: $(grep -c '^r' "$tmp/list") files opened and read, $(grep -c '^a' "$tmp/list") opened and read relative to" \
  "$(grep -c '^o' "$tmp/list") O_PATH directories, $(grep -c '^k' "$tmp/list") kept files pread," \
  "$(grep -c '^d' "$tmp/list") directories listed, $(grep -c '^[fx]' "$tmp/list") failed opens (absent optional files), $(grep -c '^s' "$tmp/list") statfs; body $(wc -c < "$tmp/body") bytes"

floor=$("$tmp/read_floor" "$tmp/list" "$N")
fresh=$(per_request "$fresh_pid" "$fresh_port" "$N")
cached=$(per_request "$cached_pid" "$cached_port" "$N")
floor2=$("$tmp/read_floor" "$tmp/list" "$N")
floor=$(awk -v a="$floor" -v b="$floor2" 'BEGIN { printf "%.1f\n", (a < b ? a : b) }')
collection=$(awk -v f="$fresh" -v c="$cached" 'BEGIN { printf "%.1f\n", f - c }')
echo "read floor (C, in process):        $floor us CPU per collection (best of two runs of $N)"
echo "fresh scrape (collect+render+HTTP): $fresh us CPU"
echo "cached scrape (HTTP only):          $cached us CPU"
echo "collection (fresh - cached):        $collection us CPU"
awk -v c="$collection" -v f="$floor" -v s="$fresh" 'BEGIN {
  printf "ratio collection / floor: %.2fx (goal <= 1.2x); fresh scrape / floor: %.2fx\n", c / f, s / f }'
# READ_FLOOR_CHURN=BYTES: the floor again with user-space memory work
# between its syscalls, without and with (see read_floor.c): the kernel
# time the agent's own user-space work adds to the same syscalls.
if [ -n "$churn" ]; then
  for _ in 1 2 3; do
    READ_FLOOR_CHURN=0 "$tmp/read_floor" "$tmp/list" "$N" >/dev/null
    READ_FLOOR_CHURN=$churn "$tmp/read_floor" "$tmp/list" "$N" >/dev/null
  done
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
