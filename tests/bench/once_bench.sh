#!/bin/bash
# How close is `edgestat once` to the cost of just reading its inputs?
# Runs both as whole processes N times on this machine and prints the ratio
# (goal: within 2x). Usage: tests/bench/once_bench.sh [BINARY] [N]
set -euo pipefail
BIN=${1:-build/edgestat}
N=${2:-300}
command -v strace >/dev/null || apt-get install -y -qq strace >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc -O2 -o "$tmp/readfiles" "$(dirname "$0")/readfiles.c"

# Every file edgestat opens for reading, every statfs and directory listing.
strace -f -e trace=open,openat,statfs,getdents,getdents64 -o "$tmp/trace" "$BIN" once --log.level=error > "$tmp/out.prom"
python3 - "$tmp/trace" > "$tmp/list" <<'PY'
import re, sys
fd_path = {}
for line in open(sys.argv[1]):
    # open() is musl's on x86_64 (the static build), openat() glibc's.
    m = re.search(r'(?:openat\(AT_FDCWD, |open\()"([^"]+)", ([^)]*)\) = (\d+)', line)
    if m:
        path, flags, fd = m.groups()
        if path.startswith(('/etc/ld.so', '/lib', '/usr/lib')):
            continue
        fd_path[fd] = path
        if 'O_DIRECTORY' not in flags:
            print('r ' + path)
        continue
    m = re.search(r'getdents(?:64)?\((\d+),.*\) = [1-9]', line)
    if m and m.group(1) in fd_path:
        print('d ' + fd_path[m.group(1)])
        continue
    m = re.search(r'statfs\("([^"]+)"', line)
    if m:
        print('s ' + m.group(1))
PY

run() {  # prints mean microseconds per run of "$@"
  local start end
  start=$(date +%s%N)
  for _ in $(seq "$N"); do "$@" > /dev/null; done
  end=$(date +%s%N)
  echo $(( (end - start) / N / 1000 ))
}
reads=$(run "$tmp/readfiles" "$tmp/list")
once=$(run "$BIN" once --log.level=error)
echo "files read: $(grep -c '^r' "$tmp/list"), statfs: $(grep -c '^s' "$tmp/list"), dirs listed: $(grep -c '^d' "$tmp/list")"
echo "output: $(wc -l < "$tmp/out.prom") lines, $(wc -c < "$tmp/out.prom") bytes"
echo "read-only floor: ${reads} us/run   edgestat once: ${once} us/run   ratio: $(python3 -c "print(f'{$once/$reads:.2f}x')")"
