"""Password guessing from one source address (not a test itself).

guess.py PORT SRC_IP SECONDS
Sends GET /metrics with a wrong Basic password on a keep-alive connection
as fast as the answers come (reconnecting when closed). Prints
"guesses=N 401=N 429=N".
"""
import base64
import socket
import sys
import time

port, src, seconds = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
end = time.time() + seconds
counts = {"401": 0, "429": 0, "other": 0}
n = 0
s = f = None
while time.time() < end:
    if s is None:
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=5, source_address=(src, 0))
            f = s.makefile("rb")
        except OSError:
            time.sleep(0.01)
            s = None
            continue
    cred = base64.b64encode(b"prom:guess-%d" % n).decode()
    n += 1
    try:
        s.sendall(("GET /metrics HTTP/1.1\r\nHost: localhost\r\nAuthorization: Basic %s\r\n\r\n" % cred).encode())
        status = f.readline().split()
        length, close = 0, False
        while True:
            h = f.readline()
            if h in (b"\r\n", b""):
                break
            k, _, v = h.decode().partition(":")
            if k.lower() == "content-length":
                length = int(v)
            if k.lower() == "connection" and "close" in v.lower():
                close = True
        f.read(length)
        code = status[1].decode() if len(status) > 1 else "other"
        counts[code if code in counts else "other"] += 1
        if close or not status:
            s.close()
            s = None
    except OSError:
        s = None
print("guesses=%d 401=%d 429=%d" % (n, counts["401"], counts["429"]))
