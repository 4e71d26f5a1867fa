"""Sends one trace with the OpenTelemetry Python SDK through one exporter, prints its trace id.

    python send_otel.py EXPORTER COLLECTOR_URL [gzip|deflate]

EXPORTER: otlp-proto (opentelemetry-exporter-otlp-proto-http, POST /v1/traces protobuf),
otlp-json (opentelemetry-exporter-otlp-json-http, POST /v1/traces JSON),
otlp-grpc (opentelemetry-exporter-otlp-proto-grpc, TraceService/Export; COLLECTOR_URL is then
http://HOST:GRPC_PORT),
zipkin-proto (opentelemetry-exporter-zipkin-proto-http, POST /api/v2/spans proto3),
zipkin-json (opentelemetry-exporter-zipkin-json, POST /api/v2/spans JSON),
zipkin-json-v1 (the same exporter in its v1 mode, POST /api/v1/spans).

The trace: a SERVER span (service interop-<exporter>) with a CLIENT child calling
"reviews" (peer.service), an array attribute, an event and an ERROR status.
"""
import sys

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.trace import SpanKind, Status, StatusCode

kind, url = sys.argv[1], sys.argv[2].rstrip("/")
compression = sys.argv[3] if len(sys.argv) > 3 else "none"  # OTLP exporters only

if kind == "otlp-proto":
    from opentelemetry.exporter.otlp.proto.http import Compression
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    exporter = OTLPSpanExporter(endpoint=url + "/v1/traces", compression={
        "gzip": Compression.Gzip, "deflate": Compression.Deflate}.get(compression, Compression.NoCompression))
elif kind == "otlp-grpc":
    from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
    exporter = OTLPSpanExporter(endpoint=url, insecure=True, timeout=10)
elif kind == "otlp-json":
    from opentelemetry.exporter.otlp.json.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.exporter.otlp.common.http import Compression
    exporter = OTLPSpanExporter(endpoint=url + "/v1/traces", compression={
        "gzip": Compression.GZIP, "deflate": Compression.DEFLATE}.get(compression, Compression.NONE))
elif kind == "zipkin-proto":
    from opentelemetry.exporter.zipkin.proto.http import ZipkinExporter
    exporter = ZipkinExporter(endpoint=url + "/api/v2/spans")
elif kind == "zipkin-json":
    from opentelemetry.exporter.zipkin.json import ZipkinExporter
    exporter = ZipkinExporter(endpoint=url + "/api/v2/spans")
elif kind == "zipkin-json-v1":
    from opentelemetry.exporter.zipkin.encoder import Protocol
    from opentelemetry.exporter.zipkin.json import ZipkinExporter
    # Without max_tag_value_length its v1 encoder fails comparing None with 0 (1.45.1).
    exporter = ZipkinExporter(version=Protocol.V1, endpoint=url + "/api/v1/spans", max_tag_value_length=1024)
else:
    sys.exit(f"unknown exporter {kind}")

provider = TracerProvider(resource=Resource.create({"service.name": f"interop-{kind}", "deployment.environment": "ci"}))
provider.add_span_processor(SimpleSpanProcessor(exporter))
tracer = provider.get_tracer("tracelab.interop", "1.0")

with tracer.start_as_current_span("GET /productpage", kind=SpanKind.SERVER, attributes={"http.request.method": "GET"}) as server:
    with tracer.start_as_current_span("GET /reviews/0", kind=SpanKind.CLIENT) as client:
        client.set_attribute("peer.service", "reviews")
        client.set_attribute("http.response.status_code", 503)
        client.set_attribute("retry.delays", [10, 20])
        client.add_event("retry", {"attempt": 2})
        client.set_status(Status(StatusCode.ERROR, "upstream reset"))
    trace_id = format(server.get_span_context().trace_id, "032x")
provider.shutdown()
print(trace_id)
