import Testing
import TraceContext
import Zipkin
@testable import TraceAnalysis

/// Random span soups (ids from a small pool so they collide, loops, missing parents, odd
/// times): the analysis must never trap and its invariants must hold.
@Suite("random traces")
struct RandomTraceTests {
    static func soup(seed: UInt64) -> [ZipkinSpan] {
        var random = SplitMix64(seed: seed)
        let count = Int(random.next() % 40)
        let services = ["productpage", "reviews", "ratings", "details", ""]
        let kinds: [ZipkinSpan.Kind?] = [.client, .server, nil, .producer, .consumer]
        let times: [UInt64?] = [nil, 0, 1, SpanFactory.epoch, SpanFactory.epoch + 5_000, .max - 3, .max]
        return (0..<count).map { _ in
            let id = random.next() % 12 + 1
            let parent = random.next() % 14
            let service = services[Int(random.next() % UInt64(services.count))]
            var tags = ZipkinTags()
            if random.next() % 2 == 0 { tags["component"] = "proxy" }
            if random.next() % 2 == 0 { tags["node_id"] = service + "-v\(random.next() % 3)" }
            if random.next() % 3 != 0 { tags["guid:x-request-id"] = random.next() % 2 == 0 ? SpanFactory.requestID : SpanFactory.otherRequestID }
            if random.next() % 5 == 0 { tags["error"] = "true" }
            return ZipkinSpan(
                traceID: random.next() % 8 == 0 ? SpanFactory.traceB : SpanFactory.traceA,
                id: SpanID(id)!, parentID: parent == 0 ? nil : SpanID(parent),
                name: "op", kind: kinds[Int(random.next() % UInt64(kinds.count))],
                timestamp: times[Int(random.next() % UInt64(times.count))],
                duration: [nil, 1, 1_000, 50_000, .max][Int(random.next() % 5)],
                localEndpoint: ZipkinEndpoint(serviceName: service),
                remoteEndpoint: random.next() % 2 == 0 ? ZipkinEndpoint(serviceName: services[Int(random.next() % 4)]) : nil,
                tags: tags, debug: random.next() % 4 == 0, shared: random.next() % 2 == 0
            )
        }
    }

    @Test("analysis, set analysis and rendering hold their invariants", arguments: 0..<120 as Range<UInt64>)
    func invariants(seed: UInt64) {
        let spans = Self.soup(seed: seed)
        let verdict = TraceAnalyzer.analyze(spans)
        let tree = TraceTree(spans)
        #expect(verdict.spanCount == tree.spans.count)
        #expect(verdict.complete == !verdict.findings.contains { $0.severity == .error })
        #expect(Set(tree.depthFirst()).count == tree.spans.count)
        #expect(tree.depthFirst().count == tree.spans.count)
        #expect(verdict.criticalPath.durationMicroseconds <= verdict.durationMicroseconds || verdict.durationMicroseconds == 0)
        #expect(TraceAnalyzer.analyze(spans.reversed()) == verdict)
        let set = TraceAnalyzer.analyze(spansOfManyTraces: spans + Self.soup(seed: seed &+ 1_000))
        #expect(set.traces.allSatisfy { $0.complete == !$0.findings.contains { $0.severity == .error } })
        let text = ASCIIWaterfall.render(spans: spans, verdict: verdict, width: 80)
        #expect(text.utf8.allSatisfy { $0 == 0x0A || (0x20...0x7E).contains($0) })
    }
}
