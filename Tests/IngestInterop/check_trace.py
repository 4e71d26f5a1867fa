"""Checks a stored trace through the collector's Zipkin v2 API.

    python check_trace.py COLLECTOR_URL TRACE_ID SERVICE [--v1-otel] [--no-remote]

Passes when GET /api/v2/trace/TRACE_ID has the client span "get /reviews/0" (any case) of
SERVICE with kind CLIENT, a parent, and the tags each client sets; and a SERVER span of SERVICE.
--v1-otel: the OpenTelemetry Zipkin exporter's v1 mode sends no core annotations, so its spans
have no kind; only service, parent and tags are checked.
--no-remote: the OpenTelemetry Python Zipkin exporters (1.45) write no remoteEndpoint from
peer.service (the specification says SHOULD); the peer.service tag is checked instead.
"""
import json
import sys
import urllib.request

url, trace_id, service = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
v1_otel = "--v1-otel" in sys.argv
no_remote = v1_otel or "--no-remote" in sys.argv

with urllib.request.urlopen(f"{url}/api/v2/trace/{trace_id}", timeout=10) as response:
    spans = json.load(response)

def fail(why):
    print(f"FAIL {service} trace {trace_id}: {why}\n{json.dumps(spans, indent=1)}")
    sys.exit(1)

clients = [s for s in spans if s.get("name", "").lower() == "get /reviews/0"]
servers = [s for s in spans if s.get("name", "").lower() == "get /productpage"]
if len(clients) != 1 or len(servers) != 1:
    fail(f"expected one client and one server span, got {len(clients)} and {len(servers)}")
client, server = clients[0], servers[0]
for span in (client, server):
    if span.get("localEndpoint", {}).get("serviceName") != service:
        fail(f"span {span['id']} has service {span.get('localEndpoint')}, expected {service}")
if client.get("parentId") != server["id"]:
    fail(f"client parent {client.get('parentId')} is not the server span {server['id']}")
tags = client.get("tags", {})
if service.startswith("interop-pyzipkin"):
    if tags.get("http.status_code") != "200":
        fail(f"tags {tags}")
    if client.get("remoteEndpoint", {}).get("serviceName") != "reviews":
        fail(f"remote endpoint {client.get('remoteEndpoint')}")
else:
    if tags.get("http.response.status_code") != "503" or tags.get("otel.status_code") != "ERROR" or tags.get("error") != "upstream reset":
        fail(f"tags {tags}")
    if no_remote:
        if tags.get("peer.service") != "reviews":
            fail(f"peer.service tag {tags.get('peer.service')}")
    elif client.get("remoteEndpoint", {}).get("serviceName") != "reviews":
        fail(f"remote endpoint {client.get('remoteEndpoint')}")
if not v1_otel:
    if client.get("kind") != "CLIENT" or server.get("kind") != "SERVER":
        fail(f"kinds {client.get('kind')} and {server.get('kind')}")
print(f"ok   {service}: trace {trace_id}, {len(spans)} spans, client {client['id']} under server {server['id']}")
