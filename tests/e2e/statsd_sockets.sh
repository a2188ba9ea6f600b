#!/bin/bash
# The StatsD sockets under load: every UDP datagram is either read or
# counted as dropped by the kernel (edgestat_statsd_kernel_drops_total,
# SO_RXQ_OVFL); the unix socket keeps up with a non-blocking client (it
# never rests: its queue holds net.unix.max_dgram_qlen datagrams, 10 by
# default); a burst larger than the records ring waits in the socket
# instead of being dropped at the ring; a receive buffer the kernel grants
# smaller than asked is logged, naming the sysctl.
BIN=$1 SRC=$2
source "$SRC/tests/e2e/lib/agent.sh"

UPORT=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
SOCK="$TMP/statsd.sock"
# 16 KiB asked (32 KiB granted as root): a flood overflows it at once.
start_agent --store.enabled=false --ingest.statsd-listen-address="127.0.0.1:$UPORT" \
  --ingest.statsd-receive-buffer-bytes=16KiB
metric() { curl -s "$(URL /metrics)" | awk -v m="$1" '$1 == m {print $2; f = 1} END {if (!f) print "missing"}'; }

# ---- UDP: 5000 datagrams as fast as Python sends them, then one more
# after a pause (the kernel reports drops with the next datagram read)
python3 - "$UPORT" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
d = "\n".join(f"flood.t{i % 8}:{i}|ms" for i in range(50)).encode()
for _ in range(4999): s.sendto(d, ("127.0.0.1", int(sys.argv[1])))
time.sleep(1)  # the agent drains the buffer: the last one is queued
s.sendto(d, ("127.0.0.1", int(sys.argv[1])))
PY
for _ in $(seq 200); do
  got=$(metric edgestat_statsd_datagrams_total); drops=$(metric edgestat_statsd_kernel_drops_total)
  [ "$got" != missing ] && [ "$drops" != missing ] && [ $((got + drops)) -ge 5000 ] && break
  sleep 0.05
done
[ "$drops" = missing ] && fail "edgestat_statsd_kernel_drops_total is not exported"
[ "$drops" -gt 0 ] || fail "a 5000-datagram flood into a 32 KiB buffer dropped nothing? read $got"
[ $((got + drops)) -eq 5000 ] || fail "read $got + dropped $drops != 5000 sent"
pass "UDP flood: $got datagrams read + $drops dropped by the kernel = 5000 sent"

# ---- unix socket: a non-blocking client at 20, then 200 and 2000
# datagrams/s. A listener that rested (its rests grown long on the slow
# start) refused 64 % and 94 % (the queue filled during a rest); polled, only a scheduling stall longer than the queue's 10
# datagrams (50 ms, 5 ms) refuses any, so a few percent are tolerated on a
# loaded CI box (the ASan build, another test on the other core).
# The default receive buffer (a small one would also cap a rest at 5 ms).
start_agent --store.enabled=false --ingest.statsd-socket="$SOCK"
before=$(metric edgestat_statsd_datagrams_total)
out=$(python3 - "$SOCK" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.setblocking(False)
d = "\n".join(f"uds.t{i % 8}:{i}|ms" for i in range(50)).encode()
for rate in (20, 200, 2000):
    sent = refused = 0
    t0 = time.monotonic(); n = 0
    while time.monotonic() - t0 < 3:
        if n >= rate * (time.monotonic() - t0):
            time.sleep(0.0005); continue
        n += 1
        try: s.sendto(d, sys.argv[1]); sent += 1
        except BlockingIOError: refused += 1
    print(rate, sent, refused)
PY
)
total=0
while read -r rate sent refused; do
  total=$((total + sent))
  # At 2000/s a 5 ms stall of the loop (two other tests on the two cores)
  # refuses some: reported, not judged. At 200/s the queue holds 50 ms.
  [ "$rate" = 2000 ] || [ $((refused * 20)) -le $((sent + refused)) ] ||
    fail "the unix socket refused $refused of $((sent + refused)) datagrams at $rate/s (its queue filled: did the listener rest?)"
  pass "unix socket, non-blocking client at $rate datagrams/s: $sent sent, $refused refused"
done <<<"$out"
for _ in $(seq 200); do
  [ $(($(metric edgestat_statsd_datagrams_total) - before)) -ge "$total" ] && break
  sleep 0.05
done
n=$(($(metric edgestat_statsd_datagrams_total) - before))
[ "$n" -eq "$total" ] || fail "unix socket: $n datagrams read of $total sent"
pass "unix socket: every datagram sent was read ($total)"

# ---- the records ring backed up: what the socket holds waits there. A
# steady stream first (the UDP listener's rests grow to their longest, ~1 s
# with the default buffer as root), then 10 000 timer lines at once: the
# read after the rest brings 6x what a 128-slot ring holds. The listener
# stops reading while the ring is half full and the writer drains it; it
# read them all into a full ring before (28 159 of 1 010 000 lines lost in
# tests/bench/ingest_bench.sh burst with the default ring).
UPORT3=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
start_agent --ingest.statsd-listen-address="127.0.0.1:$UPORT3" --store.ring-slots=128
python3 - "$UPORT3" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
a = ("127.0.0.1", int(sys.argv[1]))
d = "\n".join(f"bp.t{i % 8}:{i}|ms" for i in range(20)).encode()
for _ in range(60):  # 3 s at 400 lines/s
    s.sendto(d, a); time.sleep(0.05)
for _ in range(500): s.sendto(d, a)
PY
sent=$((560 * 20))
for _ in $(seq 200); do
  [ "$(metric edgestat_store_records_persisted_total)" = "$sent" ] && break
  sleep 0.1
done
drops=$(metric 'edgestat_ring_dropped_total{source="statsd"}') kdrops=$(metric edgestat_statsd_kernel_drops_total)
persisted=$(metric edgestat_store_records_persisted_total)
[ "$drops" = 0 ] || fail "a burst after a long rest was dropped at a 128-slot ring: $drops lines (kernel drops $kdrops)"
[ "$persisted" = "$sent" ] || fail "$persisted of $sent timer lines persisted (kernel drops $kdrops, ring drops $drops)"
pass "a burst of 6x the ring after a long rest: all $sent lines persisted, none dropped at the ring"

# The same on the unix socket with a blocking client: it waits while the
# ring is backed up, nothing is dropped, and the socket polls again after
# (a non-blocking client at 200 datagrams/s is not refused).
SOCK3="$TMP/statsd3.sock"
start_agent --ingest.statsd-socket="$SOCK3" --store.ring-slots=128
out=$(python3 - "$SOCK3" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
d = "\n".join(f"bpu.t{i % 8}:{i}|ms" for i in range(20)).encode()
for _ in range(500): s.sendto(d, sys.argv[1])
s.setblocking(False)
sent = refused = 0
t0 = time.monotonic()
while time.monotonic() - t0 < 2:
    if sent + refused >= 200 * (time.monotonic() - t0):
        time.sleep(0.0005); continue
    try: s.sendto(d, sys.argv[1]); sent += 1
    except BlockingIOError: refused += 1
print(sent, refused)
PY
)
read -r usent urefused <<<"$out"
total=$(((500 + usent) * 20))
for _ in $(seq 200); do
  [ "$(metric edgestat_store_records_persisted_total)" = "$total" ] && break
  sleep 0.1
done
drops=$(metric 'edgestat_ring_dropped_total{source="statsd"}') persisted=$(metric edgestat_store_records_persisted_total)
[ "$drops" = 0 ] || fail "unix socket: $drops lines dropped at a 128-slot ring (the listener should stop reading)"
[ "$persisted" = "$total" ] || fail "unix socket: $persisted of $total timer lines persisted"
[ $((urefused * 20)) -le $((usent + urefused)) ] ||
  fail "unix socket after a backed-up ring: $urefused of $((usent + urefused)) refused at 200/s (still resting?)"
pass "unix socket, blocking burst of 6x the ring: all persisted, none dropped; then $usent sent, $urefused refused at 200/s"

# ---- a receive buffer smaller than asked is logged (a non-root agent
# without CAP_NET_ADMIN gets at most net.core.rmem_max)
command -v setpriv >/dev/null || skip "setpriv (util-linux) not installed"
[ "$(id -u)" = 0 ] || skip "needs root to start the agent as another user"
max=$(cat /proc/sys/net/core/rmem_max)
ask=$((max * 2))
chmod 755 "$TMP"
mkdir -p "$TMP/nobody-run" "$TMP/nobody-data"
chown nobody: "$TMP/nobody-run" "$TMP/nobody-data"
UPORT2=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
LOG2="$TMP/nobody.log"
setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all "$BIN" run \
  --web.listen-address="127.0.0.1:$(free_port)" --path.procfs="$FIX/proc" --path.sysfs="$FIX/sys" \
  --path.rootfs="$FIX/root" --agent.runtime-dir="$TMP/nobody-run" --agent.data-dir="$TMP/nobody-data" \
  --store.enabled=false --ingest.statsd-listen-address="127.0.0.1:$UPORT2" \
  --ingest.statsd-socket="$TMP/nobody-run/statsd.sock" --ingest.statsd-receive-buffer-bytes="$ask" 2>"$LOG2" &
PIDS+=("$!")
for _ in $(seq 100); do grep -q '"msg":"started"' "$LOG2" && break; sleep 0.05; done
grep -q '"msg":"started"' "$LOG2" || fail "the agent as nobody did not start: $(tail -3 "$LOG2")"
# Each socket's warning says what happens beyond the buffer: UDP drops
# (counted), a unix socket's senders wait (its queue is also
# net.unix.max_dgram_qlen datagrams).
for kind in UDP unix; do
  line=$(grep "the StatsD $kind socket got a smaller receive buffer" "$LOG2") ||
    fail "no warning for a $kind receive buffer granted below $ask bytes: $(cat "$LOG2")"
  echo "$line" | grep -q "\"asked_bytes\":$ask" || fail "the $kind warning does not name the asked size: $line"
  echo "$line" | grep -q "\"granted_bytes\":$max" || fail "the $kind warning does not name the granted size ($max): $line"
  echo "$line" | grep -q "net.core.rmem_max" || fail "the $kind warning does not name the sysctl: $line"
done
grep "the StatsD UDP socket got" "$LOG2" | grep -q edgestat_statsd_kernel_drops_total ||
  fail "the UDP warning does not name the drop counter: $(grep 'UDP socket got' "$LOG2")"
line=$(grep "the StatsD unix socket got" "$LOG2")
echo "$line" | grep -q net.unix.max_dgram_qlen || fail "the unix warning does not name the queue limit: $line"
echo "$line" | grep -q kernel_drops && fail "the unix warning names a counter that counts only UDP: $line"
pass "a non-root agent asking $ask bytes is granted net.core.rmem_max ($max) on both sockets and says so"
