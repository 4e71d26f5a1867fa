import Testing
import Zipkin
@testable import TraceAnalysis

private typealias F = SpanFactory

/// Requests split in two traces by each propagation bug of the lab.
enum SplitFixtures {
    /// Caller's part: productpage → reviews-v2; reviews-v2 forwarded no B3, so its call to
    /// ratings is not here.
    static let callerPart: [ZipkinSpan] = [
        F.sidecar(1, .server, service: "productpage", from: 0, to: 100),
        F.sidecar(3, parent: 1, .client, service: "productpage", remote: "reviews", from: 35, to: 95),
        F.sidecar(3, parent: 1, .server, service: "reviews", node: "reviews-v2", from: 36, to: 94, shared: true),
    ]

    /// drop-b3: reviews-v2's sidecar started trace B for the call; x-request-id was kept.
    static let dropB3: [ZipkinSpan] = [
        F.sidecar(40, .client, service: "reviews", node: "reviews-v2", remote: "ratings", from: 50, to: 80, trace: F.traceB),
        F.sidecar(40, .server, service: "ratings", from: 51, to: 79, shared: true, trace: F.traceB),
    ]

    /// drop-all: the same, but the sidecar made up a new x-request-id too.
    static let dropAll: [ZipkinSpan] = dropB3.map { span in
        var copy = span
        copy.tags["guid:x-request-id"] = F.otherRequestID
        return copy
    }

    /// only-traceparent to a B3-only sidecar: reviews-v2's CLIENT span is in trace A, nobody
    /// answered it there; ratings' sidecar started trace B with the same x-request-id.
    static let formatMismatchA: [ZipkinSpan] = callerPart + [
        F.sidecar(4, parent: 3, .client, service: "reviews", node: "reviews-v2", remote: "ratings", from: 50, to: 80),
    ]
    static let formatMismatchB: [ZipkinSpan] = [
        F.sidecar(50, .server, service: "ratings", from: 51, to: 79, trace: F.traceB),
    ]
}

@Suite("hops split across traces")
struct SplitHopTests {
    @Test("drop-b3: the new trace shares the x-request-id, so the cause is missing-b3")
    func dropB3() throws {
        let set = TraceAnalyzer.analyze(traces: [SplitFixtures.callerPart, SplitFixtures.dropB3])
        #expect(!set.complete)
        let link = try #require(set.links.first)
        #expect(set.links.count == 1)
        #expect(link.hop == "reviews-v2 -> ratings")
        #expect(link.code == .missingB3)
        #expect(link.requestID == F.requestID)
        #expect(link.fromTraceID == F.traceA.hex && link.toTraceID == F.traceB.hex)
        #expect(link.fromSpanID == "0000000000000003" && link.toSpanID == "0000000000000028")

        for (verdict, other) in [(set.traces[0], F.traceB.hex), (set.traces[1], F.traceA.hex)] {
            #expect(!verdict.complete)
            let finding = try #require(verdict.findings.first { $0.kind == .splitHop })
            #expect(finding.hop == "reviews-v2 -> ratings")
            #expect(finding.code == .missingB3)
            #expect(finding.brokenLink)
            #expect(finding.relatedTraceIDs == [other])
            #expect(finding.cause.hasPrefix("reviews-v2 did not forward the x-b3-* headers"))
            #expect(!verdict.findings.contains { $0.kind == .fragment })
        }
    }

    @Test("drop-b3 with app spans: the app's own unanswered CLIENT span is the caller's side")
    func dropB3WithAppSpans() throws {
        let appClient = F.app(30, parent: 3, .client, service: "reviews", remote: "ratings", from: 49, to: 81)
        var tagged = appClient
        tagged.tags["guid:x-request-id"] = F.requestID
        let set = TraceAnalyzer.analyze(traces: [SplitFixtures.callerPart + [tagged], SplitFixtures.dropB3])
        let link = try #require(set.links.first)
        #expect(link.fromSpanID == "000000000000001e")
        #expect(link.code == .missingB3)
        #expect(!set.traces[0].findings.contains { $0.kind == .unansweredClient })
    }

    @Test("drop-b3 with the lab's app spans: the local call span naming the peer is the caller's side")
    func dropB3WithLabAppSpans() throws {
        var handler = F.app(20, parent: 3, nil, service: "reviews", from: 37, to: 93)
        var call = F.app(21, parent: 20, nil, service: "reviews", from: 49, to: 81)
        var unrelated = F.app(22, parent: 20, nil, service: "reviews", from: 82, to: 83)
        for index in [0, 1, 2] {
            var span = [handler, call, unrelated][index]
            span.tags = ["component": "app", "node_id": "reviews-v2", "guid:x-request-id": F.requestID]
            if index == 1 { span.tags["peer.service"] = "ratings" }
            if index == 0 { handler = span } else if index == 1 { call = span } else { unrelated = span }
        }
        let set = TraceAnalyzer.analyze(traces: [SplitFixtures.callerPart + [handler, call, unrelated], SplitFixtures.dropB3])
        let link = try #require(set.links.first)
        #expect(link.fromSpanID == "0000000000000015")
        #expect(link.code == .missingB3)
        #expect(set.traces[0].findings.map(\.kind) == [.splitHop])
    }

    @Test("drop-all: no shared x-request-id, matched by the one reviews-v2 request running then")
    func dropAll() throws {
        let set = TraceAnalyzer.analyze(traces: [SplitFixtures.callerPart, SplitFixtures.dropAll])
        let link = try #require(set.links.first)
        #expect(link.code == .missingHeaders)
        #expect(link.requestID == nil)
        #expect(link.hop == "reviews-v2 -> ratings")
        #expect(set.traces[1].findings.first?.code == .missingHeaders)
    }

    @Test("drop-all with two reviews-v2 requests running at once: cause known, caller trace not")
    func dropAllAmbiguous() throws {
        let concurrent = SplitFixtures.callerPart.map { span in
            var copy = span
            copy.traceID = F.traceC
            copy.tags["guid:x-request-id"] = "11111111-2222-4333-8444-555555555555"
            return copy
        }
        let set = TraceAnalyzer.analyze(traces: [SplitFixtures.callerPart, concurrent, SplitFixtures.dropAll])
        #expect(set.links.isEmpty)
        let finding = try #require(set.traces[2].findings.first { $0.kind == .fragment })
        #expect(finding.code == .missingHeaders)
        #expect(finding.hop == "reviews-v2 -> ratings")
    }

    @Test("only-traceparent to a B3-only sidecar: CLIENT in one trace, SERVER root in another")
    func formatMismatch() throws {
        let alone = TraceAnalyzer.analyze(SplitFixtures.formatMismatchA)
        #expect(alone.findings.first?.kind == .unansweredClient)

        let set = TraceAnalyzer.analyze(traces: [SplitFixtures.formatMismatchA, SplitFixtures.formatMismatchB])
        let link = try #require(set.links.first)
        #expect(link.code == .formatMismatch)
        #expect(link.hop == "reviews-v2 -> ratings")
        #expect(link.fromSpanID == "0000000000000004")
        let callerSide = set.traces[0].findings
        #expect(callerSide.map(\.kind) == [.splitHop])
        #expect(callerSide.first?.cause.contains("only traceparent") == true)
        #expect(set.traces[1].findings.map(\.kind) == [.splitHop])

        // With the lab's entries known, the callee's trace alone is already a fragment; linked,
        // the fragment becomes the split.
        let options = TraceAnalysisOptions(entryServices: ["productpage"])
        let withEntries = TraceAnalyzer.analyze(traces: [SplitFixtures.formatMismatchA, SplitFixtures.formatMismatchB], options: options)
        #expect(withEntries.traces[1].findings.map(\.kind) == [.splitHop])
    }

    @Test("analysing spans of many traces groups them by trace id first")
    func flatSpans() throws {
        let spans = (SplitFixtures.formatMismatchA + SplitFixtures.formatMismatchB).shuffled(seed: 7)
        let set = TraceAnalyzer.analyze(spansOfManyTraces: spans)
        #expect(set.traces.count == 2)
        #expect(set.links.map(\.code) == [.formatMismatch])
        #expect(set.verdict(for: F.traceB.hex)?.complete == false)
    }

    @Test("two calls of one request that both lost their context both link to the caller")
    func twoFragments() throws {
        let second: [ZipkinSpan] = [
            F.sidecar(41, .client, service: "reviews", node: "reviews-v2", remote: "ratings", from: 82, to: 90, trace: F.traceC),
            F.sidecar(41, .server, service: "ratings", from: 83, to: 89, shared: true, trace: F.traceC),
        ]
        let set = TraceAnalyzer.analyze(traces: [SplitFixtures.callerPart, SplitFixtures.dropB3, second])
        #expect(set.links.count == 2)
        #expect(set.links.allSatisfy { $0.fromTraceID == F.traceA.hex && $0.fromSpanID == "0000000000000003" && $0.code == .missingB3 })
        #expect(set.traces[0].findings.filter { $0.kind == .splitHop }.count == 2)
    }

    @Test("a request replayed later with the same x-request-id is not a split")
    func replayedRequest() {
        let replay = SpanFactory.bookinfoW3C().map { span in
            var copy = span
            copy.traceID = F.traceB
            copy.timestamp = span.timestamp.map { $0 + 500_000 }
            return copy
        }
        let set = TraceAnalyzer.analyze(traces: [SpanFactory.bookinfoB3(), replay])
        #expect(set.links.isEmpty)
        #expect(set.complete)
    }

    @Test("complete traces of different requests are not linked")
    func unrelated() {
        let second = SpanFactory.bookinfoW3C().map { span in
            var copy = span
            copy.traceID = F.traceB
            copy.tags["guid:x-request-id"] = F.otherRequestID
            return copy
        }
        let set = TraceAnalyzer.analyze(traces: [SpanFactory.bookinfoB3(), second])
        #expect(set.complete)
        #expect(set.links.isEmpty)
    }
}
