import Collector
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SpanStore
import Testing
import TraceContext
import Zipkin

/// The request-level verdict over HTTP: the two cases of issue 22 (reviews-v2 forgets B3 and
/// keeps x-request-id; reviews-v2 drops every header), judged from the store alone.
@Suite("Collector: request-level verdicts")
struct RequestVerdictHTTPTests {
    static let logger = Logger(label: "collector-tests")
    /// A minute ago: the request view looks back one day from now.
    static let start = SystemClockMicros.now() - 60_000_000
    static let upstream = TraceID(high: 0x1111, low: 0x1)!
    static let downstream = TraceID(high: 0x2222, low: 0x2)!
    static let requestID = "4a3cff36-8839-4ce6-bcba-4cfd425df898"
    static let madeUp = "760d8a96-6331-4b44-a18b-936548c3762b"

    static func sidecar(
        _ trace: TraceID, _ id: UInt64, parent: UInt64? = nil, _ kind: ZipkinSpan.Kind, service: String, node: String,
        remote: String? = nil, from: UInt64, to: UInt64, shared: Bool = false, requestID: String
    ) -> ZipkinSpan {
        ZipkinSpan(
            traceID: trace, id: SpanID(id)!, parentID: parent.flatMap(SpanID.init), name: "get /\(remote ?? service)", kind: kind,
            timestamp: start + from * 1000, duration: (to - from) * 1000, localEndpoint: ZipkinEndpoint(serviceName: service),
            remoteEndpoint: remote.map { ZipkinEndpoint(serviceName: $0) },
            tags: ["component": "proxy", "node_id": node, "guid:x-request-id": requestID, "http.status_code": "200"], shared: shared
        )
    }

    /// productpage → reviews-v2, whose call to ratings is not in this trace.
    static let callerPart: [ZipkinSpan] = [
        sidecar(upstream, 1, .server, service: "productpage", node: "productpage-v1", from: 0, to: 100, requestID: requestID),
        sidecar(upstream, 3, parent: 1, .client, service: "productpage", node: "productpage-v1", remote: "reviews", from: 35, to: 95, requestID: requestID),
        sidecar(upstream, 3, parent: 1, .server, service: "reviews", node: "reviews-v2", from: 36, to: 94, shared: true, requestID: requestID),
    ]

    /// reviews-v2's sidecar started a trace for the call to ratings.
    static func fragment(requestID: String) -> [ZipkinSpan] {
        [
            sidecar(downstream, 40, .client, service: "reviews", node: "reviews-v2", remote: "ratings", from: 50, to: 80, requestID: requestID),
            sidecar(downstream, 40, .server, service: "ratings", node: "ratings-v1", from: 51, to: 79, shared: true, requestID: requestID),
        ]
    }

    func withCollector(_ spans: [ZipkinSpan], backend: StoreBackend = .memory, _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let store = try backend.make()
        try await store.write(spans)
        let app = buildCollectorApplication(configuration: CollectorConfiguration(port: 0), store: store, logger: Self.logger)
        try await app.test(.router) { client in try await body(client) }
    }

    func object(_ client: any TestClientProtocol, _ uri: String, status: HTTPResponse.Status = .ok) async throws -> [String: Any] {
        let response = try await client.execute(uri: uri, method: .get)
        #expect(response.status == status, "\(uri)")
        return try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
    }

    func verdict(_ client: any TestClientProtocol, _ trace: TraceID) async throws -> [String: Any] {
        try await object(client, "/api/tracelab/traces/\(trace.hex)/verdict")
    }

    @Test("drop-all: both halves are broken, name the hop, the cause and each other, whatever the store", arguments: StoreBackend.allCases)
    func dropAll(backend: StoreBackend) async throws {
        try await withCollector(Self.callerPart + Self.fragment(requestID: Self.madeUp), backend: backend) { client in
            for (trace, other) in [(Self.upstream, Self.downstream), (Self.downstream, Self.upstream)] {
                let verdict = try await verdict(client, trace)
                #expect(verdict["complete"] as? Bool == false, "\(trace.hex)")
                #expect(verdict["spanCount"] != nil && verdict["findings"] != nil && verdict["hops"] != nil, "existing fields stay")
                let finding = try #require((verdict["findings"] as? [[String: Any]])?.first)
                #expect(finding["hop"] as? String == "reviews-v2 -> ratings")
                #expect(finding["code"] as? String == "missing-trace-headers")
                #expect(finding["kind"] as? String == "split-hop")
                #expect(finding["relatedTraceIDs"] as? [String] == [other.hex])
                let request = try #require(verdict["request"] as? [String: Any])
                #expect(request["complete"] as? Bool == false)
                #expect(request["traceIDs"] as? [String] == [Self.upstream.hex, Self.downstream.hex])
                #expect(request["requestID"] as? String == Self.requestID)
                #expect(request["ambiguous"] as? Bool == false)
                let brokenHop = try #require((request["breaks"] as? [[String: Any]])?.first)
                #expect(brokenHop["matchedBy"] as? String == "time")
                #expect(brokenHop["fromSpanID"] as? String == "0000000000000003")
            }
        }
    }

    @Test("drop-b3: found through the shared x-request-id")
    func dropB3() async throws {
        try await withCollector(Self.callerPart + Self.fragment(requestID: Self.requestID)) { client in
            for (trace, other) in [(Self.upstream, Self.downstream), (Self.downstream, Self.upstream)] {
                let verdict = try await verdict(client, trace)
                #expect(verdict["complete"] as? Bool == false)
                let finding = try #require((verdict["findings"] as? [[String: Any]])?.first)
                #expect(finding["code"] as? String == "missing-b3")
                #expect(finding["relatedTraceIDs"] as? [String] == [other.hex])
            }
        }
    }

    @Test("a complete request stays complete, a request of one trace")
    func complete() async throws {
        let whole = Self.callerPart + Self.fragment(requestID: Self.requestID).map { span in
            var copy = span
            copy.traceID = Self.upstream
            if span.kind == .client { copy.parentID = SpanID(3) }
            if span.kind == .server { copy.parentID = SpanID(3) }
            return copy
        }
        try await withCollector(whole) { client in
            let verdict = try await verdict(client, Self.upstream)
            #expect(verdict["complete"] as? Bool == true)
            let request = try #require(verdict["request"] as? [String: Any])
            #expect(request["traceIDs"] as? [String] == [Self.upstream.hex])
            #expect((request["breaks"] as? [Any])?.isEmpty == true)
        }
    }

    @Test("the request view answers every fragment of a request by its x-request-id, even one that lost the id")
    func requestView() async throws {
        try await withCollector(Self.callerPart + Self.fragment(requestID: Self.madeUp)) { client in
            let body = try await object(client, "/api/tracelab/requests/\(Self.requestID)")
            #expect(body["requestID"] as? String == Self.requestID)
            let request = try #require(body["request"] as? [String: Any])
            #expect(request["traceIDs"] as? [String] == [Self.upstream.hex, Self.downstream.hex])
            let fragments = try #require(request["fragments"] as? [[String: Any]])
            #expect(fragments.map { $0["entry"] as? Bool } == [true, false])
            #expect(fragments.map { $0["rootService"] as? String } == ["productpage-v1", "reviews-v2"])
            let traces = try #require(body["traces"] as? [[String: Any]])
            #expect(traces.map { $0["traceID"] as? String } == [Self.upstream.hex, Self.downstream.hex])

            // By the fragment's own (made-up) id, the same request.
            let same = try await object(client, "/api/tracelab/requests/\(Self.madeUp)")
            #expect((same["request"] as? [String: Any])?["traceIDs"] as? [String] == [Self.upstream.hex, Self.downstream.hex])

            let missing = try await object(client, "/api/tracelab/requests/no-such-request", status: .notFound)
            #expect((missing["error"] as? String)?.contains("no-such-request") == true)
            let page = try await client.execute(uri: "/request/\(Self.requestID)", method: .get)
            #expect(page.status == .ok)
            #expect(page.headers[.contentType]?.hasPrefix("text/html") == true)
        }
    }
}
