import Testing
import Zipkin
@testable import TraceAnalysis

@Suite("complete traces")
struct CompleteTraceTests {
    @Test("a B3 bookinfo trace with shared span ids is complete", arguments: [false, true])
    func b3Complete(debug: Bool) {
        let verdict = TraceAnalyzer.analyze(SpanFactory.bookinfoB3(debug: debug))
        #expect(verdict.complete)
        #expect(verdict.findings.isEmpty)
        #expect(verdict.spanCount == 7)
        #expect(verdict.rootSpanIDs == ["0000000000000001"])
        #expect(verdict.requestIDs == [SpanFactory.requestID])
        #expect(verdict.services == ["details", "productpage", "ratings", "reviews"])
        #expect(verdict.durationMicroseconds == 100_000)
        #expect(verdict.hops.map(\.label) == ["productpage-v1 -> details", "productpage-v1 -> reviews", "reviews-v2 -> ratings"])
        #expect(verdict.hops.allSatisfy { $0.shared && $0.serverSpanID == $0.clientSpanID })
        #expect(verdict.hops.map(\.calleeNode) == ["details-v1", "reviews-v2", "ratings-v1"])
    }

    @Test("a W3C bookinfo trace with its own span id per side is complete")
    func w3cComplete() {
        let verdict = TraceAnalyzer.analyze(SpanFactory.bookinfoW3C())
        #expect(verdict.complete)
        #expect(verdict.findings.isEmpty)
        #expect(verdict.hops.map(\.label) == ["productpage-v1 -> details", "productpage-v1 -> reviews", "reviews-v2 -> ratings"])
        #expect(verdict.hops.allSatisfy { !$0.shared && $0.serverSpanID != nil })
    }

    @Test("span order and batching do not change the verdict", arguments: 1...12 as ClosedRange<UInt64>)
    func permutations(seed: UInt64) {
        for spans in [SpanFactory.bookinfoB3(), SpanFactory.bookinfoW3C(), SplitFixtures.formatMismatchA] {
            let expected = TraceAnalyzer.analyze(spans)
            let shuffled = spans.shuffled(seed: seed)
            #expect(TraceAnalyzer.analyze(shuffled) == expected)
            // A span reported twice (a retried batch) is the same span.
            #expect(TraceAnalyzer.analyze(shuffled + shuffled.prefix(2)) == expected)
        }
    }

    @Test("app spans nest between sidecar spans, including an app CLIENT before its sidecar's")
    func appSpans() {
        let spans = [
            SpanFactory.sidecar(1, .server, service: "service-a", from: 0, to: 50),
            SpanFactory.app(21, parent: 1, .server, service: "service-a", from: 1, to: 49),
            SpanFactory.app(22, parent: 21, .client, service: "service-a", remote: "service-b", from: 5, to: 45),
            SpanFactory.sidecar(2, parent: 22, .client, service: "service-a", remote: "service-b", from: 6, to: 44),
            SpanFactory.sidecar(2, parent: 22, .server, service: "service-b", from: 7, to: 43, shared: true),
            SpanFactory.app(23, parent: 2, nil, service: "service-b", from: 8, to: 42),
        ]
        let verdict = TraceAnalyzer.analyze(spans)
        #expect(verdict.complete, "\(verdict.findings)")
        #expect(verdict.hops.map(\.label) == ["service-a-v1 -> service-b"])
        let tree = TraceTree(spans)
        let appLocal = try? #require(tree.spans.firstIndex { $0.id.value == 23 })
        let parent = appLocal.flatMap { tree.parents[$0] }.map { tree.spans[$0] }
        #expect(parent?.kind == .server && parent?.localServiceName == "service-b")
    }

    @Test("expected hops match by service or node id")
    func expectedHopsPresent() throws {
        let options = TraceAnalysisOptions(
            expectedHops: try HopPattern.chain("productpage -> reviews -> ratings") + [HopPattern("reviews-v2 -> ratings")],
            expectedSpanCount: 7
        )
        #expect(TraceAnalyzer.analyze(SpanFactory.bookinfoB3(), options: options).complete)
    }

    @Test("a call aborted by a fault has no SERVER side and the trace stays complete")
    func abortedCall() throws {
        var spans = SpanFactory.bookinfoB3().filter { !($0.kind == .server && $0.localServiceName == "ratings") }
        let index = try #require(spans.firstIndex { $0.kind == .client && $0.remoteServiceName == "ratings" })
        spans[index].tags["http.status_code"] = "503"
        spans[index].tags["error"] = "fault abort"
        spans[index].tags["response_flags"] = "FI"
        let verdict = TraceAnalyzer.analyze(spans)
        #expect(verdict.complete)
        let finding = try #require(verdict.findings.first)
        #expect(finding.kind == .upstreamFailure)
        #expect(finding.severity == .info)
        #expect(finding.code == .upstreamFailed)
        #expect(finding.hop == "reviews-v2 -> ratings")
        #expect(finding.cause.contains("injected fault"))
        #expect(verdict.hops.last?.error == true)
    }

    @Test("a callee that reports nothing is accepted when declared uninstrumented")
    func uninstrumentedCallee() {
        let spans = [
            SpanFactory.sidecar(1, .server, service: "productpage", from: 0, to: 10),
            SpanFactory.sidecar(2, parent: 1, .client, service: "productpage", remote: "legacy", from: 1, to: 9),
        ]
        #expect(!TraceAnalyzer.analyze(spans).complete)
        #expect(TraceAnalyzer.analyze(spans, options: .init(uninstrumentedServices: ["Legacy"])).complete)
    }
}
