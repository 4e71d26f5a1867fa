import Testing
import TraceContext
import Zipkin
@testable import TraceAnalysis

private typealias F = SpanFactory

/// A request seen whole: its fragments, its breaks, and how ambiguity under concurrency shows.
@Suite("request-level verdicts")
struct RequestVerdictTests {
    /// `SplitFixtures.callerPart` moved to another trace, request id and time.
    static func caller(_ trace: TraceID, requestID: String, shift milliseconds: Double = 0) -> [ZipkinSpan] {
        SplitFixtures.callerPart.map { span in
            var copy = span
            copy.traceID = trace
            copy.tags["guid:x-request-id"] = requestID
            copy.timestamp = span.timestamp.map { UInt64(Int64($0) + Int64(milliseconds * 1000)) }
            return copy
        }
    }

    /// reviews-v2's sidecar starting a trace for a call to ratings, with a made-up request id.
    static func dropAllFragment(_ trace: TraceID, id: UInt64, from start: Double, to end: Double, requestID: String) -> [ZipkinSpan] {
        [
            F.sidecar(id, .client, service: "reviews", node: "reviews-v2", remote: "ratings", from: start, to: end, trace: trace, requestID: requestID),
            F.sidecar(id, .server, service: "ratings", from: start + 1, to: end - 1, shared: true, trace: trace, requestID: requestID),
        ]
    }

    @Test("a complete trace is a request of one fragment and no break")
    func completeRequest() throws {
        let set = TraceAnalyzer.analyze(traces: [F.bookinfoB3()])
        let request = try #require(set.traces[0].request)
        #expect(request.complete)
        #expect(request.traceIDs == [F.traceA.hex])
        #expect(request.breaks.isEmpty)
        #expect(request.requestID == F.requestID)
        #expect(request.fragments.map(\.entry) == [true])
        #expect(request.fragments.first?.rootKind == "SERVER")
        #expect(request.fragments.first?.rootService == "productpage-v1")
        #expect(!request.ambiguous)
        #expect(TraceAnalyzer.analyze(F.bookinfoB3()).request == nil)
    }

    @Test("drop-all: the caller's half is not complete, and both halves name the same request")
    func dropAllRequest() throws {
        let set = TraceAnalyzer.analyze(traces: [SplitFixtures.callerPart, SplitFixtures.dropAll])
        for verdict in set.traces {
            #expect(!verdict.complete)
            let request = try #require(verdict.request)
            #expect(!request.complete)
            #expect(request.traceIDs == [F.traceA.hex, F.traceB.hex])
            #expect(request.requestID == F.requestID)
            #expect(request.requestIDs == [F.requestID, F.otherRequestID].sorted())
            #expect(request.fragments.map(\.entry) == [true, false])
            #expect(request.fragments.map(\.rootKind) == ["SERVER", "CLIENT"])
            #expect(request.fragments.map(\.rootService) == ["productpage-v1", "reviews-v2"])
            let brokenHop = try #require(request.breaks.first)
            #expect(request.breaks.count == 1)
            #expect(brokenHop.hop == "reviews-v2 -> ratings")
            #expect(brokenHop.code == .missingHeaders)
            #expect(brokenHop.matchedBy == .time)
            #expect(brokenHop.fromTraceID == F.traceA.hex && brokenHop.fromSpanID == "0000000000000003")
            #expect(brokenHop.toTraceID == F.traceB.hex && brokenHop.toSpanID == "0000000000000028")
            #expect(!brokenHop.ambiguous)
            #expect(request.summary.contains("reviews-v2 -> ratings (missing-trace-headers)"))
        }
        let upstream = try #require(set.traces[0].findings.first)
        #expect(upstream.kind == .splitHop && upstream.hop == "reviews-v2 -> ratings" && upstream.relatedTraceIDs == [F.traceB.hex])
    }

    @Test("drop-b3: the break is matched by the shared x-request-id")
    func dropB3Request() throws {
        let set = TraceAnalyzer.analyze(traces: [SplitFixtures.dropB3, SplitFixtures.callerPart])
        let request = try #require(set.traces[0].request)
        #expect(request.traceIDs == [F.traceA.hex, F.traceB.hex], "entry first, whatever the order given")
        #expect(request.breaks.map(\.matchedBy) == [.requestID])
        #expect(request.breaks.first?.requestID == F.requestID)
        #expect(request.breaks.first?.code == .missingB3)
        #expect(set.traces[1].request == request)
    }

    @Test("drop-all with two requests running at once: the fragment names both, both are broken, the request says ambiguous")
    func ambiguousUnderConcurrency() throws {
        let other = "11111111-2222-4333-8444-555555555555"
        let set = TraceAnalyzer.analyze(traces: [SplitFixtures.callerPart, Self.caller(F.traceC, requestID: other), SplitFixtures.dropAll])
        #expect(set.links.isEmpty)
        let ambiguous = try #require(set.ambiguousLinks.first)
        #expect(set.ambiguousLinks.count == 1)
        #expect(ambiguous.hop == "reviews-v2 -> ratings")
        #expect(ambiguous.toTraceID == F.traceB.hex)
        #expect(Set(ambiguous.candidates.map(\.traceID)) == [F.traceA.hex, F.traceC.hex])

        let fragment = try #require(set.traces[2].findings.first)
        #expect(fragment.kind == .fragment && fragment.ambiguous && fragment.code == .missingHeaders)
        #expect(Set(fragment.relatedTraceIDs) == [F.traceA.hex, F.traceC.hex])
        for host in set.traces[0...1] {
            #expect(!host.complete, "a request that may have lost the call is never called complete")
            let finding = try #require(host.findings.first)
            #expect(finding.kind == .splitHop && finding.ambiguous && finding.relatedTraceIDs == [F.traceB.hex])
            let request = try #require(host.request)
            #expect(request.ambiguous && !request.complete)
            #expect(request.traceIDs == [host.traceID])
            #expect(request.fragments.last?.traceID == F.traceB.hex && request.fragments.last?.possible == true)
            #expect(request.breaks.first?.candidates.count == 2)
            #expect(request.breaks.first?.fromTraceID == nil)
        }
        let fragmentRequest = try #require(set.traces[2].request)
        #expect(fragmentRequest.fragments.filter(\.possible).count == 2)
        #expect(fragmentRequest.summary.contains("several requests were running"))
    }

    @Test("concurrent requests are told apart when a host is taken by the only fragment that fits it")
    func eliminationUnderConcurrency() throws {
        let other = "11111111-2222-4333-8444-555555555555"
        // Host A serves 36-94 ms, host C 60-140 ms. Fragment B (50-80) fits only A; fragment D
        // (70-90) fits both, but A already made its call to ratings, so D is C's.
        let fragmentD = Self.dropAllFragment(TraceID(high: 0, low: 0xd0d)!, id: 0x41, from: 70, to: 90, requestID: "22222222-2222-4333-8444-555555555555")
        let hostC = Self.caller(F.traceC, requestID: other, shift: 24).map { span in
            var copy = span
            if span.localServiceName == "reviews" && span.kind == .server { copy.duration = 80_000 }
            if span.localServiceName == "productpage" { copy.duration = (span.duration ?? 0) + 30_000 }
            return copy
        }
        let set = TraceAnalyzer.analyze(traces: [SplitFixtures.callerPart, hostC, SplitFixtures.dropAll, fragmentD])
        #expect(set.ambiguousLinks.isEmpty)
        let pairs = Set(set.links.map { "\($0.fromTraceID)>\($0.toTraceID)" })
        #expect(pairs == ["\(F.traceA.hex)>\(F.traceB.hex)", "\(F.traceC.hex)>\(fragmentD[0].traceID.hex)"])
        #expect(set.traces.allSatisfy { !$0.complete })
    }

    @Test("the spans of one sidecar are compared on its own clock, not the skew-corrected one")
    func fragmentMustLieInsideTheHost() {
        // The fragment starts before reviews-v2 began serving: no candidate, no link.
        let early = Self.dropAllFragment(F.traceB, id: 0x28, from: 20, to: 30, requestID: F.otherRequestID)
        let set = TraceAnalyzer.analyze(traces: [SplitFixtures.callerPart, early])
        #expect(set.links.isEmpty && set.ambiguousLinks.isEmpty)
        #expect(set.traces[0].complete)
        #expect(set.traces[0].request?.complete == true)
    }

    @Test("the lookups that find a trace's request: request ids, then callers of a fragment, then the nodes it ran on")
    func lookups() throws {
        let host = RelatedTraceSearch.lookups(for: SplitFixtures.callerPart)
        #expect(host.map(\.criterion) == [
            .requestID(F.requestID),
            .node(service: "productpage", nodeID: "productpage-v1"),
            .node(service: "reviews", nodeID: "reviews-v2"),
        ])
        #expect(host.map(\.purpose) == [.sameRequestID, .calleeFragments, .calleeFragments])
        let reviews = host[2]
        #expect(reviews.startMicros == F.at(36) - 1_000 && reviews.endMicros == F.at(94) + 1_000)
        #expect(host[0].startMicros == F.at(0) - 600_000_000 && host[0].endMicros == F.at(100) + 600_000_000)

        let fragment = RelatedTraceSearch.lookups(for: SplitFixtures.dropAll)
        #expect(fragment.map(\.purpose) == [.sameRequestID, .callerRequests, .calleeFragments])
        #expect(fragment[1].criterion == .node(service: "reviews", nodeID: "reviews-v2"))
        #expect(fragment[1].startMicros == F.at(50) - 60_000_000 && fragment[1].endMicros == F.at(50) + 1_000)

        let bounded = RelatedTraceSearch.lookups(for: SplitFixtures.callerPart, limits: .init(maxRequestIDs: 0, maxNodes: 1))
        #expect(bounded.count == 1)
        #expect(RelatedTraceSearch.lookups(for: []).isEmpty)
    }
}
