# Shared helpers for e2e and system tests (sourced by bash scripts).
# Tests exit 77 to be reported as skipped; they print why first.

# A system test (it sets EDGESTAT_SYSTEM_TEST=1 before sourcing this) that
# skips under CI=true as root fails instead: CI has root, LXC, tmpfs and
# every tool toolchains/deps.sh installs, so a skip there hides a broken
# environment (as rsync missing for lxc-copy once did).
skip() {
  if [ "${EDGESTAT_SYSTEM_TEST:-0}" = 1 ] && [ "${CI:-}" = true ] && [ "$(id -u)" = 0 ]; then
    echo "FAIL: a system test would be skipped under CI=true as root: $*"
    exit 1
  fi
  echo "SKIPPED: $*"
  exit 77
}

# The prerequisites of a test that runs real busybox LXC containers: root,
# every tool named (the test's own list), the busybox template and busybox.
# Skips (a failure under CI, see skip) naming the first one missing.
require_lxc_busybox() {
  [ "$(id -u)" = 0 ] || skip "needs root to run LXC containers"
  local t
  for t in "$@"; do
    command -v "$t" >/dev/null || skip "$t not installed"
  done
  [ -e /usr/share/lxc/templates/lxc-busybox ] || skip "lxc busybox template missing (package lxc-templates)"
  command -v busybox >/dev/null || skip "busybox not installed (package busybox-static)"
}

# lxc_step WHAT CMD...: runs CMD with its output in a file, not a pipe (the
# daemon lxc-start leaves behind would hold a pipe open). On failure prints
# "WHAT: " and CMD's last line, and returns CMD's status.
lxc_step() {
  local what=$1 log rc; shift
  log=$(mktemp)
  "$@" > "$log" 2>&1; rc=$?
  [ $rc = 0 ] || echo "$what: $(tail -1 "$log")"
  rm -f "$log"
  return $rc
}

# create_busybox_containers NAME [COPY...]: a busybox container NAME without
# a network (the template's veth needs a bridge nobody set up) and copies of
# it. Prints the reason and returns 1 when LXC fails.
create_busybox_containers() {
  local base=$1 n; shift
  lxc_step "lxc-create -t busybox failed" lxc-create -n "$base" -t busybox || return 1
  sed -i -e 's/^lxc.net.0.type = .*/lxc.net.0.type = empty/' -e '/^lxc.net.0.link/d' -e '/^lxc.net.0.flags/d' \
    "$(lxc-config lxc.lxcpath)/$base/config"
  for n; do lxc_step "lxc-copy failed" lxc-copy -n "$base" -N "$n" || return 1; done
}

# start_containers NAME...: starts each, then waits until all run. Prints
# the reason and returns 1 when one does not.
start_containers() {
  local n
  for n; do lxc_step "container $n fails to start" lxc-start -n "$n" || return 1; done
  for n; do lxc-wait -n "$n" -s RUNNING -t 10 || { echo "container $n not RUNNING"; return 1; }; done
}

# destroy_containers NAME...: stops and destroys each; absent ones are fine.
destroy_containers() {
  local n
  for n; do
    lxc-stop -k -n "$n"
    lxc-destroy -n "$n"
  done > /dev/null 2>&1
  return 0
}

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# A TCP port nobody listens on, from the kernel's ephemeral allocator.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Waits until URL answers (any HTTP status) or gives up after ~10 s.
wait_http() {
  local url=$1 i
  for i in $(seq 1 100); do
    curl -s -o /dev/null --max-time 1 "$url" && return 0
    sleep 0.1
  done
  return 1
}

# Replaces the values of series that change between runs, and the
# revision, so a golden file can be diffed exactly.
mask_volatile() {
  sed -E \
    -e 's/^(node_scrape_collector_duration_seconds\{[^}]*\}) .*/\1 <masked>/' \
    -e 's/^(node_time_seconds) .*/\1 <masked>/' \
    -e 's/^(node_timex_[a-z_]+) .*/\1 <masked>/' \
    -e 's/^(node_filesystem_(size_bytes|free_bytes|avail_bytes|files|files_free)\{[^}]*\}) .*/\1 <masked>/' \
    -e 's/^(node_textfile_mtime_seconds\{[^}]*\}) .*/\1 <masked>/' \
    -e 's/^(edgestat_build_info)\{.*\} 1$/\1{<masked>} 1/'
}

# Runs `edgestat once` over one fixture tree. It runs inside the tree and
# names the textfile directory relatively, because node_textfile_mtime_seconds
# carries the path as its file label and a golden file must not depend on
# where the checkout lives.
once_fixture() {
  local bin tree=$2
  bin=$(realpath "$1") || return 1
  (cd "$tree" && TZ=UTC "$bin" once --log.level=error \
    --path.procfs="$tree/proc" --path.sysfs="$tree/sys" --path.rootfs="$tree/root" \
    --path.udev.data="$tree/udev" \
    --collector.textfile.directory=textfile)
}

# Masks PROM's volatile values into PROM.masked and diffs that with GOLDEN
# (or, with UPDATE_GOLDEN=1, writes it there). Returns 1, after printing the
# start of the diff, when they differ.
check_golden() {
  local name=$1 prom=$2 golden=$3
  mask_volatile < "$prom" > "$prom.masked"
  if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
    cp "$prom.masked" "$golden"
    echo "updated $golden"
  elif ! diff -u "$golden" "$prom.masked" > "$prom.diff"; then
    echo "FAIL: $name differs from $golden:"
    head -60 "$prom.diff"
    return 1
  fi
}

# promtool's linter also judges naming style. node_exporter's own names
# (node_memory_MemTotal_bytes, node_entropy_available_bits) break two of
# its style rules and must stay as they are for the dashboards; any other
# finding, and any parse error, fails. Returns 1 and keeps the file's other
# lines when something real is left.
promtool_clean() {
  local lint=$1
  grep -v -E \
    -e "^node_(memory|vmstat|netstat|sockstat)_[A-Za-z0-9_]+ metric names should be written in 'snake_case' not 'camelCase'$" \
    -e '^node_entropy_(available|pool_size)_bits use base unit "bytes" instead of "bits"$' \
    "$lint" > "$lint.real" || true
  mv "$lint.real" "$lint"
  [ ! -s "$lint" ]
}
