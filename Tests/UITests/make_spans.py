#!/usr/bin/env python3
"""Writes Zipkin v2 spans for the UI test: bookinfo-shaped traces stamped a minute ago.

Trace ...a1: complete (productpage -> reviews-v2 -> ratings, B3 shared spans).
Trace ...b2: broken: reviews-v2 did not forward the B3 headers, so ratings' spans start a
             new trace ...c3 and ...b2 holds a reviews CLIENT span nobody answered.
Trace ...d4: complete but ratings' clock runs 5 ms ahead (clock skew).
Trace ...e5: reviews-v2 dropped every header, x-request-id too (drop-all): its call to ratings
             started trace ...f6 with a new request id; ...e5 alone looks complete.
Trace ...fa1: the whole bookinfo page (details and reviews-v3 -> ratings) with faults: a 25 ms
             delay injected on the call to details (DI) and the call to ratings aborted with 503
             (FI, no SERVER span), plus an app span with an annotation; complete.
Trace ...c01: the chain service-a -> service-b -> service-c, complete.
Trace ...c02: the chain with service-b dropping B3 but keeping x-request-id: its call to
             service-c started trace ...c03 (same request id).
"""
import json
import sys
import time

now = int(time.time() * 1_000_000) - 60_000_000


def ep(name):
    return {"serviceName": name, "ipv4": "127.0.0.1"}


def span(trace, sid, parent, name, kind, svc, ts, dur, remote=None, shared=False, tags=None, node=None, request=None):
    s = {"traceId": trace, "id": sid, "name": name, "kind": kind, "timestamp": ts, "duration": dur,
         "localEndpoint": ep(svc),
         "tags": {"component": "proxy", "http.method": "GET", "http.status_code": "200",
                  "guid:x-request-id": request or ("req-" + trace[-4:]), "node_id": node or (svc + "-v1")}}
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


def sidecar_tags(s, port):
    """The rest of what TraceLab's sidecar tags (SpanFacts): url, path, cluster, flags."""
    path = s["name"].split(" ", 1)[1]
    remote = (s.get("remoteEndpoint") or {}).get("serviceName") or s["localEndpoint"]["serviceName"]
    direction = "outbound" if s["kind"] == "CLIENT" else "inbound"
    s["tags"].setdefault("http.url", "http://" + remote + path)
    s["tags"].setdefault("http.path", path)
    s["tags"].setdefault("upstream_cluster", f"{direction}|{port}||{remote}")
    s["tags"].setdefault("response_flags", "-")
    if s["kind"] == "CLIENT":
        s["remoteEndpoint"]["port"] = port
    return s


# The whole product page, with faults: productpage calls details (a 25 ms delay injected by its
# sidecar, DI) and then reviews-v3, whose call to ratings its sidecar aborts with 503 (FI).
t = "0000000000000fa1"
f0 = now + 7_000_000
faulted = [
    span(t, "4000000000000001", None, "GET /productpage", "SERVER", "productpage", f0, 61_000),
    span(t, "4000000000000002", "4000000000000001", "GET /details/0", "CLIENT", "productpage", f0 + 800, 31_000, remote="details",
         tags={"response_flags": "DI"}),
    span(t, "4000000000000002", "4000000000000001", "GET /details/0", "SERVER", "details", f0 + 26_100, 5_200, shared=True),
    span(t, "4000000000000003", "4000000000000001", "GET /reviews/0", "CLIENT", "productpage", f0 + 32_500, 27_000, remote="reviews"),
    span(t, "4000000000000003", "4000000000000001", "GET /reviews/0", "SERVER", "reviews", f0 + 32_900, 26_000, shared=True, node="reviews-v3"),
    span(t, "4000000000000004", "4000000000000003", "GET /ratings/0", "CLIENT", "reviews", f0 + 40_000, 400, remote="ratings", node="reviews-v3",
         tags={"http.status_code": "503", "error": "fault abort", "response_flags": "FI"}),
]
for s_ in faulted:
    sidecar_tags(s_, 9080)
# reviews' own span (--app-spans): no kind, an annotation when the ratings call failed.
app_span = {"traceId": t, "id": "4000000000000005", "parentId": "4000000000000003", "name": "reviews handler",
            "timestamp": f0 + 33_500, "duration": 24_800, "localEndpoint": ep("reviews"),
            "annotations": [{"timestamp": f0 + 40_500, "value": "ratings unavailable: 503, showing reviews without stars"}],
            "tags": {"component": "app", "node_id": "reviews-v3", "guid:x-request-id": "req-0fa1"}}
faulted.append(app_span)


def chain(trace, start, request=None, cut=None):
    """service-a -> service-b -> service-c; `cut` = a trace id: service-b lost B3 there."""
    a, b, c = "5000000000000001", "5000000000000002", "5000000000000003"
    req = request or ("req-" + trace[-4:])
    spans = [
        span(trace, a, None, "GET /", "SERVER", "service-a", start, 12_000, request=req),
        span(trace, b, a, "GET /", "CLIENT", "service-a", start + 500, 11_000, remote="service-b", request=req),
        span(trace, b, a, "GET /", "SERVER", "service-b", start + 700, 10_500, shared=True, request=req),
    ]
    if cut:
        spans += [
            span(cut, c, None, "GET /", "CLIENT", "service-b", start + 1_500, 8_000, remote="service-c", request=req),
            span(cut, c, None, "GET /", "SERVER", "service-c", start + 1_700, 7_500, shared=True, request=req),
        ]
    else:
        spans += [
            span(trace, c, b, "GET /", "CLIENT", "service-b", start + 1_500, 8_000, remote="service-c", request=req),
            span(trace, c, b, "GET /", "SERVER", "service-c", start + 1_700, 7_500, shared=True, request=req),
        ]
    for s_ in spans:
        sidecar_tags(s_, 8080)
    return spans


chains = chain("0000000000000c01", now + 9_000_000) + chain("0000000000000c02", now + 10_000_000, cut="0000000000000c03")
json.dump(complete + skewed + broken + [orphan] + upstream + fragment + faulted + chains, sys.stdout)
