#!/usr/bin/python3
"""Checks an export spool directory left by a kill -9 and prints the
(series, timestamp) pairs of node_load1 it holds, one per line.

  spool_check.py DIR PBDIR
Every file must be whole: the 32-byte header (magic ESB1, format 1,
samples, body length, CRC-32 of the body), the body's length and CRC as
recorded, a snappy WriteRequest the official classes decode; no temp file
may be left. Exits 1 otherwise.
"""
import os
import struct
import sys
import zlib

sys.path.insert(0, sys.argv[2])
import snappy  # noqa: E402
import remote_pb2  # noqa: E402

d = sys.argv[1]
bad = 0
for name in sorted(os.listdir(d)):
    path = os.path.join(d, name)
    if not name.endswith(".batch"):
        print("unexpected file:", name, file=sys.stderr)
        bad += 1
        continue
    data = open(path, "rb").read()
    magic, ver = data[:4], data[4]
    samples, blen, crc = struct.unpack("<III", data[8:20])
    body = data[32:]
    if magic != b"ESB1" or ver != 1 or blen != len(body) or zlib.crc32(body) != crc:
        print("corrupt:", name, file=sys.stderr)
        bad += 1
        continue
    req = remote_pb2.WriteRequest()
    req.ParseFromString(snappy.uncompress(body))
    n = sum(len(ts.samples) for ts in req.timeseries)
    if n != samples:
        print("sample count differs:", name, n, samples, file=sys.stderr)
        bad += 1
    for ts in req.timeseries:
        labels = {l.name: l.value for l in ts.labels}
        if labels["__name__"] == "node_load1":
            for s in ts.samples:
                print(s.timestamp)
sys.exit(1 if bad else 0)
