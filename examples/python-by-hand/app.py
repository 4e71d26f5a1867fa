"""bookinfo's ratings or reviews, in plain Python (standard library only), forwarding the trace
headers by hand: the list Istio asks every app to copy from its incoming request to each
outgoing call. Run it in place of a lab instance:

    tracelab up --replace 'reviews-v2=cmd:python3 examples/python-by-hand/app.py'

The lab sets PORT (listen here), TRACELAB_SERVICE (ratings or reviews), TRACELAB_INSTANCE
(reviews-v2) and TRACELAB_OUTBOUND (the sidecar's outbound listener: every outgoing call goes
there, with the callee in the Host header).
"""
import json
import os
import re
import sys
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# What Istio's documentation lists: the request id, B3 (multi and single), OpenTracing, W3C.
FORWARDED = [
    "x-request-id",
    "x-b3-traceid", "x-b3-spanid", "x-b3-parentspanid", "x-b3-sampled", "x-b3-flags", "b3",
    "x-ot-span-context",
    "traceparent", "tracestate", "baggage",
]

SERVICE = os.environ.get("TRACELAB_SERVICE", "ratings")
INSTANCE = os.environ.get("TRACELAB_INSTANCE", SERVICE + "-v1")
VERSION = os.environ.get("TRACELAB_VERSION", "v1")
OUTBOUND = os.environ.get("TRACELAB_OUTBOUND", "127.0.0.1:15001")
REVIEWS = [
    ("Reviewer1", "An extremely entertaining play by Shakespeare. The slapstick humour is refreshing!"),
    ("Reviewer2", "Absolutely fun and entertaining. The play lacks thematic depth when compared to other plays by Shakespeare."),
]


def call(callee, path, headers):
    """GET through the sidecar's outbound listener, the callee named by Host."""
    request = urllib.request.Request(f"http://{OUTBOUND}{path}", headers={**headers, "Host": callee})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.load(response)
    except (urllib.error.URLError, OSError, ValueError) as error:
        print(f"{INSTANCE}: {callee}{path} failed: {error}", file=sys.stderr, flush=True)
        return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        match = re.fullmatch(r"/(ratings|reviews)/(\d+)", self.path.split("?")[0])
        if self.path == "/health":
            return self.reply(200, {"status": "ok"})
        if not match or match.group(1) != SERVICE:
            return self.reply(404, {"error": f"{INSTANCE} serves /{SERVICE}/<id>"})
        product = int(match.group(2))
        if SERVICE == "ratings":
            return self.reply(200, {"id": product, "ratings": {"Reviewer1": 5, "Reviewer2": 4}})
        # The one line that keeps the trace whole: copy the trace headers to the outgoing call.
        forwarded = {name: self.headers[name] for name in FORWARDED if self.headers.get(name)}
        ratings = call("ratings", f"/ratings/{product}", forwarded) if VERSION != "v1" else None
        reviews = []
        for reviewer, text in REVIEWS:
            review = {"reviewer": reviewer, "text": text}
            if VERSION != "v1":
                stars = (ratings or {}).get("ratings", {}).get(reviewer)
                review["rating"] = {"stars": stars, "color": "red" if VERSION == "v3" else "black"} if stars else {"error": "Ratings service is currently unavailable"}
            reviews.append(review)
        self.reply(200, {"id": str(product), "podname": INSTANCE, "reviews": reviews})

    def reply(self, status, document):
        body = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass


def main(description="python, trace headers forwarded by hand"):
    if SERVICE not in ("ratings", "reviews"):
        sys.exit(f"this example implements ratings and reviews, not {SERVICE}")
    server = ThreadingHTTPServer((os.environ.get("HOST", "127.0.0.1"), int(os.environ.get("PORT", "9080"))), Handler)
    print(f"{INSTANCE} ({description}) on port {server.server_port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
