"""Sends one trace with py_zipkin, prints its trace id.

    python send_py_zipkin.py v1|proto3 COLLECTOR_URL

v1: Encoding.V1_JSON to POST /api/v1/spans; proto3: Encoding.V2_PROTO3 (py_zipkin's own
protobuf encoding) to POST /api/v2/spans. The trace: a SERVER span of service
interop-pyzipkin-<encoding> and a CLIENT child to "reviews" with a tag.
"""
import os
import sys
import urllib.request

from py_zipkin import Encoding
from py_zipkin.encoding._types import Kind
from py_zipkin.transport import BaseTransportHandler
from py_zipkin.zipkin import ZipkinAttrs, zipkin_span

encoding_name, url = sys.argv[1], sys.argv[2].rstrip("/")
encoding = {"v1": Encoding.V1_JSON, "proto3": Encoding.V2_PROTO3}[encoding_name]
path = "/api/v1/spans" if encoding_name == "v1" else "/api/v2/spans"
content_type = "application/json" if encoding_name == "v1" else "application/x-protobuf"


class Transport(BaseTransportHandler):
    def get_max_payload_bytes(self):
        return None

    def send(self, payload):
        # py_zipkin hands JSON over as str, protobuf as bytes.
        data = payload.encode() if isinstance(payload, str) else payload
        request = urllib.request.Request(url + path, data=data, headers={"Content-Type": content_type}, method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            if response.status not in (200, 202):
                raise SystemExit(f"collector answered {response.status}")


trace_id = os.urandom(16).hex()
attrs = ZipkinAttrs(trace_id=trace_id, span_id=os.urandom(8).hex(), parent_span_id=None, flags="0", is_sampled=True)
service = f"interop-pyzipkin-{encoding_name}"
with zipkin_span(service_name=service, span_name="GET /productpage", zipkin_attrs=attrs, transport_handler=Transport(),
                 encoding=encoding, kind=Kind.SERVER, host="127.0.0.1", port=9080):
    with zipkin_span(service_name=service, span_name="GET /reviews/0", kind=Kind.CLIENT) as client:
        client.update_binary_annotations({"http.status_code": "200"})
        client.add_sa_binary_annotation(port=9081, service_name="reviews", host="127.0.0.2")
        client.add_annotation("retry")
print(trace_id)
