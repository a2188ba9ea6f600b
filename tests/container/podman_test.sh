#!/bin/bash
# The container image (platform/docker/Dockerfile) built and run with
# podman, the commands of README's "Container" section: FROM scratch (no
# registry), the static binary, host /proc, /sys and / mounted read-only.
# Checks /metrics from the host (the agent's host metrics, not the
# container's), `edgestat health` run inside the container, the image's
# HEALTHCHECK through `podman healthcheck run`, the user (65534), and a
# clean stop on SIGTERM.
#
# Two host restrictions are worked around only where they exist, and said:
#   - root without CAP_SYS_RESOURCE cannot raise rlimits, and podman's
#     defaults (nofile 1048576) are above the hard limit: --ulimit within it;
#   - crun refuses a hybrid cgroup layout whose cgroup2 mount has
#     controllers: runc (Debian package) instead.
# Usage: podman_test.sh STATIC_BINARY SRCDIR
set -euo pipefail
BIN=$1 SRC=$2
. "$SRC/tests/lib/common.sh"
. "$SRC/tests/packaging/lib.sh"
command -v podman >/dev/null || skip "podman not installed (toolchains/deps.sh installs it)"
[ "$(id -u)" = 0 ] || skip "rootful podman needs root"
if ! readelf -h "$BIN" >/dev/null 2>&1 || readelf -l "$BIN" | grep -q INTERP; then
	fail "$BIN is not a static binary (make cross TARGET=x86_64)"
fi

name=edgestat-firmware-test-$$
image=localhost/edgestat-firmware-test:$$
tmp=$(mktemp -d /tmp/edgestat-firmware-podman.XXXXXX)
cleanup() {
	podman "${rt[@]}" rm -f -t 2 "$name" >/dev/null 2>&1 || true
	podman rmi -f "$image" >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
rt=()
trap cleanup EXIT

extra=()
capeff=$(awk '/^CapEff:/ { print $2 }' /proc/self/status)
if [ $(( 0x$capeff >> 24 & 1 )) = 0 ]; then
	echo "note: no CAP_SYS_RESOURCE here: --ulimit nofile=1024:1024 --ulimit nproc=1024:1024"
	extra+=(--ulimit nofile=1024:1024 --ulimit nproc=1024:1024)
fi
# (cgroupfs files report size 0: read them, do not test -s.)
if mount | grep -q '^cgroup on ' && [ -n "$(cat /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null)" ]; then
	command -v runc >/dev/null || skip "hybrid cgroups with controllers on cgroup2: crun refuses them and runc is not installed"
	echo "note: hybrid cgroups with controllers on cgroup2 ($(cat /sys/fs/cgroup/unified/cgroup.controllers)): crun refuses them, using runc"
	rt=(--runtime runc)
fi

port=$(free_port)
cp "$BIN" "$tmp/edgestat"
t0=$EPOCHREALTIME
podman build --format docker -f "$SRC/platform/docker/Dockerfile" --build-arg BINARY=edgestat -t "$image" "$tmp" \
	> "$tmp/build.log" 2>&1 || { cat "$tmp/build.log"; fail "podman build failed"; }
echo "podman build: $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s"
check "image: one layer, the binary" 1 "$(podman image inspect "$image" --format '{{len .RootFS.Layers}}')"
check "image: HEALTHCHECK kept (--format docker)" '[CMD /edgestat health]' "$(podman image inspect "$image" --format '{{.HealthCheck.Test}}')"
size=$(podman image inspect "$image" --format '{{.Size}}')
echo "image size: $size bytes"

podman "${rt[@]}" run -d --name "$name" "${extra[@]}" --net host --pid host --tmpfs /tmp \
	-e EDGESTAT_WEB_LISTEN_ADDRESS="127.0.0.1:$port" \
	-v /proc:/host/proc:ro -v /sys:/host/sys:ro -v /:/rootfs:ro,rslave \
	"$image" --path.procfs=/host/proc --path.sysfs=/host/sys --path.rootfs=/rootfs > "$tmp/run.log" 2>&1 ||
	{ cat "$tmp/run.log"; fail "podman run failed"; }
if ! wait_http "http://127.0.0.1:$port/metrics"; then
	podman "${rt[@]}" logs "$name" 2>&1 | tail -n 20
	fail "the container's agent does not answer on 127.0.0.1:$port"
fi
curl -s "http://127.0.0.1:$port/metrics" > "$tmp/metrics"
check_true "/metrics: the host's uname (the host's /proc and /sys)" \
	grep -q "^node_uname_info{.*nodename=\"$(uname -n)\"" "$tmp/metrics"
check_true "/metrics: the host's root filesystem" grep -q '^node_filesystem_avail_bytes{.*mountpoint="/"' "$tmp/metrics"
check_true "/metrics: CPU seconds" grep -q '^node_cpu_seconds_total{cpu="0",mode="idle"}' "$tmp/metrics"
out=$(podman "${rt[@]}" exec "$name" /edgestat health 2>&1) || true
echo "inside: edgestat health: $out"
check_true "inside the container: edgestat health answers (healthy or degraded)" \
	podman "${rt[@]}" exec "$name" /edgestat health
check_true "podman healthcheck run (the image's HEALTHCHECK)" podman "${rt[@]}" healthcheck run "$name"
pid=$(podman "${rt[@]}" inspect "$name" --format '{{.State.Pid}}')
check "runs as 65534 (nobody)" 65534 "$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")"
podman "${rt[@]}" stop -t 10 "$name" > /dev/null
check "SIGTERM: exit code 0" 0 "$(podman "${rt[@]}" inspect "$name" --format '{{.State.ExitCode}}')"
check_true "SIGTERM: a clean stop in the log" grep -q '"msg":"stopped"' <<< "$(podman "${rt[@]}" logs "$name" 2>&1)"
finish
