"""bookinfo's ratings or reviews instrumented with the OpenTelemetry Python SDK. The SDK does the
propagation: it reads the incoming context with the propagators named in OTEL_PROPAGATORS
(`b3multi,tracecontext,…`, matching the sidecars), starts a SERVER span as its child, and
injects its own span into the outgoing call, so the trace continues through the app and the
app's spans join the sidecars' in the same trace. Spans go by OTLP/HTTP to
OTEL_EXPORTER_OTLP_ENDPOINT (the TraceLab collector takes /v1/traces). The lab sets all these
variables for a command it starts:

    pip install -r examples/python-otel/requirements.txt
    tracelab up --replace 'ratings-v1=cmd:python3 examples/python-otel/app.py'

x-request-id is not a trace context, so no propagator knows it: it is copied by hand.
"""
import json
import os
import re
import signal
import sys
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from opentelemetry import propagate, trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import SpanKind, Status, StatusCode

SERVICE = os.environ.get("TRACELAB_SERVICE", "ratings")
INSTANCE = os.environ.get("TRACELAB_INSTANCE", SERVICE + "-v1")
VERSION = os.environ.get("TRACELAB_VERSION", "v1")
OUTBOUND = os.environ.get("TRACELAB_OUTBOUND", "127.0.0.1:15001")
REVIEWS = [
    ("Reviewer1", "An extremely entertaining play by Shakespeare. The slapstick humour is refreshing!"),
    ("Reviewer2", "Absolutely fun and entertaining. The play lacks thematic depth when compared to other plays by Shakespeare."),
]

# Service name, exporter endpoint and propagators come from the OTEL_* environment.
provider = TracerProvider(resource=Resource.create())
# A short batch delay: a lesson waits a few seconds for every span of its traces.
provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(), schedule_delay_millis=200))
trace.set_tracer_provider(provider)
tracer = trace.get_tracer("tracelab.examples.python-otel")


def call(callee, path, incoming):
    """GET through the sidecar's outbound listener inside a CLIENT span, its context injected."""
    with tracer.start_as_current_span(f"GET {path.rsplit('/', 1)[0]}/{{id}}", kind=SpanKind.CLIENT) as span:
        headers = {"Host": callee}
        if incoming.get("x-request-id"):
            headers["x-request-id"] = incoming["x-request-id"]
        propagate.inject(headers)
        span.set_attribute("peer.service", callee)
        span.set_attribute("http.request.method", "GET")
        request = urllib.request.Request(f"http://{OUTBOUND}{path}", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                span.set_attribute("http.response.status_code", response.status)
                return json.load(response)
        except (urllib.error.URLError, OSError, ValueError) as error:
            span.set_status(Status(StatusCode.ERROR, str(error)))
            print(f"{INSTANCE}: {callee}{path} failed: {error}", file=sys.stderr, flush=True)
            return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        if self.path == "/health":
            return self.reply(200, {"status": "ok"})
        match = re.fullmatch(r"/(ratings|reviews)/(\d+)", self.path.split("?")[0])
        if not match or match.group(1) != SERVICE:
            return self.reply(404, {"error": f"{INSTANCE} serves /{SERVICE}/<id>"})
        incoming = {name.lower(): value for name, value in self.headers.items()}
        context = propagate.extract(incoming)
        with tracer.start_as_current_span(f"GET /{SERVICE}/{{id}}", context=context, kind=SpanKind.SERVER) as span:
            span.set_attribute("http.request.method", "GET")
            span.set_attribute("url.path", self.path)
            if incoming.get("x-request-id"):
                span.set_attribute("guid:x-request-id", incoming["x-request-id"])
            status, document = self.answer(int(match.group(2)), incoming)
            span.set_attribute("http.response.status_code", status)
        self.reply(status, document)

    def answer(self, product, incoming):
        if SERVICE == "ratings":
            return 200, {"id": product, "ratings": {"Reviewer1": 5, "Reviewer2": 4}}
        ratings = call("ratings", f"/ratings/{product}", incoming) if VERSION != "v1" else None
        reviews = []
        for reviewer, text in REVIEWS:
            review = {"reviewer": reviewer, "text": text}
            if VERSION != "v1":
                stars = (ratings or {}).get("ratings", {}).get(reviewer)
                review["rating"] = {"stars": stars, "color": "red" if VERSION == "v3" else "black"} if stars else {"error": "Ratings service is currently unavailable"}
            reviews.append(review)
        return 200, {"id": str(product), "podname": INSTANCE, "reviews": reviews}

    def reply(self, status, document):
        body = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass


if __name__ == "__main__":
    if SERVICE not in ("ratings", "reviews"):
        sys.exit(f"this example implements ratings and reviews, not {SERVICE}")
    server = ThreadingHTTPServer((os.environ.get("HOST", "127.0.0.1"), int(os.environ.get("PORT", "9080"))), Handler)
    print(f"{INSTANCE} (python, OpenTelemetry SDK, propagators {os.environ.get('OTEL_PROPAGATORS', 'default')}) on port {server.server_port}", flush=True)
    # SIGTERM (how the lab stops its processes) ends serve_forever, so the last spans are flushed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        server.serve_forever()
    finally:
        provider.shutdown()
