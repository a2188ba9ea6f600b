"""Times scrapes from one source address (not a test itself).

scrape_latency.py PORT SRC_IP COUNT INTERVAL_S [PATH] [tls:CAFILE|basic:USER:PASSWORD]
Each scrape is a new connection (like Prometheus after a restart or with
keep-alive off): connect, send GET, read the whole answer. Prints one line:
"count=N ok=N worst_ms=X p50_ms=Y", and exits 1 if any scrape failed.
"""
import base64
import socket
import ssl
import sys
import time

port, src, count, interval = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
path = sys.argv[5] if len(sys.argv) > 5 else "/metrics"
ctx = None
auth = ""
if len(sys.argv) > 6 and sys.argv[6].startswith("tls:"):
    ctx = ssl.create_default_context(cafile=sys.argv[6][4:])
if len(sys.argv) > 6 and sys.argv[6].startswith("basic:"):
    auth = "Authorization: Basic %s\r\n" % base64.b64encode(sys.argv[6][6:].encode()).decode()
times, ok = [], 0
for i in range(count):
    t0 = time.monotonic()
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=5, source_address=(src, 0))
        if ctx:
            s = ctx.wrap_socket(s, server_hostname="localhost")
        s.sendall(("GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n%s\r\n" % (path, auth)).encode())
        data = b""
        while True:
            b = s.recv(65536)
            if not b:
                break
            data += b
        s.close()
        if data.startswith(b"HTTP/1.1 200"):
            ok += 1
    except OSError as e:
        print("scrape %d: %s" % (i, e), file=sys.stderr)
    times.append((time.monotonic() - t0) * 1000)
    time.sleep(interval)
times.sort()
print("count=%d ok=%d worst_ms=%.1f p50_ms=%.1f p90_ms=%.1f" % (
    count, ok, times[-1], times[len(times) // 2], times[len(times) * 9 // 10]))
sys.exit(0 if ok == count else 1)
