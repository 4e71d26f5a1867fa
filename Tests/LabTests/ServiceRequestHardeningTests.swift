import LabModel
@testable import LabServices
import NIOCore
import NIOPosix
import Synchronization
import TestSupport
import Testing

/// The lab services sit behind sidecars, but they are HTTP servers of their own: the same
/// smuggling and injection attempts the proxy refuses must not get through to a handler, and
/// the service must answer the next request.
@Suite("service request hardening")
struct ServiceRequestHardeningTests {
    static let attempts: [String: String] = [
        "content-length with transfer-encoding": "POST /ratings/0 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "conflicting content-length": "POST /ratings/0 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
        "obs-fold continuation line": "GET /ratings/0 HTTP/1.1\r\nHost: a\r\nX-Folded: a\r\n  b\r\n\r\n",
        "bare CR in a header value": "GET /ratings/0 HTTP/1.1\r\nHost: a\r\nX-Bad: a\rInjected: 1\r\n\r\n",
        "LF-only line ending smuggling a header": "GET /ratings/0 HTTP/1.1\r\nHost: a\r\nX-A: 1\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nabc",
        "10 MB x-request-id": "GET /ratings/0 HTTP/1.1\r\nHost: a\r\nX-Request-Id: \(String(repeating: "f", count: 10 << 20))\r\n\r\n",
    ]

    @Test("smuggling and header injection attempts are refused and the service keeps serving", arguments: attempts.keys.sorted())
    func refused(name: String) async throws {
        let raw = try #require(Self.attempts[name])
        let configuration = ServiceConfiguration(service: .ratings, listen: HostPort(host: "127.0.0.1", port: 0), proxy: HostPort(host: "127.0.0.1", port: 1))
        try await withLiveServer({ onRunning in
            try buildServiceApplication(configuration: configuration, onServerRunning: onRunning)
        }) { port in
            let group = MultiThreadedEventLoopGroup.singleton
            let answer = try await RawHTTPClient.exchange(port: port, bytes: raw, group: group)
            #expect(!answer.hasPrefix("HTTP/1.1 2"), "refused, not served: \(answer.prefix(120))")
            let next = try await RawHTTPClient.exchange(port: port, bytes: "GET /ratings/0 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", group: group)
            #expect(next.hasPrefix("HTTP/1.1 200"), "the next request is served: \(next.prefix(120))")
        }
    }
}
