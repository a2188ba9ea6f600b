#!/usr/bin/python3
"""A strict receiver for edgestat's pushes, for the export e2e tests.

Decodes Prometheus remote write (snappy + prompb.WriteRequest) and OTLP/HTTP
(ExportMetricsServiceRequest) with the official classes that protoc
generates from the same pinned .proto files (python3-protobuf), refuses
anything a real receiver would (wrong headers, undecodable bodies, unsorted
or duplicate labels) and, beyond that, checks the encoding is canonical:
re-serialising the decoded message must give back the exact bytes.

It records every sample as (series, timestamp) and counts duplicates and
samples older than their series' newest, so a test can prove "every sample
exactly once, in order". Faults are injected through POST /control.

  push_sink.py PORT PBDIR [--tls CERT KEY CLIENT_CA]
  GET  /stats                  JSON counters
  GET  /series?name=NAME       JSON [{labels, points:[[ts_ms, value]...]}]
  POST /control                {"status": 500, "count": 3, "retry_after": 1}
"""
import json
import ssl
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

port = int(sys.argv[1])
sys.path.insert(0, sys.argv[2])
import snappy  # noqa: E402  (python3-snappy)
import remote_pb2  # noqa: E402
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2  # noqa: E402

lock = threading.Lock()
stats = {"requests": 0, "accepted": 0, "refused": 0, "injected": 0, "samples": 0, "duplicates": 0,
         "out_of_order": 0, "errors": [], "remote_write": 0, "otlp": 0, "user_agents": []}
series = {}   # key -> {"labels": {...}, "points": [[ts, value]]}
fault = {"status": 0, "count": 0, "retry_after": None}


def record(labels, ts, value):
    key = tuple(sorted(labels.items()))
    s = series.setdefault(key, {"labels": labels, "points": []})
    if s["points"]:
        last = s["points"][-1][0]
        if ts == last or any(p[0] == ts for p in s["points"][-50:]):
            stats["duplicates"] += 1
        elif ts < last:
            stats["out_of_order"] += 1
    s["points"].append([ts, value])
    stats["samples"] += 1


def error(msg):
    stats["errors"].append(msg)
    return 400, msg


def handle_remote_write(headers, body):
    if headers.get("Content-Encoding") != "snappy":
        return error("remote write: Content-Encoding is not snappy")
    if headers.get("X-Prometheus-Remote-Write-Version") != "0.1.0":
        return error("remote write: no X-Prometheus-Remote-Write-Version: 0.1.0")
    if headers.get("Content-Type") != "application/x-protobuf":
        return error("remote write: Content-Type is not application/x-protobuf")
    raw = snappy.uncompress(body)
    req = remote_pb2.WriteRequest()
    req.ParseFromString(raw)
    if req.SerializeToString() != raw:
        return error("remote write: encoding is not canonical")
    for ts in req.timeseries:
        names = [l.name for l in ts.labels]
        if names != sorted(names) or len(set(names)) != len(names):
            return error("remote write: labels unsorted or repeated: %s" % names)
        if "__name__" not in names:
            return error("remote write: no __name__")
        labels = {l.name: l.value for l in ts.labels}
        for s in ts.samples:
            record(labels, s.timestamp, s.value)
    stats["remote_write"] += 1
    return 204, ""


def attrs(kvs):
    out = {}
    for kv in kvs:
        if not kv.value.HasField("string_value"):
            raise ValueError("attribute %s is not a string" % kv.key)
        out[kv.key] = kv.value.string_value
    return out


def handle_otlp(headers, body):
    if headers.get("Content-Type") != "application/x-protobuf":
        return error("otlp: Content-Type is not application/x-protobuf")
    req = metrics_service_pb2.ExportMetricsServiceRequest()
    req.ParseFromString(body)
    if req.SerializeToString() != body:
        return error("otlp: encoding is not canonical")
    for rm in req.resource_metrics:
        res = attrs(rm.resource.attributes)
        for key in ("service.name", "host.name"):
            if key not in res:
                return error("otlp: resource has no " + key)
        for sm in rm.scope_metrics:
            for m in sm.metrics:
                kind = m.WhichOneof("data")
                base = dict(res)
                if kind in ("gauge", "sum"):
                    if kind == "sum" and not (m.sum.is_monotonic and m.sum.aggregation_temporality == 2):
                        return error("otlp: sum %s is not cumulative monotonic" % m.name)
                    for dp in getattr(m, kind).data_points:
                        record({**base, **attrs(dp.attributes), "__name__": m.name}, dp.time_unix_nano // 1000000,
                               dp.as_double)
                elif kind == "histogram":
                    for dp in m.histogram.data_points:
                        if len(dp.bucket_counts) != len(dp.explicit_bounds) + 1 or sum(dp.bucket_counts) != dp.count:
                            return error("otlp: histogram %s buckets do not add up" % m.name)
                        record({**base, **attrs(dp.attributes), "__name__": m.name + "_count"},
                               dp.time_unix_nano // 1000000, dp.count)
                elif kind == "summary":
                    for dp in m.summary.data_points:
                        record({**base, **attrs(dp.attributes), "__name__": m.name + "_count"},
                               dp.time_unix_nano // 1000000, dp.count)
                else:
                    return error("otlp: unexpected data kind %s" % kind)
    stats["otlp"] += 1
    return 200, ""


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def reply(self, code, body="", ctype="text/plain", extra=None):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        u = urlparse(self.path)
        with lock:
            if u.path == "/stats":
                out = dict(stats, series=len(series))
                return self.reply(200, json.dumps(out), "application/json")
            if u.path == "/series":
                name = parse_qs(u.query).get("name", [""])[0]
                out = [s for s in series.values() if s["labels"].get("__name__") == name]
                return self.reply(200, json.dumps(out), "application/json")
        self.reply(404, "not found\n")

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        u = urlparse(self.path)
        with lock:
            if u.path == "/control":
                fault.update(json.loads(body))
                return self.reply(200, "ok\n")
            stats["requests"] += 1
            ua = self.headers.get("User-Agent", "")
            if ua not in stats["user_agents"]:
                stats["user_agents"].append(ua)
            if fault["count"] > 0:
                fault["count"] -= 1
                stats["injected"] += 1
                extra = {"Retry-After": str(fault["retry_after"])} if fault.get("retry_after") is not None else {}
                return self.reply(fault["status"], "injected fault\n", extra=extra)
            try:
                if u.path == "/api/v1/write":
                    code, msg = handle_remote_write(self.headers, body)
                elif u.path == "/v1/metrics":
                    code, msg = handle_otlp(self.headers, body)
                else:
                    code, msg = 404, "no such endpoint"
            except Exception as e:  # a body the official classes cannot decode
                code, msg = error("%s: %s" % (u.path, e))
            stats["accepted" if code < 300 else "refused"] += 1
        self.reply(code, msg + ("\n" if msg else ""))


server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
if len(sys.argv) > 3 and sys.argv[3] == "--tls":
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(sys.argv[4], sys.argv[5])
    ctx.load_verify_locations(sys.argv[6])
    ctx.verify_mode = ssl.CERT_REQUIRED
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
print("listening", flush=True)
server.serve_forever()
