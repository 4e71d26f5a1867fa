import Collector
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SpanStore
import Testing
import TraceContext
import Zipkin

/// `GET /api/tracelab/dependencies`: the Zipkin dependency counts plus, per edge, the calls
/// that lost their context there (issue 22, point 4), with example traces.
@Suite("Collector: dependencies with broken propagation")
struct DependencyBreaksHTTPTests {
    typealias Split = RequestVerdictHTTPTests

    func links(_ spans: [ZipkinSpan], backend: StoreBackend = .memory, query: String = "") async throws -> (body: [String: Any], links: [[String: Any]]) {
        let store = try backend.make()
        try await store.write(spans)
        let app = buildCollectorApplication(configuration: CollectorConfiguration(port: 0), store: store, logger: Split.logger)
        let bytes = try await app.test(.router) { client in
            let response = try await client.execute(uri: "/api/tracelab/dependencies" + query, method: .get)
            #expect(response.status == .ok)
            return Data(response.body.readableBytesView)
        }
        let result = try #require(try JSONSerialization.jsonObject(with: bytes) as? [String: Any])
        return (result, try #require(result["links"] as? [[String: Any]]))
    }

    func link(_ links: [[String: Any]], _ parent: String, _ child: String) throws -> [String: Any] {
        try #require(links.first { $0["parent"] as? String == parent && $0["child"] as? String == child }, "\(parent) -> \(child)")
    }

    @Test("drop-all: reviews -> ratings carries one broken call, its cause and both traces, whatever the store", arguments: StoreBackend.allCases)
    func dropAll(backend: StoreBackend) async throws {
        let (body, links) = try await links(Split.callerPart + Split.fragment(requestID: Split.madeUp), backend: backend)
        #expect(body["tracesAnalysed"] as? Int == 2)
        let ratings = try link(links, "reviews", "ratings")
        #expect(ratings["callCount"] as? Int == 1)
        #expect(ratings["errorCount"] as? Int == 0)
        #expect(ratings["brokenCount"] as? Int == 1)
        #expect(ratings["causes"] as? [String: Int] == ["missing-trace-headers": 1])
        #expect(ratings["hops"] as? [String] == ["reviews-v2 -> ratings"])
        let example = try #require((ratings["brokenExamples"] as? [[String: Any]])?.first)
        #expect(example["traceID"] as? String == Split.upstream.hex)
        #expect(example["otherTraceID"] as? String == Split.downstream.hex)
        #expect(example["ambiguous"] as? Bool == false)
        // The hop that kept its context is not broken.
        let reviews = try link(links, "productpage", "reviews")
        #expect(reviews["brokenCount"] as? Int == 0)
        #expect(reviews["callCount"] as? Int == 1)
        #expect(reviews["exampleTraceIDs"] as? [String] == [Split.upstream.hex])
    }

    @Test("drop-b3: the break is matched by x-request-id and named missing-b3")
    func dropB3() async throws {
        let (_, links) = try await links(Split.callerPart + Split.fragment(requestID: Split.requestID))
        let ratings = try link(links, "reviews", "ratings")
        #expect(ratings["brokenCount"] as? Int == 1)
        #expect(ratings["causes"] as? [String: Int] == ["missing-b3": 1])
        let example = try #require((ratings["brokenExamples"] as? [[String: Any]])?.first)
        #expect(example["requestID"] as? String == Split.requestID)
    }

    @Test("a fragment whose caller is not stored still counts once on its hop")
    func lonelyFragment() async throws {
        let (_, links) = try await links(Split.fragment(requestID: Split.madeUp))
        let ratings = try link(links, "reviews", "ratings")
        #expect(ratings["brokenCount"] as? Int == 1)
        #expect((ratings["brokenExamples"] as? [[String: Any]])?.first?["traceID"] as? String == Split.downstream.hex)
    }

    @Test("a complete request has no broken edge; limit and window are echoed; bad parameters are named")
    func completeAndParameters() async throws {
        let whole = Split.callerPart + Split.fragment(requestID: Split.requestID).map { span in
            var copy = span
            copy.traceID = Split.upstream
            copy.parentID = SpanID(3)
            return copy
        }
        let (body, links) = try await links(whole, query: "?limit=5")
        #expect(body["traceLimit"] as? Int == 5)
        #expect(links.count == 2)
        #expect(links.allSatisfy { $0["brokenCount"] as? Int == 0 })

        let store = try StoreBackend.memory.make()
        let app = buildCollectorApplication(configuration: CollectorConfiguration(port: 0), store: store, logger: Split.logger)
        try await app.test(.router) { client in
            let bad = try await client.execute(uri: "/api/tracelab/dependencies?lookback=soon", method: .get)
            #expect(bad.status == .badRequest)
            #expect(String(buffer: bad.body).contains("lookback"))
            let empty = try await client.execute(uri: "/api/tracelab/dependencies", method: .get)
            #expect(empty.status == .ok)
        }
    }
}
