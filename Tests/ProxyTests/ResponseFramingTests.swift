import NIOPosix
import ProxyCore
import Testing
import TestSupport

/// The sidecar passes responses on as bytes; these are the framings it must still get right:
/// chunked (passed on as is, or without its framing for an HTTP/1.0 client), no length (ends
/// at the upstream's close), 1xx before the final answer, HEAD, and a malformed response.
@Suite("response framing through the byte-level forwarder")
struct ResponseFramingTests {
    /// A proxy whose route `raw` leads to a `RawHTTPServer` answering as `answer` says.
    static func withRawUpstream(_ answer: @escaping @Sendable (String) -> RawHTTPServer.Answer, _ body: (ProxyHarness, Int, RawHTTPServer) async throws -> Void) async throws {
        let upstream = try await RawHTTPServer(answer: answer)
        let port = upstream.port
        // The route's timeout is above RawHTTPClient's own 5 s limit. With 2 s, `untilClose`
        // failed once in a loaded full run (status 200 with an error tag; most likely that
        // timeout firing mid-response, not reproduced in eight more runs).
        let harness = try await ProxyHarness.start(routes: { _ in
            ["raw": Route(endpoints: [RouteEndpoint(address: HostPort(host: "127.0.0.1", port: port))], timeoutMilliseconds: 10_000)]
        })
        try await harness.shuttingDown {
            try await body(harness, try #require(harness.addresses.outbound?.port), upstream)
        }
        await upstream.close()
    }

    static let chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-App: 1\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"

    @Test("a chunked response reaches an HTTP/1.1 client as sent, and the connection carries the next request")
    func chunkedPassThrough() async throws {
        try await Self.withRawUpstream({ _ in .init(Self.chunked) }) { harness, port, upstream in
            let text = try await RawHTTPClient.exchange(port: port, bytes: "GET /a HTTP/1.1\r\nHost: raw\r\n\r\nGET /b HTTP/1.1\r\nHost: raw\r\nConnection: close\r\n\r\n", group: harness.group)
            #expect(text.components(separatedBy: "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n").count == 3, "\(text)")
            #expect(text.hasPrefix("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-App: 1\r\n"), "\(text)")
            #expect(upstream.received.count == 2)
        }
    }

    @Test("an HTTP/1.0 client gets a chunked response's payload alone, then the connection closes")
    func dechunkedForHTTP10() async throws {
        try await Self.withRawUpstream({ _ in .init(Self.chunked) }) { harness, port, _ in
            let text = try await RawHTTPClient.exchange(port: port, bytes: "GET /a HTTP/1.0\r\nHost: raw\r\nConnection: keep-alive\r\n\r\n", group: harness.group)
            #expect(text.hasPrefix("HTTP/1.0 200 OK\r\n"), "\(text)")
            #expect(!text.lowercased().contains("transfer-encoding") && text.lowercased().contains("connection: close"), "\(text)")
            #expect(text.hasSuffix("\r\n\r\nhello world"), "\(text)")
        }
    }

    @Test("a response without a length ends when the upstream closes; the client is told to close too")
    func untilClose() async throws {
        try await Self.withRawUpstream({ _ in .init("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it", close: true) }) { harness, port, _ in
            let text = try await RawHTTPClient.exchange(port: port, bytes: "GET /a HTTP/1.1\r\nHost: raw\r\n\r\n", group: harness.group)
            #expect(text.lowercased().contains("connection: close") && text.hasSuffix("\r\n\r\nall of it"), "\(text)")
            let spans = await harness.sink.wait { $0.count >= 1 }
            #expect(spans.first?.tags["http.status_code"] == "200" && spans.first?.tags["error"] == nil, "\(spans)")
        }
    }

    @Test("a 100 Continue goes to an HTTP/1.1 client before the final response, not to an HTTP/1.0 one")
    func interim() async throws {
        try await Self.withRawUpstream({ _ in .init("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok") }) { harness, port, _ in
            let text = try await RawHTTPClient.exchange(port: port, bytes: "GET /a HTTP/1.1\r\nHost: raw\r\nConnection: close\r\n\r\n", group: harness.group)
            #expect(text.hasPrefix("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\n"), "\(text)")
            #expect(text.hasSuffix("\r\n\r\nok"), "\(text)")
            let old = try await RawHTTPClient.exchange(port: port, bytes: "GET /a HTTP/1.0\r\nHost: raw\r\n\r\n", group: harness.group)
            #expect(old.hasPrefix("HTTP/1.0 201 Created\r\n") && old.hasSuffix("\r\n\r\nok"), "\(old)")
        }
    }

    @Test("a response to HEAD has no body whatever its Content-Length; the next request follows")
    func head() async throws {
        try await Self.withRawUpstream({ head in
            head.hasPrefix("HEAD") ? .init("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n") : .init("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nget")
        }) { harness, port, _ in
            let text = try await RawHTTPClient.exchange(port: port, bytes: "HEAD /a HTTP/1.1\r\nHost: raw\r\n\r\nGET /b HTTP/1.1\r\nHost: raw\r\nConnection: close\r\n\r\n", group: harness.group)
            #expect(text.components(separatedBy: "HTTP/1.1 200 OK").count == 3, "\(text)")
            #expect(text.hasSuffix("\r\n\r\nget"), "\(text)")
        }
    }

    @Test("a malformed response is a 502 naming the upstream, with an error span (UPE)")
    func malformed() async throws {
        try await Self.withRawUpstream({ _ in .init("HTTP/1.1 200 OK\r\nBad Header: x\r\n\r\n") }) { harness, port, _ in
            let text = try await RawHTTPClient.exchange(port: port, bytes: "GET /a HTTP/1.1\r\nHost: raw\r\nConnection: close\r\n\r\n", group: harness.group)
            #expect(text.hasPrefix("HTTP/1.1 502"), "\(text)")
            #expect(text.contains("upstream protocol error: raw at 127.0.0.1:"), "\(text)")
            let spans = await harness.sink.wait { $0.count >= 1 }
            #expect(spans.first?.tags["response_flags"] == "UPE" && spans.first?.tags["error"] != nil, "\(spans)")
        }
    }
}
