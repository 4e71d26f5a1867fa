#!/usr/bin/env python3
"""Writes Zipkin v2 spans for the UI test: bookinfo-shaped traces stamped a minute ago.

Trace ...a1: complete (productpage -> reviews-v2 -> ratings, B3 shared spans).
Trace ...b2: broken: reviews-v2 did not forward the B3 headers, so ratings' spans start a
             new trace ...c3 and ...b2 holds a reviews CLIENT span nobody answered.
Trace ...d4: complete but ratings' clock runs 5 ms ahead (clock skew).
Trace ...e5: reviews-v2 dropped every header, x-request-id too (drop-all): its call to ratings
             started trace ...f6 with a new request id; ...e5 alone looks complete.
"""
import json
import sys
import time

now = int(time.time() * 1_000_000) - 60_000_000


def ep(name):
    return {"serviceName": name, "ipv4": "127.0.0.1"}


def span(trace, sid, parent, name, kind, svc, ts, dur, remote=None, shared=False, tags=None, node=None):
    s = {"traceId": trace, "id": sid, "name": name, "kind": kind, "timestamp": ts, "duration": dur,
         "localEndpoint": ep(svc),
         "tags": {"component": "proxy", "http.method": "GET", "http.status_code": "200",
                  "guid:x-request-id": "req-" + trace[-4:], "node_id": node or (svc + "-v1")}}
    if parent:
        s["parentId"] = parent
    if remote:
        s["remoteEndpoint"] = ep(remote)
    if shared:
        s["shared"] = True
    if tags:
        s["tags"].update(tags)
    return s


def bookinfo(trace, start, skew=0):
    p = "1000000000000001"
    r = "1000000000000002"
    g = "1000000000000003"
    return [
        span(trace, p, None, "get /productpage", "SERVER", "productpage", start, 20_000),
        span(trace, r, p, "get /reviews/0", "CLIENT", "productpage", start + 1_000, 15_000, remote="reviews"),
        span(trace, r, p, "get /reviews/0", "SERVER", "reviews", start + 1_200, 14_500, shared=True, node="reviews-v2"),
        span(trace, g, r, "get /ratings/0", "CLIENT", "reviews", start + 2_000, 10_000, remote="ratings", node="reviews-v2"),
        span(trace, g, r, "get /ratings/0", "SERVER", "ratings", start + 2_300 + skew, 9_000, shared=True),
    ]


complete = bookinfo("00000000000000a1", now)
skewed = bookinfo("00000000000000d4", now + 3_000_000, skew=15_000)
broken = bookinfo("00000000000000b2", now + 1_000_000)[:4]
broken[3]["tags"]["error"] = "upstream_reset"
broken[3]["tags"]["http.status_code"] = "503"
orphan = span("00000000000000c3", "2000000000000001", None, "get /ratings/0", "SERVER", "ratings", now + 1_003_000, 8_000)
orphan["tags"]["guid:x-request-id"] = broken[0]["tags"]["guid:x-request-id"]
# drop-all: e5 is productpage -> reviews-v2 without the ratings call; f6 starts at reviews-v2's
# sidecar CLIENT span, inside reviews-v2's SERVER span of e5, with a request id of its own.
upstream = bookinfo("00000000000000e5", now + 5_000_000)[:3]
fragment = [
    span("00000000000000f6", "3000000000000001", None, "get /ratings/0", "CLIENT", "reviews", now + 5_002_000, 10_000,
         remote="ratings", node="reviews-v2"),
    span("00000000000000f6", "3000000000000001", None, "get /ratings/0", "SERVER", "ratings", now + 5_002_300, 9_000, shared=True),
]
json.dump(complete + skewed + broken + [orphan] + upstream + fragment, sys.stdout)
