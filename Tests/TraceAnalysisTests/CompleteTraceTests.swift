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
        let appLocal = tree.spans.firstIndex { $0.id.value == 23 }
        #expect(appLocal != nil, "the app span is in the tree")
        let parent = appLocal.flatMap { tree.parents[$0] }.map { tree.spans[$0] }
        #expect(parent?.kind == .server && parent?.localServiceName == "service-b")
    }

    @Test("the lab's app spans (local handler and call spans with node_id) keep the trace complete and the hops unchanged")
    func labAppSpans() throws {
        func appSpan(_ id: UInt64, parent: UInt64, service: String, node: String, peer: String? = nil, from: Double, to: Double) -> ZipkinSpan {
            var span = SpanFactory.app(id, parent: parent, nil, service: service, from: from, to: to)
            span.tags = ["component": "app", "node_id": node, "guid:x-request-id": SpanFactory.requestID]
            if let peer { span.tags["peer.service"] = peer }
            return span
        }
        var spans = SpanFactory.bookinfoB3()
        spans.append(appSpan(20, parent: 3, service: "reviews", node: "reviews-v2", from: 37, to: 93))
        spans.append(appSpan(21, parent: 20, service: "reviews", node: "reviews-v2", peer: "ratings", from: 49, to: 81))
        let client = try #require(spans.firstIndex { $0.kind == .client && $0.remoteServiceName == "ratings" })
        spans[client].parentID = SpanFactory.id(21)
        let verdict = TraceAnalyzer.analyze(spans)
        #expect(verdict.complete, "\(verdict.findings)")
        #expect(verdict.hops.map(\.label) == ["productpage-v1 -> details", "productpage-v1 -> reviews", "reviews-v2 -> ratings"])
        let tree = TraceTree(spans)
        let call = try #require(tree.spans.firstIndex { $0.id.value == 21 })
        #expect(tree.parents[call].map { tree.spans[$0].id.value } == 20)
        let handler = try #require(tree.spans.firstIndex { $0.id.value == 20 })
        #expect(tree.parents[handler].map { tree.spans[$0].kind } == .server)

        // new-request-id with app spans: the call span keeps the old id, the sidecar's has the new one.
        spans = spans.map { span in
            var copy = span
            if span.isProxySpan && (span.remoteServiceName == "ratings" || span.localServiceName == "ratings") {
                copy.tags["guid:x-request-id"] = SpanFactory.otherRequestID
            }
            return copy
        }
        let changed = TraceAnalyzer.analyze(spans)
        #expect(changed.findings.map(\.hop) == ["reviews-v2 -> ratings"])
        #expect(changed.findings.map(\.code) == [.newRequestID])
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
