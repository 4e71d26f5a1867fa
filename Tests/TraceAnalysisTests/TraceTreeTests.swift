import Testing
import Zipkin
@testable import TraceAnalysis

private typealias F = SpanFactory

@Suite("trace tree")
struct TraceTreeTests {
    private func parent(of id: UInt64, _ kind: ZipkinSpan.Kind?, in tree: TraceTree) -> ZipkinSpan? {
        guard let index = tree.spans.firstIndex(where: { $0.id.value == id && $0.kind == kind }) else { return nil }
        return tree.parents[index].map { tree.spans[$0] }
    }

    @Test("a shared SERVER span is the child of the CLIENT span with its id, and the callee's calls hang from the SERVER")
    func sharedPairs() {
        let tree = TraceTree(F.bookinfoB3().reversed())
        #expect(parent(of: 3, .server, in: tree)?.kind == .client)
        #expect(parent(of: 3, .server, in: tree)?.localServiceName == "productpage")
        #expect(parent(of: 4, .client, in: tree)?.kind == .server)
        #expect(parent(of: 4, .client, in: tree)?.localServiceName == "reviews")
        #expect(tree.roots.count == 1 && tree.orphans.isEmpty && tree.cycleBreaks.isEmpty)
        #expect(tree.depths().max() == 4)
    }

    @Test("a SERVER span sharing a CLIENT id joins it even without the shared flag")
    func sharedWithoutFlag() {
        let spans = [
            F.sidecar(1, .server, service: "a", from: 0, to: 10),
            F.sidecar(2, parent: 1, .client, service: "a", remote: "b", from: 1, to: 9),
            F.sidecar(2, parent: 1, .server, service: "b", from: 2, to: 8),
        ]
        #expect(parent(of: 2, .server, in: TraceTree(spans))?.kind == .client)
    }

    @Test("depth-first order puts parents first and siblings in time order")
    func order() {
        let tree = TraceTree(F.bookinfoW3C().shuffled(seed: 3))
        let order = tree.depthFirst().map { tree.spans[$0].id.value }
        #expect(order == [1, 2, 12, 3, 13, 4, 14])
    }

    @Test("exact duplicates are dropped and counted")
    func duplicates() {
        let spans = F.bookinfoB3()
        let tree = TraceTree(spans + spans)
        #expect(tree.spans.count == spans.count)
        #expect(tree.droppedDuplicates == spans.count)
    }

    @Test("spans that differ only in tags still sort the same whatever their arrival order")
    func totalOrder() {
        var first = F.sidecar(2, parent: 1, .client, service: "a", remote: "b", from: 1, to: 2)
        var second = first
        first.tags["x"] = "1"
        second.tags["x"] = "2"
        let root = F.sidecar(1, .server, service: "a", from: 0, to: 3)
        #expect(TraceTree([root, first, second]).spans == TraceTree([second, first, root]).spans)
        #expect(TraceAnalyzer.analyze([root, first, second]) == TraceAnalyzer.analyze([second, root, first]))
    }

    @Test("a self-parented span and a two-span loop are cut, every span stays reachable")
    func loops() {
        let spans = [
            F.sidecar(5, parent: 5, .server, service: "self", from: 0, to: 1),
            F.sidecar(6, parent: 7, .server, service: "loop", from: 0, to: 1),
            F.sidecar(7, parent: 6, .server, service: "loop", from: 0, to: 1),
        ]
        let tree = TraceTree(spans)
        #expect(tree.depthFirst().count == 3)
        #expect(tree.orphans.count == 1)  // parent 5 of span 5 excluding itself: not in the trace
        #expect(tree.cycleBreaks.count == 1)
    }

    @Test("a 10 000-span chain does not overflow the stack and analyses as complete")
    func deepChain() {
        var spans = [F.sidecar(1, .server, service: "s0", from: 0, to: 20_000)]
        for depth in 1..<10_000 {
            let id = UInt64(depth + 1)
            spans.append(F.app(id, parent: UInt64(depth), nil, service: "s\(depth % 7)", from: Double(depth), to: 20_000 - Double(depth)))
        }
        let verdict = TraceAnalyzer.analyze(spans.shuffled(seed: 1))
        #expect(verdict.spanCount == 10_000)
        #expect(verdict.complete, "\(verdict.findings.prefix(3))")
        #expect(verdict.criticalPath.durationMicroseconds == 20_000_000)
        #expect(TraceTree(spans).depths().max() == 9_999)
    }
}

@Suite("hostile input")
struct HostileInputTests {
    @Test("times near UInt64.max give a verdict and a waterfall, never a trap")
    func extremeTimes() {
        let trace = SpanFactory.traceA
        let spans = [
            ZipkinSpan(traceID: trace, id: SpanFactory.id(1), kind: .server, timestamp: .max - 1, duration: .max, localEndpoint: .init(serviceName: "a")),
            ZipkinSpan(traceID: trace, id: SpanFactory.id(2), parentID: SpanFactory.id(1), kind: .client, timestamp: 1, duration: .max,
                       localEndpoint: .init(serviceName: "a"), remoteEndpoint: .init(serviceName: "b")),
            ZipkinSpan(traceID: trace, id: SpanFactory.id(2), parentID: SpanFactory.id(1), kind: .server, timestamp: .max, duration: 1,
                       localEndpoint: .init(serviceName: "b"), shared: true),
            ZipkinSpan(traceID: trace, id: SpanFactory.id(3), parentID: SpanFactory.id(2), timestamp: 2, localEndpoint: .init(serviceName: "c")),
        ]
        let verdict = TraceAnalyzer.analyze(spans)
        #expect(verdict.spanCount == 4)
        let text = ASCIIWaterfall.render(spans: spans, verdict: verdict, width: 100)
        #expect(text.contains("Trace "))
        #expect(DurationText.format(.max) == "18446744073710s")
        #expect(DurationText.format(999_999) == "1.00s")
    }
}
