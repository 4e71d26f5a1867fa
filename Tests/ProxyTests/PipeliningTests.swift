import NIOPosix
import ProxyCore
import Testing
import TestSupport

/// The sidecar serves one request per connection at a time; requests a client pipelines
/// behind it wait their turn (the proxy does this itself instead of NIO's
/// `HTTPServerPipelineHandler`, which toggled read interest on every request).
@Suite("pipelined requests")
struct PipeliningTests {
    @Test("requests pipelined in one write are answered in order, each reported")
    func answeredInOrder() async throws {
        let harness = try await ProxyHarness.start(appAnswer: { request in
            .reply(status: .ok, headers: [], body: "answer for \(request.head.uri);")
        })
        try await harness.shuttingDown {
            let bytes = "GET /one HTTP/1.1\r\nHost: a\r\n\r\n"
                + "POST /two HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"
                + "GET /three HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
            let text = try await RawHTTPClient.exchange(port: harness.addresses.inbound.port, bytes: bytes, group: MultiThreadedEventLoopGroup.singleton)
            let answers = ["/one", "/two", "/three"].map { "answer for \($0);" }
            let positions = answers.compactMap { text.range(of: $0)?.lowerBound }
            #expect(positions.count == 3 && positions == positions.sorted(), "\(text)")
            #expect(text.components(separatedBy: "HTTP/1.1 200").count == 4, "\(text)")
            let posted = harness.app.recorded.first { $0.head.uri == "/two" }
            #expect(posted.map { String(decoding: $0.body, as: UTF8.self) } == "hello")
            let spans = await harness.sink.wait { $0.count >= 3 }
            #expect(Set(spans.compactMap { $0.tags["http.url"] }).count == 3)
        }
    }

    @Test("a request's timeout still fires when an earlier, faster request on the connection armed the timer")
    func timeoutAfterFasterRequest() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let upstream = try await TestHTTPServer(group: group) { request in
            request.head.uri == "/slow" ? .hang : .reply(status: .ok, headers: [], body: "fast")
        }
        let port = upstream.port
        let harness = try await ProxyHarness.start(routes: { _ in
            ["mixed": Route(endpoints: [RouteEndpoint(address: HostPort(host: "127.0.0.1", port: port))], timeoutMilliseconds: 300)]
        })
        try await harness.shuttingDown {
            let outbound = try #require(harness.addresses.outbound?.port)
            let bytes = "GET /fast HTTP/1.1\r\nHost: mixed\r\n\r\n" + "GET /slow HTTP/1.1\r\nHost: mixed\r\n\r\n"
            // Bounded by RawHTTPClient's own 5 s limit: without the re-armed timer the slow call hangs.
            let text = try await RawHTTPClient.exchange(port: outbound, bytes: bytes, group: group, readUntil: "did not answer within 300 ms")
            #expect(text.hasPrefix("HTTP/1.1 200"), "\(text)")
            #expect(text.contains("HTTP/1.1 504"), "\(text)")
        }
        await upstream.close()
    }
}
