#!/usr/bin/env python3
"""A Zipkin v2 endpoint for the interop script: stores every POSTed span (JSON lines).

Envoy POSTs chunked bodies without Content-Length, so both framings are read.
Usage: zipkin_sink.py PORT OUTFILE   (loopback only)
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Sink(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length", "0")))

    def do_POST(self):
        body = self._body()
        try:
            spans = json.loads(body)
            with open(self.server.outfile, "a") as out:
                for span in spans:
                    out.write(json.dumps(span) + "\n")
            status = 202
        except ValueError:
            status = 400
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Sink)
    server.outfile = sys.argv[2]
    server.serve_forever()
